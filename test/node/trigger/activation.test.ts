/**
 * Activation of the Mindee Webhook Trigger (its webhookMethods) against the fake Mindee server, the
 * way n8n runs them: checkExists, then create only if it said no, and delete after a refused
 * activation. The IHookFunctions is hand-made (WorkflowExecute has no activation path), with real
 * HTTP through harness/fetchWithCredential.ts.
 */
import type { IDataObject, IHookFunctions, INode, INodeParameters } from 'n8n-workflow';

import { MindeeTrigger } from '../../../nodes/Mindee/MindeeTrigger.node';
import { filteredOutReason } from '../../../nodes/Mindee/trigger/delivery';
import { defaultModels } from '../../fake-mindee/fixtures';
import { useFakeMindee } from '../harness/fakeMindee';
import { fetchWithCredential } from '../harness/fetchWithCredential';
import { MODELS } from '../operations/helpers';

const HOOK_URL = 'https://n8n.example.com/webhook/0b6c1f9e-2a4d-4e8f-9c3b-5d7e1f2a3b4c/webhook';
const HOOK_ID = '3f1e2d4c-5b6a-4978-8a9b-0c1d2e3f4a5b';

const fake = useFakeMindee({ processingMs: 100 }, () => ({
	models: defaultModels(),
	// The trigger's URL is set up on the plain extraction model only.
	webhooks: [{ id: HOOK_ID, url: HOOK_URL, secret: 'unused', modelId: MODELS.extraction }],
}));

const { checkExists, create, delete: forget } = new MindeeTrigger().webhookMethods.default;

function hookContext(parameters: IDataObject) {
	const staticData: IDataObject = {};
	const logged: string[] = [];
	const node: INode = {
		id: 'trigger',
		name: 'Mindee Webhook Trigger',
		type: 'n8n-nodes-mindee.mindeeTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INodeParameters,
	};
	const credentials = { apiKey: fake.apiKey, baseUrl: fake.url };
	const values: IDataObject = { checkRegistration: true, allowInsecureUrl: false, filters: {}, ...parameters };
	const context = {
		getNode: () => node,
		getMode: () => 'trigger',
		getNodeWebhookUrl: () => HOOK_URL,
		getNodeParameter: (name: string, fallback?: unknown) => values[name] ?? fallback,
		getWorkflowStaticData: () => staticData,
		getCredentials: async () => credentials,
		logger: { info: (message: string) => logged.push(message) },
		helpers: { httpRequestWithAuthentication: fetchWithCredential(credentials) },
	} as unknown as IHookFunctions;
	return { context, staticData, logged };
}

/** n8n's activation: checkExists, create when it said no; on a refusal, delete (its clean-up). */
async function activate(context: IHookFunctions): Promise<Error | undefined> {
	try {
		if (!(await checkExists.call(context))) await create.call(context);
		return undefined;
	} catch (error) {
		await forget.call(context);
		return error as Error;
	}
}

const modelListings = () => fake.requests.filter((request) => request.path === '/v2/search/models');

describe('a Model IDs filter in upper case (model IDs are UUIDs: case does not matter)', () => {
	const upperCase = MODELS.extraction.toUpperCase();

	it('passes activation, listing the models once', async () => {
		const { context, staticData } = hookContext({ filters: { modelIds: upperCase } });
		expect(await activate(context)).toBeUndefined();
		expect(staticData.registeredOn).toEqual([
			{ modelId: MODELS.extraction, modelName: expect.any(String), webhookId: HOOK_ID },
		]);
		expect(modelListings()).toHaveLength(1);
	});

	it("passes the webhook's filter alike", () => {
		expect(filteredOutReason({ modelIds: upperCase }, MODELS.extraction, null)).toBeUndefined();
		expect(filteredOutReason({ modelIds: ` ${upperCase} , ` }, MODELS.extraction, null)).toBeUndefined();
		expect(filteredOutReason({ modelIds: MODELS.extraction }, upperCase, null)).toBeUndefined();
		expect(filteredOutReason({ modelIds: upperCase }, MODELS.split, null)).toContain('not in this trigger');
	});
});

describe('a refused activation (the URL is not set up on the filtered model)', () => {
	it('fails with what to do, lists the models once, records nothing and logs no deactivation', async () => {
		const { context, staticData, logged } = hookContext({ filters: { modelIds: MODELS.split } });
		const error = await activate(context);
		expect(error?.message).toBe(`This workflow's URL is not set up as a webhook in Mindee: ${HOOK_URL}`);
		expect(modelListings()).toHaveLength(1);
		expect(staticData).toEqual({});
		expect(logged).toEqual([]);
	});

	it('refused again and again (n8n retries), never logs "deactivated"', async () => {
		const { context, logged } = hookContext({});
		fake.configure({ webhooks: [] });
		for (let attempt = 0; attempt < 5; attempt++) expect(await activate(context)).toBeInstanceOf(Error);
		expect(modelListings()).toHaveLength(5);
		expect(logged.filter((line) => line.includes('deactivated'))).toEqual([]);
	});
});

describe('an accepted activation', () => {
	it('without a filter: registered on at least one model, remembered, and forgotten with a hint on deactivation', async () => {
		const { context, staticData, logged } = hookContext({});
		expect(await activate(context)).toBeUndefined();
		expect(staticData.registeredOn).toEqual([
			{ modelId: MODELS.extraction, modelName: expect.any(String), webhookId: HOOK_ID },
		]);
		expect(modelListings()).toHaveLength(1);
		await forget.call(context);
		expect(staticData).toEqual({});
		expect(logged).toEqual([
			'Mindee Webhook Trigger deactivated; remove its URL from app.mindee.com if it is no longer needed',
		]);
	});

	it('without the registration check: records the URL without asking Mindee', async () => {
		const { context, staticData, logged } = hookContext({ checkRegistration: false });
		expect(await activate(context)).toBeUndefined();
		expect(staticData).toEqual({ webhookUrl: HOOK_URL });
		expect(modelListings()).toHaveLength(0);
		expect(logged).toEqual([
			`Mindee Webhook Trigger listening at ${HOOK_URL}; add it to your model's webhooks in app.mindee.com`,
		]);
	});
});
