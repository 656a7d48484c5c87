/**
 * Options → Webhook IDs: the list of the chosen model's webhooks (`methods.loadOptions.getModelWebhooks`)
 * from the fake's model search, and what the node sends for a picked list and for a saved
 * comma-separated string (the parameter's value before it was a list).
 *
 * Like the model picker's test, the load-options method is called with a minimal
 * ILoadOptionsFunctions (harness/loadOptionsContext.ts): n8n's WorkflowExecute has no path for it.
 */
import type { INodeParameters, INodePropertyOptions } from 'n8n-workflow';

import { Mindee } from '../../../nodes/Mindee/Mindee.node';
import { defaultModels } from '../../fake-mindee/fixtures';
import { runMindeeNode, useFakeMindee } from '../harness';
import { loadOptionsContext } from '../harness/loadOptionsContext';
import { byId, credentialsOf, MODEL_WEBHOOKS, MODELS, onlyEnqueue, pdfItem, productParams } from './helpers';

const fake = useFakeMindee({ processingMs: 100 }, () => ({ models: defaultModels() }));

const INSTANCE_BASE_URL = 'https://n8n.example.com/';
const TRIGGER_NODE_WEBHOOK_ID = '6f1d2c3b-4a59-4e8f-9a0b-1c2d3e4f5a6b';
const TRIGGER_WEBHOOK = {
	id: '1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d',
	name: 'n8n production',
	url: `https://n8n.example.com/webhook/${TRIGGER_NODE_WEBHOOK_ID}/webhook`,
};

const getModelWebhooks = new Mindee().methods.loadOptions.getModelWebhooks;

async function listFor(modelId: unknown, resource = 'extraction'): Promise<INodePropertyOptions[]> {
	const { context } = loadOptionsContext({
		parameters: { resource, modelId } as INodeParameters,
		credentials: credentialsOf(fake),
		instanceBaseUrl: INSTANCE_BASE_URL,
	});
	return await getModelWebhooks.call(context);
}

const queries = () => fake.requests.map((request) => request.query);

it('is the load-options method named by the Webhook IDs option, which depends on the model', () => {
	const mindee = new Mindee();
	const options = mindee.description.properties.find((property) => property.name === 'options')!;
	const webhookIds = (options.options as Array<{ name: string; type?: string; typeOptions?: Record<string, unknown> }>).find(
		(option) => option.name === 'webhookIds',
	)!;
	expect(webhookIds.type).toBe('multiOptions');
	expect(webhookIds.typeOptions?.loadOptionsMethod).toBe('getModelWebhooks');
	expect(webhookIds.typeOptions?.loadOptionsDependsOn).toContain('modelId.value');
	expect(mindee.methods.loadOptions).toHaveProperty('getModelWebhooks');
});

it("lists the chosen model's webhooks by name, with the URL beside each (model search fixture)", async () => {
	const options = await listFor(byId(MODELS.extractionWithWebhooks));

	expect(options).toEqual([
		{ name: 'FAILURE', value: MODEL_WEBHOOKS[0], description: 'https://failure.mindee.com' },
		{ name: 'FAILURE 2', value: MODEL_WEBHOOKS[1], description: 'https://failure2.mindee.com' },
	]);
	expect(queries()).toEqual([{ model_type: 'extraction', page: '1', per_page: '50' }]);
});

it('a model picked from the list is looked up by its name first (one short page)', async () => {
	const options = await listFor({
		__rl: true,
		mode: 'list',
		value: MODELS.crop,
		cachedResultName: 'Crop With Webhooks',
	}, 'crop');

	expect(options.map((option) => option.value)).toEqual(['dd85fd55-dd44-dd44-92b3-4e936f3b8de9']);
	expect(queries()).toEqual([{ name: 'Crop With Webhooks', model_type: 'crop', page: '1', per_page: '50' }]);
});

it("names the webhook whose URL is a Mindee Webhook Trigger's production URL in this n8n", async () => {
	const elsewhere = { id: '2c3d4e5f-6071-4b8c-9d0e-1f2a3b4c5d6e', name: 'other n8n', url: `https://other.example.com/webhook/${TRIGGER_NODE_WEBHOOK_ID}/webhook` };
	const testUrl = { id: '3d4e5f60-7182-4c9d-8e1f-2a3b4c5d6e7f', name: 'test URL', url: `https://n8n.example.com/webhook-test/${TRIGGER_NODE_WEBHOOK_ID}/webhook` };
	fake.configure({
		models: defaultModels().map((model) =>
			model.id === MODELS.extraction ? { ...model, webhooks: [TRIGGER_WEBHOOK, elsewhere, testUrl] } : model,
		),
	});

	const options = await listFor(byId(MODELS.extraction));

	expect(options.map((option) => [option.name, option.value])).toEqual([
		['n8n production (Mindee Webhook Trigger in this n8n)', TRIGGER_WEBHOOK.id],
		['other n8n', elsewhere.id],
		['test URL', testUrl.id],
	]);
});

it.each([
	['no model yet', { __rl: true, mode: 'list', value: '' }, 'Choose a model first'],
	['a model from an expression', '={{ $json.model }}', 'The model is set by an expression'],
	['a model ID that is not a UUID', byId('my-model'), '"my-model" is not a Mindee model ID'],
	['an unknown model', byId('12345678-abcd-4def-8123-456789abcdef'), 'Mindee has no extraction model with ID 12345678-abcd-4def-8123-456789abcdef'],
	['a model without webhooks', byId(MODELS.extraction), 'The model "Extraction Without Webhooks" has no webhooks'],
])('%s: the list says what to do', async (_case, modelId, message) => {
	await expect(listFor(modelId)).rejects.toThrow(message);
});

describe('what the node sends', () => {
	const run = async (webhookIds: unknown) =>
		await runMindeeNode({
			parameters: productParams('extraction', { modelId: byId(MODELS.extractionWithWebhooks), options: { webhookIds } as INodeParameters }),
			items: [pdfItem()],
			credentials: credentialsOf(fake),
		});

	it('webhooks picked from the list: their IDs, comma-separated', async () => {
		const result = await run([...MODEL_WEBHOOKS]);

		expect(result.error).toBeUndefined();
		expect(onlyEnqueue(fake).fields?.webhook_ids).toBe(MODEL_WEBHOOKS.join(','));
	});

	it('a saved workflow with the IDs typed as text sends the same', async () => {
		const result = await run(`${MODEL_WEBHOOKS[0]}, ${MODEL_WEBHOOKS[1]}`);

		expect(result.error).toBeUndefined();
		expect(onlyEnqueue(fake).fields?.webhook_ids).toBe(MODEL_WEBHOOKS.join(','));
	});

	it('typed IDs in an expression send the same', async () => {
		const result = await run(`=${MODEL_WEBHOOKS[0]},{{ "${MODEL_WEBHOOKS[1]}" }}`);

		expect(result.error).toBeUndefined();
		expect(onlyEnqueue(fake).fields?.webhook_ids).toBe(MODEL_WEBHOOKS.join(','));
	});
});
