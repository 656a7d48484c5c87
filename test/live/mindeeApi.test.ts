/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The node against the real Mindee API (`npm run test:live`; not part of `npm test`): Model → Search,
 * Extraction → Enqueue & Poll, and Enqueue followed by Job → Get Status and Job → Get Result, run by
 * n8n's execution engine as in the node tests. Needs MINDEE_API_KEY and MINDEE_MODEL_ID (an
 * extraction model of that key's organization); MINDEE_BASE_URL overrides the API's address.
 * Each run sends the invoice fixture twice, which counts against the plan's pages.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { readFileSync } from 'fs';
import { join } from 'path';

import { runMindeeNode, type HarnessItem } from '../node/harness';

const apiKey = process.env.MINDEE_API_KEY ?? '';
const modelId = process.env.MINDEE_MODEL_ID ?? '';
const credentials = { apiKey, baseUrl: process.env.MINDEE_BASE_URL || 'https://api-v2.mindee.net' };
const describeLive = apiKey && modelId ? describe : describe.skip;

const PDF = readFileSync(join(__dirname, '..', 'fixtures', 'files', 'invoice.pdf'));
const invoiceItem: HarnessItem = { json: {}, binary: { data: { data: PDF, mimeType: 'application/pdf', fileName: 'invoice.pdf' } } };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_WAIT_MS = 180_000;
const TEST_TIMEOUT = MAX_WAIT_MS + 60_000;

async function run(parameters: INodeParameters, items: HarnessItem[] = [invoiceItem]) {
	const result = await runMindeeNode({ parameters, items, credentials });
	if (result.error) throw result.error;
	return result.output[0].map((item) => item.json);
}

const document = (operation: string, overrides: INodeParameters = {}): INodeParameters => ({
	resource: 'extraction',
	operation,
	modelId: { __rl: true, mode: 'id', value: modelId },
	inputType: 'binary',
	binaryPropertyName: 'data',
	...overrides,
});

describeLive('the real Mindee API', () => {
	it('Model → Search lists MINDEE_MODEL_ID as an extraction model', async () => {
		const models = await run({ resource: 'model', operation: 'search', modelType: 'extraction', returnAll: true }, [{ json: {} }]);
		expect(models.map((model) => model.id)).toContain(modelId);
	}, TEST_TIMEOUT);

	it('Extraction → Enqueue & Poll returns the invoice simplified, with its metadata', async () => {
		const [invoice] = await run(document('enqueueAndPoll', { pollingOptions: { maxWaitSeconds: MAX_WAIT_MS / 1000 } }));
		const metadata = invoice.mindee as IDataObject;
		expect(metadata).toMatchObject({ product: 'extraction', model_id: modelId, file_name: 'invoice.pdf', page_count: 1 });
		expect(String(metadata.inference_id)).toMatch(UUID);
		expect(Object.keys(invoice).length).toBeGreaterThan(1);
		process.stdout.write(`live: extracted ${Object.keys(invoice).length - 1} fields, inference ${String(metadata.inference_id)}\n`);
	}, TEST_TIMEOUT);

	it('Extraction → Enqueue, then Job → Get Status until done, then Job → Get Result', async () => {
		const [job] = await run(document('enqueue'));
		expect(String(job.id)).toMatch(UUID);
		expect(job.status).toBe('Processing');

		const startedAt = Date.now();
		let status = String(job.status);
		while (status === 'Processing' && Date.now() - startedAt < MAX_WAIT_MS) {
			await new Promise((resolve) => setTimeout(resolve, 2000));
			const [current] = await run({ resource: 'job', operation: 'get', jobId: job.id as string }, [{ json: {} }]);
			status = String(current.status);
		}
		expect(status).toBe('Processed');

		const [result] = await run({ resource: 'job', operation: 'getResult', resultBy: 'jobId', jobId: job.id as string }, [{ json: {} }]);
		expect(result.mindee).toMatchObject({ product: 'extraction', job_id: job.id, model_id: modelId });
	}, TEST_TIMEOUT);
});
