/**
 * Cancelling an execution mid-batch (n8n's Stop button: the engine cancels the run and aborts the
 * signal nodes get from `getExecutionCancelSignal()`) stops every request to Mindee at once: uploads,
 * polls, result fetches, retries and the items that had not started yet. Asserted on what the node
 * decided (no request let go after the cancel), which a busy machine cannot blur.
 */
import { startFakeMindee, type FakeMindee } from '../../fake-mindee/server';
import { runMindeeNode } from '../harness';
import { batchParameters, delay, isEnqueue, itemsFor, makeDocuments, watchRateBudget } from './batchHelpers';

jest.setTimeout(60_000);

const DOCUMENTS = 50;
const CANCEL_AFTER_MS = 2_500;

let fake: FakeMindee;

afterEach(async () => {
	await fake?.stop();
});

async function cancelMidBatch(options: { continueOnFail: boolean; getErrorRate?: number }) {
	// Slow jobs: at the cancel, the first items are polling and the others have not started.
	fake = await startFakeMindee({ processingMs: 20_000 });
	const rateBudget = watchRateBudget(fake.url, fake.apiKey);
	if (options.getErrorRate) fake.configure({ faults: { getErrorRate: options.getErrorRate, seed: 3 } });
	const documents = makeDocuments(DOCUMENTS);
	const controller = new AbortController();
	let cancelledAt = 0;
	// Cancel once the batch is really under way (20 uploads in, polling begun), however slow the machine:
	// a fixed timer would fire before anything was sent when the CPU is busy.
	let watching = true;
	const watcher = (async () => {
		const deadline = Date.now() + 30_000;
		const underWay = () =>
			fake.requests.filter(isEnqueue).length >= 20 && fake.requests.some((request) => request.method === 'GET');
		while (watching && Date.now() < deadline && !underWay()) await delay(50);
		await delay(CANCEL_AFTER_MS - 2_000);
		if (!watching) return;
		cancelledAt = Date.now();
		controller.abort();
	})();

	const result = await runMindeeNode({
		// Polls every second from 0.5 s on, so requests are in flight or due at any moment.
		parameters: batchParameters({ parallelDocuments: 20, initialDelaySeconds: 0.5, intervalSeconds: 1 }),
		items: itemsFor(documents),
		credentials: { apiKey: fake.apiKey, baseUrl: fake.url },
		continueOnFail: options.continueOnFail,
		signal: controller.signal,
	});
	const jobsProcessingAtEnd = [...fake.jobs.values()].filter((job) => job.status === 'Processing').length;
	watching = false;
	await watcher;
	return { result, cancelledAt, jobsProcessingAtEnd, grantsAfterCancel: rateBudget.grants.filter((grant) => grant.at > cancelledAt) };
}

describe.each([
	{ continueOnFail: true, label: 'with Continue On Fail' },
	{ continueOnFail: false, label: 'without Continue On Fail' },
	{ continueOnFail: true, getErrorRate: 0.3, label: 'while GETs are being retried' },
])('cancelling a batch of 50 documents $label', (options) => {
	it('ends the execution cancelled at once, and lets no request go after the cancel', async () => {
		const { result, cancelledAt, jobsProcessingAtEnd, grantsAfterCancel } = await cancelMidBatch(options);

		expect(cancelledAt).toBeGreaterThan(0);
		expect(result.cancelled).toBe(true);
		expect(result.status).toBe('canceled');
		// The batch was really under way: uploads done and polls sent before the cancel.
		const before = fake.requests.filter((request) => request.at <= cancelledAt);
		expect(before.filter(isEnqueue).length).toBeGreaterThanOrEqual(20);
		expect(before.some((request) => request.method === 'GET')).toBe(true);

		// No upload, poll, fetch or retry was let go after the cancel (every request takes a slot
		// of the rate budget first), and items that had not started were never uploaded.
		expect(grantsAfterCancel).toEqual([]);
		expect(fake.requests.filter(isEnqueue).length).toBeLessThan(DOCUMENTS);
		// The execution ended without waiting for Mindee: every job (20 s each) was still processing.
		expect(jobsProcessingAtEnd).toBe(fake.jobs.size);
	});
});
