/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Smoke test of the Mindee node through n8n-core's execution engine against the fake Mindee server:
 * enqueue a PDF, poll until processed, return the raw result.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { USER_AGENT } from '../../nodes/Mindee/shared/transport/httpClient';
import { batchParameters } from './batch/batchHelpers';
import { readBinary, runMindeeNode, useFakeMindee } from './harness';

const EXTRACTION_MODEL_ID = 'b3274545-bb22-bb22-991e-9ca0639829a3';
const pdf = readFileSync(join(__dirname, '..', 'fixtures', 'files', 'invoice.pdf'));

const fake = useFakeMindee({ processingMs: 300 });

it('enqueues a PDF, polls until processed and returns the raw result', async () => {
	const result = await runMindeeNode({
		parameters: {
			resource: 'extraction',
			operation: 'enqueueAndPoll',
			modelId: { __rl: true, mode: 'id', value: EXTRACTION_MODEL_ID },
			inputType: 'binary',
			binaryPropertyName: 'data',
			outputMode: 'raw',
			pollingOptions: { initialDelaySeconds: 0.2, intervalSeconds: 1 },
		},
		items: [
			{
				json: { source: 'smoke' },
				binary: { data: { data: pdf, mimeType: 'application/pdf', fileName: 'invoice.pdf' } },
			},
		],
		credentials: { apiKey: fake.apiKey, baseUrl: fake.url },
	});

	expect(result.error).toBeUndefined();
	expect(result.status).toBe('success');

	const jobs = [...fake.jobs.values()];
	expect(jobs).toHaveLength(1);
	expect(jobs[0]).toMatchObject({ modelId: EXTRACTION_MODEL_ID, filename: 'invoice.pdf' });
	expect(fake.requests.every((request) => request.headers.authorization === fake.apiKey)).toBe(true);
	expect(fake.requests.every((request) => request.headers['user-agent'] === USER_AGENT)).toBe(true);

	const [items] = result.output;
	expect(items).toHaveLength(1);
	const [item] = items;
	expect(item.json.id).toBe(jobs[0].id);
	expect(item.pairedItem).toEqual({ item: 0 });
	expect(item.binary?.data).toMatchObject({ mimeType: 'application/pdf', fileName: 'invoice.pdf' });
	expect((await readBinary(item.binary!.data)).equals(pdf)).toBe(true);
});

it('reads its credential once per execution, not once per request', async () => {
	const result = await runMindeeNode({
		parameters: batchParameters({ initialDelaySeconds: 0.2, intervalSeconds: 1 }),
		items: Array.from({ length: 4 }, () => ({
			json: {},
			binary: { data: { data: pdf, mimeType: 'application/pdf', fileName: 'invoice.pdf' } },
		})),
		credentials: { apiKey: fake.apiKey, baseUrl: fake.url },
	});

	expect(result.status).toBe('success');
	// 4 uploads, at least one check and one result fetch each, all with the key.
	expect(fake.requests.length).toBeGreaterThanOrEqual(12);
	expect(fake.requests.every((request) => request.headers.authorization === fake.apiKey)).toBe(true);
	expect(result.credentialsHelper.decryptions).toBe(1);
});
