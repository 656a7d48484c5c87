import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { ensureNodeError, StoppedAfterOtherFailureError } from '../shared/errors';
import { PRODUCT_VALUES } from '../shared/products';
import { MindeeApi } from '../shared/transport/mindeeApi';
import { NodeRunJobs } from './document/acceptedJobs';
import * as document from './document/document.resource';
import * as job from './job/job.resource';
import * as model from './model/model.resource';
import { outputCount, runsAsTool, type ItemOutputs, type Operation } from './operation';

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
/**
 * Documents have no cap unless "Parallel Documents" sets one: uploads wait for their turn in the
 * transport (a few sending bytes at once, within Mindee's uploads a minute), and a document
 * already sent waits with its job ID only.
 */
const DEFAULT_PARALLEL_DOCUMENTS = Infinity;

/** One run of an operation: an input item, or one of its files when several are sent one by one. */
interface Run {
	itemIndex: number;
	binaryField?: string;
	/** Why the item could not even be split into runs; the run fails with it. */
	failure?: unknown;
}

function findOperation(ctx: IExecuteFunctions, itemIndex: number) {
	const resource = ctx.getNodeParameter('resource', itemIndex) as string;
	const operation = ctx.getNodeParameter('operation', itemIndex) as string;
	const found = operations[resource]?.[operation];
	if (!found) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The operation "${operation}" is not known for resource "${resource}"`,
		);
	}
	return { resource, found };
}

/** Every item's runs, in input order: one per item, or one per file it sends. */
function planRuns(ctx: IExecuteFunctions, asTool: boolean): Run[] {
	return ctx.getInputData().flatMap((_item, itemIndex): Run[] => {
		try {
			const fields = findOperation(ctx, itemIndex).found.binaryFieldsOf?.(ctx, itemIndex, asTool);
			return fields ? fields.map((binaryField) => ({ itemIndex, binaryField })) : [{ itemIndex }];
		} catch (failure) {
			return [{ itemIndex, failure }];
		}
	});
}

/** Runs each input item (or each of its files) through its operation, several at once, outputs in input order. */
export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const api = await MindeeApi.create(this);
	const signal = this.getExecutionCancelSignal();
	const asTool = runsAsTool(this);
	const resource = this.getNodeParameter('resource', 0) as string;
	const options = this.getNodeParameter('options', 0, {}) as IDataObject;
	const concurrency =
		DEFAULT_CONCURRENCY[resource] ??
		Number(options.parallelDocuments ?? DEFAULT_PARALLEL_DOCUMENTS);

	const jobs = NodeRunJobs.forExecution(this, api.http.account);
	const failFast = new AbortController();
	const stopStarting = () => {
		api.http.stopNewUploads();
		failFast.abort();
	};

	const outputs = await runAll(
		this,
		concurrency,
		planRuns(this, asTool),
		async (run) => {
			if (run.failure) throw run.failure;
			const { itemIndex, binaryField } = run;
			const { resource, found } = findOperation(this, itemIndex);
			return await found.execute({
				ctx: this,
				api,
				itemIndex,
				resource,
				signal,
				binaryField,
				asTool,
				failFast: failFast.signal,
				jobs,
			});
		},
		{ stopStarting, acceptedJobs: () => jobs.describeAcceptedJobs() },
	);
	// Outputs given: nothing of this run is retried, so its jobs need not be remembered. Except
	// when n8n's Retry On Fail re-runs the node because its first item is an error item.
	const firstItemFailed = outputs[0]?.[0]?.json?.error !== undefined;
	if (!(this.getNode().retryOnFail === true && firstItemFailed)) jobs.forgetAll();
	return outputs;
}

/** With "Continue On Fail" or the error output: one error item paired to its input item. */
function errorItem(error: NodeApiError | NodeOperationError, run: Run): INodeExecutionData {
	const details: JsonObject = {};
	if (error.description) details.description = error.description;
	if (error instanceof NodeApiError && error.httpCode) details.httpCode = error.httpCode;
	const code = (error.errorResponse as JsonObject | undefined)?.code;
	if (typeof code === 'string') details.code = code;
	if (run.binaryField !== undefined) details.binary_field = run.binaryField;
	// Only error/details in json: n8n routes such items to the error output, and keeps `details`
	// (setting `item.error` would make n8n replace the json with the message alone).
	return { json: { error: error.message, details }, pairedItem: { item: run.itemIndex } };
}

interface FailFast {
	/** Called once, at the first failure when the node will fail: no new upload starts after it. */
	stopStarting: () => void;
	/** The jobs Mindee accepted in this run, for the error (empty when none). */
	acceptedJobs: () => string;
}

/**
 * Runs one handler per run, at most `concurrency` at a time, and returns the outputs in input
 * order. A failing run becomes an error item when the node continues on fail; otherwise nothing
 * new starts (no run, no upload, no more waiting for results), uploads already sending end, and
 * the first failure in input order is thrown with every job Mindee accepted in this run.
 */
async function runAll(
	ctx: IExecuteFunctions,
	concurrency: number,
	runs: Run[],
	handler: (run: Run) => Promise<ItemOutputs>,
	failFast: FailFast,
): Promise<INodeExecutionData[][]> {
	const results: Array<ItemOutputs | undefined> = new Array(runs.length);
	const failures = new Map<number, NodeApiError | NodeOperationError>();
	let next = 0;
	let stopped = false;

	const worker = async () => {
		while (!stopped && next < runs.length) {
			const runIndex = next++;
			const run = runs[runIndex];
			try {
				results[runIndex] = await handler(run);
			} catch (error) {
				// Held back because another item failed: that failure is the one to report.
				if (error instanceof StoppedAfterOtherFailureError) continue;
				const nodeError = ensureNodeError(ctx.getNode(), error, run.itemIndex);
				if (ctx.continueOnFail()) {
					results[runIndex] = [[errorItem(nodeError, run)]];
				} else {
					failures.set(runIndex, nodeError);
					if (!stopped) failFast.stopStarting();
					stopped = true;
				}
			}
		}
	};
	await Promise.all(
		Array.from({ length: Math.max(1, Math.min(concurrency, runs.length)) }, worker),
	);

	if (failures.size) {
		const failure = failures.get(Math.min(...failures.keys()))!;
		const accepted = failFast.acceptedJobs();
		if (accepted)
			failure.description = [failure.description, accepted].filter(Boolean).join('\n\n');
		throw failure;
	}

	const outputs: INodeExecutionData[][] = Array.from({ length: outputCount(ctx) }, () => []);
	for (const runOutputs of results) {
		runOutputs?.forEach((items, output) =>
			outputs[Math.min(output, outputs.length - 1)].push(...items),
		);
	}
	return outputs;
}
