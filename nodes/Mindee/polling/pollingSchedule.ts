export interface PollingSettings {
	/** Wait before the first poll: Mindee rarely finishes sooner. */
	initialDelayMs: number;
	/** Wait between polls while the job is young. Mindee asks for at least 1 s. */
	intervalMs: number;
	/** Give up after this long, counted from the enqueue. */
	maxWaitMs: number;
}

export const MIN_INTERVAL_MS = 1000;

/** Jobs younger than this are polled at the base interval: most documents finish within it. */
const STEADY_PHASE_MS = 5_000;
const GROWTH = 1.4;
/** The longest wait between polls, so a finished long job is fetched within a few seconds. */
const MAX_INTERVAL_MS = 6_000;

/**
 * Interval before the next poll. Short jobs are polled at the base interval; for jobs that run
 * long (Mindee allows up to 590 s) the wait grows to 6 s, so a one-minute job costs about 15
 * requests instead of 40, at the price of up to 6 s between "ready" and "fetched".
 */
export function nextPollDelayMs(
	settings: PollingSettings,
	jobAgeMs: number,
	previousDelayMs: number,
): number {
	const base = Math.max(settings.intervalMs, MIN_INTERVAL_MS);
	if (jobAgeMs < STEADY_PHASE_MS) return base;
	return Math.min(Math.max(previousDelayMs * GROWTH, base), Math.max(MAX_INTERVAL_MS, base));
}
