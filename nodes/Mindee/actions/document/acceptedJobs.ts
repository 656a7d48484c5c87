import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { MindeeJob } from '../../shared/types';

/**
 * The jobs Mindee accepted, remembered by this n8n process so that n8n's retries poll them instead
 * of paying for the same document again:
 *
 * - Retry On Fail re-runs the node in the same execution: every job accepted by an earlier try of
 *   the same document is reused.
 * - Executions → Retry starts a new execution in mode `retry` from the failed node, with the same
 *   input items: a job of the same workflow, node, item and document accepted within the last hour
 *   is reused. n8n does not tell a node which execution is being retried, so any execution of that
 *   workflow counts; other modes (manual, trigger, webhook) always send the document.
 *
 * A document is the item, its binary field, the file's identity (`DocumentSource.identity`), the
 * product, every enqueue field (model, options, alias…) and the credential's account: two different
 * items never share a job. Entries are dropped when the node outputs its items, after an hour, or
 * when the memory is full (least recently used first).
 */

/** Executions → Retry reuses jobs this young: Mindee keeps results for at least an hour. */
export const REUSE_WINDOW_MS = 60 * 60_000;
/** Bound on what the process remembers (a few hundred bytes each). */
export const MAX_REMEMBERED_DOCUMENTS = 20_000;
/**
 * A document whose job ended Failed is sent again by the next try, but Mindee gets at most this
 * many jobs of it that fail: past that, the retry reports the last failure without uploading.
 */
export const MAX_FAILED_JOBS_PER_DOCUMENT = 2;
/** Jobs listed one by one in the error of a failed node; past that, how to find the others. */
const LISTED_JOBS = 30;

/** n8n's execution mode for Executions → Retry (`WorkflowExecuteMode`). */
const RETRY_MODE = 'retry';

interface RememberedJob {
	job: MindeeJob;
	executionId: string;
	acceptedAt: number;
	/** Jobs of this document that ended Failed; `job` is the last of them when `failed`. */
	failedJobs: number;
	failed: boolean;
}

/** The process-wide memory: a bounded map, oldest use first, entries expiring after the window. */
export class RememberedJobs {
	private readonly entries = new Map<string, RememberedJob>();

	constructor(
		private readonly maxEntries = MAX_REMEMBERED_DOCUMENTS,
		private readonly windowMs = REUSE_WINDOW_MS,
	) {}

	get size(): number {
		return this.entries.size;
	}

	get(key: string, now = Date.now()): RememberedJob | undefined {
		const entry = this.entries.get(key);
		if (!entry) return undefined;
		this.entries.delete(key);
		if (now - entry.acceptedAt > this.windowMs) return undefined;
		this.entries.set(key, entry);
		return entry;
	}

	set(key: string, entry: RememberedJob): void {
		this.entries.delete(key);
		this.entries.set(key, entry);
		while (this.entries.size > this.maxEntries) {
			const oldest = this.entries.keys().next().value;
			if (oldest === undefined) break;
			this.entries.delete(oldest);
		}
	}

	delete(key: string): void {
		this.entries.delete(key);
	}

	clear(): void {
		this.entries.clear();
	}
}

export const rememberedJobs = new RememberedJobs();

/** What an earlier try left for a document, and what to do with it. */
export type Reuse =
	| { kind: 'send'; failedJobs: number }
	| { kind: 'poll'; job: MindeeJob; reusedJob: ReusedJobMetadata }
	| { kind: 'failedAgain'; job: MindeeJob; failedJobs: number };

/** Goes into the item's `mindee` metadata when its job came from an earlier try. */
export interface ReusedJobMetadata {
	[key: string]: string | boolean;
	job_id: string;
	execution_id: string;
	/** True when the job was accepted by another execution (Executions → Retry). */
	from_earlier_execution: boolean;
	accepted_at: string;
}

/** The rule, on its own: what an entry allows a try of `executionId` in `mode` to do. */
export function decideReuse(
	entry: RememberedJob | undefined,
	current: { executionId: string; mode: string },
): Reuse {
	if (!entry) return { kind: 'send', failedJobs: 0 };
	const sameExecution = entry.executionId === current.executionId;
	if (!sameExecution && current.mode !== RETRY_MODE) return { kind: 'send', failedJobs: 0 };
	if (entry.failed) {
		return entry.failedJobs >= MAX_FAILED_JOBS_PER_DOCUMENT
			? { kind: 'failedAgain', job: entry.job, failedJobs: entry.failedJobs }
			: { kind: 'send', failedJobs: entry.failedJobs };
	}
	return {
		kind: 'poll',
		job: entry.job,
		reusedJob: {
			job_id: entry.job.id,
			execution_id: entry.executionId,
			from_earlier_execution: !sameExecution,
			accepted_at: new Date(entry.acceptedAt).toISOString(),
		},
	};
}

/** What identifies a document, besides the node run it is sent from. */
export interface DocumentParts {
	itemIndex: number;
	binaryField?: string;
	product: string;
	/** Every enqueue form field: model, options, alias, URL… */
	fields: Array<[string, string]>;
	/** The file's identity or the URL (`DocumentSource.identity`). */
	content: string;
}

/** Which run of the node a document is: its item, and its binary field when an item sends several. */
export interface RunPlace {
	itemIndex: number;
	binaryField?: string;
}

interface AcceptedInRun extends RunPlace {
	fileName: string;
	jobId: string;
	reused: boolean;
}

/**
 * One run of the node (one `execute()`): finds what earlier tries left, remembers what Mindee
 * accepts, and lists it for the error when the node fails.
 */
export class NodeRunJobs {
	private readonly keys = new Set<string>();
	private readonly accepted = new Map<string, AcceptedInRun>();

	constructor(
		private readonly scope: {
			workflowId: string;
			nodeName: string;
			executionId: string;
			mode: string;
			/** The credential's account (base URL and a hash of the key): jobs are not shared across accounts. */
			account: string;
		},
		private readonly memory = rememberedJobs,
	) {}

	static forExecution(ctx: IExecuteFunctions, account: string): NodeRunJobs {
		return new NodeRunJobs({
			workflowId: String(ctx.getWorkflow().id ?? ''),
			nodeName: ctx.getNode().name,
			executionId: String(ctx.getExecutionId() ?? ''),
			mode: ctx.getMode(),
			account,
		});
	}

	/** The key of a document: a hash, so the memory holds no file names or options. */
	keyOf(parts: DocumentParts): string {
		const { workflowId, nodeName, account } = this.scope;
		const identity = JSON.stringify([
			workflowId,
			nodeName,
			account,
			parts.itemIndex,
			parts.binaryField ?? null,
			parts.product,
			parts.fields,
			parts.content,
		]);
		return createHash('sha256').update(identity).digest('hex');
	}

	find(key: string): Reuse {
		this.keys.add(key);
		return decideReuse(this.memory.get(key), this.scope);
	}

	/** An upload of this try was accepted: remembered for later tries, listed if the node fails. */
	noteSent(key: string, job: MindeeJob, where: RunPlace, failedJobs = 0): void {
		this.keys.add(key);
		this.memory.set(key, {
			job,
			executionId: this.scope.executionId,
			acceptedAt: Date.now(),
			failedJobs,
			failed: false,
		});
		this.accepted.set(key, { ...where, fileName: job.filename, jobId: job.id, reused: false });
	}

	/** A job of an earlier try is polled instead of an upload: listed if the node fails. */
	noteReused(key: string, job: MindeeJob, where: RunPlace): void {
		this.keys.add(key);
		this.accepted.set(key, { ...where, fileName: job.filename, jobId: job.id, reused: true });
	}

	/** The document's job ended Failed at Mindee: the next try may send it again (see the limit). */
	noteFailed(key: string, failedJob: MindeeJob): void {
		const entry = this.memory.get(key);
		if (!entry) return;
		if (entry.failed && entry.job.id === failedJob.id) return;
		this.memory.set(key, {
			...entry,
			job: { ...entry.job, ...failedJob },
			failed: true,
			failedJobs: entry.failedJobs + 1,
		});
	}

	/** The earlier job cannot be read any more (Mindee deleted it): the document is sent again. */
	forget(key: string): void {
		this.memory.delete(key);
		this.accepted.delete(key);
	}

	/** The node output its items: nothing of this run will be retried, so nothing is kept. */
	forgetAll(): void {
		for (const key of this.keys) this.memory.delete(key);
	}

	/** Jobs Mindee holds for this run's documents, in input order. */
	acceptedJobs(): AcceptedInRun[] {
		return [...this.accepted.values()].sort(
			(a, b) =>
				a.itemIndex - b.itemIndex || (a.binaryField ?? '').localeCompare(b.binaryField ?? ''),
		);
	}

	/**
	 * For the error of a failed node: every job Mindee accepted for this run's documents, so nothing
	 * paid for is lost from sight, and what a retry does with them. Empty when there is none.
	 */
	describeAcceptedJobs(): string {
		const jobs = this.acceptedJobs();
		if (!jobs.length) return '';
		const line = (job: AcceptedInRun) =>
			`item ${job.itemIndex}${job.binaryField === undefined ? '' : ` (${job.binaryField})`}: job ${job.jobId}, "${job.fileName}"${job.reused ? ' (from an earlier try)' : ''}`;
		const listed = jobs.slice(0, LISTED_JOBS).map(line);
		const more = jobs.length - listed.length;
		const rest = more
			? `\n…and ${more} more. Each is in app.mindee.com under its file name (and alias, if you set one); fetch a result with Job → Get Result and its job ID.`
			: '';
		return [
			`Mindee accepted ${jobs.length} document${jobs.length === 1 ? '' : 's'} of this run, which it bills whether or not the node finishes:`,
			...listed,
		]
			.join('\n')
			.concat(
				rest,
				'\nRetry On Fail, or Executions → Retry within an hour on this n8n instance, polls these jobs instead of sending the documents again.',
			);
	}
}
