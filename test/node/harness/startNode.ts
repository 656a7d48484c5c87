/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The start node of a harness workflow: emits the test's items, each binary file turned into real
 * n8n binary data by n8n-core's own `helpers.prepareBinaryData` inside the execution, so it is
 * stored the way the current binary data mode stores it (inline, or a file under the execution's
 * folder in filesystem mode) and downstream nodes' `assertBinaryData` / `getBinaryDataBuffer` work.
 */
import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import { createReadStream } from 'node:fs';

export const START_NODE_TYPE = 'n8n-nodes-mindee-harness.start';
export const START_NODE_NAME = 'Start';

export interface HarnessBinaryInput {
	/** File bytes, or base64. Or `filePath` instead, streamed from disk (large files). */
	data?: Buffer | string;
	filePath?: string;
	mimeType: string;
	fileName: string;
}

export interface HarnessItem {
	json: IDataObject;
	binary?: Record<string, HarnessBinaryInput>;
}

/** A start node type emitting `items` (one per run, the items in its closure). */
export function startNodeType(items: HarnessItem[]): INodeType {
	const description: INodeTypeDescription = {
		displayName: 'Harness Start',
		name: 'start',
		group: ['input'],
		version: 1,
		description: 'Emits the test items',
		defaults: { name: START_NODE_NAME },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};
	// `execute` runs with the execution context as `this`: the items come from this closure.
	async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const output: INodeExecutionData[] = [];
		for (const item of items) {
			const out: INodeExecutionData = { json: structuredClone(item.json), pairedItem: { item: 0 } };
			if (item.binary && Object.keys(item.binary).length > 0) {
				const binary: IBinaryKeyData = {};
				for (const [key, input] of Object.entries(item.binary)) {
					binary[key] = await this.helpers.prepareBinaryData(
						toSource(input),
						input.fileName,
						input.mimeType,
					);
				}
				out.binary = binary;
			}
			output.push(out);
		}
		return [output];
	}
	return { description, execute };
}

function toSource(input: HarnessBinaryInput) {
	if (input.filePath !== undefined) return createReadStream(input.filePath);
	if (input.data === undefined) throw new Error(`Binary "${input.fileName}" has neither data nor filePath`);
	return Buffer.isBuffer(input.data) ? input.data : Buffer.from(input.data, 'base64');
}
