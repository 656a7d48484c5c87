import { createHash } from 'crypto';
import { sleep } from 'n8n-workflow';

/**
 * The longest a waiting loop sleeps before looking again. n8n 2.x's `sleep` can be woken by a
 * signal, n8n 1.x's cannot: there a loop waiting for an answer must look again by itself.
 */
export const LONGEST_PAUSE_MS = 250;

/**
 * Mindee limits requests per organisation: 200 POST and 1,200 GET per rolling minute. One budget
 * per credential (API key and base URL) lives in this module, so every execution that runs in
 * this n8n process draws from the same one. Requests wait for a slot instead of collecting 429s;
 * waiting requests are served by priority (lower first: older jobs before younger ones). Other
 * n8n processes on the same organisation (queue-mode workers) are only seen through Mindee's
 * 429s, from which each process learns its part (SlidingWindowLimiter).
 */

const MINUTE_MS = 60_000;
/** Requests travel for a moment: a slightly longer window keeps Mindee's own count under the limit. */
const WINDOW_SLACK_MS = 1_000;
/**
 * Requests sent and not yet answered, as a part of the limit (at least 2). A 429 only comes back
 * after the fact: when other n8n processes use the same organisation, this bounds how many of
 * ours can be refused at once, at no cost to a process alone (answers come in milliseconds). For
 * reads it also keeps a burst of checks from answering all at once, late (see `budgetFor`).
 */
const IN_FLIGHT_SHARE = 1 / 20;
const MIN_IN_FLIGHT = 2;
/**
 * When Mindee refuses a request within this process's level, another process needs more than
 * before: this one keeps that part of what it had taken in the window, and the shares meet.
 */
const GIVE_WAY_FACTOR = 0.75;
/** Pause of the whole limiter after refusals in a row: 0.5 s, doubling, at most 30 s. */
const REFUSED_PAUSE_MS = 500;
const MAX_REFUSED_PAUSE_MS = 30_000;

interface Waiter {
	priority: number;
	sequence: number;
	grant: (grantedAt: number) => void;
	cancel: () => void;
}

/** A granted slot: its time in the window, moved to the answer's arrival by `settle`. */
export type Slot = number;

/**
 * Counts requests over a rolling window and never grants more than the limit in it.
 *
 * The limit is the credential's (times its optional share); other n8n processes on the same
 * organisation (queue-mode workers) draw from Mindee's count too, and only Mindee's 429 tells. So
 * within the limit the limiter keeps a learned level, AIMD-style: a 429 on an upload is safe (the
 * upload was not taken), so when Mindee refuses a request the level drops to what this process
 * had answered in the window (less a little when the refused request was within that level:
 * another process wants more); then, whenever it has requests waiting at its level, it sends one
 * more (a probe): accepted, the level grows by one and the next probe follows at once; refused,
 * the next probe waits for the window of the first refusal to turn over, or, when Mindee sent
 * Retry-After, for that (doubled for each probe refused in a row). A process refused with little of its
 * level used (alone, against a server whose window is shorter than ours) also sends its first
 * probe once Mindee's Retry-After is over. A process alone never meets a 429 while Mindee's limit
 * is the credential's; after a full window with nothing sent, the learned level is forgotten.
 */
export class SlidingWindowLimiter {
	/** Every request sent in the window, oldest first (those Mindee refused too). */
	private readonly sentAt: number[] = [];
	/** Those of `sentAt` that Mindee refused with a 429: sent, but not counted by Mindee. */
	private readonly refusedAt: number[] = [];
	private readonly waiters: Waiter[] = [];
	private inFlight = 0;
	/** The learned level (undefined: nothing refused lately, the whole limit). */
	private learned: number | undefined;
	/** The request sent above the learned level, while it is on its way. */
	private probe: Slot | undefined;
	private probeAfter = 0;
	private refusedInARow = 0;
	/** Probes refused since Mindee last took a request: each doubles the wait Mindee asked for. */
	private probesRefused = 0;
	private refusedSince = 0;
	private pausedUntil = 0;
	private pumping = false;
	private sequence = 0;
	/** Interrupts the pump's wait when something changed (an answer, the queue emptied). */
	private wake?: AbortController;

	/**
	 * `boundInFlight`: hold requests while a part of the limit is on its way unanswered (see
	 * IN_FLIGHT_SHARE); only for callers that end every slot with `settle` or `refuse`.
	 */
	constructor(
		private limit: number,
		readonly windowMs = MINUTE_MS + WINDOW_SLACK_MS,
		private readonly boundInFlight = false,
	) {}

	setLimit(limit: number): void {
		this.limit = Math.max(1, Math.floor(limit));
		if (this.learned !== undefined) this.learned = Math.min(this.learned, this.limit);
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
	 * slot was granted, and Mindee counts it on arrival. Every granted slot ends here or in `refuse`.
	 */
	settle(slot: Slot, now = Date.now()): void {
		if (!this.answered(slot, now)) return;
		this.refusedInARow = 0;
		this.probesRefused = 0;
		if (slot === this.probe) {
			// Mindee took one more than the learned level: there was room.
			this.probe = undefined;
			if (this.learned !== undefined) this.learned = Math.min(this.limit, this.learned + 1);
		}
		this.wake?.abort();
	}

	/**
	 * Mindee answered 429: the request was not taken, and the organisation's limit is reached,
	 * by this process or by others on the same key. Adapts the learned level (see the class).
	 * `retryAfterMs`: how long Mindee asked to wait, when it said.
	 */
	refuse(slot: Slot, now = Date.now(), retryAfterMs?: number): void {
		if (!this.answered(slot, now)) return;
		this.refusedAt.splice(this.insertionIndex(this.refusedAt, now), 0, now);
		const kept = this.accepted(now);
		// Refusals in a row count from the first: by a window after it, everything that filled
		// Mindee's count then has left it.
		if (this.refusedInARow === 0) this.refusedSince = now;
		this.refusedInARow++;
		const turnover = this.refusedSince + this.windowMs;
		// Many requests refused in a row (a process with nothing in the window): each retries on
		// its own, so the limiter itself holds them, longer each time, but not past the turnover;
		// as long as Mindee asked, when it said.
		let pauseMs = Math.min(MAX_REFUSED_PAUSE_MS, REFUSED_PAUSE_MS * 2 ** (this.refusedInARow - 1));
		if (now < turnover) pauseMs = Math.min(pauseMs, turnover - now);
		if (retryAfterMs !== undefined) pauseMs = retryAfterMs;
		const level = this.level();
		const wasProbe = slot === this.probe;
		if (wasProbe) this.probesRefused++;
		// When Mindee said when to come back, the next probe goes then, later after each refused
		// probe: a process alone whose level was learned from a window shorter than ours is back at
		// its pace in seconds, and processes sharing the key collide a few times, not every second.
		const toldProbeAfter =
			retryAfterMs === undefined
				? undefined
				: now + Math.min(this.windowMs, retryAfterMs * 2 ** Math.max(0, this.probesRefused - 1));
		if (wasProbe) {
			// No room for one more: stay at the level, and try for more once the window has turned
			// over, or Mindee's Retry-After.
			this.probe = undefined;
			this.learned = Math.max(1, Math.min(level, kept));
			this.probeAfter = toldProbeAfter ?? turnover;
		} else if (this.learned === undefined && kept >= this.limit * 0.9) {
			// Refused within our own level: another process needs more than before; give way. One
			// that had the whole limit to itself also waits a window longer to probe, or it would
			// take back at once what it gave (its requests come as soon as room appears).
			this.learned = Math.max(1, Math.floor(kept * GIVE_WAY_FACTOR));
			this.probeAfter = turnover + this.windowMs;
		} else {
			this.learned = Math.max(1, Math.min(level, Math.floor(kept * GIVE_WAY_FACTOR)));
			// With little of its level used, this process is not what filled Mindee's count (alone,
			// Mindee's window may just be shorter than ours): it may probe when Mindee said. Else it
			// gives way until the turnover, as it does whenever Mindee did not say.
			this.probeAfter = kept < level / 2 ? (toldProbeAfter ?? turnover) : turnover;
		}
		this.pauseUntil(now + pauseMs);
		this.wake?.abort();
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

	/** What this process lets itself send per window now: the learned level, or the limit. */
	level(): number {
		return this.learned ?? this.limit;
	}

	private get maxInFlight(): number {
		return Math.max(MIN_IN_FLIGHT, Math.ceil(this.limit * IN_FLIGHT_SHARE));
	}

	/** Moves an answered slot to the answer's time; false for a slot this limiter does not hold. */
	private answered(slot: Slot, now: number): boolean {
		const index = this.sentAt.indexOf(slot);
		if (index < 0) return false;
		this.sentAt.splice(index, 1);
		this.sentAt.splice(this.insertionIndex(this.sentAt, now), 0, now);
		this.inFlight = Math.max(0, this.inFlight - 1);
		return true;
	}

	private insertionIndex(times: number[], time: number): number {
		let position = times.length;
		while (position > 0 && times[position - 1] > time) position--;
		return position;
	}

	/** Requests of the window that Mindee took or has not answered yet. */
	private accepted(now: number): number {
		this.prune(now);
		return this.sentAt.length - this.refusedAt.length;
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
		const cutoff = now - this.windowMs;
		while (this.sentAt.length && this.sentAt[0] <= cutoff) this.sentAt.shift();
		while (this.refusedAt.length && this.refusedAt[0] <= cutoff) this.refusedAt.shift();
		// A window with nothing sent: what was learned is out of date.
		if (this.sentAt.length === 0 && this.inFlight === 0) this.learned = undefined;
	}

	/** When the next request may go, or a time to look again (undefined: now). */
	private nextGrantAt(now: number): number | undefined {
		if (now < this.pausedUntil) return this.pausedUntil;
		if (this.boundInFlight && this.inFlight >= this.maxInFlight) return Number.POSITIVE_INFINITY; // an answer wakes us
		if (this.sentAt.length >= this.limit) return this.sentAt[0] + this.windowMs + 1;
		if (this.accepted(now) < this.level()) return undefined;
		// At the learned level: one probe at a time, once the last refused one is a window old.
		if (this.probe !== undefined) return Number.POSITIVE_INFINITY;
		if (now >= this.probeAfter) return undefined;
		return Math.min(this.probeAfter, this.oldestAcceptedExpiry());
	}

	private oldestAcceptedExpiry(): number {
		let refused = 0;
		for (const sent of this.sentAt) {
			if (refused < this.refusedAt.length && this.refusedAt[refused] === sent) {
				refused++;
				continue;
			}
			return sent + this.windowMs + 1;
		}
		return Number.POSITIVE_INFINITY;
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.waiters.length) {
				const now = Date.now();
				this.prune(now);
				const at = this.nextGrantAt(now);
				if (at === undefined) {
					const probing = this.accepted(now) >= this.level();
					this.sentAt.push(now);
					this.inFlight++;
					if (probing) this.probe = now;
					this.waiters.shift()?.grant(now);
				} else {
					await this.pause(at - now);
				}
			}
		} finally {
			this.pumping = false;
		}
	}

	private async pause(ms: number): Promise<void> {
		this.wake = new AbortController();
		try {
			// Woken early by an answer or an abort where `sleep` honours its signal; never longer than
			// LONGEST_PAUSE_MS, so n8n 1.x (whose `sleep` ignores it) also sees an answer at once.
			await sleep(Math.min(Math.max(0, ms), LONGEST_PAUSE_MS), this.wake.signal);
		} catch {
			// Woken early: something changed; the loop re-checks it.
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
		// Both are bounded in flight. Uploads: a burst of them is what collides between workers.
		// Reads: the scheduler checks a batch's jobs together when they may be done, and hundreds of
		// HTTPS requests at once share a small machine's CPU until all of them answer late; a few
		// dozen at a time answer in turn, and a result's fetch goes before the checks still waiting.
		budget = {
			post: new SlidingWindowLimiter(1, windowMs, true),
			get: new SlidingWindowLimiter(1, windowMs, true),
		};
		budgets.set(key, budget);
	}
	budget.post.setLimit(share(limits.postsPerMinute, limits.processSharePercent));
	budget.get.setLimit(share(limits.getsPerMinute, limits.processSharePercent));
	return budget;
}
