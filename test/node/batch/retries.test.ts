/**
 * n8n's retries never pay twice for a document: Retry On Fail (the node re-run in the same
 * execution) and Executions → Retry (a new execution in mode `retry`) poll the jobs Mindee already
 * accepted, and only documents that never reached Mindee, or whose job Failed, are sent again. When
 * the node will fail, no upload starts after the failure is known, and the error lists every job
 * Mindee accepted. The fake server tells documents apart by the bytes of each upload.
 */
import type { IDataObject } from 'n8n-workflow';

import { MindeePlatformApi } from '../../../credentials/MindeePlatformApi.credentials';
import { MindeeHttpClient } from '../../../nodes/Mindee/shared/transport/httpClient';
import { startFakeMindee, type FakeMindee } from '../../fake-mindee/server';
import { runMindeeNode } from '../harness';
import {
	batchParameters,
	expectOneResultPerItem,
	isEnqueue,
	itemsFor,
	jobsPerDocument,
	makeDocuments,
	type BatchDocument,
} from './batchHelpers';

jest.setTimeout(90_000);

let fake: FakeMindee;

beforeEach(async () => {
	fake = await startFakeMindee({ processingMs: 200 });
});

afterEach(async () => {
	jest.restoreAllMocks();
	await fake.stop();
});

/** Uploads the fake received per document, answered or not (a reset upload counts). */
function uploadsPerDocument(documents: BatchDocument[]): number[] {
	const bySha = new Map(documents.map((document) => [document.sha256, document.index]));
	const counts = new Array<number>(documents.length).fill(0);
	for (const request of fake.requests) {
		const index = isEnqueue(request) && request.file ? bySha.get(request.file.sha256) : undefined;
		if (index !== undefined) counts[index]++;
	}
	return counts;
}

const parameters = batchParameters({ parallelDocuments: 10, initialDelaySeconds: 0.2, intervalSeconds: 1 });
const retryOnFail = { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 };

function run(documents: BatchDocument[], options: Partial<Parameters<typeof runMindeeNode>[0]> = {}) {
	return runMindeeNode({
		parameters,
		items: itemsFor(documents),
		credentials: { apiKey: fake.apiKey, baseUrl: fake.url },
		...options,
	});
}

describe('Retry On Fail', () => {
	it('polls the jobs of the first try: the 7th upload reset once gives 11 uploads and 10 results', async () => {
		const documents = makeDocuments(10, 'reset');
		fake.configure({ faults: { uploadFaults: [{ fileName: 'reset-6.pdf', fault: 'resetAfterAccept', count: 1 }] } });
		const result = await run(documents, retryOnFail);

		expect(result.status).toBe('success');
		// The reset one went twice (Mindee had taken it: two jobs); no other document was sent again.
		expect(uploadsPerDocument(documents)).toEqual([1, 1, 1, 1, 1, 1, 2, 1, 1, 1]);
		expect(jobsPerDocument(fake, documents)).toEqual([1, 1, 1, 1, 1, 1, 2, 1, 1, 1]);
		expect(expectOneResultPerItem(result.output, documents, fake).errors).toEqual([]);
	});

	it('sends a document whose job Failed at Mindee again, and only that one', async () => {
		const documents = makeDocuments(10, 'failed-once');
		fake.configure({ faults: { uploadFaults: [{ fileName: 'failed-once-4.pdf', fault: 'failJob', count: 1 }] } });
		const result = await run(documents, retryOnFail);

		expect(result.status).toBe('success');
		expect(uploadsPerDocument(documents)).toEqual([1, 1, 1, 1, 2, 1, 1, 1, 1, 1]);
		expect(expectOneResultPerItem(result.output, documents, fake).errors).toEqual([]);
	});

	it('stops paying for a document Mindee fails every time: two jobs, then the failure', async () => {
		const documents = makeDocuments(10, 'failed-always');
		fake.configure({ faults: { uploadFaults: [{ fileName: 'failed-always-4.pdf', fault: 'failJob' }] } });
		const result = await run(documents, retryOnFail);

		expect(result.status).toBe('error');
		// Three tries: the 5th is sent by the first two, the third reports the last failure.
		expect(uploadsPerDocument(documents)).toEqual([1, 1, 1, 1, 2, 1, 1, 1, 1, 1]);
		const error = result.error as Error & { description?: string };
		expect(error.message).toMatch(/^Mindee could not process "failed-always-4.pdf"/);
		expect(error.description).toContain('Not sent again: Mindee failed 2 jobs of this document');
		// Every job held for this run's documents is listed: the nine results and the failed one.
		expect(error.description).toContain('Mindee accepted 10 documents of this run');
	});

	it('re-runs the node when the first item is an error item (Continue On Fail), reusing the other jobs', async () => {
		const documents = makeDocuments(4, 'first-failed');
		fake.configure({ faults: { uploadFaults: [{ fileName: 'first-failed-0.pdf', fault: 'failJob', count: 1 }] } });
		const result = await run(documents, { ...retryOnFail, continueOnFail: true });

		expect(result.status).toBe('success');
		// n8n's Retry On Fail also re-runs a node whose first output item is an error item.
		expect(uploadsPerDocument(documents)).toEqual([2, 1, 1, 1]);
		expect(expectOneResultPerItem(result.output, documents, fake).errors).toEqual([]);
	});
});

describe('Retry On Fail with Enqueue (no polling)', () => {
	it('outputs the jobs of the first try again instead of uploading their documents', async () => {
		const documents = makeDocuments(4, 'enqueue');
		fake.configure({ faults: { uploadFaults: [{ fileName: 'enqueue-2.pdf', fault: 'resetAfterAccept', count: 1 }] } });
		const result = await run(documents, { ...retryOnFail, parameters: { ...parameters, operation: 'enqueue' } });

		expect(result.status).toBe('success');
		expect(uploadsPerDocument(documents)).toEqual([1, 1, 2, 1]);
		const [items] = result.output;
		expect(items.map((item) => item.json.filename)).toEqual(documents.map((d) => d.fileName));
		const reused = items.map((item) => ((item.json.mindee as IDataObject | undefined)?.reused_job as IDataObject | undefined)?.job_id);
		expect(reused).toEqual([items[0].json.id, items[1].json.id, undefined, items[3].json.id]);
	});
});

describe('Executions → Retry (a new execution in mode "retry")', () => {
	it('polls the failed execution’s jobs and says so in the metadata; a manual run sends everything', async () => {
		const documents = makeDocuments(5, 'exec');
		const simplified = { ...parameters, outputMode: 'simplified' };
		fake.configure({ faults: { uploadFaults: [{ fileName: 'exec-2.pdf', fault: 'resetAfterAccept', count: 2 }] } });

		const first = await run(documents, { parameters: simplified });
		expect(first.status).toBe('error');
		expect(uploadsPerDocument(documents)).toEqual([1, 1, 1, 1, 1]);

		// Not a retry: the user asked to process the documents again.
		const manual = await run(documents, { parameters: simplified, mode: 'manual' });
		expect(manual.status).toBe('error');
		expect(uploadsPerDocument(documents)).toEqual([2, 2, 2, 2, 2]);

		const retried = await run(documents, { parameters: simplified, mode: 'retry' });
		expect(retried.status).toBe('success');
		// Only the document whose upload never came back is sent again.
		expect(uploadsPerDocument(documents)).toEqual([2, 2, 3, 2, 2]);
		const [items] = retried.output;
		expect(items).toHaveLength(5);
		const reused = items.map((item) => (item.json.mindee as IDataObject).reused_job as IDataObject | undefined);
		expect(reused.map((entry) => entry?.from_earlier_execution)).toEqual([true, true, undefined, true, true]);
		expect(reused[0]?.execution_id).toBe(manual.executionId);
		expect(items.map((item) => (item.json.mindee as IDataObject).file_name)).toEqual(documents.map((d) => d.fileName));

		// Once the node output its items, nothing is kept: a later retry sends again.
		await run(documents, { parameters: simplified, mode: 'retry' });
		expect(uploadsPerDocument(documents)).toEqual([3, 3, 4, 3, 3]);
	});
});

describe('fail fast without Continue On Fail', () => {
	it('starts no upload after a failure is known and lists every job Mindee accepted', async () => {
		const documents = makeDocuments(12, 'fast');
		// Three uploads a minute: the first three documents go at once, the others wait for the budget.
		fake.configure({ faults: { uploadFaults: [{ fileName: 'fast-2.pdf', fault: 'failJob' }] } });
		const stops = jest.spyOn(MindeeHttpClient.prototype, 'stopNewUploads');
		const result = await runMindeeNode({
			parameters: batchParameters({ parallelDocuments: 4, initialDelaySeconds: 0.2, intervalSeconds: 1 }),
			items: itemsFor(documents),
			credentials: { apiKey: fake.apiKey, baseUrl: fake.url, postsPerMinute: 3 },
		});

		expect(result.status).toBe('error');
		expect(stops).toHaveBeenCalledTimes(1);
		// The 4th document was waiting for an upload slot when the 3rd job failed: it was never sent.
		expect(uploadsPerDocument(documents)).toEqual([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
		const error = result.error as Error & { description?: string };
		expect(error.message).toMatch(/^Mindee could not process "fast-2.pdf"/);
		expect(error.description).toContain('Mindee accepted 3 documents of this run');
		for (const job of fake.jobs.values()) expect(error.description).toContain(`job ${job.id}, "${job.filename}"`);
	});
});

describe('Base URL', () => {
	it('refuses http:// on a host other than this machine before any request carries the key', async () => {
		const authenticate = jest.spyOn(MindeePlatformApi.prototype, 'authenticate');
		const documents = makeDocuments(1, 'clear');
		const result = await run(documents, { credentials: { apiKey: fake.apiKey, baseUrl: 'http://api-v2.mindee.net' } });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(
			'The Base URL http://api-v2.mindee.net is not https://: the API key would travel unencrypted',
		);
		expect(authenticate).not.toHaveBeenCalled();
		expect(fake.requests).toEqual([]);
	});
});
