import type {
	ILoadOptionsFunctions,
	INodeParameterResourceLocator,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MindeeTrigger } from '../MindeeTrigger.node';
import { notModelIdError } from '../shared/errors';
import { isUuid, sameId, UUID_PART } from '../shared/ids';
import { MindeeApi } from '../shared/transport/mindeeApi';
import type { MindeeModel } from '../shared/types';
import { chosenModelType } from './searchModels';

/** The path n8n gives the Mindee Webhook Trigger's webhook, after `webhook/<the node's webhook id>/`. */
const TRIGGER_WEBHOOK_PATH =
	new MindeeTrigger().description.webhooks?.find((webhook) => webhook.name === 'default')?.path ??
	'webhook';

/** n8n's production webhook endpoint (N8N_ENDPOINT_WEBHOOK, which a load-options call cannot read). */
const PRODUCTION_ENDPOINT = 'webhook';

/**
 * Whether `url` is the production URL of a Mindee Webhook Trigger of the n8n at `instanceBaseUrl`:
 * `<base>/webhook/<node webhook id>/webhook`. A load-options call knows this n8n's base URL (the
 * editor's, which is the webhook base unless WEBHOOK_URL names another host) but not its workflows,
 * so the trigger is recognised by the shape of its URL.
 */
export function isTriggerUrlOfThisN8n(url: string, instanceBaseUrl: string): boolean {
	let webhook: URL;
	let base: URL;
	try {
		webhook = new URL(url);
		base = new URL(instanceBaseUrl);
	} catch {
		return false;
	}
	if (webhook.origin !== base.origin) return false;
	const basePath = base.pathname.replace(/\/+$/, '');
	const escaped = basePath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const shape = new RegExp(
		`^${escaped}/${PRODUCTION_ENDPOINT}/${UUID_PART}/${TRIGGER_WEBHOOK_PATH}/?$`,
	);
	return shape.test(webhook.pathname);
}

function chosenModel(context: ILoadOptionsFunctions): { id: string; name?: string } {
	const locator = context.getCurrentNodeParameter('modelId') as
		INodeParameterResourceLocator | string | undefined;
	const value = typeof locator === 'object' && locator !== null ? locator.value : locator;
	const id = String(value ?? '').trim();
	const name =
		typeof locator === 'object' && locator?.mode === 'list' && locator.cachedResultName
			? String(locator.cachedResultName)
			: undefined;
	if (!id) {
		throw new NodeOperationError(context.getNode(), 'Choose a model first', {
			description: 'Webhooks belong to a model: pick the model above, then its webhooks here.',
		});
	}
	if (id.startsWith('=')) {
		throw new NodeOperationError(context.getNode(), 'The model is set by an expression', {
			description:
				'Webhooks can only be listed for a model chosen in the panel. Give the webhook IDs as an expression instead (comma-separated).',
		});
	}
	if (!isUuid(id)) throw notModelIdError(context.getNode(), id);
	return { id, name };
}

/** The model, found by its name first when the picker knows it (one page), else among all models of the type. */
async function findModel(
	api: MindeeApi,
	model: { id: string; name?: string },
	modelType: string | undefined,
): Promise<MindeeModel | undefined> {
	const byId = (models: MindeeModel[]) =>
		models.find((candidate) => sameId(candidate.id, model.id));
	if (model.name) {
		const found = byId(await api.listModels({ name: model.name, modelType }));
		if (found) return found;
	}
	return byId(await api.listModels({ modelType }));
}

/**
 * Options → Webhook IDs: the chosen model's webhooks from Mindee's model search, by name, the URL
 * beside each, and the ones that reach a Mindee Webhook Trigger of this n8n named as such.
 */
export async function getModelWebhooks(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const chosen = chosenModel(this);
	const modelType = chosenModelType(this);
	const model = await findModel(await MindeeApi.create(this), chosen, modelType);
	if (!model) {
		throw new NodeOperationError(
			this.getNode(),
			`Mindee has no ${modelType ? `${modelType} ` : ''}model with ID ${chosen.id}`,
			{
				description:
					"Check the model, and that the credential belongs to the model's organisation.",
			},
		);
	}
	const webhooks = model.webhooks ?? [];
	if (webhooks.length === 0) {
		throw new NodeOperationError(this.getNode(), `The model "${model.name}" has no webhooks`, {
			description:
				'Add one in app.mindee.com → your model → Webhooks → Add Webhook (the URL of a Mindee Webhook Trigger, for example), then open this list again.',
		});
	}
	const instanceBaseUrl = this.getInstanceBaseUrl();
	return webhooks.map((webhook) => ({
		name: isTriggerUrlOfThisN8n(webhook.url, instanceBaseUrl)
			? `${webhook.name} (Mindee Webhook Trigger in this n8n)`
			: webhook.name || webhook.id,
		value: webhook.id,
		description: webhook.url,
	}));
}
