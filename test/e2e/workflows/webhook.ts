/**
 * Workflows of the webhook e2e tests, as n8n workflow JSON built in TypeScript:
 *
 *   Trigger workflow:  Mindee Webhook Trigger ─ Result ─→ "Result sink" (HTTP Request 4.2, POST <sink>/result)
 *                                             └ Failed ─→ "Failed sink" (HTTP Request 4.2, POST <sink>/failed)
 *   Enqueue workflow:  Manual Trigger → "File as base64" → "To binary" → "Mindee" (enqueue, webhookIds, alias)
 *
 * The sinks POST each item's json as the body (plus the execution id in a header), so the test sees
 * exactly the items of each output of a production execution. The trigger's webhookId is fixed, so
 * its production URL is known before n8n starts: `<base>/webhook/<webhookId>/webhook`. Every node
 * type version here exists on both n8n 2.41.1 and 1.123.81.
 */
import type { N8nCredential, N8nWorkflow } from '../harness';
import { extractionWorkflow, type InputFile, MINDEE_CREDENTIAL_TYPE } from './extraction';

export const TRIGGER_NODE_TYPE = 'n8n-nodes-mindee.mindeeTrigger';
export const WEBHOOK_CREDENTIAL_TYPE = 'mindeeWebhookApi';
/** The trigger's version as the editor adds it (MindeeTrigger.node.ts `defaultVersion`). */
export const TRIGGER_VERSION = 1.1;
/** The trigger's one webhook path (MindeeTrigger.node.ts `webhooks[0].path`). */
export const TRIGGER_WEBHOOK_PATH = 'webhook';

export const TRIGGER_NODE_NAMES = {
	trigger: 'Mindee Webhook Trigger',
	resultSink: 'Result sink',
	failedSink: 'Failed sink',
} as const;

/** Path (under /webhook/) of the trigger's production webhook. */
export function triggerWebhookPath(webhookId: string): string {
	return `${webhookId}/${TRIGGER_WEBHOOK_PATH}`;
}

export function webhookCredential(args: {
	id: string;
	name: string;
	signingSecret: string;
}): N8nCredential {
	return {
		id: args.id,
		name: args.name,
		type: WEBHOOK_CREDENTIAL_TYPE,
		data: { signingSecret: args.signingSecret },
	};
}

type CredentialRef = Pick<N8nCredential, 'id' | 'name'>;

export interface TriggerWorkflowOptions {
	name: string;
	/** The trigger node's webhookId (a UUID): fixes its production URL. */
	webhookId: string;
	/** Base URL of the HTTP sink (startHttpSink().url); without it the trigger has no downstream nodes. */
	sinkUrl?: string;
	/** Needed when signatureCheck is 'verify' (the default). */
	webhookCredential?: CredentialRef;
	/** Needed when checkRegistration is true (the default). */
	platformCredential?: CredentialRef;
	/** Trigger parameters (signatureCheck, checkRegistration, allowInsecureUrl, outputMode, filters…). */
	parameters?: Record<string, unknown>;
	/** The trigger's typeVersion: TRIGGER_VERSION unless given (1: as saved before 1.1 existed). */
	typeVersion?: number;
}

function sinkNode(args: {
	id: string;
	name: string;
	url: string;
	position: [number, number];
}): Record<string, unknown> {
	return {
		id: args.id,
		name: args.name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: args.position,
		parameters: {
			method: 'POST',
			url: args.url,
			sendHeaders: true,
			headerParameters: {
				parameters: [
					{ name: 'x-n8n-execution-id', value: '={{ $execution.id }}' },
					{ name: 'x-n8n-workflow-id', value: '={{ $workflow.id }}' },
				],
			},
			sendBody: true,
			contentType: 'json',
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify($json) }}',
			options: {},
		},
	};
}

export function triggerWorkflow(options: TriggerWorkflowOptions): N8nWorkflow {
	const { trigger, resultSink, failedSink } = TRIGGER_NODE_NAMES;
	const credentials: Record<string, CredentialRef> = {};
	if (options.webhookCredential) credentials[WEBHOOK_CREDENTIAL_TYPE] = options.webhookCredential;
	if (options.platformCredential) credentials[MINDEE_CREDENTIAL_TYPE] = options.platformCredential;
	const nodes: Array<Record<string, unknown>> = [
		{
			id: 'e2e-hook-0000-trigger',
			name: trigger,
			type: TRIGGER_NODE_TYPE,
			typeVersion: options.typeVersion ?? TRIGGER_VERSION,
			position: [0, 0],
			webhookId: options.webhookId,
			parameters: { ...options.parameters },
			credentials,
		},
	];
	const connections: Record<string, unknown> = {};
	if (options.sinkUrl) {
		nodes.push(
			sinkNode({
				id: 'e2e-hook-0001-result-sink',
				name: resultSink,
				url: `${options.sinkUrl}/result`,
				position: [300, -100],
			}),
			sinkNode({
				id: 'e2e-hook-0002-failed-sink',
				name: failedSink,
				url: `${options.sinkUrl}/failed`,
				position: [300, 100],
			}),
		);
		connections[trigger] = {
			main: [
				[{ node: resultSink, type: 'main', index: 0 }],
				[{ node: failedSink, type: 'main', index: 0 }],
			],
		};
	}
	return {
		name: options.name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes,
		connections,
	};
}

/** Manual Trigger → base64 → Convert to File → Mindee `enqueue` naming the webhook, with an alias. */
export function enqueueWorkflow(options: {
	name: string;
	credential: CredentialRef;
	modelId: string;
	file: InputFile;
	webhookIds: string;
	alias: string;
}): N8nWorkflow {
	return extractionWorkflow({
		name: options.name,
		credential: options.credential,
		modelId: options.modelId,
		file: options.file,
		mindeeParameters: {
			operation: 'enqueue',
			options: { webhookIds: options.webhookIds, alias: options.alias },
			outputMode: undefined,
			pollingOptions: undefined,
		},
	});
}
