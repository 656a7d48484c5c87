/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The per-organisation rate budget, end to end: the node keeps under the limits set in the
 * credential (so Mindee never answers 429), gives freed slots to the oldest jobs first, shares one
 * budget between executions running at the same time with the same credential, and counts an
 * upload from when Mindee received it (slow links, large files), not from when it was let go.
 *
 * Test-only shortcut: the node's limiter counts over a 61 s window (`rateBudget.ts`), which would
 * make each of these tests last minutes. The fake server's window is shortened to 3 s
 * (`rateLimitWindowMs`), and the node's budget for this organisation is created beforehand with a
 * window to match (plus the node's own slack), through `budgetFor`'s `windowMs`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { budgetFor, organisationKey, type RateBudget } from '../../../nodes/Mindee/shared/transport/rateBudget';
import { startFakeMindee, type FakeMindee, type RecordedRequest } from '../../fake-mindee/server';
import { runMindeeNode } from '../harness';
import {
	batchParameters,
	delay,
	expectEachDocumentEnqueuedOnce,
	expectOneResultPerItem,
	isEnqueue,
	itemsFor,
	makeDocuments,
	statusCounts,
	when,
} from './batchHelpers';

jest.setTimeout(60_000);

const FAKE_WINDOW_MS = 3_000;
/** The node counts a little longer than Mindee (requests travel), as its 61 s do against 60 s. */
const NODE_WINDOW_MS = FAKE_WINDOW_MS + 150;
const POSTS_PER_WINDOW = 10;
const GETS_PER_WINDOW = 30;

let fake: FakeMindee;

afterEach(async () => {
	await fake?.stop();
});

/** The node's budget for an organisation (default: the fake's), created with the short window. */
function shortenNodeWindow(
	limits = { postsPerMinute: POSTS_PER_WINDOW, getsPerMinute: GETS_PER_WINDOW },
	baseUrl = fake.url,
	windowMs = NODE_WINDOW_MS,
): RateBudget {
	// Each test starts a fresh fake (a new port, so a new organisation key), hence a new budget.
	return budgetFor(organisationKey(baseUrl, fake.apiKey), { ...limits, processSharePercent: 100 }, windowMs);
}

async function startLimitedFake(): Promise<void> {
	fake = await startFakeMindee({
		processingMs: 300,
		rateLimits: { postPerMinute: POSTS_PER_WINDOW, getPerMinute: GETS_PER_WINDOW },
		rateLimitWindowMs: FAKE_WINDOW_MS,
	});
}

function credentials() {
	return { apiKey: fake.apiKey, baseUrl: fake.url, postsPerMinute: POSTS_PER_WINDOW, getsPerMinute: GETS_PER_WINDOW };
}

/** The most requests of a kind the fake accepted within any rolling window. */
function busiestWindow(requests: RecordedRequest[], method: string): number {
	const times = requests.filter((request) => request.method === method && request.status !== 429).map((request) => request.at);
	times.sort((a, b) => a - b);
	let most = 0;
	for (let first = 0, last = 0; last < times.length; last++) {
		while (times[last] - times[first] >= FAKE_WINDOW_MS) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

it('keeps under the credential\'s limits: Mindee never answers 429, every document once', async () => {
	await startLimitedFake();
	shortenNodeWindow();
	const documents = makeDocuments(25);
	const startedAt = Date.now();
	const result = await runMindeeNode({
		parameters: batchParameters({ parallelDocuments: 25, initialDelaySeconds: 0.3, intervalSeconds: 1 }),
		items: itemsFor(documents),
		credentials: credentials(),
		continueOnFail: true,
	});
	const elapsedMs = Date.now() - startedAt;

	expect(result.status).toBe('success');
	expect(statusCounts(fake.requests)['POST 429'] ?? 0).toBe(0);
	expect(statusCounts(fake.requests)['GET 429'] ?? 0).toBe(0);
	expect(busiestWindow(fake.requests, 'POST')).toBeLessThanOrEqual(POSTS_PER_WINDOW);
	expect(busiestWindow(fake.requests, 'GET')).toBeLessThanOrEqual(GETS_PER_WINDOW);
	// 25 uploads at 10 per window: the last five cannot start before two windows have passed.
	expect(elapsedMs).toBeGreaterThanOrEqual(2 * FAKE_WINDOW_MS);

	expectEachDocumentEnqueuedOnce(fake, documents);
	const { errors } = expectOneResultPerItem(result.output, documents, fake);
	expect(errors).toEqual([]);
});

it('gives a freed GET slot to the oldest job waiting, not to the request that queued first', async () => {
	// The GET budget (5 per window) is used up at the start. Execution B's jobs are younger than
	// A's, but B polls soon after its uploads, so its polls queue first; A's polls queue later. When
	// the window frees the 5 slots, they must go to A's (older) jobs.
	const limits = { postsPerMinute: 40, getsPerMinute: 5 };
	// Used up for 10 s: every job of both executions is waiting before then, even on a busy machine.
	const blockedMs = 10_000;
	await startLimitedFake();
	fake.configure({
		rateLimits: { postPerMinute: limits.postsPerMinute, getPerMinute: limits.getsPerMinute },
		rateLimitWindowMs: blockedMs,
	});
	const budget = shortenNodeWindow(limits, fake.url, blockedMs + 150);
	// Each slot answered at once, as the node's HTTP layer ends every slot: reads are bounded in flight.
	for (let slot = 0; slot < limits.getsPerMinute; slot++) {
		const granted = await budget.get.acquire(0);
		expect(granted).toBeTruthy();
		budget.get.settle(granted as number);
	}
	const blockedAt = Date.now();

	const older = makeDocuments(5, 'older');
	const younger = makeDocuments(5, 'younger');
	const run = (documents: ReturnType<typeof makeDocuments>, initialDelaySeconds: number) =>
		runMindeeNode({
			parameters: batchParameters({ parallelDocuments: 5, initialDelaySeconds, intervalSeconds: 1 }),
			items: itemsFor(documents),
			credentials: { ...credentials(), ...limits },
			continueOnFail: true,
		});
	// Once the freed window's checks have gone, the rest need not wait window after window.
	const stopWatching = when(
		() => fake.requests.filter((request) => request.method === 'GET').length >= limits.getsPerMinute,
		() => {
			fake.configure({ rateLimits: { postPerMinute: limits.postsPerMinute, getPerMinute: 1_000 } });
			budget.get.setLimit(1_000);
		},
	);
	const [olderResult, youngerResult] = await Promise.all([
		run(older, 1.5),
		delay(500).then(() => run(younger, 0.3)),
	]).finally(stopWatching);
	expect(olderResult.status).toBe('success');
	expect(youngerResult.status).toBe('success');
	expect(expectOneResultPerItem(olderResult.output, older, fake).errors).toEqual([]);
	expect(expectOneResultPerItem(youngerResult.output, younger, fake).errors).toEqual([]);

	const jobOwner = new Map([...fake.jobs.values()].map((job) => [job.id, job.filename.split('-')[0]]));
	const gets = fake.requests.filter((request) => request.method === 'GET').sort((x, y) => x.at - y.at);
	// Nothing was polled while the budget was used up.
	expect(gets[0].at - blockedAt).toBeGreaterThanOrEqual(blockedMs + 100);
	// The first window's worth of polls belongs to the older jobs.
	expect(gets.slice(0, limits.getsPerMinute).map((request) => jobOwner.get(request.path.split('/').pop()!))).toEqual(
		Array(limits.getsPerMinute).fill('older'),
	);
});

it('shares one budget between executions that run at the same time with the same credential', async () => {
	await startLimitedFake();
	shortenNodeWindow();
	const first = makeDocuments(8, 'first');
	const second = makeDocuments(8, 'second');
	const run = (documents: ReturnType<typeof makeDocuments>) =>
		runMindeeNode({
			parameters: batchParameters({ parallelDocuments: 8, initialDelaySeconds: 0.3, intervalSeconds: 1 }),
			items: itemsFor(documents),
			credentials: credentials(),
			continueOnFail: true,
		});
	const [firstResult, secondResult] = await Promise.all([run(first), run(second)]);

	expect(firstResult.status).toBe('success');
	expect(secondResult.status).toBe('success');
	// 16 uploads against 10 per window: together they would collect 429s if each run had its own budget.
	expect(statusCounts(fake.requests)['POST 429'] ?? 0).toBe(0);
	expect(busiestWindow(fake.requests, 'POST')).toBeLessThanOrEqual(POSTS_PER_WINDOW);
	expect(fake.requests.filter(isEnqueue)).toHaveLength(16);
	expect(expectOneResultPerItem(firstResult.output, first, fake).errors).toEqual([]);
	expect(expectOneResultPerItem(secondResult.output, second, fake).errors).toEqual([]);
});

/** A loopback proxy that holds each upload back for `delayFor(n)` ms before passing it on. */
async function startDelayingProxy(target: string, delayFor: (uploadIndex: number) => number) {
	const targetUrl = new URL(target);
	let uploads = 0;
	const server = http.createServer((req, res) => {
		const upload = req.method === 'POST' && /\/enqueue$/.test(req.url ?? '');
		const wait = upload ? delayFor(uploads++) : 0;
		req.pause();
		setTimeout(() => {
			const forward = http.request(
				{ host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers },
				(answer) => {
					res.writeHead(answer.statusCode ?? 500, answer.headers);
					answer.pipe(res);
				},
			);
			forward.on('error', () => res.destroy());
			req.pipe(forward);
			req.resume();
		}, wait);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

it('counts an upload from when Mindee received it, not from when the budget allowed it', async () => {
	// Slow links and large files: an upload reaches Mindee (and is counted there) well after the
	// node let it go. Here the first wave of uploads arrives 800 ms late, more than the node's
	// slack, so a budget that counts from the moment it grants a slot frees it too early.
	await startLimitedFake();
	const proxy = await startDelayingProxy(fake.url, (index) => (index < POSTS_PER_WINDOW ? 800 : 0));
	try {
		shortenNodeWindow(undefined, proxy.url);
		const documents = makeDocuments(2 * POSTS_PER_WINDOW, 'late');
		const result = await runMindeeNode({
			parameters: batchParameters({ parallelDocuments: 2 * POSTS_PER_WINDOW, initialDelaySeconds: 0.3, intervalSeconds: 1 }),
			items: itemsFor(documents),
			credentials: { ...credentials(), baseUrl: proxy.url },
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expectEachDocumentEnqueuedOnce(fake, documents);
		expect(expectOneResultPerItem(result.output, documents, fake).errors).toEqual([]);
		// The second wave must wait until Mindee's window has let the first wave go.
		expect(statusCounts(fake.requests)['POST 429'] ?? 0).toBe(0);
	} finally {
		await proxy.close();
	}
});

it('ends an item whose poll finds no room in the GET budget before Maximum Wait, rather than wait for the window', async () => {
	// The node's GET budget for this organisation is used up for the next ten minutes.
	await startLimitedFake();
	const limits = { postsPerMinute: POSTS_PER_WINDOW, getsPerMinute: 1 };
	const budget = budgetFor(organisationKey(fake.url, fake.apiKey), { ...limits, processSharePercent: 100 }, 10 * 60_000);
	expect(await budget.get.acquire(0)).toBeTruthy();

	const documents = makeDocuments(2);
	// A hang guard, not a timing assertion: without the give-up, the polls would wait ten minutes.
	const result = await runMindeeNode({
		parameters: batchParameters({ initialDelaySeconds: 0.3, maxWaitSeconds: 2 }),
		items: itemsFor(documents),
		credentials: { ...credentials(), ...limits },
		continueOnFail: true,
	});

	expect(result.status).toBe('success');
	expectEachDocumentEnqueuedOnce(fake, documents);
	// No poll was sent: each item ends with the timeout error, its job ID, and why the check failed.
	expect(fake.requests.filter((request) => request.method === 'GET')).toEqual([]);
	const { errors } = expectOneResultPerItem(result.output, documents, fake);
	expect(errors).toEqual([0, 1]);
	const jobIds = [...fake.jobs.values()].map((job) => job.id);
	for (const item of result.output[0]) {
		expect(item.json.error).toMatch(/^Mindee had not finished job (\S+) after 2 seconds$/);
		const jobId = /job (\S+) after/.exec(String(item.json.error))![1];
		expect(jobIds).toContain(jobId);
		expect((item.json.details as { description: string }).description).toContain(
			'The last status check failed: No room in the Mindee rate limit for this request before Maximum Wait ran out',
		);
	}
});
