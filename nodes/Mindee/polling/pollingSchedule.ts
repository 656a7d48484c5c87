/**
 * Which waiting jobs to check now: pure decisions, no timers and no I/O (the scheduler in
 * pollScheduler.ts acts on them). Each job gets a chance of being done by now, from what similar
 * jobs took. One gap between two checks of a job is planned for all of them from the GET budget:
 * Mindee's second while the budget has room, longer only when the checks a second it affords are
 * fewer than the jobs that may be done. The same gap for every job keeps each ready result's wait
 * short (none is left behind for likelier ones); a job likely done is checked before its gap is
 * over, and when the window has no room left the likeliest go first.
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
 * history go first.
 */
const BLIND_CHANCE = 0.25;
/** The share of the GET budget that polling plans for; the rest is left for other reads. */
const PLANNED_SHARE = 0.95;

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
	/**
	 * Age by which the last similar job is expected to be done: the last finish when none is left,
	 * else the pace at which they have finished so far, carried on; before a pace shows, a multiple
	 * of the first finish (Infinity: none finished yet).
	 */
	allDoneByMs: number;
}

/** Fewer finishes than this tell no pace. */
const PACE_FINISHES_LEAST = 3;
/**
 * Until a pace shows, similar jobs are expected done by this multiple of the first one's age: the
 * only scale known yet (a batch within ± 30 % of its mean spreads 1.86 ×). Without it, a kind of
 * 3-second jobs was planned as if each needed checks for the whole 15 s horizon.
 */
const FIRST_FINISH_SPREAD = 2;

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
	return { agesMs, stillProcessing, allDoneByMs: allDoneBy() };

	/**
	 * The pace is read from the first finish up to the median age at which the jobs in flight were
	 * last found processing: past that age, jobs done but not checked yet would pass for slow ones.
	 */
	function allDoneBy(): number {
		if (running.length === 0) return agesMs.length > 0 ? agesMs[agesMs.length - 1] : Infinity;
		if (agesMs.length === 0) return Infinity;
		if (agesMs.length < PACE_FINISHES_LEAST) return FIRST_FINISH_SPREAD * agesMs[0];
		const checkedUntilMs = running[running.length >> 1];
		const fell = 1 - stillProcessingAt({ agesMs, stillProcessing }, checkedUntilMs);
		const overMs = checkedUntilMs - agesMs[0];
		if (fell <= 0 || overMs <= 0) return Infinity;
		return checkedUntilMs + ((1 - fell) * overMs) / fell;
	}
}

/** How many of the ages at which a similar job finished are at or below `ageMs`. */
function finishedBy(curve: Pick<SurvivalCurve, 'agesMs'>, ageMs: number): number {
	let low = 0;
	let high = curve.agesMs.length;
	while (low < high) {
		const middle = (low + high) >> 1;
		if (curve.agesMs[middle] <= ageMs) low = middle + 1;
		else high = middle;
	}
	return low;
}

/** Share of similar jobs still processing at `ageMs`. */
function stillProcessingAt(
	curve: Pick<SurvivalCurve, 'agesMs' | 'stillProcessing'>,
	ageMs: number,
): number {
	const finished = finishedBy(curve, ageMs);
	return finished === 0 ? 1 : curve.stillProcessing[finished - 1];
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

function isBlind(job: WaitingJob): boolean {
	return job.curve.agesMs.length === 0;
}

/**
 * The chance that a check now finds the job done, given that its latest check did not. Within
 * what similar jobs took: the share of them that finished between its last check and its age now,
 * among those still processing at its last check. Past that (no history, or slower than every
 * similar job): a low chance after the Initial Delay that grows with the time since its last
 * check, compared with its age, so long jobs go after likelier ones when the budget is short.
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

/** Least time between two checks of a job: the Interval while nothing is known, else Mindee's second. */
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

/** When a job was last looked at: its last check, or the age from which a check can find it done. */
function lookedAtMs(job: WaitingJob): number {
	const checkableFromAge = isBlind(job) ? job.settings.initialDelayMs : job.curve.agesMs[0];
	return job.startedAt + Math.max(job.lastProcessingAgeMs, checkableFromAge);
}

/**
 * Whether the job is worth a check at `now` with `gapMs` between checks: the likelier it is done
 * since it was last looked at, the sooner (a job certainly done goes at once). Jobs with no history
 * keep the Interval (its `notBefore`) and are checked as soon as it is over.
 */
export function isDue(job: WaitingJob, now: number, gapMs: number): boolean {
	if (job.checking || now < job.notBefore) return false;
	const chance = readyChance(job, now);
	if (chance <= 0) return false;
	if (isBlind(job) || chance >= 1) return true;
	return now - lookedAtMs(job) >= gapMs * (1 - chance);
}

/** The jobs due for a check at `now`, most likely done first (the oldest first among equals). */
export function dueJobs<T extends WaitingJob>(jobs: Iterable<T>, now: number, gapMs: number): T[] {
	const due: Array<{ job: T; chance: number }> = [];
	for (const job of jobs) {
		if (isDue(job, now, gapMs)) due.push({ job, chance: readyChance(job, now) });
	}
	due.sort((a, b) => b.chance - a.chance || a.job.startedAt - b.job.startedAt);
	return due.map((candidate) => candidate.job);
}

/**
 * The next time a job may become due by itself (the end of its wait, the Initial Delay, the age at
 * which a similar job finished, the end of its gap): when to decide again if no answer brings news
 * first. Infinity when only news can (a job standing by, a check on its way).
 */
export function nextChangeAt(job: WaitingJob, now: number, gapMs: number): number {
	if (job.checking || job.standsBy) return Infinity;
	const at = Math.max(job.notBefore, now, isBlind(job) ? lookedAtMs(job) : 0);
	const chance = readyChance(job, at);
	if (chance > 0 && (isBlind(job) || chance >= 1)) return at;
	// The next age at which a similar job finished raises the chance, and so shortens the wait.
	const nextAge = job.curve.agesMs[finishedBy(job.curve, at - job.startedAt)];
	const chanceRisesAt = nextAge === undefined ? Infinity : job.startedAt + nextAge;
	if (chance <= 0) return chanceRisesAt;
	return Math.min(Math.max(at, lookedAtMs(job) + gapMs * (1 - chance)), chanceRisesAt);
}

export interface GetBudgetView {
	limit: number;
	windowMs: number;
	/** GETs sent or waiting that will still count at `time` (epoch ms, now or later). */
	countedAt: (time: number) => number;
}

/**
 * The budget is planned over the time until the jobs that may be done are expected to be done,
 * this share of its window at most (about 15 s of Mindee's minute), then looked at again: a
 * batch's jobs become ready over several such spans, and what is spent in one still counts in the
 * next ones.
 */
const SPENDING_HORIZON_SHARE = 1 / 4;
/** A job past the time its kind was expected to be done is planned for at least this long. */
const LEAST_PLANNED_MS = 5_000;

/**
 * The gap between two checks of a job that the GET budget affords, the same for every job that may
 * be done: Mindee's second while there is room. When there is not, the jobs share the checks that
 * the window will still have room for at the end of the spending horizon (less a result fetch for
 * each of them), each as if it waited until its kind is expected to be all done, the horizon at
 * most. A window's worth at most.
 */
export function plannedGapMs(
	jobs: Iterable<WaitingJob>,
	now: number,
	budget: GetBudgetView,
): number {
	const horizonMs = budget.windowMs * SPENDING_HORIZON_SHARE;
	let maybeDone = 0;
	let waitingMs = 0;
	let spanMs = 0;
	for (const job of jobs) {
		if (readyChance(job, Math.max(now, job.notBefore)) <= 0) continue;
		maybeDone++;
		const untilAllDoneMs = job.startedAt + job.curve.allDoneByMs - now;
		const plannedMs = Math.min(horizonMs, Math.max(LEAST_PLANNED_MS, untilAllDoneMs));
		waitingMs += plannedMs;
		spanMs = Math.max(spanMs, plannedMs);
	}
	if (maybeDone === 0) return MIN_INTERVAL_MS;
	const headroom = PLANNED_SHARE * budget.limit - budget.countedAt(now + spanMs);
	const forChecks = headroom - Math.min(maybeDone, headroom / 2);
	if (forChecks <= 0) return budget.windowMs;
	return Math.min(budget.windowMs, Math.max(MIN_INTERVAL_MS, waitingMs / forChecks));
}

/** Checks that may be sent now: what the window has left of the planned share. */
export function checksRoomNow(budget: GetBudgetView, now: number): number {
	return Math.max(0, Math.floor(PLANNED_SHARE * budget.limit - budget.countedAt(now)));
}
