/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Several n8n processes (queue-mode workers) on one Mindee organisation, each with its own rate
 * budget, against a server that counts every accepted upload over a rolling minute (the fake
 * Mindee's own limiter) and answers 429 beyond it. Simulated time (Jest's fake clock): each upload
 * goes through the node's limiter as httpClient.send does it (acquire → travel → settle, or refuse
 * and retry after the back-off), so the figures are the limiter's decisions, not the machine's speed.
 */
import { SlidingWindowLimiter } from '../../nodes/Mindee/shared/transport/rateBudget';
import { backoffMs } from '../../nodes/Mindee/shared/transport/retryPolicy';
import { RateLimiter } from '../fake-mindee/rateLimiter';

const NODE_WINDOW_MS = 61_000; // the node's window: a minute and its slack
const PROCESSING_MS = 500;

interface Upload {
	worker: string;
	at: number;
	accepted: boolean;
}

/** A deterministic pseudo-random sequence, so a run is the same every time. */
function seeded(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state / 2147483648;
	};
}

function simulation(limitPerMinute: number) {
	const start = Date.now();
	const server = new RateLimiter(
		() => ({ postPerMinute: limitPerMinute, getPerMinute: 1_000_000 }),
		() => 60_000,
	);
	const random = seeded(7);
	const uploads: Upload[] = [];
	const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

	async function upload(worker: string, limiter: SlidingWindowLimiter): Promise<void> {
		for (let attempt = 1; ; attempt++) {
			const slot = await limiter.acquire(Date.now());
			if (slot === false) throw new Error('no slot');
			const travelMs = 30 + random() * 120;
			await wait(travelMs / 2);
			const { allowed } = server.take('post');
			uploads.push({ worker, at: Date.now() - start, accepted: allowed });
			await wait(travelMs / 2);
			if (allowed) {
				limiter.settle(slot);
				return;
			}
			limiter.refuse(slot);
			const delayMs = backoffMs(attempt, random);
			limiter.pauseUntil(Date.now() + delayMs);
			await wait(delayMs);
		}
	}

	/** One execution: its documents, Parallel Documents (50) at a time. */
	async function execution(worker: string, limiter: SlidingWindowLimiter, documents: number) {
		let next = 0;
		await Promise.all(
			Array.from({ length: Math.min(50, documents) }, async () => {
				while (next < documents) {
					next++;
					await upload(worker, limiter);
				}
			}),
		);
	}

	async function run(work: Array<Promise<void>>): Promise<void> {
		let done = false;
		const all = Promise.all(work).then(() => {
			done = true;
		});
		while (!done) await jest.advanceTimersByTimeAsync(100);
		await all;
	}

	const worker = () => new SlidingWindowLimiter(limitPerMinute, NODE_WINDOW_MS, true);
	const accepted = (name?: string) =>
		uploads.filter((u) => u.accepted && (name === undefined || u.worker === name));
	const refused = () => uploads.filter((u) => !u.accepted);
	const wallMs = () => Math.max(...accepted().map((u) => u.at)) + PROCESSING_MS;
	const floorMs = (documents: number) =>
		Math.floor((documents - 1) / limitPerMinute) * 60_000 + PROCESSING_MS;
	/** Most accepted uploads of one worker within any 60 s. */
	const maxInMinute = (name: string) => {
		const times = accepted(name).map((u) => u.at);
		return Math.max(...times.map((t) => times.filter((s) => s >= t && s < t + 60_000).length));
	};
	const acceptedIn = (name: string, fromMs: number, toMs: number) =>
		accepted(name).filter((u) => u.at >= fromMs && u.at < toMs).length;
	return {
		worker,
		execution,
		run,
		accepted,
		refused,
		wallMs,
		floorMs,
		maxInMinute,
		acceptedIn,
		wait,
	};
}

beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
afterEach(() => jest.useRealTimers());

describe('workers sharing one organisation without a hand-set share', () => {
	it('two workers, 240 documents split 3:1, 40 uploads/min: near the floor, few 429s, none lost', async () => {
		const sim = simulation(40);
		const busy = sim.worker();
		const light = sim.worker();
		await sim.run([
			sim.execution('busy', busy, 60),
			sim.execution('busy', busy, 60),
			sim.execution('busy', busy, 60),
			sim.execution('light', light, 60),
		]);
		expect(sim.accepted()).toHaveLength(240);
		expect(sim.accepted('busy')).toHaveLength(180);
		expect(sim.wallMs()).toBeLessThanOrEqual(1.15 * sim.floorMs(240));
		expect(sim.refused().length).toBeLessThanOrEqual(0.05 * 240);
		// While both had work they shared; once the light one was done, the busy one took it all.
		expect(sim.acceptedIn('light', 0, 60_000)).toBeGreaterThanOrEqual(10);
		expect(sim.acceptedIn('busy', 240_000, 300_000)).toBeGreaterThanOrEqual(36);
	});

	it('the same when the light worker starts first and takes the whole first minute', async () => {
		const sim = simulation(40);
		const busy = sim.worker();
		const light = sim.worker();
		await sim.run([
			sim.execution('light', light, 60),
			...[0, 1, 2].map(() => sim.wait(3_000).then(() => sim.execution('busy', busy, 60))),
		]);
		expect(sim.accepted()).toHaveLength(240);
		expect(sim.acceptedIn('light', 0, 60_000)).toBe(40);
		// The busy worker, refused all through the first minute, is back as soon as that minute has
		// turned over, not a minute after its last refusal (which gave 1.145 × the floor).
		expect(sim.wallMs()).toBeLessThanOrEqual(1.1 * sim.floorMs(240));
		expect(sim.refused().length).toBeLessThanOrEqual(0.05 * 240);
	});

	it('a process alone keeps the whole limit and never meets a 429', async () => {
		const sim = simulation(40);
		const alone = sim.worker();
		await sim.run([sim.execution('alone', alone, 200)]);
		expect(sim.refused()).toHaveLength(0);
		expect(sim.maxInMinute('alone')).toBe(40);
		expect(sim.wallMs()).toBeLessThanOrEqual(1.05 * sim.floorMs(200));
	});

	it('a worker that had the limit to itself gives part of it back when another one needs it', async () => {
		const sim = simulation(40);
		const first = sim.worker();
		const second = sim.worker();
		await sim.run([
			sim.execution('first', first, 300),
			sim.wait(90_000).then(() => sim.execution('second', second, 60)),
		]);
		expect(sim.accepted()).toHaveLength(360);
		expect(sim.acceptedIn('first', 0, 60_000)).toBe(40);
		// Within three minutes of arriving, the second worker gets a steady part of every minute.
		expect(sim.acceptedIn('second', 240_000, 300_000)).toBeGreaterThanOrEqual(8);
		expect(sim.refused().length).toBeLessThanOrEqual(0.06 * 360);
	});
});

describe('SlidingWindowLimiter: the level learned from 429s', () => {
	it('drops to about what it had taken when a request within its level is refused, then probes one more at a time', async () => {
		const limiter = new SlidingWindowLimiter(10, 60_000, true);
		const still = (pending: Promise<unknown>) =>
			Promise.race([pending, Promise.resolve('waiting')]);
		for (let i = 0; i < 8; i++) limiter.settle((await limiter.acquire(i)) as number);
		await jest.advanceTimersByTimeAsync(30_000);
		limiter.refuse((await limiter.acquire(8)) as number);
		expect(limiter.level()).toBe(6); // 8 taken, three quarters kept

		// At 61 s the first 8 have left the window (the refused one has not): 6 go at once.
		await jest.advanceTimersByTimeAsync(31_000);
		for (let i = 0; i < 6; i++) limiter.settle((await limiter.acquire(10 + i)) as number);
		// The 7th would be a probe: not before a window after the refusal (90 s).
		const probe = limiter.acquire(20);
		await jest.advanceTimersByTimeAsync(28_000);
		await expect(still(probe)).resolves.toBe('waiting');
		await jest.advanceTimersByTimeAsync(2_000);
		const probeSlot = (await probe) as number;
		// One probe at a time: the next waits for its answer.
		const nextProbe = limiter.acquire(21);
		await jest.advanceTimersByTimeAsync(1_000);
		await expect(still(nextProbe)).resolves.toBe('waiting');
		limiter.settle(probeSlot);
		expect(limiter.level()).toBe(7); // Mindee took it: one more
		// The next probe follows at once; refused, it leaves the level as it was.
		limiter.refuse((await nextProbe) as number);
		expect(limiter.level()).toBe(7);
	});

	it('refused with little of its level used (alone, against a shorter window), probes again once Retry-After is over, later after each refused probe', async () => {
		const limiter = new SlidingWindowLimiter(200, 61_000, true);
		const still = (pending: Promise<unknown>) =>
			Promise.race([pending, Promise.resolve('waiting')]);
		for (let i = 0; i < 2; i++) limiter.settle((await limiter.acquire(i)) as number);
		limiter.refuse((await limiter.acquire(2)) as number, Date.now(), 1_000);
		expect(limiter.level()).toBe(1);
		// The refused upload again: beyond the level, so a probe, held for the second Mindee asked.
		const retry = limiter.acquire(2);
		await jest.advanceTimersByTimeAsync(900);
		await expect(still(retry)).resolves.toBe('waiting');
		await jest.advanceTimersByTimeAsync(200);
		limiter.settle((await retry) as number);
		expect(limiter.level()).toBe(2);
		// Taken: the next probe follows at once, without waiting for the window.
		const next = limiter.acquire(3);
		await jest.advanceTimersByTimeAsync(10);
		await expect(still(next)).resolves.toEqual(expect.any(Number));
		// A probe refused with Retry-After: the next one after it, then after twice it.
		limiter.refuse((await next) as number, Date.now(), 1_000);
		const third = limiter.acquire(4);
		await jest.advanceTimersByTimeAsync(900);
		await expect(still(third)).resolves.toBe('waiting');
		await jest.advanceTimersByTimeAsync(200);
		limiter.refuse((await third) as number, Date.now(), 1_000);
		const fourth = limiter.acquire(5);
		await jest.advanceTimersByTimeAsync(1_900);
		await expect(still(fourth)).resolves.toBe('waiting');
		await jest.advanceTimersByTimeAsync(200);
		await expect(still(fourth)).resolves.toEqual(expect.any(Number));
	});

	it('never grants more than its limit in a window, probes included', async () => {
		const limiter = new SlidingWindowLimiter(5, 60_000, true);
		const slots: number[] = [];
		for (let i = 0; i < 5; i++) {
			const slot = (await limiter.acquire(i)) as number;
			slots.push(slot);
			limiter.settle(slot);
		}
		const sixth = limiter.acquire(5);
		await jest.advanceTimersByTimeAsync(30_000);
		await expect(Promise.race([sixth, Promise.resolve('waiting')])).resolves.toBe('waiting');
		expect(limiter.inWindow()).toBe(5);
		await jest.advanceTimersByTimeAsync(31_000);
		await expect(sixth).resolves.toEqual(expect.any(Number));
	});
});
