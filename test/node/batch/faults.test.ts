/**
 * Batch runs of Extraction → Enqueue & Poll through n8n's execution engine against the fake Mindee
 * server's fault knobs, with "Continue On Fail" on. Whatever the faults, every input item ends as
 * exactly one output item (a result or an error item) at its own position and paired to itself,
 * each document is enqueued exactly once, and failures carry Mindee's code and detail.
 */
import * as retryPolicy from '../../../nodes/Mindee/shared/transport/retryPolicy';
import type { RetryDecision } from '../../../nodes/Mindee/shared/transport/retryPolicy';
import { startFakeMindee, type FakeMindee } from '../../fake-mindee/server';
import { runMindeeNode } from '../harness';
import {
	acceptedEnqueuesPerDocument,
	batchParameters,
	expectEachDocumentEnqueuedOnce,
	expectOneResultPerItem,
	isEnqueue,
	itemsFor,
	makeDocuments,
	statusCounts,
	watchRateBudget,
	when,
} from './batchHelpers';

jest.setTimeout(120_000);

let fake: FakeMindee;

afterEach(async () => {
	jest.restoreAllMocks();
	await fake?.stop();
});

function credentials() {
	return { apiKey: fake.apiKey, baseUrl: fake.url };
}

describe('200 documents against GET errors, unknown job ids and failing jobs', () => {
	it('ends every item as one result or one error item and enqueues each document once', async () => {
		fake = await startFakeMindee({ processingMs: 300 });
		const documents = makeDocuments(200);
		fake.configure({ faults: { getErrorRate: 0.1, jobNotFoundForMs: 1000, failRate: 0.02, seed: 7 } });

		const result = await runMindeeNode({
			parameters: batchParameters({ parallelDocuments: 50, initialDelaySeconds: 0.3, intervalSeconds: 1 }),
			items: itemsFor(documents),
			credentials: credentials(),
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');

		// The faults did happen.
		const counts = statusCounts(fake.requests);
		expect((counts['GET 502'] ?? 0) + (counts['GET 503'] ?? 0)).toBeGreaterThan(20);
		expect(counts['GET 404'] ?? 0).toBeGreaterThan(0);
		const failedJobs = [...fake.jobs.values()].filter((job) => job.status === 'Failed');
		expect(failedJobs.length).toBeGreaterThan(0);

		expectEachDocumentEnqueuedOnce(fake, documents);
		// A 404 on a young job and a 502/503 on a GET are retried, never turned into an error item.
		const { errors } = expectOneResultPerItem(result.output, documents, fake);
		const failedNames = new Set(failedJobs.map((job) => job.filename));
		expect(errors.map((index) => documents[index].fileName).sort()).toEqual([...failedNames].sort());

		// Last, so that a failure here is about the error items' content only.
		const [items] = result.output;
		for (const index of errors) {
			const job = failedJobs.find((candidate) => candidate.filename === documents[index].fileName)!;
			const { json } = items[index];
			expect(json.error).toEqual(expect.stringContaining('500-012'));
			expect(json.details).toMatchObject({
				code: '500-012',
				httpCode: '500',
				description: expect.stringContaining('The inference failed due to an internal error.'),
			});
			expect(String((json.details as { description: string }).description)).toContain(job.id);
		}
	});
});

describe('a job that ends Failed', () => {
	it('becomes an error item carrying Mindee\'s code, detail and the job id', async () => {
		fake = await startFakeMindee({ processingMs: 100 });
		const documents = makeDocuments(3, 'failing');
		fake.configure({ faults: { failRate: 1 } });
		const result = await runMindeeNode({
			parameters: batchParameters({ initialDelaySeconds: 0.1, intervalSeconds: 1 }),
			items: itemsFor(documents),
			credentials: credentials(),
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expectEachDocumentEnqueuedOnce(fake, documents);
		const { errors } = expectOneResultPerItem(result.output, documents, fake);
		expect(errors).toEqual([0, 1, 2]);
		const jobs = [...fake.jobs.values()];
		result.output[0].forEach((item, index) => {
			const job = jobs.find((candidate) => candidate.filename === documents[index].fileName)!;
			expect(item.json).toEqual({
				error: `Mindee could not process "${documents[index].fileName}": Inference failed (500-012)`,
				details: {
					code: '500-012',
					httpCode: '500',
					description: expect.stringContaining('The inference failed due to an internal error.'),
				},
			});
			expect(String((item.json.details as { description: string }).description)).toContain(`Job ID: ${job.id}`);
		});
	});
});

describe('a job id that Mindee does not know', () => {
	it('is "not ready yet" for a bounded time, then fails the item without enqueueing again', async () => {
		fake = await startFakeMindee({ processingMs: 100 });
		// The job ids keep answering 404 far longer than the node's grace period.
		fake.configure({ faults: { jobNotFoundForMs: 120_000 } });
		const documents = makeDocuments(2, 'unknown');
		const startedAt = Date.now();
		const result = await runMindeeNode({
			parameters: batchParameters({ initialDelaySeconds: 0.2, intervalSeconds: 1 }),
			items: itemsFor(documents),
			credentials: credentials(),
			continueOnFail: true,
		});
		const elapsedMs = Date.now() - startedAt;

		expect(result.status).toBe('success');
		// Given up after the grace period (10 s; a busy machine can only make it longer), well before
		// the 120 s of 404s ran out: the poll count bounds it from above, below.
		expect(elapsedMs).toBeGreaterThanOrEqual(9_000);
		expectEachDocumentEnqueuedOnce(fake, documents);
		const { errors } = expectOneResultPerItem(result.output, documents, fake);
		expect(errors).toEqual([0, 1]);
		for (const item of result.output[0]) expect(String(item.json.error)).toMatch(/no job with this ID/i);
		// Polled at the base interval meanwhile: about ten polls per job, not a storm.
		for (const job of fake.jobs.values()) expect(job.pollCount).toBeLessThanOrEqual(15);
	});
});

describe('a window of HTTP 429 on every request', () => {
	const DOCUMENTS = 60;
	const PARALLEL = 20;
	const WINDOW_MS = 3000;

	/**
	 * The window opens once the first items are done and the next ones upload (25 uploads accepted):
	 * then some items are uploading and others polling or fetching, so both kinds meet the 429s.
	 */
	async function runThroughWindow(retryAfterSeconds?: number) {
		fake = await startFakeMindee({ processingMs: 300 });
		const rateBudget = watchRateBudget(fake.url, fake.apiKey);
		const decideRetrySpy = jest.spyOn(retryPolicy, 'decideRetry');
		const documents = makeDocuments(DOCUMENTS);
		let openedAt = 0;
		const stopWatching = when(
			() => acceptedEnqueuesPerDocument(fake, documents).reduce((sum, count) => sum + count, 0) >= PARALLEL + 5,
			() => {
				openedAt = Date.now();
				fake.configure({ faults: { rateLimitWindow: { startAfterMs: 0, durationMs: WINDOW_MS, retryAfterSeconds } } });
			},
		);
		const result = await runMindeeNode({
			parameters: batchParameters({ parallelDocuments: PARALLEL, initialDelaySeconds: 0.3, intervalSeconds: 1 }),
			items: itemsFor(documents),
			credentials: credentials(),
			continueOnFail: true,
		});
		stopWatching();
		expect(openedAt).toBeGreaterThan(0);
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');

		const rateLimited = fake.requests.filter((request) => request.status === 429);
		const retryDecisions = decideRetrySpy.mock.calls.map(([, failure, attempt], call) => ({
			failure,
			attempt,
			decision: decideRetrySpy.mock.results[call].value as RetryDecision,
		}));
		// Both uploads and polls ran into the window, and the node kept going after it.
		expect(rateLimited.some(isEnqueue)).toBe(true);
		expect(rateLimited.some((request) => request.method === 'GET')).toBe(true);
		expect(fake.requests.some((request) => request.at >= openedAt + WINDOW_MS && request.status === 202)).toBe(true);

		// A 429 upload was not accepted, so it is sent again: still exactly one job per document.
		expectEachDocumentEnqueuedOnce(fake, documents);
		const { errors } = expectOneResultPerItem(result.output, documents, fake);
		expect(errors).toEqual([]);
		return { rateLimited, rateBudget, retryDecisions };
	}

	it('waits as long as Retry-After says, then retries uploads and polls', async () => {
		const { rateLimited, rateBudget, retryDecisions } = await runThroughWindow(2);
		// Each 429 was answered with the 2 s wait Mindee asked for, that wait paused its kind of
		// request, and no upload or poll was let go while a pause of its kind ran.
		const rateLimitDecisions = retryDecisions.filter(({ failure }) => failure.kind === 'status' && failure.status === 429);
		expect(rateLimitDecisions.length).toBe(rateLimited.length);
		for (const { decision } of rateLimitDecisions) expect(decision).toEqual({ retry: true, delayMs: 2000, rateLimited: true });
		const kinds = new Set(rateBudget.pauses.map((pause) => pause.kind));
		expect([...kinds].sort()).toEqual(['get', 'post']);
		expect(rateBudget.grantedDuringPauses()).toEqual([]);
		// Over a 3 s window that is two rounds of 429s: at most one per request in flight each time.
		expect(rateLimited.length).toBeLessThanOrEqual(2 * 2 * PARALLEL);
	});

	it('backs off exponentially when Mindee sends no Retry-After', async () => {
		const { rateLimited, rateBudget, retryDecisions } = await runThroughWindow(undefined);
		// The shortest first backoff is 500 ms (half of 1 s, with jitter), doubling per attempt: each
		// 429 was answered with such a wait, it paused its kind, and nothing of that kind was let go
		// meanwhile.
		const rateLimitDecisions = retryDecisions.filter(({ failure }) => failure.kind === 'status' && failure.status === 429);
		expect(rateLimitDecisions.length).toBe(rateLimited.length);
		for (const { attempt, decision } of rateLimitDecisions) {
			const step = Math.min(30_000, 1000 * 2 ** (attempt - 1));
			expect(decision).toMatchObject({ retry: true, rateLimited: true });
			expect(decision.delayMs).toBeGreaterThanOrEqual(step / 2);
			expect(decision.delayMs).toBeLessThanOrEqual(step);
		}
		expect(rateBudget.pauses.length).toBeGreaterThan(0);
		expect(rateBudget.grantedDuringPauses()).toEqual([]);
		// Backoff doubles (0.5–1 s, 1–2 s, 2–4 s): a few rounds over a 3 s window, not a storm.
		expect(rateLimited.length).toBeLessThanOrEqual(4 * 2 * PARALLEL);
	});
});
