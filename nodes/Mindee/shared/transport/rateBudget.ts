import { sleep } from 'n8n-workflow';
import { createHash } from 'crypto';

/**
 * Mindee limits requests per organisation: 200 POST and 1,200 GET per rolling minute. One budget
 * per credential (API key and base URL) lives in this module, so every execution that runs in
 * this n8n process draws from the same one. Requests wait for a slot instead of collecting 429s;
 * waiting requests are served by priority (lower first: older jobs before younger ones).
 */

const MINUTE_MS = 60_000;
/** Requests travel for a moment: a slightly longer window keeps Mindee's own count under the limit. */
const WINDOW_SLACK_MS = 1_000;

interface Waiter {
	priority: number;
	sequence: number;
	grant: (grantedAt: number) => void;
	cancel: () => void;
}

/** A granted slot: its time in the window, moved to the answer's arrival by `settle`. */
export type Slot = number;

export class SlidingWindowLimiter {
	private readonly sentAt: number[] = [];
	private readonly waiters: Waiter[] = [];
	private pausedUntil = 0;
	private pumping = false;
	private sequence = 0;
	/** Interrupts the pump's wait when its last waiter leaves, so no timer outlives the queue. */
	private wake?: AbortController;

	constructor(
		private limit: number,
		readonly windowMs = MINUTE_MS + WINDOW_SLACK_MS,
	) {}

	setLimit(limit: number): void {
		this.limit = Math.max(1, Math.floor(limit));
	}

	/** Resolves with a slot when the request may be sent, or false if the signal fires first. */
	async acquire(priority: number, signal?: AbortSignal): Promise<Slot | false> {
		if (signal?.aborted) return false;
		return await new Promise<Slot | false>((resolve) => {
			const waiter: Waiter = {
				priority,
				sequence: this.sequence++,
				grant: (grantedAt) => {
					signal?.removeEventListener('abort', onAbort);
					resolve(grantedAt);
				},
				cancel: () => resolve(false),
			};
			const onAbort = () => {
				const index = this.waiters.indexOf(waiter);
				if (index >= 0) this.waiters.splice(index, 1);
				if (this.waiters.length === 0) this.wake?.abort();
				waiter.cancel();
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.insert(waiter);
			void this.pump();
		});
	}

	/**
	 * Counts the request from when its answer arrived: a large upload reaches Mindee long after its
	 * slot was granted, and Mindee counts it on arrival.
	 */
	settle(slot: Slot, now = Date.now()): void {
		const index = this.sentAt.indexOf(slot);
		if (index < 0) return;
		this.sentAt.splice(index, 1);
		let position = this.sentAt.length;
		while (position > 0 && this.sentAt[position - 1] > now) position--;
		this.sentAt.splice(position, 0, now);
	}

	/** After a 429, nobody sends until Mindee's window has had time to clear. */
	pauseUntil(timestamp: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, timestamp);
	}

	/** The most requests a window may hold. */
	get perWindow(): number {
		return this.limit;
	}

	/**
	 * Requests that will still count at `time` (epoch ms, now or later): those of the window sent
	 * after `time` − window, and those waiting for a slot.
	 */
	countedAt(time: number): number {
		this.prune(Date.now());
		let counted = this.waiters.length;
		for (let index = this.sentAt.length - 1; index >= 0; index--) {
			if (this.sentAt[index] <= time - this.windowMs) break;
			counted++;
		}
		return counted;
	}

	/** Requests sent in the current window (for tests and diagnostics). */
	inWindow(now = Date.now()): number {
		this.prune(now);
		return this.sentAt.length;
	}

	private insert(waiter: Waiter): void {
		let index = this.waiters.length;
		while (
			index > 0 &&
			(this.waiters[index - 1].priority > waiter.priority ||
				(this.waiters[index - 1].priority === waiter.priority &&
					this.waiters[index - 1].sequence > waiter.sequence))
		) {
			index--;
		}
		this.waiters.splice(index, 0, waiter);
	}

	private prune(now: number): void {
		while (this.sentAt.length && this.sentAt[0] <= now - this.windowMs) this.sentAt.shift();
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.waiters.length) {
				const now = Date.now();
				this.prune(now);
				if (now < this.pausedUntil) {
					await this.pause(this.pausedUntil - now);
				} else if (this.sentAt.length < this.limit) {
					this.sentAt.push(now);
					this.waiters.shift()?.grant(now);
				} else {
					await this.pause(this.sentAt[0] + this.windowMs - now + 1);
				}
			}
		} finally {
			this.pumping = false;
		}
	}

	private async pause(ms: number): Promise<void> {
		this.wake = new AbortController();
		try {
			await sleep(ms, this.wake.signal);
		} catch {
			// Woken early: the queue emptied; the loop re-checks it.
		}
	}
}

export interface RateLimits {
	postsPerMinute: number;
	getsPerMinute: number;
	/** Percentage of the limits this process may use (queue mode: split them between workers). */
	processSharePercent: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
	postsPerMinute: 200,
	getsPerMinute: 1200,
	processSharePercent: 100,
};

export interface RateBudget {
	post: SlidingWindowLimiter;
	get: SlidingWindowLimiter;
}

const budgets = new Map<string, RateBudget>();

/** One organisation: the base URL and a hash of the key (the key itself is never kept here). */
export function organisationKey(baseUrl: string, apiKey: string): string {
	return `${baseUrl}|${createHash('sha256').update(apiKey).digest('hex')}`;
}

function share(limit: number, percent: number): number {
	return Math.max(1, Math.floor((limit * Math.min(Math.max(percent, 1), 100)) / 100));
}

/**
 * The budget of one Mindee organisation, created on first use and kept for the process' life.
 * `windowMs` only matters at creation (tests create a budget with a short window beforehand).
 */
export function budgetFor(key: string, limits: RateLimits, windowMs?: number): RateBudget {
	let budget = budgets.get(key);
	if (!budget) {
		budget = {
			post: new SlidingWindowLimiter(1, windowMs),
			get: new SlidingWindowLimiter(1, windowMs),
		};
		budgets.set(key, budget);
	}
	budget.post.setLimit(share(limits.postsPerMinute, limits.processSharePercent));
	budget.get.setLimit(share(limits.getsPerMinute, limits.processSharePercent));
	return budget;
}
