/**
 * How long Mindee took for the jobs this process has already seen, per model, so that the next
 * job of the model is polled when it is likely to be done. Kept in memory and bounded: the last
 * few hundred jobs per model, and the models used most recently. It only decides when to ask,
 * never what a result is.
 */

interface Sample {
	/** How long the job took. */
	durationMs: number;
	/** Size of the uploaded file; unknown for a document sent by URL. */
	fileBytes?: number;
}

export interface ProcessingTimesLimits {
	samplesPerModel: number;
	models: number;
}

/**
 * A batch's jobs finish in waves, the fastest first: the last 256 of a model hold more than one
 * wave of 200 uploads a minute, so they are not only its slowest.
 */
const DEFAULT_LIMITS: ProcessingTimesLimits = { samplesPerModel: 256, models: 256 };

/** Files within this factor of each other's size count as similar (pages drive Mindee's time). */
const SIMILAR_SIZE_FACTOR = 2;

export class ProcessingTimes {
	/** A Map keeps insertion order: re-inserting a model on use makes the first one the least recent. */
	private readonly byModel = new Map<string, Sample[]>();
	/** Grows with every recorded job, so callers can tell when what they read has changed. */
	private recorded = 0;

	constructor(private readonly limits: ProcessingTimesLimits = DEFAULT_LIMITS) {}

	record(modelId: string, durationMs: number, fileBytes?: number): void {
		if (!Number.isFinite(durationMs) || durationMs < 0) return;
		this.recorded++;
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

	/** Changes whenever a job is recorded. */
	get version(): number {
		return this.recorded;
	}

	/** What is held, for tests and diagnostics. */
	get size(): { models: number; samples: number } {
		let samples = 0;
		for (const list of this.byModel.values()) samples += list.length;
		return { models: this.byModel.size, samples };
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
