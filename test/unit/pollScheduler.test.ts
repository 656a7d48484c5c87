/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
import type { INode } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import {
	checkGapMs,
	checksRoomNow,
	dueJobs,
	nextChangeAt,
	plannedGapMs,
	readyChance,
	survivalCurve,
	type PollingSettings,
	type WaitingJob,
} from '../../nodes/Mindee/polling/pollingSchedule';
import { PollScheduler, type WaitOutcome } from '../../nodes/Mindee/polling/pollScheduler';
import { ProcessingTimes } from '../../nodes/Mindee/polling/processingTimes';
import type { MindeeApi, ReadTiming } from '../../nodes/Mindee/shared/transport/mindeeApi';
import { SlidingWindowLimiter } from '../../nodes/Mindee/shared/transport/rateBudget';
import type { MindeeJob } from '../../nodes/Mindee/shared/types';

const MODEL = 'model-a';
const SETTINGS: PollingSettings = { initialDelayMs: 2_000, intervalMs: 1_500, maxWaitMs: 600_000 };
const NO_HISTORY = survivalCurve([], []);

function waiting(overrides: Partial<WaitingJob> = {}): WaitingJob {
	return {
		startedAt: 0,
		lastProcessingAgeMs: 0,
		notBefore: 0,
		checking: false,
		curve: NO_HISTORY,
		settings: SETTINGS,
		...overrides,
	};
}

describe('survivalCurve', () => {
	it('is the share of similar jobs still processing after each age at which one finished', () => {
		const curve = survivalCurve([30_000, 10_000, 20_000], []);
		expect(curve.agesMs).toEqual([10_000, 20_000, 30_000]);
		expect(curve.stillProcessing.map((share) => share.toFixed(3))).toEqual(['0.667', '0.333', '0.000']);
	});

	it('counts the jobs in flight, so the first finishers of a batch do not pass for all of it', () => {
		// Two of 200 similar jobs were done at 14 s; the other 198 were found processing at 15 s.
		const running = Array.from({ length: 198 }, () => 15_000);
		const curve = survivalCurve([14_000, 14_500], running);
		expect(curve.stillProcessing[1]).toBeGreaterThan(0.98);
		// Without them, the same two jobs would say every job is done by 14.5 s.
		expect(survivalCurve([14_000, 14_500], []).stillProcessing[1]).toBe(0);
	});

	it('expects the last similar job done at the last finish when none is in flight', () => {
		expect(survivalCurve([30_000, 10_000, 20_000], []).allDoneByMs).toBe(30_000);
		expect(NO_HISTORY.allDoneByMs).toBe(Infinity);
	});

	it('carries on the pace of the finishes so far, read up to where the jobs in flight were checked', () => {
		// 20 of 200 jobs finished between 14 and 15 s; the other 180 were found processing at 15 s:
		// a tenth of them a second, so the last ones are expected done 9 s later.
		const finished = Array.from({ length: 20 }, (_, index) => 14_000 + index * 50);
		const running = Array.from({ length: 180 }, () => 15_000);
		expect(survivalCurve(finished, running).allDoneByMs).toBeCloseTo(15_000 + (0.9 * 1_000) / 0.1, -1);
		// Checked only up to 14.5 s, the jobs done since say nothing yet: the pace is read up to there.
		const checkedEarlier = Array.from({ length: 180 }, () => 14_500);
		const done = survivalCurve(finished, checkedEarlier);
		expect(done.allDoneByMs).toBeGreaterThan(14_500);
		expect(done.allDoneByMs).toBeLessThan(survivalCurve(finished.slice(0, 10), checkedEarlier).allDoneByMs * 2);
	});

	it('before three finishes tell a pace, expects the kind done by twice its first finish', () => {
		const running = Array.from({ length: 198 }, () => 15_000);
		expect(survivalCurve([], running).allDoneByMs).toBe(Infinity);
		expect(survivalCurve([14_000, 14_200], running).allDoneByMs).toBe(28_000);
		const paced = survivalCurve([14_000, 14_200, 14_400], running.slice(1)).allDoneByMs;
		expect(paced).toBeLessThan(Infinity);
		expect(paced).not.toBe(28_000);
	});
});

describe('readyChance', () => {
	it('without history: nothing before the Initial Delay, then a low chance that grows after each check', () => {
		expect(readyChance(waiting(), 1_999)).toBe(0);
		const first = readyChance(waiting(), 2_000);
		expect(first).toBeGreaterThan(0);
		const checkedAt10s = waiting({ lastProcessingAgeMs: 10_000 });
		expect(readyChance(checkedAt10s, 10_000)).toBe(0);
		expect(readyChance(checkedAt10s, 11_000)).toBeLessThan(readyChance(checkedAt10s, 15_000));
		expect(readyChance(checkedAt10s, 15_000)).toBeLessThan(first);
	});

	it('without history, a job that stands by for older similar jobs is not checked', () => {
		expect(readyChance(waiting({ standsBy: true }), 5_000)).toBe(0);
	});

	it('with history: none before the fastest similar job, then the share of them done since its last check', () => {
		const curve = survivalCurve([10_000, 20_000, 30_000], []);
		expect(readyChance(waiting({ curve }), 9_999)).toBe(0);
		expect(readyChance(waiting({ curve }), 10_000)).toBeCloseTo(1 / 3);
		// Found processing at 15 s: of the two similar jobs still processing then, one was done by 25 s.
		expect(readyChance(waiting({ curve, lastProcessingAgeMs: 15_000 }), 25_000)).toBeCloseTo(0.5);
		// All similar jobs were done by 30 s.
		expect(readyChance(waiting({ curve, lastProcessingAgeMs: 25_000 }), 30_000)).toBe(1);
	});

	it('keeps a chance for a job slower than every similar one, growing with the time since its check', () => {
		const curve = survivalCurve([3_000], []);
		const slow = waiting({ curve, lastProcessingAgeMs: 3_000 });
		expect(readyChance(slow, 4_000)).toBeGreaterThan(0);
		expect(readyChance(slow, 6_000)).toBeGreaterThan(readyChance(slow, 4_000));
	});
});

describe('checkGapMs', () => {
	it('is the Interval while nothing is known, Mindee\'s second once similar jobs are', () => {
		expect(checkGapMs({ curve: NO_HISTORY, settings: SETTINGS })).toBe(1_500);
		expect(checkGapMs({ curve: NO_HISTORY, settings: { ...SETTINGS, intervalMs: 200 } })).toBe(1_000);
		expect(checkGapMs({ curve: survivalCurve([3_000], []), settings: SETTINGS })).toBe(1_000);
	});
});

describe('dueJobs', () => {
	it('puts the jobs most likely done first, the oldest first among equals, and skips those not due', () => {
		const curve = survivalCurve([10_000, 20_000, 30_000], []);
		const now = 100_000;
		const likely = { ...waiting({ curve, startedAt: now - 31_000 }), name: 'all similar done by its age' };
		const maybe = { ...waiting({ curve, startedAt: now - 12_000 }), name: 'a third done by its age' };
		const tooYoung = { ...waiting({ curve, startedAt: now - 5_000 }), name: 'younger than all' };
		const olderBlind = { ...waiting({ startedAt: now - 9_000 }), name: 'no history, older' };
		const youngerBlind = { ...waiting({ startedAt: now - 8_000 }), name: 'no history, younger' };
		const justChecked = {
			...waiting({ curve, startedAt: now - 35_000, lastProcessingAgeMs: 34_500, notBefore: now + 500 }),
			name: 'checked half a second ago',
		};
		const due = dueJobs([tooYoung, youngerBlind, maybe, justChecked, olderBlind, likely], now, 1_000);
		expect(due.map((job) => job.name)).toEqual([
			'all similar done by its age',
			'a third done by its age',
			'no history, older',
			'no history, younger',
		]);
	});

	it('with a longer gap, waits it out for a job unlikely done, not for one likely done', () => {
		const curve = survivalCurve([10_000, 20_000, 30_000, 40_000], []);
		// Checked at 20 s, now 22 s: none of the similar jobs still processing at 20 s finished since.
		const unlikely = waiting({ curve, lastProcessingAgeMs: 20_000, notBefore: 21_000 });
		expect(dueJobs([unlikely], 22_000, 4_000)).toEqual([]);
		// At 31 s, half of them had: due once half the gap has passed since its check.
		expect(dueJobs([unlikely], 31_000, 30_000)).toEqual([]);
		expect(dueJobs([unlikely], 31_000, 20_000)).toEqual([unlikely]);
		// At 41 s all of them had: due at once, whatever the gap.
		expect(dueJobs([unlikely], 41_000, 60_000)).toEqual([unlikely]);
	});
});

describe('plannedGapMs', () => {
	const windowMs = 61_000;
	const horizonMs = windowMs / 4;
	const budget = (counted: number) => ({ limit: 1_200, windowMs, countedAt: () => counted });
	// What 300 finished jobs took: 14 to 26 s, evenly.
	const curve = survivalCurve(Array.from({ length: 300 }, (_, index) => 14_000 + index * 40), []);
	const batch = (count: number) => Array.from({ length: count }, () => waiting({ curve, startedAt: 0 }));

	it('is Mindee\'s second while the budget has room, or while no job may be done yet', () => {
		expect(plannedGapMs(batch(20), 14_000, budget(0))).toBe(1_000);
		expect(plannedGapMs(batch(200), 10_000, budget(0))).toBe(1_000);
	});

	it('shares among the jobs that may be done the checks a second the budget affords', () => {
		// 95 % of 1,200 less a result fetch for each of the 200, shared over the 12 s until the
		// last of them is expected done (26 s).
		const gapMs = plannedGapMs(batch(200), 14_000, budget(0));
		expect(gapMs).toBeCloseTo((200 * (curve.allDoneByMs - 14_000)) / (1_140 - 200));
		// Less left of the window: a longer gap; nothing left: a check a window.
		expect(plannedGapMs(batch(200), 14_000, budget(600))).toBeGreaterThan(2 * gapMs);
		expect(plannedGapMs(batch(200), 14_000, budget(1_200))).toBe(windowMs);
	});

	it('plans for a quarter of the window at most, and for a few seconds at least', () => {
		// One of 200 similar jobs finished: no pace yet, all expected done by twice its age.
		const noPace = (firstFinishMs: number) => {
			const curve = survivalCurve([firstFinishMs], Array.from({ length: 199 }, () => firstFinishMs + 500));
			return Array.from({ length: 200 }, () => waiting({ curve, startedAt: 0 }));
		};
		expect(plannedGapMs(noPace(14_000), 14_500, budget(0))).toBeCloseTo((200 * 13_500) / (1_140 - 200));
		expect(plannedGapMs(noPace(40_000), 40_500, budget(0))).toBeCloseTo((200 * horizonMs) / (1_140 - 200));
		// 3-second jobs: not planned for the whole horizon, but for the few seconds at least.
		expect(plannedGapMs(noPace(3_000), 3_500, budget(0))).toBeCloseTo((200 * 5_000) / (1_140 - 200));
		// Past the time all similar jobs were done: 5 s each.
		expect(plannedGapMs(batch(200), 30_000, budget(0))).toBeCloseTo((200 * 5_000) / (1_140 - 200));
	});

	it('lets checks go now as far as the window has room, less what is kept for other reads', () => {
		expect(checksRoomNow(budget(0), 0)).toBe(1_140);
		expect(checksRoomNow(budget(1_150), 0)).toBe(0);
	});
});

/** A stand-in for MindeeApi.getJob that records each check and answers from `answer`. */
function fakeApi(answer: (job: MindeeJob, call: number) => Promise<MindeeJob>) {
	const checks: Array<{ id: string; at: number; timing: ReadTiming }> = [];
	const api = {
		getJob: async (pollingUrl: string, _itemIndex: number | undefined, timing: ReadTiming) => {
			const id = pollingUrl.split('/').pop() ?? '';
			checks.push({ id, at: Date.now(), timing });
			return await answer(jobNamed(id), checks.filter((check) => check.id === id).length);
		},
	};
	return { api: api as unknown as MindeeApi, checks };
}

function jobNamed(id: string, status = 'Processing'): MindeeJob {
	return { id, model_id: MODEL, status, polling_url: `https://mindee.test/v2/jobs/${id}` } as MindeeJob;
}

const node = { name: 'Mindee', type: 'mindee', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

describe('PollScheduler', () => {
	it('checks only the oldest ten jobs of a kind that has no history, for all of them', async () => {
		const scheduler = new PollScheduler(new SlidingWindowLimiter(1_200, 61_000), new ProcessingTimes());
		const { api, checks } = fakeApi(async (job) => job);
		const cancel = new AbortController();
		const settings = { initialDelayMs: 0, intervalMs: 60_000, maxWaitMs: 600_000 };
		const waits = Array.from({ length: 12 }, (_, index) =>
			scheduler
				.waitUntilDone({ api, node, job: jobNamed(`job-${index}`), settings, itemIndex: index, deadline: Date.now() + 600_000, signal: cancel.signal, fileBytes: 5_000 })
				.catch((error: unknown) => error),
		);
		await until(() => checks.length >= 10);
		// Give it every chance to check more than it should.
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(checks.map((check) => check.id).sort()).toEqual(Array.from({ length: 10 }, (_, index) => `job-${index}`).sort());
		cancel.abort();
		await Promise.all(waits);
		expect(scheduler.waiting).toBe(0);
	});

	it('with a history, checks a job first at the age similar jobs took, and finds it done', async () => {
		const history = new ProcessingTimes();
		history.record(MODEL, 300, 5_000);
		const scheduler = new PollScheduler(new SlidingWindowLimiter(1_200, 61_000), history);
		const { api, checks } = fakeApi(async (job) => ({ ...job, status: 'Processed', result_url: 'https://mindee.test/r' }));
		const startedAt = Date.now();
		const outcome = await scheduler.waitUntilDone({ api, node, job: jobNamed('job-1'), settings: SETTINGS, itemIndex: 0, deadline: Date.now() + 60_000, fileBytes: 5_000 });
		expect(checks).toHaveLength(1);
		// Never before the age the history gives (the Initial Delay of 2 s does not apply).
		expect(checks[0].at - startedAt).toBeGreaterThanOrEqual(300);
		expect(checks[0].timing.once).toBe(true);
		expect('done' in outcome && outcome.done.status).toBe('Processed');
	});

	it('waits a second after an answer before checking the same job again, and repeats failed checks itself', async () => {
		const history = new ProcessingTimes();
		history.record(MODEL, 1, 5_000);
		const scheduler = new PollScheduler(new SlidingWindowLimiter(1_200, 61_000), history);
		const answeredAt: number[] = [];
		const { api, checks } = fakeApi(async (job, call) => {
			answeredAt.push(Date.now());
			if (call === 1) return job;
			// A gateway error: the scheduler, not the HTTP layer, decides when to ask again.
			if (call === 2) throw new NodeApiError(node, {}, { httpCode: '503', message: 'Service Unavailable' });
			return { ...job, status: 'Processed', result_url: 'https://mindee.test/r' };
		});
		const outcome = await scheduler.waitUntilDone({ api, node, job: jobNamed('job-1'), settings: SETTINGS, itemIndex: 0, deadline: Date.now() + 60_000, fileBytes: 5_000 });
		expect('done' in outcome).toBe(true);
		expect(checks).toHaveLength(3);
		for (let index = 1; index < checks.length; index++) expect(checks[index].at - answeredAt[index - 1]).toBeGreaterThanOrEqual(1_000);
	});

	it('treats a job Mindee does not know yet as still processing, and fails an item on an error a retry cannot fix', async () => {
		const scheduler = new PollScheduler(new SlidingWindowLimiter(1_200, 61_000), new ProcessingTimes());
		const settings = { initialDelayMs: 0, intervalMs: 1_000, maxWaitMs: 60_000 };
		const { api, checks } = fakeApi(async (_job, call) => {
			if (call === 1) throw new NodeApiError(node, {}, { httpCode: '404', message: 'Not Found' });
			throw new NodeApiError(node, {}, { httpCode: '401', message: 'Unauthorized' });
		});
		const failure = await scheduler
			.waitUntilDone({ api, node, job: jobNamed('job-1'), settings, itemIndex: 3, deadline: Date.now() + 60_000 })
			.then((outcome: WaitOutcome) => outcome, (error: unknown) => error);
		expect(checks).toHaveLength(2);
		expect(failure).toBeInstanceOf(NodeApiError);
		expect((failure as NodeApiError).httpCode).toBe('401');
	});

	it('ends a wait at its deadline, saying the budget had no room, when no check could be afforded', async () => {
		const gets = new SlidingWindowLimiter(1, 10 * 60_000);
		expect(await gets.acquire(0)).toBeTruthy();
		const scheduler = new PollScheduler(gets, new ProcessingTimes());
		const { api, checks } = fakeApi(async (job) => job);
		// A deadline a busy CPU cannot pass before the first round (it decides as the wait starts).
		const settings = { initialDelayMs: 0, intervalMs: 1_000, maxWaitMs: 2_000 };
		const outcome = await scheduler.waitUntilDone({ api, node, job: jobNamed('job-1'), settings, itemIndex: 0, deadline: Date.now() + 2_000 });
		expect(checks).toEqual([]);
		expect(outcome).toEqual({ timedOut: true, lastFailure: undefined, heldBack: true });
	});
});

describe('nextChangeAt', () => {
	it('waits for news, not for a timer, when only another job\'s answer can change a job\'s chance', () => {
		expect(nextChangeAt(waiting({ standsBy: true }), 10_000, 1_000)).toBe(Infinity);
		expect(nextChangeAt(waiting({ checking: true }), 10_000, 1_000)).toBe(Infinity);
	});

	it('wakes at the Initial Delay, at the end of the wait since the last check, or at the next age a similar job finished', () => {
		expect(nextChangeAt(waiting({ startedAt: 1_000 }), 1_500, 1_000)).toBe(3_000);
		expect(nextChangeAt(waiting({ lastProcessingAgeMs: 4_000, notBefore: 5_500 }), 5_000, 1_000)).toBe(5_500);
		const curve = survivalCurve([10_000, 20_000], []);
		// Found processing at 12 s: nothing can change before a similar job's 20 s.
		expect(nextChangeAt(waiting({ curve, lastProcessingAgeMs: 12_000, notBefore: 13_000 }), 14_000, 1_000)).toBe(20_000);
	});

	it('with a longer gap, wakes when the gap, shortened by the chance the job is done, is over', () => {
		const curve = survivalCurve([10_000, 20_000, 30_000], []);
		// Checked at 12 s; at 21 s half the similar jobs still processing then are done: half of 10 s.
		const checked = waiting({ curve, lastProcessingAgeMs: 12_000, notBefore: 13_000 });
		expect(nextChangeAt(checked, 21_000, 10_000)).toBe(21_000);
		expect(nextChangeAt(checked, 14_000, 10_000)).toBe(20_000);
		// Half the similar jobs done at 3 s, all at 3.01 s: at 3 s it would wait half a gap, but the
		// chance reaches certainty sooner.
		expect(nextChangeAt(waiting({ curve: survivalCurve([3_000, 3_010], []) }), 3_000, 1_000)).toBe(3_010);
	});
});
