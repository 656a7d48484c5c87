import type { IDataObject, IHookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { includesId, parseIdList, sameId } from '../shared/ids';
import { MindeeApi } from '../shared/transport/mindeeApi';
import type { MindeeModel } from '../shared/types';

/**
 * What activating the Mindee Webhook Trigger checks (its webhookMethods use these).
 *
 * Mindee webhooks are created by hand in app.mindee.com; there is no API to register one
 * (https://docs.mindee.com/integrations/webhooks). So activation does what can be done: refuse a
 * URL Mindee would reject, and, with a Mindee Platform API credential, confirm the URL is set up
 * on the model(s) and say exactly what to do when it is not.
 */

export function productionUrl(context: IHookFunctions): string {
	return context.getNodeWebhookUrl('default') ?? '';
}

export function assertHttpsUrl(context: IHookFunctions, url: string): void {
	const allowInsecure = context.getNodeParameter('allowInsecureUrl', false) as boolean;
	if (url.startsWith('https://') || allowInsecure) return;
	throw new NodeOperationError(
		context.getNode(),
		`Mindee only delivers to https:// URLs; this workflow's URL is ${url}`,
		{
			description:
				'Give n8n a public HTTPS address: set WEBHOOK_URL (N8N_WEBHOOK_URL on n8n 2.x) to your https:// domain behind a reverse proxy, or serve HTTPS from n8n with N8N_PROTOCOL=https, N8N_SSL_KEY and N8N_SSL_CERT. For local tests only, turn on "Allow Non-HTTPS URL".',
		},
	);
}

/** The Model IDs filter, read as the webhook's filter reads it (delivery.ts). */
export function modelIdsFilter(context: IHookFunctions): string[] {
	const filters = context.getNodeParameter('filters', {}) as IDataObject;
	return parseIdList(filters.modelIds);
}

interface RegistrationStatus {
	url: string;
	/** Models to check: those in the Model IDs filter, or every model of the organisation. */
	checked: MindeeModel[];
	/** The checked models that have a webhook with exactly this URL. */
	registeredOn: Array<{ modelId: string; modelName: string; webhookId: string }>;
	missingOn: MindeeModel[];
}

export async function lookUpRegistration(
	context: IHookFunctions,
	url: string,
): Promise<RegistrationStatus> {
	const wanted = modelIdsFilter(context);
	const models = await (await MindeeApi.create(context)).listModels({});
	const checked = wanted.length ? models.filter((model) => includesId(wanted, model.id)) : models;
	const unknown = wanted.filter((id) => !models.some((model) => sameId(model.id, id)));
	if (unknown.length) {
		throw new NodeOperationError(
			context.getNode(),
			`Mindee has no model with ID ${unknown.join(', ')}`,
			{
				description:
					'Fix the Model IDs filter, or check that the Mindee Platform API credential belongs to the right organisation.',
			},
		);
	}
	const registeredOn: RegistrationStatus['registeredOn'] = [];
	const missingOn: MindeeModel[] = [];
	for (const model of checked) {
		const webhook = (model.webhooks ?? []).find((candidate) => candidate.url === url);
		if (webhook)
			registeredOn.push({ modelId: model.id, modelName: model.name, webhookId: webhook.id });
		else missingOn.push(model);
	}
	return { url, checked, registeredOn, missingOn };
}

/** Registered means: on every model of the filter, or on at least one model without a filter. */
export function isRegistered(status: RegistrationStatus, filtered: boolean): boolean {
	return filtered
		? status.missingOn.length === 0 && status.checked.length > 0
		: status.registeredOn.length > 0;
}

export function notRegisteredError(
	context: IHookFunctions,
	status: RegistrationStatus,
): NodeOperationError {
	const targets = status.missingOn.length && status.missingOn.length <= 5 ? status.missingOn : [];
	const where = targets.length
		? targets.map((model) => `"${model.name}" (${model.id})`).join(', ')
		: 'the model(s) whose results this workflow should receive';
	return new NodeOperationError(
		context.getNode(),
		`This workflow's URL is not set up as a webhook in Mindee: ${status.url}`,
		{
			description: `In app.mindee.com open ${where} → Webhooks → Add Webhook, paste ${status.url} as the URL, save, and put the Signing Secret in this node's credential. Then activate again. To skip this check, turn off "Check Registration on Activation".`,
		},
	);
}
