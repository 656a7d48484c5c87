import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { readSelectedFields, SELECTED_FIELDS_PARAMETER } from './shared/output/parameters';
import { detectProduct, shapeInference, type OutputMode } from './shared/output/shapeInference';
import { failureItem, filteredOutReason, parsePayload } from './trigger/delivery';
import { triggerProperties } from './trigger/description';
import {
	assertHttpsUrl,
	isRegistered,
	lookUpRegistration,
	modelIdsFilter,
	notRegisteredError,
	productionUrl,
} from './trigger/registration';
import { testSigningSecret } from './trigger/signingSecretCheck';
import { isSignedDelivery } from './trigger/signingSecrets';

/** Output 0 gets results, output 1 gets failed inferences. */
const RESULTS = 0;
const FAILURES = 1;

export class MindeeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mindee Webhook Trigger',
		name: 'mindeeTrigger',
		icon: {
			light: 'file:../../icons/mindee.svg',
			dark: 'file:../../icons/mindee.dark.svg',
		},
		group: ['trigger'],
		// 1.1 is 1 with nothing changed but its number. For every request to a webhook node at
		// typeVersion 1, n8n (webhook-helpers' parseRequestBody) evaluates an expression; on n8n 2.x
		// that runs in the expression isolate just created for the request, about 16 ms of the main
		// thread per delivery. A workflow saved with version 1 keeps working as it did.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{$parameter["signatureCheck"] === "off" ? "Signature check off" : "Signed results"}}',
		description: 'Starts the workflow when Mindee POSTs a result to its webhook',
		defaults: { name: 'Mindee Webhook Trigger' },
		inputs: [],
		outputs: [
			{ type: NodeConnectionTypes.Main, displayName: 'Result' },
			{ type: NodeConnectionTypes.Main, displayName: 'Failed' },
		],
		outputNames: ['Result', 'Failed'],
		credentials: [
			{
				name: 'mindeeWebhookApi',
				required: true,
				testedBy: 'testSigningSecret',
				displayOptions: { show: { signatureCheck: ['verify'] } },
			},
			{
				name: 'mindeePlatformApi',
				required: true,
				displayOptions: { show: { checkRegistration: [true] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: triggerProperties,
	};

	methods = { credentialTest: { testSigningSecret } };

	webhookMethods = {
		default: {
			/**
			 * "Exists" means Mindee already has this URL on the model(s). One listing of the models
			 * decides: a refusal is raised here, before anything is recorded, so n8n's clean-up after
			 * a refused activation finds nothing to forget.
			 */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const url = productionUrl(this);
				assertHttpsUrl(this, url);
				if (!this.getNodeParameter('checkRegistration', true) || this.getMode() === 'manual')
					return false;
				const status = await lookUpRegistration(this, url);
				if (!isRegistered(status, modelIdsFilter(this).length > 0))
					throw notRegisteredError(this, status);
				this.getWorkflowStaticData('node').registeredOn =
					status.registeredOn as unknown as IDataObject[];
				return true;
			},

			/** Reached when the registration is not checked: record the URL and say where to add it. */
			async create(this: IHookFunctions): Promise<boolean> {
				const url = productionUrl(this);
				assertHttpsUrl(this, url);
				this.getWorkflowStaticData('node').webhookUrl = url;
				this.logger.info(
					`Mindee Webhook Trigger listening at ${url}; add it to your model's webhooks in app.mindee.com`,
				);
				return true;
			},

			/** The webhook stays in Mindee until removed there; forget what activation recorded. */
			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				const wasActive =
					staticData.webhookUrl !== undefined || staticData.registeredOn !== undefined;
				delete staticData.webhookUrl;
				delete staticData.registeredOn;
				// n8n also calls this after a refused activation; only a real deactivation gets the hint.
				if (wasActive) {
					this.logger.info(
						'Mindee Webhook Trigger deactivated; remove its URL from app.mindee.com if it is no longer needed',
					);
				}
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const rawBody: Buffer = Buffer.isBuffer(request.rawBody)
			? request.rawBody
			: Buffer.from(JSON.stringify(request.body ?? ''));

		if (this.getNodeParameter('signatureCheck', 'verify') === 'verify') {
			if (!(await isSignedDelivery(this, rawBody, request.headers['x-signature']))) {
				response.status(401).json({ message: 'Invalid or missing X-Signature' });
				return { noWebhookResponse: true };
			}
		}

		const payload = parsePayload(rawBody);
		if (payload.kind === 'invalid') {
			response.status(400).json({ message: payload.reason });
			return { noWebhookResponse: true };
		}

		const filters = this.getNodeParameter('filters', {}) as IDataObject;
		const modelId =
			payload.kind === 'result' ? payload.inference.model?.id : payload.failure.model_id;
		const alias =
			payload.kind === 'result' ? payload.inference.file?.alias : payload.failure.file_alias;
		const skipped = filteredOutReason(filters, String(modelId ?? ''), alias ?? null);
		if (skipped) {
			// Acknowledged, so Mindee does not retry a delivery this workflow will never want.
			response.status(200).json({ message: `Ignored: ${skipped}` });
			return { noWebhookResponse: true };
		}

		const outputs: IDataObject[][] = [[], []];
		if (payload.kind === 'failure') {
			outputs[FAILURES].push(failureItem(payload.failure));
		} else {
			const mode = this.getNodeParameter('outputMode', 'simplified') as OutputMode;
			const splitListField = String(this.getNodeParameter('splitListField', '') ?? '').trim();
			const selectedFields = readSelectedFields(
				this.getNode(),
				mode,
				this.getNodeParameter(SELECTED_FIELDS_PARAMETER, ''),
			);
			const product = detectProduct(payload.inference) ?? 'extraction';
			outputs[RESULTS].push(
				...shapeInference(payload.inference, product, { mode, splitListField, selectedFields })
					.items,
			);
		}
		return {
			workflowData: outputs.map((items) => this.helpers.returnJsonArray(items)),
		};
	}
}
