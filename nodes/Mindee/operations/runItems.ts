import {
	NodeApiError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
	type NodeOperationError,
} from 'n8n-workflow';

import { ensureNodeError } from '../transport/nodeError';

import type { ItemOutputs } from './types';

type ItemHandler = (itemIndex: number) => Promise<ItemOutputs>;

/** With "Continue On Fail" or the error output: one error item paired to its input item. */
function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndex: number,
): INodeExecutionData {
	const details: JsonObject = {};
	if (error.description) details.description = error.description;
	if (error instanceof NodeApiError && error.httpCode) details.httpCode = error.httpCode;
	const code = (error.errorResponse as JsonObject | undefined)?.code;
	if (typeof code === 'string') details.code = code;
	// Only error/details in json: n8n routes such items to the error output, and keeps `details`
	// (setting `item.error` would make n8n replace the json with the message alone).
	return { json: { error: error.message, details }, pairedItem: { item: itemIndex } };
}

/**
 * Runs one handler per input item, at most `concurrency` at a time, and returns the outputs in
 * input order. A failing item becomes an error item when the node continues on fail; otherwise
 * no new item starts and the first failure (in input order) is thrown once the running ones end.
 */
export async function runItems(
	ctx: IExecuteFunctions,
	itemCount: number,
	concurrency: number,
	outputCount: number,
	handler: ItemHandler,
): Promise<INodeExecutionData[][]> {
	const results: Array<ItemOutputs | undefined> = new Array(itemCount);
	const failures = new Map<number, NodeApiError | NodeOperationError>();
	let next = 0;
	let stopped = false;

	const worker = async () => {
		while (!stopped && next < itemCount) {
			const itemIndex = next++;
			try {
				results[itemIndex] = await handler(itemIndex);
			} catch (error) {
				const nodeError = ensureNodeError(ctx.getNode(), error, itemIndex);
				if (ctx.continueOnFail()) {
					results[itemIndex] = [[errorItem(nodeError, itemIndex)]];
				} else {
					failures.set(itemIndex, nodeError);
					stopped = true;
				}
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, itemCount)) }, worker));

	if (failures.size) throw failures.get(Math.min(...failures.keys()));

	const outputs: INodeExecutionData[][] = Array.from({ length: outputCount }, () => []);
	for (const itemOutputs of results) {
		itemOutputs?.forEach((items, output) =>
			outputs[Math.min(output, outputCount - 1)].push(...items),
		);
	}
	return outputs;
}
