/**
 * Polls timed by what earlier jobs of the model took, through n8n's execution engine: the first
 * execution has no history and follows the fixed clock; the next one polls each job once, when it
 * is done. What is asserted is what the node asked (polls per job, the results), which a busy
 * machine can delay but not change: a poll is never sent before the time the node chose for it.
 */
import { learnedProcessingTimes } from '../../../nodes/Mindee/polling/processingTimes';
import { runMindeeNode, useFakeMindee } from '../harness';
import { batchParameters, EXTRACTION_MODEL_ID, expectOneResultPerItem, itemsFor, makeDocuments } from './batchHelpers';

jest.setTimeout(60_000);

// Between the fixed clock's first check (2 s) and its second (3.5 s): a first check that a busy
// machine sends up to 1.4 s late still finds the job processing.
const PROCESSING_MS = 3_400;
const fake = useFakeMindee({ processingMs: PROCESSING_MS }, () => ({ processingMs: PROCESSING_MS, faults: {} }));

/** Polls (not result fetches) of each job, in job order. */
const pollsPerJob = () =>
	[...fake.jobs.values()].map((job) => fake.requests.filter((request) => request.path === `/v2/jobs/${job.id}`).length);

async function runBatch(prefix: string, count: number) {
	const documents = makeDocuments(count, prefix);
	const result = await runMindeeNode({
		parameters: batchParameters(),
		items: itemsFor(documents),
		credentials: { apiKey: fake.apiKey, baseUrl: fake.url },
		continueOnFail: true,
	});
	expect(result.status).toBe('success');
	expect(expectOneResultPerItem(result.output, documents, fake).errors).toEqual([]);
}

it('learns how long the model takes, then polls each job once, when it is done', async () => {
	expect(learnedProcessingTimes.similar(EXTRACTION_MODEL_ID)).toEqual([]);

	// No history: the fixed clock (2 s, then every 1.5 s) needs two polls for a 3.4 s job.
	await runBatch('first', 1);
	expect(pollsPerJob()).toEqual([2]);
	const learned = learnedProcessingTimes.similar(EXTRACTION_MODEL_ID, makeDocuments(1)[0].bytes.length);
	expect(learned).toHaveLength(1);
	// Mindee's own timestamps: the processing time, not when the polls happened to find it done.
	for (const duration of learned) expect(duration).toBeGreaterThanOrEqual(PROCESSING_MS - 1); // microsecond timestamps, millisecond timers
	for (const duration of learned) expect(duration).toBeLessThanOrEqual(PROCESSING_MS + 1);

	fake.reset();
	await runBatch('second', 4);
	expect(pollsPerJob()).toEqual([1, 1, 1, 1]);
	for (const job of fake.jobs.values()) expect(job.status).toBe('Processed');
	// Nothing is left behind for the jobs that ended.
	expect(learnedProcessingTimes.size).toEqual({ models: 1, samples: 5 });
});
