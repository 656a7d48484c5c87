import { NodeApiError, type IDataObject, type INodeExecutionData } from 'n8n-workflow';

import { waitForResult, type PollOutcome } from '../../polling/waitForResult';
import type { PollingSettings } from '../../polling/pollingSchedule';
import { ensureNodeError, jobFailedError, stoppedAfterOtherFailure } from '../../shared/errors';
import { METADATA_KEY } from '../../shared/output/fields';
import type { MindeeProduct } from '../../shared/products';
import { fileSize } from '../../shared/transport/multipart';
import { isPlainObject, type MindeeJob, type MindeeProblem } from '../../shared/types';
import type { OperationContext } from '../operation';
import type { ReusedJobMetadata, RunPlace } from './acceptedJobs';
import type { EnqueueRequest } from './enqueueForm';

/** A document's job: new, or left by an earlier try (then `reused` says which and from where). */
export interface StartedJob {
	job: MindeeJob;
	reused?: ReusedJobMetadata;
}

/**
 * One document on its way through Mindee: reuses the job an earlier try of n8n left for it
 * (acceptedJobs.ts) or uploads it, remembers what Mindee accepted, and polls it to the end.
 */
export class DocumentJob {
	private readonly key?: string;
	private readonly place: RunPlace;
	/** Failed jobs of this document so far (carried into the next upload's memory). */
	private failedJobs = 0;

	constructor(
		private readonly operation: OperationContext,
		private readonly product: MindeeProduct,
		private readonly request: EnqueueRequest,
	) {
		const { itemIndex, binaryField, jobs } = operation;
		this.place = { itemIndex, binaryField };
		this.key = jobs?.keyOf({
			itemIndex,
			binaryField,
			product,
			fields: request.fields,
			content: request.source.identity,
		});
	}

	private get fileBytes(): number | undefined {
		return this.request.file && fileSize(this.request.file.content);
	}

	/** The job an earlier try left for this document, else a new upload. */
	async start(answerWithinMs?: number): Promise<StartedJob> {
		const { jobs, ctx, itemIndex } = this.operation;
		if (!jobs || this.key === undefined) return { job: await this.send(answerWithinMs) };
		const found = jobs.find(this.key);
		if (found.kind === 'poll') {
			jobs.noteReused(this.key, found.job, this.place);
			return { job: found.job, reused: found.reusedJob };
		}
		if (found.kind === 'failedAgain') {
			jobs.noteReused(this.key, found.job, this.place);
			const error = jobFailedError(ctx.getNode(), found.job, itemIndex);
			error.description = `${error.description ?? ''}\nNot sent again: Mindee failed ${found.failedJobs} jobs of this document within the last hour, and each try would be paid for. Check the file; to send it anyway, run the workflow again instead of retrying this execution.`;
			throw error;
		}
		this.failedJobs = found.failedJobs;
		return { job: await this.send(answerWithinMs) };
	}

	/** Uploads the document and remembers its job; no upload starts once another item failed. */
	async send(answerWithinMs?: number): Promise<MindeeJob> {
		const { api, jobs, itemIndex, failFast, ctx } = this.operation;
		const { fields, file } = this.request;
		if (failFast?.aborted) throw stoppedAfterOtherFailure(ctx.getNode(), itemIndex);
		const job = await api.enqueue(this.product, fields, file, itemIndex, answerWithinMs);
		if (jobs && this.key !== undefined) jobs.noteSent(this.key, job, this.place, this.failedJobs);
		return job;
	}

	/**
	 * The result of the job: a reused one is looked at once first (it is often done already, and
	 * may have failed or been deleted by Mindee: then the document is sent again).
	 */
	async result(started: StartedJob, settings: PollingSettings): Promise<PollOutcome & StartedJob> {
		if (started.reused) {
			const outcome = await this.resultOfReused(started.job, settings);
			if (outcome) return { ...outcome, reused: started.reused };
			return await this.result({ job: await this.send(settings.maxWaitMs) }, settings);
		}
		return await this.poll(started.job, settings);
	}

	/** Polls the job until Mindee is done; notes a Failed job so a later try may send it again. */
	private async poll(job: MindeeJob, settings: PollingSettings): Promise<PollOutcome> {
		const { api, ctx, itemIndex, signal, failFast } = this.operation;
		const node = ctx.getNode();
		if (failFast?.aborted) throw stoppedAfterOtherFailure(node, itemIndex);
		const waitSignal =
			signal && failFast ? AbortSignal.any([signal, failFast]) : (signal ?? failFast);
		try {
			return await waitForResult(api, node, job, settings, itemIndex, waitSignal, this.fileBytes);
		} catch (error) {
			const failedJob = failedJobOf(error, job);
			if (failedJob) this.noteFailed(failedJob);
			if (failFast?.aborted && !signal?.aborted) throw stoppedAfterOtherFailure(node, itemIndex);
			throw ensureNodeError(node, error, itemIndex);
		}
	}

	/** Undefined when the document must be sent again. */
	private async resultOfReused(
		job: MindeeJob,
		settings: PollingSettings,
	): Promise<PollOutcome | undefined> {
		const { api, ctx, itemIndex } = this.operation;
		let current: MindeeJob;
		try {
			current = await api.getJob(job.polling_url, itemIndex);
		} catch (error) {
			if (isNotFound(error)) return this.forgetGone();
			throw ensureNodeError(ctx.getNode(), error, itemIndex);
		}
		if (current.status === 'Failed') {
			this.noteFailed(current);
			const again = this.operation.jobs?.find(this.key ?? '');
			if (again?.kind === 'failedAgain') throw jobFailedError(ctx.getNode(), current, itemIndex);
			this.failedJobs = again?.kind === 'send' ? again.failedJobs : this.failedJobs;
			return undefined;
		}
		if (current.result_url) {
			try {
				const inference = await api.getResult(current.result_url, itemIndex);
				return { job: current, inference };
			} catch (error) {
				if (isNotFound(error)) return this.forgetGone();
				throw ensureNodeError(ctx.getNode(), error, itemIndex);
			}
		}
		return await this.poll(job, settings);
	}

	private noteFailed(failedJob: MindeeJob): void {
		if (this.key !== undefined) this.operation.jobs?.noteFailed(this.key, failedJob);
	}

	/** Mindee no longer has the job or its result (deleted after the first fetch, or expired). */
	private forgetGone(): undefined {
		if (this.key !== undefined) this.operation.jobs?.forget(this.key);
		return undefined;
	}
}

function isNotFound(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '404';
}

/** The job, marked Failed with Mindee's problem, when `error` is `jobFailedError` for it. */
function failedJobOf(error: unknown, job: MindeeJob): MindeeJob | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	const { job_id: jobId, ...problem } = (error.errorResponse ?? {}) as IDataObject;
	if (jobId !== job.id) return undefined;
	const mindeeProblem =
		typeof problem.code === 'string' ? (problem as MindeeProblem & IDataObject) : null;
	return { ...job, status: 'Failed', error: mindeeProblem };
}

/** Says in the items' `mindee` metadata which earlier job they came from (not in Raw output). */
export function markReused(
	outputs: INodeExecutionData[][],
	reused: ReusedJobMetadata | undefined,
): INodeExecutionData[][] {
	if (!reused) return outputs;
	for (const item of outputs.flat()) {
		const metadata = item.json[METADATA_KEY];
		if (isPlainObject(metadata)) metadata.reused_job = { ...reused };
	}
	return outputs;
}
