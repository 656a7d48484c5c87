/**
 * Workflows for the product-surface e2e test, as n8n workflow JSON built in TypeScript:
 *
 *   batch:  Manual Trigger → "Numbers" (Set: an array of N) → "One item each" (Split Out) →
 *           "File as base64" (Set) → "To binary" (Convert to File) → "Mindee" (Enqueue & Poll)
 *   search: Manual Trigger → "Mindee" (Model → Search)
 *
 * Node type versions exist on both n8n 2.41.1 and 1.123.81.
 */
import type { N8nCredential, N8nWorkflow } from '../harness';
import { MINDEE_CREDENTIAL_TYPE, MINDEE_NODE_TYPE, type InputFile } from './extraction';

type Reference = Pick<N8nCredential, 'id' | 'name'>;

function node(name: string, type: string, typeVersion: number, x: number, parameters: Record<string, unknown>) {
	return { id: `surface-${name.replace(/\W+/g, '-').toLowerCase()}`, name, type, typeVersion, position: [x, 0], parameters };
}

function mindeeNode(x: number, credential: Reference, parameters: Record<string, unknown>) {
	return {
		...node('Mindee', MINDEE_NODE_TYPE, 1, x, parameters),
		credentials: { [MINDEE_CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } },
	};
}

function chain(names: string[]): Record<string, unknown> {
	return Object.fromEntries(
		names.slice(0, -1).map((name, index) => [name, { main: [[{ node: names[index + 1], type: 'main', index: 0 }]] }]),
	);
}

export function batchWorkflow(args: {
	name: string;
	count: number;
	file: InputFile;
	credential: Reference;
	mindeeParameters: Record<string, unknown>;
}): N8nWorkflow {
	const nodes = [
		node('Manual Trigger', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
		node('Numbers', 'n8n-nodes-base.set', 3.4, 200, {
			mode: 'manual',
			assignments: {
				assignments: [{ id: 'n', name: 'n', type: 'array', value: `={{ Array.from({ length: ${args.count} }, (_, i) => i) }}` }],
			},
			options: {},
		}),
		node('One item each', 'n8n-nodes-base.splitOut', 1, 400, { fieldToSplitOut: 'n', options: {} }),
		node('File as base64', 'n8n-nodes-base.set', 3.4, 600, {
			mode: 'manual',
			includeOtherFields: true,
			assignments: {
				assignments: [{ id: 'f', name: 'file_base64', type: 'string', value: args.file.content.toString('base64') }],
			},
			options: {},
		}),
		node('To binary', 'n8n-nodes-base.convertToFile', 1.1, 800, {
			operation: 'toBinary',
			sourceProperty: 'file_base64',
			binaryPropertyName: 'data',
			options: { fileName: args.file.fileName, mimeType: args.file.mimeType },
		}),
		mindeeNode(1000, args.credential, args.mindeeParameters),
	];
	return {
		name: args.name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes,
		connections: chain(nodes.map((entry) => entry.name)),
	};
}

export function modelSearchWorkflow(args: { name: string; credential: Reference; parameters: Record<string, unknown> }): N8nWorkflow {
	const nodes = [
		node('Manual Trigger', 'n8n-nodes-base.manualTrigger', 1, 0, {}),
		mindeeNode(200, args.credential, { resource: 'model', operation: 'search', ...args.parameters }),
	];
	return { name: args.name, active: false, settings: { executionOrder: 'v1' }, nodes, connections: chain(nodes.map((entry) => entry.name)) };
}
