import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { ensureNodeError } from '../shared/errors';
import { PRODUCT_VALUES } from '../shared/products';
import { MindeeApi } from '../shared/transport/mindeeApi';
import * as document from './document/document.resource';
import * as job from './job/job.resource';
import * as model from './model/model.resource';
import { outputCount, type ItemOutputs, type Operation } from './operation';

/** resource → operation → implementation. The values are public: saved workflows store them. */
const operations: Record<string, Record<string, Operation>> = {
	...Object.fromEntries(
		PRODUCT_VALUES.map((product) => [
			product,
			{ enqueueAndPoll: document.enqueueAndPoll, enqueue: document.enqueue },
		]),
	),
	job: { get: job.get, getResult: job.getResult },
	model: { search: model.search },
};

/** Items processed at once when the node has no "Parallel Documents" option (job and model). */
const DEFAULT_CONCURRENCY: Record<string, number> = { job: 5, model: 1 };
const DEFAULT_PARALLEL_DOCUMENTS = 50;

/** Runs each input item through its resource's operation, several at once, outputs in input order. */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const api = await MindeeApi.create(this);
	const signal = this.getExecutionCancelSignal();
	const resource = this.getNodeParameter('resource', 0) as string;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const concurrency =
		DEFAULT_CONCURRENCY[resource] ??
		Number(options.parallelDocuments ?? DEFAULT_PARALLEL_DOCUMENTS);

	return await runItems(this, concurrency, async (itemIndex) => {
		const resource = this.getNodeParameter('resource', itemIndex) as string;
		const operation = this.getNodeParameter('operation', itemIndex) as string;
		const found = operations[resource]?.[operation];
		if (!found) {
			throw new NodeOperationError(
				this.getNode(),
				`The operation "${operation}" is not known for resource "${resource}"`,
			);
		}
		return await found.execute({ ctx: this, api, itemIndex, resource, signal });
	});
}

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
async function runItems(
	ctx: IExecuteFunctions,
	concurrency: number,
	handler: (itemIndex: number) => Promise<ItemOutputs>,
): Promise<INodeExecutionData[][]> {
	const itemCount = ctx.getInputData().length;
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

	const outputs: INodeExecutionData[][] = Array.from({ length: outputCount(ctx) }, () => []);
	for (const itemOutputs of results) {
		itemOutputs?.forEach((items, output) =>
			outputs[Math.min(output, outputs.length - 1)].push(...items),
		);
	}
	return outputs;
}
