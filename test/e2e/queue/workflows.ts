/**
 * Workflows and credentials of the queue-mode test (n8n workflow JSON built in TypeScript).
 *
 * Batch workflow, started by an HTTP call to the webhook processor (a production webhook, so the
 * execution is enqueued to Redis and run by a worker):
 *
 *   Webhook (POST /webhook/<path>, answers with the last node's items)
 *     → "One item per document" (Split Out body.documents: one item per {alias})
 *     → "File as base64" (Set) → "To binary" (Convert to File)
 *     → "Mindee" (extraction, Enqueue & Poll, alias from the item, raw output)
 *     → "Result" (Set: execution id, alias, job id, supplier name: a small answer)
 *
 * Trigger workflow: "Mindee Webhook Trigger" (signature verified, plain http allowed, no
 * registration check) → "Delivered result" / "Delivered failure" (Set: execution id, alias…).
 */
import { randomUUID } from 'crypto';

import type { N8nCredential, N8nWorkflow } from '../harness';
import { MINDEE_CREDENTIAL_TYPE, MINDEE_NODE_TYPE, type InputFile } from '../workflows/extraction';
import { TRIGGER_NODE_TYPE, WEBHOOK_CREDENTIAL_TYPE } from '../workflows/webhook';

export { webhookCredential } from '../workflows/webhook';

export function platformCredential(args: {
	id: string;
	name: string;
	apiKey: string;
	baseUrl: string;
	postsPerMinute: number;
	getsPerMinute: number;
	/** Left out: the credential's default (100 %). */
	processSharePercent?: number;
}): N8nCredential {
	const { id, name, ...data } = args;
	return { id, name, type: MINDEE_CREDENTIAL_TYPE, data };
}

export const BATCH_NODES = {
	webhook: 'Batch request',
	split: 'One item per document',
	setFile: 'File as base64',
	toBinary: 'To binary',
	mindee: 'Mindee',
	result: 'Result',
} as const;

/** What the batch workflow answers per document (its "Result" node). */
export interface BatchResultItem {
	executionId: string;
	alias: string;
	jobId: string;
	inferenceId: string;
	supplierName: unknown;
}

function setNode(
	id: string,
	name: string,
	position: [number, number],
	fields: Array<[name: string, value: string, type?: string]>,
	includeOtherFields = false,
): Record<string, unknown> {
	return {
		id,
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position,
		parameters: {
			mode: 'manual',
			includeOtherFields,
			assignments: {
				assignments: fields.map(([field, value, type], index) => ({
					id: `${id}-${index}`,
					name: field,
					value,
					type: type ?? 'string',
				})),
			},
			options: {},
		},
	};
}

export function batchWorkflow(options: {
	name: string;
	path: string;
	credential: Pick<N8nCredential, 'id' | 'name'>;
	modelId: string;
	file: InputFile;
	/** Left out: the node's default. */
	parallelDocuments?: number;
	maxWaitSeconds?: number;
}): N8nWorkflow {
	const n = BATCH_NODES;
	return {
		name: options.name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'queue-0000-webhook',
				name: n.webhook,
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: {
					httpMethod: 'POST',
					path: options.path,
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			{
				id: 'queue-0001-split',
				name: n.split,
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.documents', include: 'noOtherFields', options: {} },
			},
			setNode(
				'queue-0002-set-file',
				n.setFile,
				[440, 0],
				[['file_base64', options.file.content.toString('base64')]],
				true,
			),
			{
				id: 'queue-0003-to-binary',
				name: n.toBinary,
				type: 'n8n-nodes-base.convertToFile',
				typeVersion: 1.1,
				position: [660, 0],
				parameters: {
					operation: 'toBinary',
					sourceProperty: 'file_base64',
					binaryPropertyName: 'data',
					options: { fileName: options.file.fileName, mimeType: options.file.mimeType },
				},
			},
			{
				id: 'queue-0004-mindee',
				name: n.mindee,
				type: MINDEE_NODE_TYPE,
				typeVersion: 1,
				position: [880, 0],
				parameters: {
					resource: 'extraction',
					operation: 'enqueueAndPoll',
					modelId: { __rl: true, mode: 'id', value: options.modelId },
					inputType: 'binary',
					binaryPropertyName: 'data',
					outputMode: 'raw',
					options: {
						// Convert to File outputs an empty json: the alias comes from the paired item.
						alias: `={{ $('${n.split}').item.json.alias }}`,
						...(options.parallelDocuments === undefined
							? {}
							: { parallelDocuments: options.parallelDocuments }),
					},
					pollingOptions: {
						initialDelaySeconds: 1,
						intervalSeconds: 1,
						maxWaitSeconds: options.maxWaitSeconds ?? 300,
					},
				},
				credentials: {
					[MINDEE_CREDENTIAL_TYPE]: { id: options.credential.id, name: options.credential.name },
				},
			},
			setNode(
				'queue-0005-result',
				n.result,
				[1100, 0],
				[
					['executionId', '={{ $execution.id }}'],
					['alias', '={{ $json.file.alias }}'],
					['jobId', '={{ $json.job.id }}'],
					['inferenceId', '={{ $json.id }}'],
					['supplierName', '={{ $json.result.fields.supplier_name.value }}'],
				],
			),
		],
		connections: {
			[n.webhook]: { main: [[{ node: n.split, type: 'main', index: 0 }]] },
			[n.split]: { main: [[{ node: n.setFile, type: 'main', index: 0 }]] },
			[n.setFile]: { main: [[{ node: n.toBinary, type: 'main', index: 0 }]] },
			[n.toBinary]: { main: [[{ node: n.mindee, type: 'main', index: 0 }]] },
			[n.mindee]: { main: [[{ node: n.result, type: 'main', index: 0 }]] },
		},
	};
}

export const TRIGGER_NODES = {
	trigger: 'Mindee Webhook Trigger',
	result: 'Delivered result',
	failure: 'Delivered failure',
} as const;

export function triggerWorkflow(options: {
	name: string;
	webhookId: string;
	credential: Pick<N8nCredential, 'id' | 'name'>;
}): N8nWorkflow {
	const n = TRIGGER_NODES;
	return {
		name: options.name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'queue-0100-trigger',
				name: n.trigger,
				type: TRIGGER_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: options.webhookId,
				parameters: {
					signatureCheck: 'verify',
					checkRegistration: false,
					allowInsecureUrl: true,
					outputMode: 'raw',
				},
				credentials: {
					[WEBHOOK_CREDENTIAL_TYPE]: { id: options.credential.id, name: options.credential.name },
				},
			},
			setNode(
				'queue-0101-result',
				n.result,
				[220, -100],
				[
					['executionId', '={{ $execution.id }}'],
					['alias', '={{ $json.file.alias }}'],
					['inferenceId', '={{ $json.id }}'],
					['supplierName', '={{ $json.result.fields.supplier_name.value }}'],
				],
			),
			setNode(
				'queue-0102-failure',
				n.failure,
				[220, 100],
				[
					['executionId', '={{ $execution.id }}'],
					['alias', '={{ $json.alias }}'],
					['error', '={{ $json.error_title }}'],
				],
			),
		],
		connections: {
			[n.trigger]: {
				main: [
					[{ node: n.result, type: 'main', index: 0 }],
					[{ node: n.failure, type: 'main', index: 0 }],
				],
			},
		},
	};
}
