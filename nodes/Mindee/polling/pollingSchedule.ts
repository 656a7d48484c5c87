export interface PollingSettings {
	/** Wait before the first poll: Mindee rarely finishes sooner. */
	initialDelayMs: number;
	/** Wait between polls while the job is young. Mindee asks for at least 1 s. */
	intervalMs: number;
	/** Give up after this long, counted from the enqueue. */
	maxWaitMs: number;
	/** The longest wait between two polls of the clock: `MAX_INTERVAL_MS` unless set. */
	maxIntervalMs?: number;
}

export const MIN_INTERVAL_MS = 1000;

/** Jobs younger than this are polled at the base interval: most documents finish within it. */
const STEADY_PHASE_MS = 5_000;
const GROWTH = 1.4;
/** The longest wait between polls, so a finished long job is fetched within a few seconds. */
const MAX_INTERVAL_MS = 6_000;
/**
 * The longest wait while similar jobs in flight learn together (none like them has finished yet):
 * one check informs them all (the others skip theirs when it finds its job still processing), so
 * they can afford to look twice as often, and the first of them is fetched within 3 s of being ready.
 */
export const SHARED_MAX_INTERVAL_MS = 3_000;

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
	const ceiling = Math.max(settings.maxIntervalMs ?? MAX_INTERVAL_MS, base);
	return Math.min(Math.max(previousDelayMs * GROWTH, base), ceiling);
}

/**
 * With a history, a job is polled at points of the processing times of similar past jobs: its
 * median (half of the jobs are done at the first poll), the 85th percentile, then the slowest of
 * them, so only a job slower than all it is compared with costs more than four GETs. Past the
 * last, the clock above takes over, at the points it would have had. Polling a little after each
 * point finds a job that finishes right on it done.
 */
const PLANNED_QUANTILES = [0.5, 0.85, 1];
const READY_MARGIN_MS = 250;

/** Job ages (ms) at which to poll, from the sorted processing times of similar past jobs. */
export function plannedPollAgesMs(durationsMs: readonly number[]): number[] {
	if (durationsMs.length === 0) return [];
	const ages: number[] = [];
	for (const quantile of PLANNED_QUANTILES) {
		const rank = Math.max(0, Math.ceil(quantile * durationsMs.length) - 1);
		const age = durationsMs[rank] + READY_MARGIN_MS;
		if (ages.length === 0 || age >= ages[ages.length - 1] + MIN_INTERVAL_MS) ages.push(age);
	}
	return ages;
}

/** The last poll: the age it was planned for, the age its answer came at, the wait before it. */
export interface PreviousPoll {
	plannedAgeMs: number;
	answeredAgeMs: number;
	delayMs: number;
}

export interface NextPoll {
	ageMs: number;
	delayMs: number;
}

/**
 * When to poll next, as a job age. `durationsMs` are the processing times of similar past jobs,
 * shortest first; with none, this is the fixed clock of `nextPollDelayMs`. Two polls of one job
 * are always at least a second apart, as Mindee asks.
 */
export function nextPoll(
	settings: PollingSettings,
	durationsMs: readonly number[],
	previous?: PreviousPoll,
): NextPoll {
	const planned = plannedPollAgesMs(durationsMs);
	if (!previous) {
		const ageMs = planned.length > 0 ? planned[0] : Math.max(0, settings.initialDelayMs);
		return { ageMs, delayMs: ageMs };
	}
	const earliest = previous.answeredAgeMs + MIN_INTERVAL_MS;
	const plannedAge = planned.find((age) => age > previous.plannedAgeMs);
	if (plannedAge !== undefined) {
		const ageMs = Math.max(plannedAge, earliest);
		return { ageMs, delayMs: ageMs - previous.plannedAgeMs };
	}
	const clock = clockPointAfter(settings, previous.plannedAgeMs);
	return { ageMs: Math.max(clock.ageMs, earliest), delayMs: clock.delayMs };
}

/**
 * The first point of the fixed clock (Initial Delay, then `nextPollDelayMs`) after `ageMs`: a job
 * slower than its history is checked when it would have been without one.
 */
function clockPointAfter(settings: PollingSettings, ageMs: number): NextPoll {
	let delayMs = Math.max(0, settings.initialDelayMs);
	let pointMs = delayMs;
	while (pointMs <= ageMs) {
		delayMs = nextPollDelayMs(settings, pointMs, delayMs);
		pointMs += delayMs;
	}
	return { ageMs: pointMs, delayMs };
}

/**
 * When a job is expected to be done (epoch ms): the median of similar past jobs, or its enqueue
 * time without history. Under a short GET budget, polls of jobs expected earliest go first.
 */
export function expectedReadyAt(startedAt: number, durationsMs: readonly number[]): number {
	if (durationsMs.length === 0) return startedAt;
	return startedAt + durationsMs[Math.ceil(durationsMs.length / 2) - 1];
}
