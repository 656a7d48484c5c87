import type { INode } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { canceledError, ensureNodeError, networkCode } from '../shared/errors';
import { whenAborted } from '../shared/transport/cancelSignal';
import type { MindeeApi } from '../shared/transport/mindeeApi';
import { LONGEST_PAUSE_MS, type SlidingWindowLimiter } from '../shared/transport/rateBudget';
import { decideRetry, type Failure } from '../shared/transport/retryPolicy';
import type { MindeeJob } from '../shared/types';
import {
	checkGapMs,
	checksRoomNow,
	dueJobs,
	nextChangeAt,
	plannedGapMs,
	SCOUTS_PER_KIND,
	survivalCurve,
	type GetBudgetView,
	type PollingSettings,
	type SurvivalCurve,
	type WaitingJob,
} from './pollingSchedule';
import { learnedProcessingTimes, type ProcessingTimes } from './processingTimes';

/** Mindee may not know a job id for a moment right after the enqueue answered. */
const NOT_FOUND_GRACE_MS = 10_000;
/** When checks were due but the budget held them back: how soon to look again. */
const HELD_BACK_PAUSE_MS = 50;

export interface WaitRequest {
	api: MindeeApi;
	node: INode;
	job: MindeeJob;
	settings: PollingSettings;
	itemIndex: number;
	deadline: number;
	signal?: AbortSignal;
	/** Size of the uploaded file, when known: similar files take similar times. */
	fileBytes?: number;
}

/** How a wait ended, for the caller to turn into its item's outcome. */
export type WaitOutcome =
	| { done: MindeeJob; answeredAgeMs: number; previousAgeMs: number }
	| { timedOut: true; lastFailure?: unknown; heldBack: boolean };

interface Entry extends WaitingJob {
	request: WaitRequest;
	/** Jobs of one model and about the same file size: what one of them takes says most about the others. */
	kind: string;
	failures: number;
	lastFailure?: unknown;
	/** Was due for a check at some point and found no room in the GET budget. */
	heldBack: boolean;
	finish: (outcome: WaitOutcome) => void;
	fail: (error: unknown) => void;
	stopListening: () => void;
}

/** Files within about a factor of two of each other's size share a kind. */
function kindOf(modelId: string, fileBytes: number | undefined): string {
	const sizeClass = fileBytes === undefined ? 'url' : Math.round(Math.log2(Math.max(1, fileBytes)));
	return `${modelId}|${sizeClass}`;
}

/** A size that stands for a kind's files when asking the history about them. */
function kindBytes(fileBytes: number | undefined): number | undefined {
	return fileBytes === undefined ? undefined : 2 ** Math.round(Math.log2(Math.max(1, fileBytes)));
}

/**
 * One scheduler per credential's GET budget decides which of the jobs waiting in this process to
 * check next, for every execution at once: from what similar jobs took and from what is left of
 * the budget (pollingSchedule.ts). Each job only waits for its turn; a check's answer updates
 * what the scheduler knows about the others of its kind.
 */
export class PollScheduler {
	private readonly entries = new Set<Entry>();
	private running = false;
	private wake?: AbortController;
	/** What similar finished jobs took, per kind, as of the history's `version`. */
	private finishedByKind = new Map<string, number[]>();
	private historyVersion = -1;

	constructor(
		private readonly gets: SlidingWindowLimiter,
		private readonly history: ProcessingTimes = learnedProcessingTimes,
	) {}

	/** Waits until Mindee says the job is done (or failed, or `deadline` passes). */
	async waitUntilDone(request: WaitRequest): Promise<WaitOutcome> {
		const { signal, node, itemIndex, job } = request;
		if (signal?.aborted) throw canceledError(node, itemIndex, job);
		return await new Promise<WaitOutcome>((resolve, reject) => {
			const entry: Entry = {
				request,
				kind: kindOf(job.model_id, request.fileBytes),
				startedAt: Date.now(),
				lastProcessingAgeMs: 0,
				notBefore: 0,
				checking: false,
				curve: survivalCurve([], []),
				settings: request.settings,
				failures: 0,
				heldBack: false,
				finish: (outcome) => {
					this.remove(entry);
					resolve(outcome);
				},
				fail: (error) => {
					this.remove(entry);
					reject(error);
				},
				stopListening: () => undefined,
			};
			if (signal) {
				entry.stopListening = whenAborted(signal, () =>
					entry.fail(canceledError(node, itemIndex, job)),
				);
			}
			this.entries.add(entry);
			this.poke();
		});
	}

	/** Jobs waiting (for tests and diagnostics). */
	get waiting(): number {
		return this.entries.size;
	}

	private remove(entry: Entry): void {
		entry.stopListening();
		this.entries.delete(entry);
		this.poke();
	}

	/** Decide again now: a job came, went, or an answer changed what is known. */
	private poke(): void {
		this.wake?.abort();
		void this.run();
	}

	private async run(): Promise<void> {
		if (this.running) return;
		this.running = true;
		try {
			while (this.entries.size > 0) {
				const pauseMs = this.round(Date.now());
				this.wake = new AbortController();
				try {
					await sleep(Math.min(Math.max(pauseMs, 1), LONGEST_PAUSE_MS), this.wake.signal);
				} catch {
					// Woken early: decide again.
				}
			}
		} finally {
			this.running = false;
		}
	}

	/** One round: end the jobs past their deadline, send the checks worth sending; returns the pause. */
	round(now: number): number {
		for (const entry of this.entries) {
			if (!entry.checking && now >= entry.request.deadline) {
				entry.finish({ timedOut: true, lastFailure: entry.lastFailure, heldBack: entry.heldBack });
			}
		}
		this.updateCurves();
		const budget: GetBudgetView = {
			limit: this.gets.perWindow,
			windowMs: this.gets.windowMs,
			countedAt: (time) => this.gets.countedAt(time),
		};
		const gapMs = plannedGapMs(this.entries, now, budget);
		const due = dueJobs(this.entries, now, gapMs);
		const sending = due.slice(0, checksRoomNow(budget, now));
		for (const entry of sending) void this.check(entry, now);
		const heldBack = due.slice(sending.length);
		for (const entry of heldBack) entry.heldBack = true;
		if (heldBack.length > 0) return HELD_BACK_PAUSE_MS;
		let next = Infinity;
		for (const entry of this.entries)
			next = Math.min(next, nextChangeAt(entry, now, gapMs), entry.request.deadline);
		return next - now;
	}

	/**
	 * What each kind of job takes, counting its jobs in flight; while a kind has no history, only
	 * its oldest few jobs are checked, for all of them.
	 */
	private updateCurves(): void {
		const byKind = new Map<string, Entry[]>();
		for (const entry of this.entries) {
			const entries = byKind.get(entry.kind);
			if (entries) entries.push(entry);
			else byKind.set(entry.kind, [entry]);
		}
		if (this.history.version !== this.historyVersion) {
			this.finishedByKind = new Map();
			this.historyVersion = this.history.version;
		}
		for (const [kind, entries] of byKind) {
			const { job, fileBytes } = entries[0].request;
			let finished = this.finishedByKind.get(kind);
			if (!finished) {
				finished = this.history.similar(job.model_id, kindBytes(fileBytes));
				this.finishedByKind.set(kind, finished);
			}
			const stillProcessing = entries
				.map((entry) => entry.lastProcessingAgeMs)
				.filter((ageMs) => ageMs > 0);
			const curve: SurvivalCurve = survivalCurve(finished, stillProcessing);
			const oldestFirst =
				finished.length > 0 ? entries : [...entries].sort((a, b) => a.startedAt - b.startedAt);
			oldestFirst.forEach((entry, index) => {
				entry.curve = curve;
				entry.standsBy = finished.length === 0 && index >= SCOUTS_PER_KIND;
			});
		}
	}

	private async check(entry: Entry, sentAt: number): Promise<void> {
		const { api, job, itemIndex, deadline, node } = entry.request;
		const sentAgeMs = sentAt - entry.startedAt;
		entry.checking = true;
		try {
			const answer = await api.getJob(job.polling_url, itemIndex, {
				priority: sentAt,
				deadline,
				once: true,
			});
			const answeredAt = Date.now();
			entry.failures = 0;
			entry.lastFailure = undefined;
			if (answer.status === 'Failed' || answer.status === 'Processed' || answer.result_url) {
				entry.finish({
					done: answer,
					answeredAgeMs: answeredAt - entry.startedAt,
					previousAgeMs: entry.lastProcessingAgeMs,
				});
				return;
			}
			this.stillProcessing(entry, sentAgeMs, answeredAt);
		} catch (error) {
			const answeredAt = Date.now();
			if (entry.request.signal?.aborted) return entry.fail(canceledError(node, itemIndex, job));
			const young = answeredAt - entry.startedAt < NOT_FOUND_GRACE_MS;
			if (young && error instanceof NodeApiError && error.httpCode === '404') {
				// Not known to Mindee yet: certainly not done.
				this.stillProcessing(entry, sentAgeMs, answeredAt);
				return;
			}
			entry.failures++;
			const decision = decideRetry('GET', failureOf(error), entry.failures);
			if (answeredAt >= deadline) {
				// Past Maximum Wait, the job ID matters more than why the last check failed.
				return entry.finish({ timedOut: true, lastFailure: error, heldBack: entry.heldBack });
			}
			if (!decision.retry) return entry.fail(ensureNodeError(node, error, itemIndex));
			// Should Maximum Wait pass before the next check, the item ends with this failure.
			entry.lastFailure = error;
			entry.checking = false;
			entry.notBefore = answeredAt + Math.max(checkGapMs(entry), decision.delayMs);
		} finally {
			this.poke();
		}
	}

	private stillProcessing(entry: Entry, sentAgeMs: number, answeredAt: number): void {
		entry.checking = false;
		entry.lastProcessingAgeMs = Math.max(entry.lastProcessingAgeMs, sentAgeMs);
		// Counted from the answer: a second between the two checks' arrivals at Mindee, whatever the network did.
		entry.notBefore = answeredAt + checkGapMs(entry);
	}
}

/** What failed, as the retry policy reads it: an HTTP status, or a network error's code. */
function failureOf(error: unknown): Failure {
	const status = Number((error as { httpCode?: unknown })?.httpCode);
	if (Number.isInteger(status) && status >= 100) return { kind: 'status', status };
	return { kind: 'network', code: networkCode(error) };
}

const schedulers = new WeakMap<SlidingWindowLimiter, PollScheduler>();

/** The scheduler of a credential's GET budget, shared by every execution in this process. */
export function schedulerFor(api: MindeeApi): PollScheduler {
	const gets = api.http.budget.get;
	let scheduler = schedulers.get(gets);
	if (!scheduler) {
		scheduler = new PollScheduler(gets);
		schedulers.set(gets, scheduler);
	}
	return scheduler;
}
