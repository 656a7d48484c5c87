/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The trigger's webhook() with a hand-made IWebhookFunctions: status codes, routing and filters.
 * The real HTTPS path through n8n is covered by the end-to-end tests.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { MindeeTrigger } from '../../nodes/Mindee/MindeeTrigger.node';
import { computeSignature } from '../../nodes/Mindee/trigger/delivery';
import { forgetSigningSecrets } from '../../nodes/Mindee/trigger/signingSecrets';
import { madeUpSecret } from '../madeUpSecret';
import { TRIGGER_VERSION } from '../e2e/workflows/webhook';

const fixtures = join(__dirname, '../fixtures/mindee-v2');
const SECRET = madeUpSecret('test-signing-secret-', '0123456789');

const resultBody = Buffer.from(JSON.stringify(JSON.parse(readFileSync(join(fixtures, 'products/extraction/financial_document/complete_with_coordinates.json'), 'utf8'))));
const failureBody = Buffer.from(JSON.stringify(JSON.parse(readFileSync(join(fixtures, 'errors/webhook_error_500_failed.json'), 'utf8'))));

interface Sent {
	status?: number;
	body?: unknown;
}

interface CredentialStore {
	id: string;
	secret: string;
	reads: number;
	/** When set, a read returns the secret as it was when the read began, once this settles. */
	gate?: Promise<void>;
}

function context(rawBody: Buffer, signature: string | undefined, parameters: IDataObject = {}, credential?: CredentialStore) {
	const sent: Sent = {};
	const response = {
		status(code: number) {
			sent.status = code;
			return response;
		},
		json(body: unknown) {
			sent.body = body;
			return response;
		},
	};
	const values: IDataObject = { signatureCheck: 'verify', outputMode: 'simplified', splitListField: '', filters: {}, ...parameters };
	const ctx = {
		getRequestObject: () => ({ rawBody, body: {}, headers: signature === undefined ? {} : { 'x-signature': signature } }),
		getResponseObject: () => response,
		getNode: () => ({
			name: 'Mindee Webhook Trigger',
			type: 'n8n-nodes-mindee.mindeeTrigger',
			...(credential ? { credentials: { mindeeWebhookApi: { id: credential.id, name: 'Signing secret' } } } : {}),
		}),
		getNodeParameter: (name: string, fallback?: unknown) => values[name] ?? fallback,
		getCredentials: async () => {
			if (!credential) return { signingSecret: SECRET };
			credential.reads++;
			const secret = credential.secret;
			if (credential.gate) await credential.gate;
			return { signingSecret: secret };
		},
		helpers: { returnJsonArray: (items: IDataObject[]) => items.map((json) => ({ json })) },
	} as unknown as IWebhookFunctions;
	return { ctx, sent };
}

const trigger = new MindeeTrigger();

it('is added at version 1.1 (what the tests and the bench use), and loads workflows saved at 1', () => {
	// n8n 2.x evaluates an expression in an isolate for every request to a webhook node at
	// typeVersion 1; 1.1 is the same node without that cost.
	expect(trigger.description.version).toEqual([1, 1.1]);
	expect(trigger.description.defaultVersion).toBe(TRIGGER_VERSION);
});

beforeEach(() => forgetSigningSecrets());

describe('the Signing Secret, read once a minute per credential', () => {
	it('verifies every delivery but reads the credential once for many', async () => {
		const credential = { id: 'cred-1', secret: SECRET, reads: 0 };
		for (let i = 0; i < 5; i++) {
			const { ctx, sent } = context(resultBody, computeSignature(SECRET, resultBody), {}, credential);
			expect((await trigger.webhook.call(ctx)).workflowData).toBeDefined();
			expect(sent.status).toBeUndefined();
		}
		expect(credential.reads).toBe(1);
		// A wrong signature is still refused, after a fresh read (the secret may have changed).
		const { ctx, sent } = context(resultBody, computeSignature('not-the-secret', resultBody), {}, credential);
		expect(await trigger.webhook.call(ctx)).toEqual({ noWebhookResponse: true });
		expect(sent.status).toBe(401);
		expect(credential.reads).toBe(2);
	});

	it('uses a changed secret at once: a signature that fails the kept one is checked against a fresh read', async () => {
		const credential = { id: 'cred-2', secret: SECRET, reads: 0 };
		await trigger.webhook.call(context(resultBody, computeSignature(SECRET, resultBody), {}, credential).ctx);
		credential.secret = 'the-new-signing-secret';
		const { ctx, sent } = context(resultBody, computeSignature('the-new-signing-secret', resultBody), {}, credential);
		expect((await trigger.webhook.call(ctx)).workflowData).toBeDefined();
		expect(sent.status).toBeUndefined();
		expect(credential.reads).toBe(2);
	});

	it('reads the credential once for a burst that arrives before anything is kept', async () => {
		const credential = { id: 'cred-4', secret: SECRET, reads: 0 };
		const signature = computeSignature(SECRET, resultBody);
		const burst = Array.from({ length: 50 }, () => context(resultBody, signature, {}, credential));
		const answers = await Promise.all(burst.map(({ ctx }) => trigger.webhook.call(ctx)));
		expect(answers.every((answer) => answer.workflowData !== undefined)).toBe(true);
		expect(burst.every(({ sent }) => sent.status === undefined)).toBe(true);
		expect(credential.reads).toBe(1);
	});

	it('reads a changed secret once for a burst signed with it, and refuses the wrong ones after one more read', async () => {
		const credential = { id: 'cred-5', secret: SECRET, reads: 0 };
		await trigger.webhook.call(context(resultBody, computeSignature(SECRET, resultBody), {}, credential).ctx);
		credential.secret = 'the-new-signing-secret';
		const good = Array.from({ length: 20 }, () =>
			context(resultBody, computeSignature('the-new-signing-secret', resultBody), {}, credential),
		);
		const bad = Array.from({ length: 5 }, () =>
			context(resultBody, computeSignature('not-the-secret', resultBody), {}, credential),
		);
		await Promise.all([...good, ...bad].map(({ ctx }) => trigger.webhook.call(ctx)));
		expect(good.every(({ sent }) => sent.status === undefined)).toBe(true);
		expect(bad.every(({ sent }) => sent.status === 401)).toBe(true);
		// The burst's first delivery began the read that all share; the wrong ones arrived after it
		// began, so they are refused only after one more (begun once it ended), which they share too.
		expect(credential.reads).toBe(3);
	});

	it('refuses a delivery only after a read that began after it arrived', async () => {
		const credential: CredentialStore = { id: 'cred-6', secret: SECRET, reads: 0 };
		await trigger.webhook.call(context(resultBody, computeSignature(SECRET, resultBody), {}, credential).ctx);
		// A wrongly signed delivery starts a read that is slow to answer…
		let open!: () => void;
		credential.gate = new Promise((resolve) => (open = resolve));
		const wrong = context(resultBody, computeSignature('not-the-secret', resultBody), {}, credential);
		const wrongAnswer = trigger.webhook.call(wrong.ctx);
		// …the secret changes meanwhile, and a delivery signed with the new one arrives: the read in
		// flight began before the change, so it cannot refuse this one; a second read accepts it.
		credential.secret = 'the-new-signing-secret';
		const changed = context(resultBody, computeSignature('the-new-signing-secret', resultBody), {}, credential);
		const changedAnswer = trigger.webhook.call(changed.ctx);
		open();
		expect(await wrongAnswer).toEqual({ noWebhookResponse: true });
		expect(wrong.sent.status).toBe(401);
		expect((await changedAnswer).workflowData).toBeDefined();
		expect(changed.sent.status).toBeUndefined();
		expect(credential.reads).toBe(3);
	});

	it('refuses an unsigned or malformed signature without reading the credential', async () => {
		const credential = { id: 'cred-3', secret: SECRET, reads: 0 };
		for (const signature of [undefined, 'not-hex', 'ab'.repeat(31)]) {
			const { ctx, sent } = context(resultBody, signature, {}, credential);
			expect(await trigger.webhook.call(ctx)).toEqual({ noWebhookResponse: true });
			expect(sent.status).toBe(401);
		}
		expect(credential.reads).toBe(0);
	});
});

it('starts no execution and answers 401 without a valid signature', async () => {
	for (const signature of [undefined, 'f'.repeat(64), computeSignature('other-secret', resultBody)]) {
		const { ctx, sent } = context(resultBody, signature);
		expect(await trigger.webhook.call(ctx)).toEqual({ noWebhookResponse: true });
		expect(sent.status).toBe(401);
	}
});

it('answers 400 to a signed body that is not a Mindee payload', async () => {
	const body = Buffer.from('{"hello":"world"}');
	const { ctx, sent } = context(body, computeSignature(SECRET, body));
	expect(await trigger.webhook.call(ctx)).toEqual({ noWebhookResponse: true });
	expect(sent.status).toBe(400);
});

it('emits a signed result on the Result output, shaped like the Mindee node', async () => {
	const { ctx, sent } = context(resultBody, computeSignature(SECRET, resultBody));
	const response = await trigger.webhook.call(ctx);
	expect(sent.status).toBeUndefined();
	const [results, failures] = response.workflowData!;
	expect(failures).toHaveLength(0);
	expect(results).toHaveLength(1);
	expect(results[0].json).toMatchObject({ invoice_number: 'INT-001', total_amount: 204.75, mindee: { product: 'extraction' } });
});

it('splits line items into items when asked', async () => {
	const { ctx } = context(resultBody, computeSignature(SECRET, resultBody), { splitListField: 'line_items' });
	const [results] = (await trigger.webhook.call(ctx)).workflowData!;
	expect(results.map((item) => item.json.line_items__description)).toEqual(['Front and rear brake cables', 'New set of pedal arms', 'Labor 3hrs']);
});

it('outputs only the Selected Fields when that output is chosen', async () => {
	const { ctx } = context(resultBody, computeSignature(SECRET, resultBody), {
		outputMode: 'selectedFields',
		selectedFields: 'invoice_number, line_items.description',
	});
	const [results] = (await trigger.webhook.call(ctx)).workflowData!;
	expect(results.map((item) => item.json)).toEqual([
		{
			invoice_number: 'INT-001',
			line_items: [{ description: 'Front and rear brake cables' }, { description: 'New set of pedal arms' }, { description: 'Labor 3hrs' }],
		},
	]);
});

it('routes a failure notice to the Failed output', async () => {
	const { ctx } = context(failureBody, computeSignature(SECRET, failureBody));
	const [results, failures] = (await trigger.webhook.call(ctx)).workflowData!;
	expect(results).toHaveLength(0);
	expect(failures[0].json).toMatchObject({ status: 'failed', error_code: '500-012' });
});

it('acknowledges and ignores deliveries outside its filters', async () => {
	const { ctx, sent } = context(resultBody, computeSignature(SECRET, resultBody), { filters: { modelIds: '00000000-0000-4000-8000-000000000000' } });
	expect(await trigger.webhook.call(ctx)).toEqual({ noWebhookResponse: true });
	expect(sent.status).toBe(200);
	expect(JSON.stringify(sent.body)).toContain('Ignored');
});

it('accepts unsigned requests only when the check is explicitly off', async () => {
	const { ctx } = context(resultBody, undefined, { signatureCheck: 'off' });
	const [results] = (await trigger.webhook.call(ctx)).workflowData!;
	expect(results).toHaveLength(1);
});
