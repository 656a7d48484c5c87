/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * End-to-end: the Mindee Webhook Trigger of the packed package in a real n8n that serves HTTPS
 * itself (N8N_PROTOCOL=https with a throwaway self-signed certificate), fed by the fake Mindee
 * server, on every n8n version of test/e2e/harness/versions.ts:
 *
 *  - over plain http, activation is refused ("Mindee only delivers to https:// URLs") unless
 *    "Allow Non-HTTPS URL" is on;
 *  - over https: a Mindee node `enqueue` (run by `n8n execute` while the server runs) names the
 *    webhook, the fake delivers the signed result, the trigger's Result output gets it; a wrong
 *    X-Signature gets 401 and starts nothing, while a body signed over its exact (pretty-printed)
 *    bytes is accepted; a failed inference goes to the Failed output; a URL
 *    that is not on the model's webhooks at Mindee is refused at activation with the URL to add.
 *
 * Items are seen through HTTP Request nodes that POST each output's items to a local sink;
 * executions are counted in n8n's sqlite database (harness/executions.ts).
 * Run with `npx jest --selectProjects e2e --runInBand --testPathPatterns webhook`.
 */
import { readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import { Agent, fetch, FormData, request } from 'undici';

import type { MindeeJob } from '../../nodes/Mindee/shared/types';
import { signBody, startFakeMindee } from '../fake-mindee/server';
import type { FakeMindee, FakeMindeeOptions, MindeeResultField } from '../fake-mindee/types';
import { e2eVersions, N8nInstance, nodeErrorOf, outputOf, packPackage } from './harness';
import { savedExecutions, waitForExecutions } from './harness/executions';
import { HttpSink, SinkRequest, startHttpSink } from './harness/httpSink';
import { fixtureFile, mindeeCredential, NODE_NAMES } from './workflows/extraction';
import {
	enqueueWorkflow,
	triggerWebhookPath,
	triggerWorkflow,
	webhookCredential,
} from './workflows/webhook';
import { madeUpSecret } from '../madeUpSecret';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'mindee-v2');
const RESULT_FIXTURE = 'products/extraction/financial_document/complete.json';
const fixtureFields: Record<string, MindeeResultField> = JSON.parse(
	readFileSync(path.join(FIXTURES, RESULT_FIXTURE), 'utf8'),
).inference.result.fields;

/** The trigger's `mindee` metadata on a Result item, as these tests read it. */
type ResultMetadata = { inference_id?: string; alias?: string | null };

const MODEL = { id: 'e2e0b00c-4d4d-4e4e-8f8f-0123456789ab', name: 'E2E Invoices' };
/** The n8n trigger nodes' webhookIds (fix their production URLs). */
const HOOK = {
	https: '3c1d7e52-0a1b-4c2d-8e3f-5a6b7c8d9e01',
	unregistered: '3c1d7e52-0a1b-4c2d-8e3f-5a6b7c8d9e02',
	httpRefused: '3c1d7e52-0a1b-4c2d-8e3f-5a6b7c8d9e03',
	httpAllowed: '3c1d7e52-0a1b-4c2d-8e3f-5a6b7c8d9e04',
};
/** The webhook as set up at Mindee (its id goes into the enqueue's webhook_ids). */
const MINDEE_WEBHOOK_ID = '9a8b7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c0d';
const SIGNING_SECRET = madeUpSecret('whsec_e2e_', '0123456789abcdef');

const PLATFORM_CREDENTIAL = { id: 'mindeeE2eHookPlt', name: 'Mindee (fake server)' };
const WEBHOOK_CREDENTIAL = { id: 'mindeeE2eHookSig', name: 'Mindee webhook secret' };
const invoicePdf = fixtureFile('invoice.pdf', 'application/pdf');

const SETUP_TIMEOUT = 30 * 60_000;
const TEST_TIMEOUT = 4 * 60_000;
/** How long "nothing happens" is watched for (no sink request, no execution). */
const QUIET_MS = 4_000;

let fake: FakeMindee;
let sink: HttpSink;
let tarball: string;

beforeAll(async () => {
	fake = await startFakeMindee({ host: '127.0.0.1', processingMs: 300 });
	sink = await startHttpSink();
	tarball = await packPackage();
}, SETUP_TIMEOUT);

afterAll(async () => {
	await fake?.stop();
	await sink?.stop();
});

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The production URL n8n gives a trigger (no WEBHOOK_URL: `<protocol>://<N8N_HOST>:<port>/`). */
function productionUrl(n8n: N8nInstance, webhookId: string): string {
	return `${n8n.protocol}://localhost:${n8n.port}/webhook/${triggerWebhookPath(webhookId)}`;
}

/**
 * One extraction model, and one webhook on it with a signing secret whose URL is `registeredUrl`:
 * the fake lists it in the model's `webhooks[]` of GET /v2/search/models (what the trigger's
 * registration check reads) and delivers to it when an enqueue names MINDEE_WEBHOOK_ID.
 */
function fakeSetup(registeredUrl: string): Partial<FakeMindeeOptions> {
	return {
		models: [
			{
				id: MODEL.id,
				name: MODEL.name,
				model_type: 'extraction',
				resultFixture: RESULT_FIXTURE,
				webhooks: [],
			},
		],
		webhooks: [
			{
				id: MINDEE_WEBHOOK_ID,
				name: 'n8n e2e',
				url: registeredUrl,
				secret: SIGNING_SECRET,
				modelId: MODEL.id,
			},
		],
		faults: {},
	};
}

async function waitForLog(n8n: N8nInstance, pattern: RegExp, timeoutMs = 120_000): Promise<string> {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		// The running `n8n start`'s own output (activation happens there, not in the CLI commands).
		const lines = n8n.serverLogs(1_000_000).split('\n');
		const index = lines.findIndex((l) => pattern.test(l));
		if (index >= 0) return lines[index].trim();
		await sleep(500);
	}
	throw new Error(
		`n8n ${n8n.version}: no log line matching ${pattern} after ${timeoutMs} ms:\n${n8n.serverLogs(60)}`,
	);
}

async function waitForDelivery(jobId: string, timeoutMs = 60_000) {
	const started = Date.now();
	while (Date.now() - started < timeoutMs) {
		const deliveries = fake.webhookDeliveries.filter((d) => d.body.includes(jobId));
		const ok = deliveries.find((d) => d.status === 200);
		if (ok) return { ok, attempts: deliveries };
		await sleep(200);
	}
	throw new Error(
		`the fake did not deliver job ${jobId} with 200 in ${timeoutMs} ms: ${JSON.stringify(
			fake.webhookDeliveries.map(({ url, status, error }) => ({ url, status, error })),
		)}`,
	);
}

/** With E2E_KEEP_N8N_FOLDER=1, everything n8n printed is kept in <userFolder>/e2e-logs/all.log. */
async function cleanUp(n8n: N8nInstance | undefined): Promise<void> {
	if (!n8n) return;
	await n8n.stop();
	if (process.env.E2E_KEEP_N8N_FOLDER === '1') {
		writeFileSync(path.join(n8n.userFolder, 'e2e-logs', 'all.log'), n8n.logs());
	}
	await n8n.cleanup();
}

const sinkHitsOf = (workflowId: string, p?: string) => (r: SinkRequest) =>
	r.headers['x-n8n-workflow-id'] === workflowId && (p === undefined || r.path === p);

describe.each(e2eVersions())('n8n %s: Mindee Webhook Trigger', (version) => {
	const tag = `[e2e webhook n8n ${version}]`;

	describe('over plain http', () => {
		let n8n: N8nInstance;
		let refusedId: string;
		let allowedId: string;

		beforeAll(async () => {
			n8n = await N8nInstance.create({ version });
			fake.configure(fakeSetup('https://nowhere.invalid/unused'));
			await n8n.installPackage(tarball);
			await n8n.importCredentials([
				mindeeCredential({ ...PLATFORM_CREDENTIAL, apiKey: fake.apiKey, baseUrl: fake.url }),
				webhookCredential({ ...WEBHOOK_CREDENTIAL, signingSecret: SIGNING_SECRET }),
			]);
			[refusedId, allowedId] = await n8n.importWorkflows([
				triggerWorkflow({
					name: 'e2e trigger over http (refused)',
					webhookId: HOOK.httpRefused,
					webhookCredential: WEBHOOK_CREDENTIAL,
					platformCredential: PLATFORM_CREDENTIAL,
					parameters: {},
				}),
				triggerWorkflow({
					name: 'e2e trigger over http (allowed)',
					webhookId: HOOK.httpAllowed,
					webhookCredential: WEBHOOK_CREDENTIAL,
					parameters: { checkRegistration: false, allowInsecureUrl: true },
					// As saved before version 1.1 existed: such workflows keep working.
					typeVersion: 1,
				}),
			]);
			await n8n.activate(refusedId);
			await n8n.activate(allowedId);
			await n8n.start();
		}, SETUP_TIMEOUT);

		afterAll(async () => {
			await cleanUp(n8n);
		});

		it(
			'refuses activation for a non-HTTPS URL, unless "Allow Non-HTTPS URL" is on',
			async () => {
				const refusedUrl = productionUrl(n8n, HOOK.httpRefused);
				expect(refusedUrl).toMatch(/^http:\/\//);
				const line = await waitForLog(n8n, /Mindee only delivers to https:\/\/ URLs/);
				expect(line).toContain(`this workflow's URL is ${refusedUrl}`);

				// The allowed one activates and answers a signed delivery.
				await n8n.waitForWebhook(triggerWebhookPath(HOOK.httpAllowed));
				const body = JSON.stringify(
					JSON.parse(
						readFileSync(path.join(FIXTURES, 'errors/webhook_error_500_failed.json'), 'utf8'),
					),
				);
				const allowed = await n8n.request(
					'POST',
					`/webhook/${triggerWebhookPath(HOOK.httpAllowed)}`,
					{
						headers: {
							'content-type': 'application/json',
							'x-signature': signBody(SIGNING_SECRET, body),
						},
						body,
					},
				);
				expect(allowed.status).toBe(200);

				// The refused one registered no webhook.
				const refused = await n8n.request(
					'POST',
					`/webhook/${triggerWebhookPath(HOOK.httpRefused)}`,
					{
						headers: {
							'content-type': 'application/json',
							'x-signature': signBody(SIGNING_SECRET, body),
						},
						body,
					},
				);
				expect(refused.status).toBe(404);

				process.stdout.write(
					`${tag} non-HTTPS URL refused: ${JSON.stringify(line)}; POST → ${refused.status}; with allowInsecureUrl → ${allowed.status}\n`,
				);
			},
			TEST_TIMEOUT,
		);
	});

	describe('over https (n8n serves TLS itself)', () => {
		let n8n: N8nInstance;
		let hookUrl: string;
		let unregisteredUrl: string;
		let triggerId: string;
		let unregisteredId: string;
		let enqueueId: string;
		let tls: Agent;
		/** The body of the delivered result (reused, re-signed wrongly, for the bad-signature case). */
		let deliveredBody = '';

		beforeAll(async () => {
			n8n = await N8nInstance.create({ version, https: true });
			tls = new Agent({ connect: { ca: n8n.certificate } });
			hookUrl = productionUrl(n8n, HOOK.https);
			unregisteredUrl = productionUrl(n8n, HOOK.unregistered);
			fake.reset();
			fake.configure(fakeSetup(hookUrl));
			await n8n.installPackage(tarball);
			await n8n.importCredentials([
				mindeeCredential({ ...PLATFORM_CREDENTIAL, apiKey: fake.apiKey, baseUrl: fake.url }),
				webhookCredential({ ...WEBHOOK_CREDENTIAL, signingSecret: SIGNING_SECRET }),
			]);
			[triggerId, unregisteredId, enqueueId] = await n8n.importWorkflows([
				triggerWorkflow({
					name: 'e2e trigger over https',
					webhookId: HOOK.https,
					sinkUrl: sink.url,
					webhookCredential: WEBHOOK_CREDENTIAL,
					platformCredential: PLATFORM_CREDENTIAL,
					parameters: {}, // defaults: verify signatures, check registration, https only
				}),
				triggerWorkflow({
					name: 'e2e trigger not registered at Mindee',
					webhookId: HOOK.unregistered,
					webhookCredential: WEBHOOK_CREDENTIAL,
					platformCredential: PLATFORM_CREDENTIAL,
					parameters: {},
				}),
				enqueueWorkflow({
					name: 'e2e enqueue naming the webhook',
					credential: PLATFORM_CREDENTIAL,
					modelId: MODEL.id,
					file: invoicePdf,
					webhookIds: MINDEE_WEBHOOK_ID,
					alias: `e2e-webhook-${version}`,
				}),
			]);
			await n8n.activate(triggerId);
			await n8n.activate(unregisteredId);
			await n8n.start();
			await n8n.waitForWebhook(triggerWebhookPath(HOOK.https));
		}, SETUP_TIMEOUT);

		/** Undoes a test's change to the shared fake, even when the test fails. */
		let onTestEnd: (() => void) | undefined;
		afterEach(() => {
			onTestEnd?.();
			onTestEnd = undefined;
		});

		afterAll(async () => {
			await cleanUp(n8n);
			await tls?.close();
		});

		it(
			'delivers a signed result after an enqueue naming the webhook to the Result output',
			async () => {
				sink.clear();
				const alias = `e2e-webhook-${version}`;
				const execution = await n8n.execute(enqueueId);
				if (!execution.ok) {
					throw new Error(
						`enqueue failed: ${JSON.stringify(execution.error ?? nodeErrorOf(execution.run, NODE_NAMES.mindee))}\n${execution.output.slice(-3000)}`,
					);
				}
				const [job] = outputOf(execution.run, NODE_NAMES.mindee);
				const enqueuedJob = job.json as { id?: string; job?: { id: string } };
				const jobId = enqueuedJob.id ?? enqueuedJob.job?.id ?? '';
				expect(fake.jobs.get(jobId)?.webhookIds).toEqual([MINDEE_WEBHOOK_ID]);
				expect(fake.jobs.get(jobId)?.alias).toBe(alias);

				const { ok, attempts } = await waitForDelivery(jobId);
				expect(ok.url).toBe(hookUrl);
				deliveredBody = ok.body;
				const [hit] = await sink.waitFor(sinkHitsOf(triggerId, '/result'));
				const item = hit.json ?? {};
				expect(item.mindee).toEqual(
					expect.objectContaining({
						inference_id: jobId,
						job_id: jobId,
						model_id: MODEL.id,
						alias,
					}),
				);
				expect(item.total_amount).toBe(fixtureFields.total_amount.value);
				expect(item.supplier_name).toBe(fixtureFields.supplier_name.value);
				expect(item.invoice_number).toBe(fixtureFields.invoice_number.value);
				await sleep(1_000);
				expect(sink.requests.filter(sinkHitsOf(triggerId))).toHaveLength(1); // nothing on Failed

				// Saved once it has ended, which a busy machine may take longer than the second above to do.
				const executions = await waitForExecutions(n8n, triggerId, (all) => all.length > 0 && all.every((e) => !['new', 'running'].includes(e.status)));
				expect(executions).toHaveLength(1);
				expect(executions[0]).toEqual(
					expect.objectContaining({
						id: String(hit.headers['x-n8n-execution-id']),
						mode: 'webhook',
						status: 'success',
					}),
				);

				process.stdout.write(
					`${tag} signed result delivered: job=${jobId} delivery=${ok.status} (attempts ${attempts.length}) → execution ${executions[0].id} (${executions[0].mode}, ${executions[0].status}) Result item: mindee.inference_id=${(item.mindee as ResultMetadata).inference_id} alias=${(item.mindee as ResultMetadata).alias} supplier_name=${JSON.stringify(item.supplier_name)} total_amount=${item.total_amount} invoice_number=${item.invoice_number}\n`,
				);
			},
			TEST_TIMEOUT,
		);

		it(
			'answers 401 to a wrong X-Signature and starts no execution',
			async () => {
				expect(deliveredBody).not.toBe('');
				sink.clear();
				const before = await savedExecutions(n8n, triggerId);
				const res = await request(hookUrl, {
					method: 'POST',
					dispatcher: tls,
					headers: {
						'content-type': 'application/json',
						'x-signature': signBody('not-the-signing-secret', deliveredBody),
					},
					body: deliveredBody,
				});
				const answer = await res.body.text();
				expect(res.statusCode).toBe(401);
				expect(answer).toContain('Invalid or missing X-Signature');
				// No X-Signature at all: the same.
				const unsigned = await request(hookUrl, {
					method: 'POST',
					dispatcher: tls,
					headers: { 'content-type': 'application/json' },
					body: deliveredBody,
				});
				await unsigned.body.text();
				expect(unsigned.statusCode).toBe(401);
				await sleep(QUIET_MS);
				expect(sink.requests.filter(sinkHitsOf(triggerId))).toEqual([]);
				const after = await savedExecutions(n8n, triggerId);
				expect(after.map((e) => e.id)).toEqual(before.map((e) => e.id));

				process.stdout.write(
					`${tag} bad signature → ${res.statusCode} ${answer} (no signature → ${unsigned.statusCode}); executions of the trigger workflow unchanged (${before.length} → ${after.length}), sink got nothing in ${QUIET_MS / 1000} s\n`,
				);
			},
			TEST_TIMEOUT,
		);

		it(
			'checks X-Signature over the exact bytes received, not re-serialised JSON',
			async () => {
				sink.clear();
				// The fixture file as is: pretty-printed, with `195.0`; JSON.stringify(JSON.parse(…)) differs.
				const raw = readFileSync(path.join(FIXTURES, RESULT_FIXTURE));
				expect(JSON.stringify(JSON.parse(raw.toString('utf8')))).not.toBe(raw.toString('utf8'));
				const inferenceId: string = JSON.parse(raw.toString('utf8')).inference.id;
				const res = await request(hookUrl, {
					method: 'POST',
					dispatcher: tls,
					headers: {
						'content-type': 'application/json',
						'x-signature': signBody(SIGNING_SECRET, raw),
					},
					body: raw,
				});
				const answer = await res.body.text();
				expect({ status: res.statusCode, answer }).toEqual({
					status: 200,
					answer: expect.any(String),
				});
				const [hit] = await sink.waitFor(sinkHitsOf(triggerId, '/result'));
				const result = (hit.json ?? {}) as { mindee?: ResultMetadata; total_net?: unknown };
				expect(result.mindee?.inference_id).toBe(inferenceId);
				expect(result.total_net).toBe(fixtureFields.total_net.value);

				process.stdout.write(
					`${tag} pretty-printed body signed over its raw bytes → ${res.statusCode}; Result item mindee.inference_id=${result.mindee?.inference_id} total_net=${result.total_net}\n`,
				);
			},
			TEST_TIMEOUT,
		);

		it(
			'routes a failed inference to the Failed output',
			async () => {
				sink.clear();
				const before = await savedExecutions(n8n, triggerId);
				fake.configure({ faults: { failRate: 1 } });
				onTestEnd = () => fake.configure({ faults: {} });
				const alias = `e2e-failure-${version}`;
				// Enqueued straight at the fake (the n8n enqueue path is the previous case's): same form the node sends.
				const form = new FormData();
				form.append('model_id', MODEL.id);
				form.append('alias', alias);
				form.append('webhook_ids', MINDEE_WEBHOOK_ID);
				form.append(
					'file',
					new Blob([new Uint8Array(invoicePdf.content)], { type: 'application/pdf' }),
					invoicePdf.fileName,
				);
				const enqueued = await fetch(`${fake.url}/v2/products/extraction/enqueue`, {
					method: 'POST',
					headers: { authorization: fake.apiKey },
					body: form,
				});
				expect(enqueued.status).toBe(202);
				const jobId = ((await enqueued.json()) as { job: MindeeJob }).job.id;

				const { ok } = await waitForDelivery(jobId);
				expect(JSON.parse(ok.body)).toEqual(expect.objectContaining({ inference_id: jobId }));
				const [hit] = await sink.waitFor(sinkHitsOf(triggerId, '/failed'));
				expect(hit.json).toEqual(
					expect.objectContaining({
						status: 'failed',
						inference_id: jobId,
						model_id: MODEL.id,
						file_name: invoicePdf.fileName,
						alias,
						error_code: '500-012',
						error_title: 'Inference failed',
						error_detail: expect.any(String),
						error_status: 500,
						error: expect.objectContaining({ code: '500-012', status: 500 }),
					}),
				);
				await sleep(1_000);
				expect(sink.requests.filter(sinkHitsOf(triggerId, '/result'))).toEqual([]);
				const after = await waitForExecutions(n8n, triggerId, (all) => all.length > before.length);
				expect(after).toHaveLength(before.length + 1);

				process.stdout.write(
					`${tag} failure payload → Failed output: ${JSON.stringify({
						status: hit.json?.status,
						inference_id: hit.json?.inference_id,
						error_code: hit.json?.error_code,
						error_title: hit.json?.error_title,
						alias: hit.json?.alias,
					})}; Result output got nothing; execution ${after[after.length - 1].id} (${after[after.length - 1].status})\n`,
				);
			},
			TEST_TIMEOUT,
		);

		it(
			'refuses activation when the URL is not set up on the model at Mindee, naming the URL to add',
			async () => {
				const line = await waitForLog(
					n8n,
					/This workflow's URL is not set up as a webhook in Mindee/,
				);
				expect(line).toContain(
					`This workflow's URL is not set up as a webhook in Mindee: ${unregisteredUrl}`,
				);
				const res = await request(unregisteredUrl, {
					method: 'POST',
					dispatcher: tls,
					headers: { 'content-type': 'application/json' },
					body: deliveredBody || '{}',
				});
				await res.body.text();
				expect(res.statusCode).toBe(404);
				expect(
					fake.requests.some((r) => r.method === 'GET' && r.path.startsWith('/v2/search/models')),
				).toBe(true);
				process.stdout.write(
					`${tag} unregistered URL refused: ${JSON.stringify(line)}; POST → ${res.statusCode}\n`,
				);
			},
			TEST_TIMEOUT,
		);
	});
});
