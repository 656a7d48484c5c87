import { mindeeProcessingMs, ProcessingTimes } from '../../nodes/Mindee/polling/processingTimes';

const MODEL = 'model-a';

describe('ProcessingTimes', () => {
	it('keeps only the most recent samples of a model', () => {
		const times = new ProcessingTimes({ samplesPerModel: 3, models: 10 });
		for (const duration of [1_000, 2_000, 3_000, 4_000, 5_000]) times.record(MODEL, duration);
		expect(times.similar(MODEL)).toEqual([3_000, 4_000, 5_000]);
		expect(times.size).toEqual({ models: 1, samples: 3 });
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
		expect(times.size).toEqual({ models: 2, samples: 2 });
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
		expect(times.version).toBe(0);
	});

	it('changes its version with every job recorded, so readers know when to read again', () => {
		const times = new ProcessingTimes();
		const before = times.version;
		times.record(MODEL, 1_000);
		times.record('model-b', 2_000);
		expect(times.version).toBe(before + 2);
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
