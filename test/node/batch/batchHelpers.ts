/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Shared pieces of the batch tests (fault tolerance, rate budget, cancellation): distinct documents,
 * the node parameters of a batch run, the invariants every batch run must keep, and a watch on the
 * node's rate budget that records what it decided (pauses, granted requests).
 *
 * Documents are told apart by their content: the sample invoice with a distinct PDF comment appended
 * (`%batch-doc-<n>`), named `doc-<n>.pdf`. The fake server records the sha256 of every uploaded file
 * and the file name of every job, so "enqueued exactly once" is checked per document, not in total.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { budgetFor, DEFAULT_RATE_LIMITS, organisationKey } from '../../../nodes/Mindee/shared/transport/rateBudget';
import { isEnqueue, type FakeMindee, type RecordedRequest } from '../../fake-mindee/server';
import type { HarnessItem } from '../harness';

export const EXTRACTION_MODEL_ID = 'b3274545-bb22-bb22-991e-9ca0639829a3';
export const SAMPLE_PDF = readFileSync(join(__dirname, '..', '..', 'fixtures', 'files', 'invoice.pdf'));

export interface BatchDocument {
	index: number;
	fileName: string;
	bytes: Buffer;
	sha256: string;
}

/** `count` PDFs that differ in content (and name), so the fake's records tell them apart. */
export function makeDocuments(count: number, prefix = 'doc'): BatchDocument[] {
	return Array.from({ length: count }, (_, index) => {
		const bytes = Buffer.concat([SAMPLE_PDF, Buffer.from(`\n%batch-${prefix}-${index}\n`, 'latin1')]);
		return {
			index,
			fileName: `${prefix}-${index}.pdf`,
			bytes,
			sha256: createHash('sha256').update(bytes).digest('hex'),
		};
	});
}

export function itemsFor(documents: BatchDocument[]): HarnessItem[] {
	return documents.map((document) => ({
		json: { document: document.index },
		binary: { data: { data: document.bytes, mimeType: 'application/pdf', fileName: document.fileName } },
	}));
}

export interface BatchParameterOptions {
	parallelDocuments?: number;
	initialDelaySeconds?: number;
	intervalSeconds?: number;
	maxWaitSeconds?: number;
}

/** Extraction → Enqueue & Poll of the binary `data`, raw output (the item JSON is Mindee's inference). */
export function batchParameters(options: BatchParameterOptions = {}): INodeParameters {
	const polling: INodeParameters = {};
	if (options.initialDelaySeconds !== undefined) polling.initialDelaySeconds = options.initialDelaySeconds;
	if (options.intervalSeconds !== undefined) polling.intervalSeconds = options.intervalSeconds;
	if (options.maxWaitSeconds !== undefined) polling.maxWaitSeconds = options.maxWaitSeconds;
	return {
		resource: 'extraction',
		operation: 'enqueueAndPoll',
		modelId: { __rl: true, mode: 'id', value: EXTRACTION_MODEL_ID },
		inputType: 'binary',
		binaryPropertyName: 'data',
		outputMode: 'raw',
		options: options.parallelDocuments === undefined ? {} : { parallelDocuments: options.parallelDocuments },
		pollingOptions: polling,
	};
}

/** What the fake counts as an upload, for the batch tests. */
export { isEnqueue };

/** Accepted enqueues (HTTP 202) per document index, from the sha256 of the uploaded file. */
export function acceptedEnqueuesPerDocument(fake: FakeMindee, documents: BatchDocument[]): number[] {
	const bySha = new Map(documents.map((document) => [document.sha256, document.index]));
	const counts = new Array<number>(documents.length).fill(0);
	for (const request of fake.requests) {
		if (!isEnqueue(request) || request.status !== 202) continue;
		const index = request.file ? bySha.get(request.file.sha256) : undefined;
		if (index === undefined) throw new Error(`The fake accepted an upload that is none of the batch's documents: ${JSON.stringify(request.file)}`);
		counts[index]++;
	}
	return counts;
}

/** Jobs the fake created per document index (from the job's file name). */
export function jobsPerDocument(fake: FakeMindee, documents: BatchDocument[]): number[] {
	const byName = new Map(documents.map((document) => [document.fileName, document.index]));
	const counts = new Array<number>(documents.length).fill(0);
	for (const job of fake.jobs.values()) {
		const index = byName.get(job.filename);
		if (index === undefined) throw new Error(`The fake holds a job for an unknown file: ${job.filename}`);
		counts[index]++;
	}
	return counts;
}

export interface BatchOutcome {
	successes: number[];
	errors: number[];
}

/**
 * The batch invariants on the node's first output:
 * - one output item per input item, in input order, each paired to its own input item;
 * - a success item is the inference of that very document (its job's file name);
 * - an error item carries `error` (the message); its `details` are checked by the tests that expect them.
 * Returns which items succeeded and which ended as error items.
 */
export function expectOneResultPerItem(
	output: INodeExecutionData[][],
	documents: BatchDocument[],
	fake: FakeMindee,
): BatchOutcome {
	const [items] = output;
	expect(items).toHaveLength(documents.length);
	const jobName = new Map([...fake.jobs.values()].map((job) => [job.id, job.filename]));
	const successes: number[] = [];
	const errors: number[] = [];
	items.forEach((item, position) => {
		expect(item.pairedItem).toEqual({ item: position });
		if (item.json.error !== undefined) {
			errors.push(position);
			expect(typeof item.json.error).toBe('string');
			return;
		}
		successes.push(position);
		const inference = item.json as IDataObject;
		// Raw output: Mindee's inference; the fake's inference id is the job id.
		expect(jobName.get(String(inference.id))).toBe(documents[position].fileName);
	});
	return { successes, errors };
}

/** Every document enqueued exactly once (accepted uploads and jobs both counted). */
export function expectEachDocumentEnqueuedOnce(fake: FakeMindee, documents: BatchDocument[]): void {
	const accepted = acceptedEnqueuesPerDocument(fake, documents);
	const jobs = jobsPerDocument(fake, documents);
	const notOnce = (counts: number[]) =>
		counts.map((count, index) => ({ index, count })).filter(({ count }) => count !== 1);
	expect(notOnce(accepted)).toEqual([]);
	expect(notOnce(jobs)).toEqual([]);
}

export function statusCounts(requests: RecordedRequest[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const request of requests) {
		const key = `${request.method} ${request.status}`;
		counts[key] = (counts[key] ?? 0) + 1;
	}
	return counts;
}

export async function delay(ms: number): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Calls `action` once, as soon as `condition` holds (checked every 5 ms), e.g. to switch a fault on
 * at a given point of a batch run. Returns a function that stops watching.
 */
export function when(condition: () => boolean, action: () => void): () => void {
	const timer = setInterval(() => {
		if (!condition()) return;
		clearInterval(timer);
		action();
	}, 5);
	return () => clearInterval(timer);
}

type RequestKind = 'post' | 'get';

/**
 * What the node itself decided during a run, read off its rate budget (the one place where it
 * holds requests back): each pause it took after a 429 and each request slot it granted. These are
 * the node's decisions, so asserting on them holds however busy the machine is; arrival times at
 * the server would also count requests that were already on their way.
 */
export function watchRateBudget(baseUrl: string, apiKey: string) {
	const budget = budgetFor(organisationKey(baseUrl, apiKey), DEFAULT_RATE_LIMITS);
	const pauses: Array<{ kind: RequestKind; at: number; until: number }> = [];
	const grants: Array<{ kind: RequestKind; at: number }> = [];
	for (const kind of ['post', 'get'] as const) {
		const limiter = budget[kind];
		const pauseUntil = limiter.pauseUntil.bind(limiter);
		const acquire = limiter.acquire.bind(limiter);
		jest.spyOn(limiter, 'pauseUntil').mockImplementation((until) => {
			pauses.push({ kind, at: Date.now(), until });
			pauseUntil(until);
		});
		jest.spyOn(limiter, 'acquire').mockImplementation(async (priority, signal) => {
			const slot = await acquire(priority, signal);
			// A slot is the time it was granted, stamped by the limiter itself.
			if (slot !== false) grants.push({ kind, at: slot });
			return slot;
		});
	}
	return {
		pauses,
		grants,
		/** Slots granted while a pause of their kind was running (granted in the pause's own millisecond counts as before it). */
		grantedDuringPauses: () =>
			grants.filter((grant) =>
				pauses.some((pause) => pause.kind === grant.kind && grant.at > pause.at && grant.at < pause.until),
			),
	};
}
