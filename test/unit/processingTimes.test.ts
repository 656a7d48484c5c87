import {
	expectedReadyAt,
	nextPoll,
	nextPollDelayMs,
	plannedPollAgesMs,
	SHARED_MAX_INTERVAL_MS,
	type NextPoll,
	type PollingSettings,
} from '../../nodes/Mindee/polling/pollingSchedule';
import { mindeeProcessingMs, ProcessingTimes } from '../../nodes/Mindee/polling/processingTimes';
import { SlidingWindowLimiter } from '../../nodes/Mindee/shared/transport/rateBudget';

const MODEL = 'model-a';
const gaps = (ages: number[]) => ages.slice(1).map((age, index) => age - ages[index]);

describe('ProcessingTimes', () => {
	it('keeps only the most recent samples of a model', () => {
		const times = new ProcessingTimes({ samplesPerModel: 3, models: 10 });
		for (const duration of [1_000, 2_000, 3_000, 4_000, 5_000]) times.record(MODEL, duration);
		expect(times.similar(MODEL)).toEqual([3_000, 4_000, 5_000]);
		expect(times.size).toEqual({ models: 1, samples: 3, running: 0 });
	});

	it('forgets the model used least recently, not the one just asked about', () => {
		const times = new ProcessingTimes({ samplesPerModel: 3, models: 2 });
		times.record('a', 1_000);
		times.record('b', 2_000);
		times.similar('a'); // a is now more recent than b
		times.record('c', 3_000);
		expect(times.similar('a')).toEqual([1_000]);
		expect(times.similar('b')).toEqual([]);
		expect(times.similar('c')).toEqual([3_000]);
		expect(times.size).toEqual({ models: 2, samples: 2, running: 0 });
	});

	it('stays bounded however many jobs and models it sees', () => {
		const times = new ProcessingTimes({ samplesPerModel: 8, models: 4 });
		for (let index = 0; index < 10_000; index++) times.record(`model-${index % 50}`, index);
		expect(times.size.models).toBe(4);
		expect(times.size.samples).toBeLessThanOrEqual(32);
	});

	it('prefers files of a similar size, and uses the whole model when there are none', () => {
		const times = new ProcessingTimes();
		times.record(MODEL, 3_000, 50_000);
		times.record(MODEL, 45_000, 5_000_000);
		times.record(MODEL, 44_000, 4_000_000);
		expect(times.similar(MODEL, 60_000)).toEqual([3_000]);
		expect(times.similar(MODEL, 4_500_000)).toEqual([44_000, 45_000]);
		expect(times.similar(MODEL, 500_000)).toEqual([3_000, 44_000, 45_000]);
		expect(times.similar(MODEL)).toEqual([3_000, 44_000, 45_000]);
	});

	it('ignores nonsense durations', () => {
		const times = new ProcessingTimes();
		times.record(MODEL, Number.NaN);
		times.record(MODEL, -5);
		expect(times.similar(MODEL)).toEqual([]);
	});
});

describe('mindeeProcessingMs', () => {
	it("reads Mindee's timestamps as UTC, microseconds and all", () => {
		expect(
			mindeeProcessingMs({
				created_at: '2026-04-20T18:27:58.974451',
				completed_at: '2026-04-20T18:28:19.474451',
			}),
		).toBe(20_500);
		expect(
			mindeeProcessingMs({
				created_at: '2026-04-20T18:27:58.974Z',
				completed_at: '2026-04-20T18:27:59.974Z',
			}),
		).toBe(1_000);
	});

	it('gives nothing for a job without a usable completion time', () => {
		expect(
			mindeeProcessingMs({ created_at: '2026-04-20T18:27:58.974451', completed_at: null }),
		).toBeUndefined();
		expect(
			mindeeProcessingMs({ created_at: 'yesterday', completed_at: '2026-04-20T18:27:58' }),
		).toBeUndefined();
		expect(
			mindeeProcessingMs({
				created_at: '2026-04-20T18:28:00',
				completed_at: '2026-04-20T18:27:58',
			}),
		).toBeUndefined();
	});
});

describe('nextPoll', () => {
	const settings = { initialDelayMs: 2000, intervalMs: 1500, maxWaitMs: 600_000 };

	it("without history, follows today's clock", () => {
		let due = nextPoll(settings, []);
		expect(due).toEqual({ ageMs: 2000, delayMs: 2000 });
		const ages = [due.ageMs];
		while (ages[ages.length - 1] < 60_000) {
			const previous = {
				plannedAgeMs: due.ageMs,
				answeredAgeMs: due.ageMs + 20,
				delayMs: due.delayMs,
			};
			due = nextPoll(settings, [], previous);
			expect(due.delayMs).toBe(nextPollDelayMs(settings, previous.plannedAgeMs, previous.delayMs));
			ages.push(due.ageMs);
		}
		expect(ages.slice(0, 3)).toEqual([2000, 3500, 5000]);
	});

	it('polls a job like the ones before it just after they were done: one poll when they all took 60 s', () => {
		const durations = [60_000, 60_010, 60_020];
		expect(nextPoll(settings, durations)).toEqual({ ageMs: 60_260, delayMs: 60_260 });
	});

	it('spreads its polls over the spread of past times: median, 85th percentile, slowest, then the clock', () => {
		const durations = Array.from({ length: 100 }, (_, index) => 14_000 + index * 120); // 14 to 25.9 s
		expect(plannedPollAgesMs(durations)).toEqual([20_130, 24_330, 26_130]);
		let due = nextPoll(settings, durations);
		expect(due.ageMs).toBe(20_130);
		const answered = (poll: NextPoll) => ({
			plannedAgeMs: poll.ageMs,
			answeredAgeMs: poll.ageMs + 10,
			delayMs: poll.delayMs,
		});
		due = nextPoll(settings, durations, answered(due));
		expect(due.ageMs).toBe(24_330);
		due = nextPoll(settings, durations, answered(due));
		expect(due.ageMs).toBe(26_130);
		// Slower than all before it: back to the clock, at the points it would have had.
		due = nextPoll(settings, durations, answered(due));
		expect(due.ageMs).toBe(31_918.4);
		due = nextPoll(settings, durations, answered(due));
		expect(due.ageMs).toBe(37_918.4);
	});

	it('looks twice as often, past the early polls, while similar jobs learn together', () => {
		const clockAges = (pollSettings: PollingSettings) => {
			const ages: number[] = [];
			let due = nextPoll(pollSettings, []);
			while (due.ageMs < 60_000) {
				ages.push(due.ageMs);
				due = nextPoll(pollSettings, [], answered(due));
			}
			return ages;
		};
		const answered = (poll: NextPoll) => ({
			plannedAgeMs: poll.ageMs,
			answeredAgeMs: poll.ageMs + 10,
			delayMs: poll.delayMs,
		});
		const alone = clockAges(settings);
		const shared = clockAges({ ...settings, maxIntervalMs: SHARED_MAX_INTERVAL_MS });
		expect(shared.slice(0, 5)).toEqual(alone.slice(0, 5));
		expect(Math.max(...gaps(alone))).toBe(6_000);
		expect(Math.max(...gaps(shared))).toBe(3_000);
		// A 45 s job is found within 3 s of being ready, not up to 6 s.
		expect(shared.find((age) => age >= 45_000)! - 45_000).toBeLessThanOrEqual(3_000);
		expect(alone.find((age) => age >= 45_000)! - 45_000).toBeGreaterThan(3_000);
	});

	it('never polls one job twice within a second, even when an answer was slow', () => {
		const durations = [5_000, 5_100, 6_200, 6_300];
		const ages = plannedPollAgesMs(durations);
		for (let index = 1; index < ages.length; index++)
			expect(ages[index] - ages[index - 1]).toBeGreaterThanOrEqual(1000);
		const due = nextPoll(settings, durations, {
			plannedAgeMs: 5_350,
			answeredAgeMs: 6_000,
			delayMs: 5_350,
		});
		expect(due.ageMs).toBeGreaterThanOrEqual(7_000);
	});
});

describe('expectedReadyAt and the GET budget', () => {
	it('serves the jobs expected to be done first, not the oldest', async () => {
		const now = 1_000_000;
		const long = expectedReadyAt(now - 30_000, [45_000, 45_000, 46_000]); // enqueued first, due in 15 s
		const short = expectedReadyAt(now - 5_000, [3_000, 3_000, 3_100]); // enqueued later, overdue
		const unknown = expectedReadyAt(now - 10_000, []); // no history: its enqueue time, as before
		expect(short).toBeLessThan(now);
		expect(long).toBeGreaterThan(now);

		const limiter = new SlidingWindowLimiter(1, 100);
		await limiter.acquire(0);
		const order: string[] = [];
		await Promise.all(
			Object.entries({ long, short, unknown }).map(async ([name, priority]) => {
				await limiter.acquire(priority);
				order.push(name);
			}),
		);
		expect(order).toEqual(['unknown', 'short', 'long']);
	});
});

describe('jobs in flight', () => {
	it('has a job wait for the answer of another one checked at its age, and skip if it was not done', () => {
		const times = new ProcessingTimes();
		expect(times.othersAt(MODEL, 1_000, 2_000)).toBeUndefined();
		times.noteChecking(MODEL, 'scout', 3_500, 1_000);
		expect(times.othersAt(MODEL, 1_000, 3_500)).toBe('being checked');
		times.noteStillProcessing(MODEL, 'scout');
		// Younger than the age the other job was found processing at: not yet.
		expect(times.othersAt(MODEL, 1_000, 3_500)).toBe('not yet');
		expect(times.othersAt(MODEL, 1_200, 2_000)).toBe('not yet');
		// Older than anything seen: this job checks for itself.
		expect(times.othersAt(MODEL, 1_000, 5_000)).toBeUndefined();
		// A file of another size class, or another model, is not evidence.
		expect(times.othersAt(MODEL, 50_000, 2_000)).toBeUndefined();
		expect(times.othersAt('model-b', 1_000, 2_000)).toBeUndefined();
		// A similar job done by this age: this one may be done too.
		times.record(MODEL, 1_800, 1_100);
		expect(times.othersAt(MODEL, 1_000, 2_000)).toBeUndefined();
		expect(times.othersAt(MODEL, 1_000, 1_500)).toBe('not yet');
	});

	it('knows which jobs learn together: in flight, same model, similar file, none like them done', () => {
		const times = new ProcessingTimes();
		times.noteWaiting(MODEL, 'job-1', 1_000);
		expect(times.learnsWithOthers(MODEL, 'job-1', 1_000)).toBe(false);
		times.noteWaiting(MODEL, 'job-2', 64_000);
		expect(times.learnsWithOthers(MODEL, 'job-1', 1_000)).toBe(false);
		times.noteWaiting('model-b', 'job-3', 1_000);
		expect(times.learnsWithOthers(MODEL, 'job-1', 1_000)).toBe(false);
		times.noteWaiting(MODEL, 'job-4', 1_500);
		expect(times.learnsWithOthers(MODEL, 'job-1', 1_000)).toBe(true);
		// Waiting without a check yet says nothing about any age.
		expect(times.othersAt(MODEL, 1_000, 2_000)).toBeUndefined();
		// A job of another size done teaches nothing about these; one of their size ends the learning.
		times.record(MODEL, 45_000, 64_000);
		expect(times.learnsWithOthers(MODEL, 'job-1', 1_000)).toBe(true);
		times.record(MODEL, 3_000, 1_200);
		expect(times.learnsWithOthers(MODEL, 'job-1', 1_000)).toBe(false);
		expect(times.learnsWithOthers(MODEL, 'job-2', 64_000)).toBe(false);
	});

	it('forgets a job that ended, and holds a bounded number of them per model', () => {
		const times = new ProcessingTimes();
		times.noteChecking(MODEL, 'job-1', 2_000);
		times.noteChecking(MODEL, 'job-1', 5_000);
		expect(times.size.running).toBe(1);
		times.forgetRunning(MODEL, 'job-1');
		expect(times.othersAt(MODEL, undefined, 1_000)).toBeUndefined();
		expect(times.size.running).toBe(0);
		for (let index = 0; index < 5_000; index++) times.noteChecking(MODEL, `job-${index}`, index);
		expect(times.size.running).toBe(1_024);
	});
});
