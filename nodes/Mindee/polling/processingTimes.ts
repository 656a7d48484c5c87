/**
 * How long Mindee took for the jobs this process has already seen, per model, so that the next
 * job of the model is polled when it is likely to be done. Kept in memory and bounded: a few
 * dozen recent jobs per model, and the models used most recently. It only decides when to ask,
 * never what a result is.
 */

interface Sample {
	/** How long the job took, or for a job in flight, how old it was when last seen processing. */
	durationMs: number;
	/** Size of the uploaded file; unknown for a document sent by URL. */
	fileBytes?: number;
}

export interface ProcessingTimesLimits {
	samplesPerModel: number;
	models: number;
}

const DEFAULT_LIMITS: ProcessingTimesLimits = { samplesPerModel: 64, models: 256 };

/** Files within this factor of each other's size count as similar (pages drive Mindee's time). */
const SIMILAR_SIZE_FACTOR = 2;

/** Jobs in flight per model that are remembered, at most this many. */
const RUNNING_JOBS_PER_MODEL = 1_024;

export type OthersSay = 'not yet' | 'being checked';

export class ProcessingTimes {
	/** A Map keeps insertion order: re-inserting a model on use makes the first one the least recent. */
	private readonly byModel = new Map<string, Sample[]>();
	/** Per model, the jobs in flight and the age of each one's latest check (0 before the first). */
	private readonly running = new Map<string, Map<string, Sample & { answered: boolean }>>();

	constructor(private readonly limits: ProcessingTimesLimits = DEFAULT_LIMITS) {}

	record(modelId: string, durationMs: number, fileBytes?: number): void {
		if (!Number.isFinite(durationMs) || durationMs < 0) return;
		const samples = this.touch(modelId) ?? [];
		samples.push({ durationMs, fileBytes });
		if (samples.length > this.limits.samplesPerModel) samples.shift();
		this.byModel.set(modelId, samples);
		if (this.byModel.size > this.limits.models) {
			const leastRecent = this.byModel.keys().next().value;
			if (leastRecent !== undefined) this.byModel.delete(leastRecent);
		}
	}

	/**
	 * Processing times of past jobs like this one, shortest first: those of a similar file size
	 * when there are any, else all of the model's; empty when the model has no history yet.
	 */
	similar(modelId: string, fileBytes?: number): number[] {
		const samples = this.touch(modelId) ?? [];
		const sameSize = samples.filter((sample) => similarSize(sample, fileBytes));
		const chosen = sameSize.length > 0 ? sameSize : samples;
		return chosen.map((sample) => sample.durationMs).sort((a, b) => a - b);
	}

	/**
	 * What jobs like this one (same model, similar file) say about checking it at `ageMs`, when none
	 * of them was done by that age: `not yet` when one in flight was found still processing at that
	 * age or older (the check is pointless), `being checked` when such a check awaits its answer.
	 */
	othersAt(modelId: string, fileBytes: number | undefined, ageMs: number): OthersSay | undefined {
		const finished = this.byModel.get(modelId) ?? [];
		if (finished.some((sample) => similarSize(sample, fileBytes) && sample.durationMs <= ageMs))
			return undefined;
		let say: OthersSay | undefined;
		for (const job of this.running.get(modelId)?.values() ?? []) {
			if (!similarSize(job, fileBytes) || job.durationMs < ageMs) continue;
			if (job.answered) return 'not yet';
			say = 'being checked';
		}
		return say;
	}

	/** This job now waits for its result; it has not been checked yet. */
	noteWaiting(modelId: string, jobId: string, fileBytes?: number): void {
		this.noteChecking(modelId, jobId, 0, fileBytes);
	}

	/**
	 * Whether this job learns together with others: jobs like it (same model, similar file) are in
	 * flight and none like it has finished yet. Their checks speak for each other until one is done.
	 */
	learnsWithOthers(modelId: string, jobId: string, fileBytes?: number): boolean {
		const finished = this.byModel.get(modelId) ?? [];
		if (finished.some((sample) => similarSize(sample, fileBytes))) return false;
		for (const [otherId, job] of this.running.get(modelId) ?? []) {
			if (otherId !== jobId && similarSize(job, fileBytes)) return true;
		}
		return false;
	}

	/** This job is being checked at this age (it was still processing before). */
	noteChecking(modelId: string, jobId: string, ageMs: number, fileBytes?: number): void {
		let jobs = this.running.get(modelId);
		if (!jobs) this.running.set(modelId, (jobs = new Map()));
		jobs.delete(jobId);
		jobs.set(jobId, { durationMs: ageMs, fileBytes, answered: false });
		if (jobs.size > RUNNING_JOBS_PER_MODEL) jobs.delete(jobs.keys().next().value as string);
	}

	/** Its latest check found this job still processing. */
	noteStillProcessing(modelId: string, jobId: string): void {
		const job = this.running.get(modelId)?.get(jobId);
		if (job) job.answered = true;
	}

	/** The job is no longer waited for (done, failed, given up or cancelled). */
	forgetRunning(modelId: string, jobId: string): void {
		const jobs = this.running.get(modelId);
		if (!jobs) return;
		jobs.delete(jobId);
		if (jobs.size === 0) this.running.delete(modelId);
	}

	/** What is held, for tests and diagnostics. */
	get size(): { models: number; samples: number; running: number } {
		let samples = 0;
		for (const list of this.byModel.values()) samples += list.length;
		let running = 0;
		for (const jobs of this.running.values()) running += jobs.size;
		return { models: this.byModel.size, samples, running };
	}

	private touch(modelId: string): Sample[] | undefined {
		const samples = this.byModel.get(modelId);
		if (samples) {
			this.byModel.delete(modelId);
			this.byModel.set(modelId, samples);
		}
		return samples;
	}
}

/** Files within a factor of two of each other's size; a file of unknown size is like any other. */
function similarSize(sample: Sample, fileBytes: number | undefined): boolean {
	if (fileBytes === undefined || sample.fileBytes === undefined) return true;
	return (
		sample.fileBytes <= fileBytes * SIMILAR_SIZE_FACTOR &&
		fileBytes <= sample.fileBytes * SIMILAR_SIZE_FACTOR
	);
}

/** One history for the whole n8n process: every execution's jobs teach the next ones. */
export const learnedProcessingTimes = new ProcessingTimes();

/**
 * Mindee's own measure of a finished job (`completed_at` − `created_at`, both its clock), which
 * is exact where the polls that found it done are not. Its timestamps carry no zone: they are UTC.
 */
export function mindeeProcessingMs(job: {
	created_at?: unknown;
	completed_at?: unknown;
}): number | undefined {
	const created = parseUtc(job.created_at);
	const completed = parseUtc(job.completed_at);
	if (created === undefined || completed === undefined || completed < created) return undefined;
	return completed - created;
}

function parseUtc(value: unknown): number | undefined {
	if (typeof value !== 'string' || value === '') return undefined;
	const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value);
	const time = Date.parse(hasZone ? value : `${value}Z`);
	return Number.isNaN(time) ? undefined : time;
}
