/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Batches polled by the node's own waitForResult, PollScheduler and GET limiter against a
 * simulated Mindee, on Jest's fake clock: what the scheduler decided (when it checked each job,
 * when it fetched each result) measured in simulated time, so the figures are its decisions, not
 * the machine's speed. Uploads arrive as the credential's 200 a minute lets them (waves of 200,
 * one per 61 s window); each request travels 20 ms each way. The caller turns fake timers on.
 */
import type { INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { PollingSettings } from '../../nodes/Mindee/polling/pollingSchedule';
import { waitForResult } from '../../nodes/Mindee/polling/waitForResult';
import type { MindeeApi, ReadTiming } from '../../nodes/Mindee/shared/transport/mindeeApi';
import { SlidingWindowLimiter } from '../../nodes/Mindee/shared/transport/rateBudget';
import { decideRetry } from '../../nodes/Mindee/shared/transport/retryPolicy';
import type { MindeeJob } from '../../nodes/Mindee/shared/types';

const WINDOW_MS = 61_000;
export const GETS_PER_MINUTE = 1_200;
const TRAVEL_MS = 20;
const UPLOADS_PER_WINDOW = 200;
/** The node's defaults (enqueueAndPoll.operation.ts). */
const DEFAULTS: PollingSettings = { initialDelayMs: 2_000, intervalMs: 1_500, maxWaitMs: 600_000 };
const node = {
	name: 'Mindee',
	type: 'mindee',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
} as unknown as INode;

function seeded(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state / 2147483648;
	};
}

function iso(ms: number): string {
	return new Date(ms).toISOString().replace('Z', '');
}

export interface Batch {
	documents: number;
	processingMs: number;
	/** Each job takes processingMs × (1 ± spread), drawn uniformly. */
	spread: number;
	/** Model id: each batch its own, so the process-wide history starts empty. */
	model: string;
	/** Gap between two uploads of a wave (what 32 uploads at once leave between answers). */
	uploadGapMs?: number;
	/** Mindee's rough edges, as the bench's fake server has them. */
	faults?: {
		/** Share of job and result reads answered 502 or 503. */
		getErrorRate: number;
		/** A job answers 404 for this long after its enqueue. */
		jobNotFoundForMs: number;
	};
	seed?: number;
}

export interface Figures {
	readyToFetchedMs: number[];
	wallMs: number;
	floorMs: number;
	busiestWindowGets: number;
	/** Closest two requests for one job's status, whatever they were answered. */
	closestChecksMs: number;
	getsPerJob: number[];
}

function httpError(status: number): NodeApiError {
	return new NodeApiError(node, { message: `HTTP ${status}` }, { httpCode: String(status) });
}

export async function simulate(batch: Batch): Promise<Figures> {
	const start = Date.now();
	const random = seeded(batch.seed ?? 11);
	const faultRandom = seeded((batch.seed ?? 11) + 1);
	const gets = new SlidingWindowLimiter(GETS_PER_MINUTE, WINDOW_MS, true);
	const sentAt: number[] = [];
	const jobs = new Map<
		string,
		{ enqueuedAt: number; readyAt: number; checks: number[]; fetchedAt?: number; gets: number }
	>();

	/** One request through the GET budget; resolves when its answer is back, with its arrival time. */
	async function request(timing: ReadTiming): Promise<number> {
		const slot = await gets.acquire(timing.priority ?? Date.now());
		if (slot === false) throw new Error('no slot');
		await new Promise((resolve) => setTimeout(resolve, TRAVEL_MS));
		const arrivedAt = Date.now();
		sentAt.push(arrivedAt);
		await new Promise((resolve) => setTimeout(resolve, TRAVEL_MS));
		gets.settle(slot);
		return arrivedAt;
	}

	const gatewayFails = () => faultRandom() < (batch.faults?.getErrorRate ?? 0);

	const api = {
		http: { budget: { get: gets } },
		async getJob(
			pollingUrl: string,
			_itemIndex: number | undefined,
			timing: ReadTiming = {},
		): Promise<MindeeJob> {
			const id = pollingUrl.split('/').pop()!;
			const job = jobs.get(id)!;
			const arrivedAt = await request(timing);
			job.checks.push(arrivedAt);
			job.gets++;
			if (gatewayFails()) throw httpError(502);
			if (arrivedAt - job.enqueuedAt < (batch.faults?.jobNotFoundForMs ?? 0)) throw httpError(404);
			const done = arrivedAt >= job.readyAt;
			return {
				id,
				model_id: batch.model,
				status: done ? 'Processed' : 'Processing',
				polling_url: pollingUrl,
				created_at: iso(job.enqueuedAt),
				completed_at: done ? iso(job.readyAt) : null,
				...(done ? { result_url: `https://mindee.test/v2/results/${id}` } : {}),
			} as unknown as MindeeJob;
		},
		// As the node's HTTP layer does for reads: a gateway error is tried again after a backoff.
		async getResult(resultUrl: string, _itemIndex: number | undefined, timing: ReadTiming = {}) {
			const id = resultUrl.split('/').pop()!;
			const job = jobs.get(id)!;
			for (let attempt = 1; ; attempt++) {
				const arrivedAt = await request(timing);
				job.gets++;
				if (!gatewayFails()) {
					job.fetchedAt = arrivedAt;
					return { id } as never;
				}
				const decision = decideRetry('GET', { kind: 'status', status: 503 }, attempt, random);
				if (!decision.retry) throw httpError(503);
				await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
			}
		},
	} as unknown as MindeeApi;

	const waits: Array<Promise<unknown>> = [];
	const gapMs = batch.uploadGapMs ?? 15;
	for (let index = 0; index < batch.documents; index++) {
		const wave = Math.floor(index / UPLOADS_PER_WINDOW);
		const uploadAt = wave * WINDOW_MS + (index % UPLOADS_PER_WINDOW) * gapMs;
		const duration = batch.processingMs * (1 - batch.spread + 2 * batch.spread * random());
		waits.push(
			new Promise((resolve) => setTimeout(resolve, uploadAt)).then(async () => {
				const id = `job-${index}`;
				const enqueuedAt = Date.now();
				jobs.set(id, { enqueuedAt, readyAt: enqueuedAt + Math.round(duration), checks: [], gets: 0 });
				// The enqueue's answer travels back before the node starts waiting.
				await new Promise((resolve) => setTimeout(resolve, TRAVEL_MS));
				const enqueued = {
					id,
					model_id: batch.model,
					status: 'Processing',
					polling_url: `https://mindee.test/v2/jobs/${id}`,
				} as MindeeJob;
				return await waitForResult(api, node, enqueued, DEFAULTS, index, undefined, 50_000);
			}),
		);
	}
	let settled = 0;
	const all = Promise.all(waits.map(async (wait) => await wait.finally(() => settled++)));
	while (settled < waits.length) await jest.advanceTimersByTimeAsync(50);
	await all;

	const records = [...jobs.values()];
	const readyToFetchedMs = records
		.map((job) => job.fetchedAt! - job.readyAt)
		.sort((a, b) => a - b);
	sentAt.sort((a, b) => a - b);
	let busiest = 0;
	for (let first = 0, last = 0; last < sentAt.length; last++) {
		while (sentAt[last] - sentAt[first] >= 60_000) first++;
		busiest = Math.max(busiest, last - first + 1);
	}
	let closest = Infinity;
	for (const job of records)
		for (let i = 1; i < job.checks.length; i++)
			closest = Math.min(closest, job.checks[i] - job.checks[i - 1]);
	const slowest = Math.max(...records.map((job) => job.readyAt - job.enqueuedAt));
	return {
		readyToFetchedMs,
		wallMs: Math.max(...records.map((job) => job.fetchedAt!)) - start,
		floorMs: Math.floor((batch.documents - 1) / UPLOADS_PER_WINDOW) * 60_000 + slowest,
		busiestWindowGets: busiest,
		closestChecksMs: closest,
		getsPerJob: records.map((job) => job.gets),
	};
}

export function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
