/**
 * Which waiting jobs to check now: pure decisions, no timers and no I/O (the scheduler in
 * pollScheduler.ts acts on them). Each job gets a chance of being done by now, from what similar
 * jobs took; a check is sent when that chance is worth the part of the GET budget already used.
 * With the budget unused every job past its first check is looked at about once a second; as the
 * budget fills, only the checks most likely to find a job done still go.
 */

export interface PollingSettings {
	/** Wait before the first check while the model has no history: Mindee rarely finishes sooner. */
	initialDelayMs: number;
	/** Time between checks of a job while the model has no history. Mindee asks for at least 1 s. */
	intervalMs: number;
	/** Give up after this long, counted from the enqueue. */
	maxWaitMs: number;
}

/** Mindee asks for at least a second between two polls of one job. */
export const MIN_INTERVAL_MS = 1000;

/**
 * Chance given to a job no similar job has taught anything about: low, so that jobs with a
 * history go first, and so that blind checks stop once a quarter of the minute's budget is used.
 */
const BLIND_CHANCE = 0.25;
/**
 * The share of the GET budget that checks may use; the rest is kept for fetching the results of
 * the jobs they find done.
 */
const CHECK_SHARE = 0.95;

/**
 * How many similar jobs are still processing at each age: Mindee's times of finished jobs, and for
 * jobs in flight the age at which a check last found them processing (they take at least that
 * long). Counting the jobs in flight keeps the first finishers of a batch, the fastest ones, from
 * passing for all of them.
 */
export interface SurvivalCurve {
	/** Ages (ms) at which a similar job finished, ascending. */
	agesMs: number[];
	/** Share of similar jobs still processing just after each of those ages. */
	stillProcessing: number[];
}

/** Kaplan–Meier estimate from finished durations and the ages jobs in flight are known to exceed. */
export function survivalCurve(
	durationsMs: readonly number[],
	stillProcessingAgesMs: readonly number[],
): SurvivalCurve {
	const finished = [...durationsMs].sort((a, b) => a - b);
	const running = [...stillProcessingAgesMs].sort((a, b) => a - b);
	const agesMs: number[] = [];
	const stillProcessing: number[] = [];
	let share = 1;
	let runningBefore = 0;
	for (let index = 0; index < finished.length;) {
		const age = finished[index];
		let endedHere = 0;
		while (index + endedHere < finished.length && finished[index + endedHere] === age) endedHere++;
		while (runningBefore < running.length && running[runningBefore] < age) runningBefore++;
		const atRisk = finished.length - index + running.length - runningBefore;
		share *= 1 - endedHere / atRisk;
		agesMs.push(age);
		stillProcessing.push(share);
		index += endedHere;
	}
	return { agesMs, stillProcessing };
}

/** Share of similar jobs still processing at `ageMs`. */
function stillProcessingAt(curve: SurvivalCurve, ageMs: number): number {
	let low = 0;
	let high = curve.agesMs.length;
	while (low < high) {
		const middle = (low + high) >> 1;
		if (curve.agesMs[middle] <= ageMs) low = middle + 1;
		else high = middle;
	}
	return low === 0 ? 1 : curve.stillProcessing[low - 1];
}

export interface WaitingJob {
	startedAt: number;
	/** Age (ms since the enqueue answered) at which the latest check found it still processing; 0 before. */
	lastProcessingAgeMs: number;
	/** No check before this time (epoch ms): a second after the previous one, or a backoff after a failure. */
	notBefore: number;
	/** A check is on its way. */
	checking: boolean;
	/**
	 * While similar jobs have no history, only the oldest few of them are checked, for all of them:
	 * this job is not one of those.
	 */
	standsBy?: boolean;
	/** What similar jobs took (no ages: the model has no history yet). */
	curve: SurvivalCurve;
	settings: PollingSettings;
}

/**
 * The chance that a check now finds the job done, given that its latest check did not. Within
 * what similar jobs took: the share of them that finished between its last check and its age now,
 * among those still processing at its last check. Past that (no history, or slower than every
 * similar job): a low chance after the Initial Delay that grows with the time since its last
 * check, compared with its age, so long jobs are checked less and less often as the budget fills.
 */
export function readyChance(job: WaitingJob, now: number): number {
	const ageMs = now - job.startedAt;
	const sinceCheckMs = ageMs - job.lastProcessingAgeMs;
	if (sinceCheckMs <= 0) return 0;
	const { agesMs } = job.curve;
	if (agesMs.length > 0) {
		const before = stillProcessingAt(job.curve, job.lastProcessingAgeMs);
		const likely = before > 0 ? 1 - stillProcessingAt(job.curve, ageMs) / before : 0;
		if (ageMs <= agesMs[agesMs.length - 1]) return likely;
		return Math.max(likely, blindChance(job, ageMs, sinceCheckMs));
	}
	if (job.standsBy || ageMs < job.settings.initialDelayMs) return 0;
	return blindChance(job, ageMs, sinceCheckMs);
}

function blindChance(job: WaitingJob, ageMs: number, sinceCheckMs: number): number {
	return job.lastProcessingAgeMs === 0 ? BLIND_CHANCE : (BLIND_CHANCE * sinceCheckMs) / ageMs;
}

/** Time between two checks of a job: the Interval while nothing is known, else Mindee's second. */
export function checkGapMs(job: Pick<WaitingJob, 'curve' | 'settings'>): number {
	return job.curve.agesMs.length === 0
		? Math.max(job.settings.intervalMs, MIN_INTERVAL_MS)
		: MIN_INTERVAL_MS;
}

/**
 * Jobs checked for all similar jobs while they have no history: enough that the first of them to
 * finish is likely among them, few enough that a batch of hundreds does not spend its budget blind.
 */
export const SCOUTS_PER_KIND = 10;

export interface GetBudgetView {
	/** GETs of the current window that will still count after the spending horizon. */
	stillCounted: number;
	limit: number;
	windowMs: number;
}

/** What is left of the GET budget is spent over this share of its window, then looked at again. */
const SPENDING_HORIZON_SHARE = 1 / 6;

/** How far ahead the budget is planned: about 10 s of Mindee's minute. */
export function spendingHorizonMs(windowMs: number): number {
	return windowMs * SPENDING_HORIZON_SHARE;
}

/**
 * Checks a second the GET budget affords: what the window will have left after the spending
 * horizon, less a result fetch for each job that may be done (at most half of it), spread over
 * the horizon. With the budget unused that is far more than the jobs due; as it fills, checks are
 * rationed to the jobs most likely done.
 */
export function affordableChecksPerSecond(budget: GetBudgetView, jobsMaybeDone: number): number {
	const headroom = Math.max(0, budget.limit - budget.stillCounted);
	const forChecks = CHECK_SHARE * headroom - Math.min(jobsMaybeDone, headroom / 2);
	return Math.max(0, forChecks) / (spendingHorizonMs(budget.windowMs) / 1000);
}

export interface RankedJobs<T> {
	/** Jobs due for a check, most likely done first. */
	due: T[];
	/** Jobs with some chance of being done, due or not: each will want its result fetched. */
	maybeDone: number;
}

/** The jobs due for a check (their wait since the last one is over, none in flight), best first. */
export function rankJobs<T extends WaitingJob>(jobs: Iterable<T>, now: number): RankedJobs<T> {
	const candidates: Array<{ job: T; chance: number }> = [];
	let maybeDone = 0;
	for (const job of jobs) {
		const chance = readyChance(job, Math.max(now, job.notBefore));
		if (chance <= 0) continue;
		maybeDone++;
		if (!job.checking && now >= job.notBefore)
			candidates.push({ job, chance: readyChance(job, now) });
	}
	candidates.sort((a, b) => b.chance - a.chance || a.job.startedAt - b.job.startedAt);
	return { due: candidates.map((candidate) => candidate.job), maybeDone };
}

/**
 * The next time a job's chance can rise by itself (the end of its wait since the last check, the
 * Initial Delay, the age at which a similar job finished): when to decide again if no answer
 * brings news first. Infinity when only news can (a job standing by, a check on its way).
 */
export function nextChangeAt(job: WaitingJob, now: number): number {
	if (job.checking) return Infinity;
	const blind = job.curve.agesMs.length === 0;
	const at = Math.max(job.notBefore, now, blind ? job.startedAt + job.settings.initialDelayMs : 0);
	if (readyChance(job, at) > 0) return at;
	const ageMs = at - job.startedAt;
	const next = job.curve.agesMs.find((age) => age > ageMs);
	return next === undefined ? Infinity : job.startedAt + next;
}
