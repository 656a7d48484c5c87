/** What the fake server saw during one run, reduced to the benchmark's figures. */
import type { FakeMindee } from '../test/fake-mindee/server';

export interface FakeFigures {
	requests: number;
	posts: number;
	gets: number;
	/** GETs of the job (polls) and of the result. */
	polls: number;
	resultFetches: number;
	rateLimited: number;
	byStatus: Record<string, number>;
	jobs: number;
	/** resultFetchedAt − readyAt of every fetched job, ms, ascending. */
	readyToFetchedMs: number[];
	/** Last request − first request, ms. */
	spanMs: number;
	/** GETs (polls and result fetches) of each job, ascending. */
	getsPerJob: number[];
	/** The longest processing time of any job (readyAt − enqueuedAt), ms. */
	slowestProcessingMs: number;
	/** The job fetched latest after it was ready: its GETs, as ms after its enqueue, to see why. */
	latestJob?: { processingMs: number; getsAtMs: number[] };
	/** Most uploads, and most GETs, the server took (429s aside) within any 60 s. */
	busiestMinute: { posts: number; gets: number };
	/** The shortest time between two checks (polls) of one job as they reached the server, ms. */
	closestChecksMs: number;
	/** Checks that came less than a second after the previous check of the same job. */
	checksUnderASecondApart: number;
	/** When the last accepted upload arrived, ms after the first request: no batch ends before it plus its processing. */
	lastUploadAfterMs: number;
}

const MINUTE_MS = 60_000;

/** Most of `times` (ms, any order) within any window of `windowMs`. */
export function busiestWindow(times: number[], windowMs = MINUTE_MS): number {
	const sorted = [...times].sort((a, b) => a - b);
	let most = 0;
	for (let first = 0, last = 0; last < sorted.length; last++) {
		while (sorted[last] - sorted[first] >= windowMs) first++;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

/** Every GET of each job (its status checks and result fetches), by the id its path names. */
function getsByJob(fake: FakeMindee): Map<string, FakeMindee['requests']> {
	const gets = new Map<string, FakeMindee['requests']>();
	for (const request of fake.requests) {
		const id = request.method === 'GET' ? /\/(?:jobs|results|inferences)\/([^/?]+)/.exec(request.path)?.[1] : undefined;
		if (id === undefined) continue;
		const ofJob = gets.get(id);
		if (ofJob) ofJob.push(request);
		else gets.set(id, [request]);
	}
	return gets;
}

/** Per job, the gaps between its checks (`GET /v2/jobs/{id}`) as they reached the server. */
function checkGaps(getsOf: Map<string, FakeMindee['requests']>): number[] {
	const gaps: number[] = [];
	for (const gets of getsOf.values()) {
		const times = gets.filter((request) => request.path.startsWith('/v2/jobs/')).map((request) => request.at);
		times.sort((a, b) => a - b);
		for (let index = 1; index < times.length; index++) gaps.push(times[index] - times[index - 1]);
	}
	return gaps;
}

export function figuresOf(fake: FakeMindee): FakeFigures {
	const byStatus: Record<string, number> = {};
	let posts = 0;
	let gets = 0;
	let polls = 0;
	let resultFetches = 0;
	let rateLimited = 0;
	let first = Infinity;
	let last = -Infinity;
	for (const request of fake.requests) {
		const key = `${request.method} ${request.status}`;
		byStatus[key] = (byStatus[key] ?? 0) + 1;
		if (request.method === 'POST') posts++;
		if (request.method === 'GET') gets++;
		if (request.method === 'GET' && request.path.startsWith('/v2/jobs/')) polls++;
		if (request.method === 'GET' && (request.path.includes('/results/') || /^\/v2\/inferences\/(?!enqueue)/.test(request.path))) resultFetches++;
		if (request.status === 429) rateLimited++;
		first = Math.min(first, request.at);
		last = Math.max(last, request.at);
	}
	const jobs = [...fake.jobs.values()];
	const getsOf = getsByJob(fake);
	const latest = jobs
		.filter((job) => job.resultFetchedAt !== undefined)
		.sort((a, b) => b.resultFetchedAt! - b.readyAt - (a.resultFetchedAt! - a.readyAt))[0];
	const latestJob = latest && {
		processingMs: latest.readyAt - latest.enqueuedAt,
		getsAtMs: (getsOf.get(latest.id) ?? []).map((request) => request.at - latest.enqueuedAt),
	};
	const readyToFetchedMs = jobs
		.filter((job) => job.resultFetchedAt !== undefined)
		.map((job) => job.resultFetchedAt! - job.readyAt)
		.sort((a, b) => a - b);
	const counted = fake.requests.filter((request) => request.status !== 429);
	const gaps = checkGaps(getsOf);
	return {
		busiestMinute: {
			posts: busiestWindow(counted.filter((request) => request.method === 'POST').map((request) => request.at)),
			gets: busiestWindow(counted.filter((request) => request.method === 'GET').map((request) => request.at)),
		},
		closestChecksMs: gaps.length ? Math.min(...gaps) : NaN,
		checksUnderASecondApart: gaps.filter((gap) => gap < 1_000).length,
		lastUploadAfterMs: Math.max(0, ...counted.filter((request) => request.method === 'POST').map((request) => request.at - first)),
		requests: fake.requests.length,
		posts,
		gets,
		polls,
		resultFetches,
		rateLimited,
		byStatus,
		jobs: jobs.length,
		readyToFetchedMs,
		spanMs: fake.requests.length ? last - first : 0,
		getsPerJob: jobs.map((job) => getsOf.get(job.id)?.length ?? 0).sort((a, b) => a - b),
		slowestProcessingMs: Math.max(0, ...jobs.map((job) => job.readyAt - job.enqueuedAt)),
		latestJob,
	};
}

/**
 * Each job as the fake saw it, in ms from the run's first request: enqueued, ready, result
 * fetched, and every GET of it ([arrival, status]).
 */
export function jobTimelines(fake: FakeMindee) {
	const start = Math.min(...fake.requests.map((request) => request.at));
	const getsOf = getsByJob(fake);
	return [...fake.jobs.values()].map((job) => ({
		enqueuedAt: job.enqueuedAt - start,
		readyAt: job.readyAt - start,
		fetchedAt: job.resultFetchedAt === undefined ? null : job.resultFetchedAt - start,
		gets: (getsOf.get(job.id) ?? []).map((request) => [request.at - start, request.status]),
	}));
}

export function median(values: number[]): number {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function percentile(values: number[], p: number): number {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
