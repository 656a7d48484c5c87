/**
 * Cancelling an execution mid-batch (n8n's Stop button: the engine cancels the run and aborts the
 * signal nodes get from `getExecutionCancelSignal()`) stops every request to Mindee within a second:
 * uploads, polls, result fetches, retries and the items that had not started yet.
 */
import { startFakeMindee, type FakeMindee } from '../../fake-mindee/server';
import { runMindeeNode } from '../harness';
import { batchParameters, delay, isEnqueue, itemsFor, makeDocuments } from './batchHelpers';

jest.setTimeout(60_000);

const DOCUMENTS = 50;
const CANCEL_AFTER_MS = 2_500;
const WATCH_AFTER_CANCEL_MS = 3_000;

let fake: FakeMindee;

afterEach(async () => {
	await fake?.stop();
});

async function cancelMidBatch(options: { continueOnFail: boolean; getErrorRate?: number }) {
	// Slow jobs: at the cancel, the first items are polling and the others have not started.
	fake = await startFakeMindee({ processingMs: 20_000 });
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
	const endedAt = Date.now();
	watching = false;
	await watcher;
	// Whatever the node still had running must have stopped too: keep watching the fake.
	await delay(Math.max(0, cancelledAt + WATCH_AFTER_CANCEL_MS - Date.now()));
	return { result, cancelledAt, endedAt };
}

describe.each([
	{ continueOnFail: true, label: 'with Continue On Fail' },
	{ continueOnFail: false, label: 'without Continue On Fail' },
	{ continueOnFail: true, getErrorRate: 0.3, label: 'while GETs are being retried' },
])('cancelling a batch of 50 documents $label', (options) => {
	it('ends the execution cancelled, and no request reaches Mindee more than 1 s after the cancel', async () => {
		const { result, cancelledAt, endedAt } = await cancelMidBatch(options);

		expect(cancelledAt).toBeGreaterThan(0);
		expect(result.cancelled).toBe(true);
		expect(result.status).toBe('canceled');
		// The execution winds down quickly too (the requirement itself is on requests, below).
		expect(endedAt - cancelledAt).toBeLessThan(3_000);

		// The batch was really under way: uploads done and polls sent before the cancel.
		const before = fake.requests.filter((request) => request.at <= cancelledAt);
		expect(before.filter(isEnqueue).length).toBeGreaterThanOrEqual(20);
		expect(before.some((request) => request.method === 'GET')).toBe(true);

		const late = fake.requests
			.filter((request) => request.at > cancelledAt + 1_000)
			.map((request) => ({ afterCancelMs: request.at - cancelledAt, method: request.method, path: request.path }));
		expect(late).toEqual([]);
		// Items that had not started were never uploaded.
		expect(fake.requests.filter(isEnqueue).length).toBeLessThan(DOCUMENTS);
	});
});
