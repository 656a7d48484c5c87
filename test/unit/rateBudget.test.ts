/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
import { budgetFor, SlidingWindowLimiter } from '../../nodes/Mindee/shared/transport/rateBudget';
import {
	attemptTimeoutMs,
	backoffMs,
	DEADLINE_GRACE_MS,
	decideRetry,
	fitsBeforeDeadline,
	MIN_ATTEMPT_TIMEOUT_MS,
	parseRetryAfter,
	READ_TIMEOUT_MS,
} from '../../nodes/Mindee/shared/transport/retryPolicy';

describe('SlidingWindowLimiter', () => {
	// Slots are the grant times the limiter itself stamped: the times the awaiting code resumes
	// would bunch up on a busy machine.
	it('never grants more than the limit within one rolling window', async () => {
		const limiter = new SlidingWindowLimiter(5, 400);
		const start = Date.now();
		const slots = await Promise.all(Array.from({ length: 12 }, (_, index) => limiter.acquire(index)));
		const grantedAt = (slots as number[]).map((slot) => slot - start).sort((a, b) => a - b);
		for (let i = 0; i < grantedAt.length; i++) {
			const inWindow = grantedAt.filter((t) => t > grantedAt[i] - 400 && t <= grantedAt[i]).length;
			expect(inWindow).toBeLessThanOrEqual(5);
		}
		expect(grantedAt[5]).toBeGreaterThanOrEqual(400);
		expect(grantedAt[10]).toBeGreaterThanOrEqual(800);
	});

	it('tells how many requests will still count at a later time, waiting ones included', async () => {
		const limiter = new SlidingWindowLimiter(3, 10_000);
		for (let index = 0; index < 3; index++) expect(await limiter.acquire(index)).toBeTruthy();
		const now = Date.now();
		expect(limiter.perWindow).toBe(3);
		expect(limiter.countedAt(now)).toBe(3);
		expect(limiter.countedAt(now + 10_001)).toBe(0);
		const leave = new AbortController();
		const waiting = limiter.acquire(5, leave.signal);
		expect(limiter.countedAt(now + 10_001)).toBe(1);
		leave.abort();
		expect(await waiting).toBe(false);
		expect(limiter.countedAt(now + 10_001)).toBe(0);
	});

	it('serves waiting requests by priority, lowest first', async () => {
		const limiter = new SlidingWindowLimiter(1, 100);
		await limiter.acquire(0);
		const order: number[] = [];
		await Promise.all([30, 10, 20].map(async (priority) => {
			await limiter.acquire(priority);
			order.push(priority);
		}));
		expect(order).toEqual([10, 20, 30]);
	});

	it('lets a cancelled request leave the queue at once', async () => {
		const limiter = new SlidingWindowLimiter(1, 60_000);
		await limiter.acquire(0);
		const controller = new AbortController();
		const waiting = limiter.acquire(1, controller.signal);
		controller.abort();
		// Settled by the abort itself (microtasks only), before the event loop's next turn.
		const nextTurn = new Promise((resolve) => setImmediate(() => resolve('still waiting')));
		await expect(Promise.race([waiting, nextTurn])).resolves.toBe(false);
	});

	it('holds everyone after a 429 until the pause ends', async () => {
		const limiter = new SlidingWindowLimiter(100, 1000);
		const pausedUntil = Date.now() + 300;
		limiter.pauseUntil(pausedUntil);
		const slot = await limiter.acquire(0);
		expect(slot).toBeGreaterThanOrEqual(pausedUntil);
	});
});

describe('budgetFor', () => {
	it('shares one budget per organisation key and applies the process share', async () => {
		const first = budgetFor('test-org', { postsPerMinute: 200, getsPerMinute: 1200, processSharePercent: 50 });
		const again = budgetFor('test-org', { postsPerMinute: 200, getsPerMinute: 1200, processSharePercent: 50 });
		expect(again).toBe(first);
		expect(budgetFor('other-org', { postsPerMinute: 200, getsPerMinute: 1200, processSharePercent: 100 })).not.toBe(first);
		// The budget's limiters bound requests in flight: each slot is ended, as httpClient does.
		for (let i = 0; i < 100; i++) first.post.settle((await first.post.acquire(i)) as number);
		expect(first.post.inWindow()).toBe(100);
		const extra = first.post.acquire(101, AbortSignal.timeout(100));
		await expect(extra).resolves.toBe(false);
	});

	it('lets a twentieth of the GET limit be on its way at once; an answer lets the next go, the likeliest first', async () => {
		const { get } = budgetFor('burst-org', { postsPerMinute: 200, getsPerMinute: 1200, processSharePercent: 100 });
		const sent = await Promise.all(Array.from({ length: 60 }, async (_, i) => (await get.acquire(1_000 + i)) as number));
		const granted: string[] = [];
		const check = get.acquire(2_000).then(() => granted.push('check'));
		const result = get.acquire(500).then(() => granted.push('result'));
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(granted).toEqual([]);
		get.settle(sent[0]);
		await result;
		expect(granted).toEqual(['result']);
		get.settle(sent[1]);
		await check;
		expect(granted).toEqual(['result', 'check']);
		for (const slot of sent.slice(2)) get.settle(slot);
	});
});

describe('decideRetry', () => {
	const noJitter = () => 1;

	it('waits as Retry-After says on 429, for uploads and polls alike', () => {
		expect(decideRetry('POST', { kind: 'status', status: 429, retryAfterMs: 3000 }, 1)).toEqual({ retry: true, delayMs: 3000, rateLimited: true });
		expect(decideRetry('GET', { kind: 'status', status: 429 }, 1, noJitter)).toEqual({ retry: true, delayMs: 1000, rateLimited: true });
	});

	it('retries an upload only when Mindee provably did not take it', () => {
		expect(decideRetry('POST', { kind: 'status', status: 503 }, 1).retry).toBe(true);
		expect(decideRetry('POST', { kind: 'status', status: 502 }, 1).retry).toBe(false);
		expect(decideRetry('POST', { kind: 'status', status: 500 }, 1).retry).toBe(false);
		expect(decideRetry('POST', { kind: 'network', code: 'ECONNREFUSED' }, 1).retry).toBe(true);
		expect(decideRetry('POST', { kind: 'network', code: 'ECONNRESET' }, 1).retry).toBe(false);
		expect(decideRetry('POST', { kind: 'network' }, 1).retry).toBe(false);
	});

	it('retries reads on server and network errors, a bounded number of times', () => {
		expect(decideRetry('GET', { kind: 'status', status: 502 }, 1).retry).toBe(true);
		// A read goes again sooner than an upload: a quarter of the step.
		expect(decideRetry('GET', { kind: 'status', status: 502 }, 1, () => 1).delayMs).toBe(250);
		expect(decideRetry('GET', { kind: 'network', code: 'ECONNRESET' }, 2, () => 1).delayMs).toBe(500);
		expect(decideRetry('POST', { kind: 'status', status: 503 }, 1, () => 1).delayMs).toBe(1000);
		expect(decideRetry('GET', { kind: 'network', code: 'ECONNRESET' }, 1).retry).toBe(true);
		expect(decideRetry('GET', { kind: 'status', status: 502 }, 6).retry).toBe(false);
		expect(decideRetry('GET', { kind: 'status', status: 404 }, 1).retry).toBe(false);
		expect(decideRetry('GET', { kind: 'status', status: 422 }, 1).retry).toBe(false);
	});

	it('backs off exponentially with jitter, capped', () => {
		expect(backoffMs(1, () => 0)).toBe(500);
		expect(backoffMs(3, () => 1)).toBe(4000);
		expect(backoffMs(20, () => 1)).toBe(30000);
	});

	it('reads Retry-After as seconds or as a date', () => {
		const now = Date.parse('2026-11-27T12:00:00Z');
		expect(parseRetryAfter('2', now)).toBe(2000);
		expect(parseRetryAfter('Fri, 27 Nov 2026 12:00:05 GMT', now)).toBe(5000);
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
		expect(parseRetryAfter('soon', now)).toBeUndefined();
	});
});

describe('attemptTimeoutMs', () => {
	const now = 1_000_000;

	it('gives a read 30 s, cut to what is left before its deadline plus the grace', () => {
		expect(attemptTimeoutMs({ method: 'GET' }, now)).toBe(READ_TIMEOUT_MS);
		expect(attemptTimeoutMs({ method: 'GET', deadline: now + 10_000 }, now)).toBe(10_000 + DEADLINE_GRACE_MS);
		// Past the deadline a read still gets a short, bounded chance.
		expect(attemptTimeoutMs({ method: 'GET', deadline: now - 60_000 }, now)).toBe(MIN_ATTEMPT_TIMEOUT_MS);
	});

	it('gives an upload time for its size, at most Maximum Wait plus the grace', () => {
		expect(attemptTimeoutMs({ method: 'POST', bodyBytes: 1024 }, now)).toBe(60_004);
		expect(attemptTimeoutMs({ method: 'POST', bodyBytes: 100 * 1024 * 1024 }, now)).toBe(60_000 + 400_000);
		expect(attemptTimeoutMs({ method: 'POST', bodyBytes: 100 * 1024 * 1024, capMs: 15_000 }, now)).toBe(15_000 + DEADLINE_GRACE_MS);
	});

	it('allows a retry only if it starts before the deadline', () => {
		expect(fitsBeforeDeadline(1_000, undefined, now)).toBe(true);
		expect(fitsBeforeDeadline(1_000, now + 2_000, now)).toBe(true);
		expect(fitsBeforeDeadline(3_000, now + 2_000, now)).toBe(false);
	});
});
