/**
 * Fault injection (not Mindee behaviour; knobs to test clients): outage windows answered 429, 502/503 on
 * GETs, requests left unanswered, reset or answered by a proxy's HTML page, eventually-consistent job ids, failed inferences,
 * and per-file upload faults. Random choices are deterministic per seed.
 */
import type { FakeFaults } from './types';

/** mulberry32: small deterministic PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private faults: FakeFaults = {};
  private since = Date.now();
  // Separate streams so that GET traffic does not change which jobs fail.
  private getRandom = mulberry32(1);
  private failRandom = mulberry32(2);
  private gatewayToggle = 0;
  private broken = 0;
  /** Requests refused inside the rateLimitWindow fault. */
  private outageRefusals = 0;
  /** Uploads seen per uploadFaults entry. */
  private uploadFaultHits = new Map<number, number>();

  constructor(faults?: FakeFaults) {
    this.set(faults ?? {});
  }

  get current(): FakeFaults {
    return this.faults;
  }

  /** Replaces the faults, restarting the window clock and the random streams. */
  set(faults: FakeFaults): void {
    this.faults = { ...faults };
    this.restart();
  }

  restart(): void {
    const seed = this.faults.seed ?? 1;
    this.since = Date.now();
    this.getRandom = mulberry32(seed);
    this.failRandom = mulberry32(seed ^ 0x5bd1e995);
    this.gatewayToggle = 0;
    this.broken = 0;
    this.outageRefusals = 0;
    this.uploadFaultHits = new Map();
  }

  /** The uploadFaults fault for an upload of `fileName`, if one still applies (counted). */
  uploadFault(fileName: string): 'resetAfterAccept' | 'failJob' | null {
    const entries = this.faults.uploadFaults ?? [];
    const index = entries.findIndex((entry) => entry.fileName === fileName);
    if (index < 0) return null;
    const hits = this.uploadFaultHits.get(index) ?? 0;
    const { count, fault } = entries[index];
    if (count !== undefined && hits >= count) return null;
    this.uploadFaultHits.set(index, hits + 1);
    return fault;
  }

  /** Whether this request to `route` falls under the brokenAnswers fault, and how it is broken. */
  brokenAnswer(route: string): 'noAnswer' | 'reset' | 'html500' | null {
    const fault = this.faults.brokenAnswers;
    if (!fault || fault.route !== route) return null;
    if (fault.count !== undefined && this.broken >= fault.count) return null;
    this.broken++;
    return fault.how;
  }

  /** Inside the rateLimitWindow fault: the Retry-After value to send (null = no header). Counted. */
  outage(now = Date.now()): { retryAfterSeconds: number | null } | null {
    const w = this.faults.rateLimitWindow;
    if (!w) return null;
    const start = this.since + (w.startAfterMs ?? 0);
    if (now < start || now >= start + w.durationMs) return null;
    if (w.refusals !== undefined && this.outageRefusals >= w.refusals) return null;
    this.outageRefusals++;
    return { retryAfterSeconds: w.retryAfterSeconds ?? null };
  }

  /** For a job or result GET: 502 or 503 (alternating) when the getErrorRate draw says so, else null. */
  gatewayError(): 502 | 503 | null {
    const rate = this.faults.getErrorRate ?? 0;
    if (rate <= 0) return null;
    if (this.getRandom() >= rate) return null;
    return this.gatewayToggle++ % 2 === 0 ? 502 : 503;
  }

  /** Whether a job id still answers 404 (eventual consistency after enqueue). */
  jobHidden(enqueuedAt: number, now = Date.now()): boolean {
    const ms = this.faults.jobNotFoundForMs ?? 0;
    return ms > 0 && now - enqueuedAt < ms;
  }

  /** Drawn once per enqueued job. */
  jobShouldFail(): boolean {
    const rate = this.faults.failRate ?? 0;
    if (rate <= 0) return false;
    return this.failRandom() < rate;
  }
}
