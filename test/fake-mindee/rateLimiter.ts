/**
 * Rolling-window request counters (https://docs.mindee.com/integrations/technical-limitations: per organisation, POST 200/min and GET 1200/min, 429 beyond).
 * Only accepted requests consume budget; requests answered 429 do not.
 */

export type RateKind = 'post' | 'get';

export interface RateDecision {
  allowed: boolean;
  /** Seconds until a slot frees (only meaningful when not allowed). */
  retryAfterSeconds: number;
}

class RollingWindow {
  private stamps: number[] = [];
  private head = 0;

  constructor(private readonly windowMs: () => number) {}

  private prune(now: number): void {
    const cutoff = now - this.windowMs();
    while (this.head < this.stamps.length && this.stamps[this.head] <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.stamps.length) {
      this.stamps = this.stamps.slice(this.head);
      this.head = 0;
    }
  }

  count(now: number): number {
    this.prune(now);
    return this.stamps.length - this.head;
  }

  /** Milliseconds until the oldest counted request leaves the window. */
  msUntilFree(now: number): number {
    this.prune(now);
    if (this.head >= this.stamps.length) return 0;
    return Math.max(0, this.stamps[this.head] + this.windowMs() - now);
  }

  add(now: number): void {
    this.stamps.push(now);
  }

  clear(): void {
    this.stamps = [];
    this.head = 0;
  }
}

export class RateLimiter {
  private readonly windows: Record<RateKind, RollingWindow>;

  constructor(
    private readonly limits: () => { postPerMinute: number; getPerMinute: number } | null,
    windowMs: () => number,
  ) {
    this.windows = { post: new RollingWindow(windowMs), get: new RollingWindow(windowMs) };
  }

  /** Checks and, when allowed, consumes one slot. */
  take(kind: RateKind, now = Date.now()): RateDecision {
    const limits = this.limits();
    const window = this.windows[kind];
    if (!limits) {
      return { allowed: true, retryAfterSeconds: 0 };
    }
    const limit = kind === 'post' ? limits.postPerMinute : limits.getPerMinute;
    if (window.count(now) >= limit) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(window.msUntilFree(now) / 1000)) };
    }
    window.add(now);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  clear(): void {
    this.windows.post.clear();
    this.windows.get.clear();
  }
}
