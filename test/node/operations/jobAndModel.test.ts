/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Job → Get Status / Get Result and Model → Search, through n8n's execution engine against the
 * fake Mindee server (https://docs.mindee.com/integrations/api-reference). Jobs are created
 * straight on the fake (as another workflow's Enqueue would have), then the request log is cleared
 * so each test sees only what the node under test sent.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { defaultModels } from '../../fake-mindee/fixtures';
import { runMindeeNode, useFakeMindee } from '../harness';
import {
	credentialsOf,
	generatedModels,
	gets,
	MODELS,
	PDF,
	pdfItem,
	startOtherHost,
	type OtherHost,
} from './helpers';

const fake = useFakeMindee({ processingMs: 100 }, () => ({ models: defaultModels(), processingMs: 100, faults: {} }));

type Product = 'extraction' | 'classification' | 'crop' | 'ocr' | 'split';
type MindeeJobJson = IDataObject & { id: string };

/** Enqueues a PDF straight on the fake, waits until it is no longer Processing (unless told not to). */
async function enqueueDirect(product: Product, fields: Record<string, string> = {}, wait = true): Promise<MindeeJobJson> {
	const form = new FormData();
	form.set('model_id', MODELS[product]);
	for (const [name, value] of Object.entries(fields)) form.set(name, value);
	form.set('file', new Blob([PDF], { type: 'application/pdf' }), 'invoice.pdf');
	const response = await fetch(`${fake.url}/v2/products/${product}/enqueue`, {
		method: 'POST',
		headers: { Authorization: fake.apiKey },
		body: form,
	});
	expect(response.status).toBe(202);
	const { job } = (await response.json()) as { job: MindeeJobJson };
	if (wait) {
		const deadline = Date.now() + 5000;
		while (fake.jobs.get(job.id)?.status === 'Processing' && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 20));
			// A GET brings the job up to date; go through the control route so nothing is recorded.
			await fetch(`${fake.url}/_fake/jobs`);
		}
	}
	fake.requests.length = 0;
	return job;
}

async function run(parameters: INodeParameters, items = [{ json: {} }]) {
	return await runMindeeNode({ parameters, items, credentials: credentialsOf(fake) });
}

const requestLines = () => fake.requests.map((request) => `${request.method} ${request.path}`);

describe('Job → Get Status', () => {
	it('returns a processing job as Mindee reports it (asking for no redirect)', async () => {
		fake.configure({ processingMs: 5000 });
		const job = await enqueueDirect('extraction', {}, false);

		const result = await run({ resource: 'job', operation: 'get', jobId: job.id }, [pdfItem()]);

		expect(result.error).toBeUndefined();
		expect(requestLines()).toEqual([`GET /v2/jobs/${job.id}`]);
		expect(fake.requests[0].query).toEqual({ redirect: 'false' });
		expect(fake.requests[0].status).toBe(200);
		const [items] = result.output;
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ id: job.id, status: 'Processing', result_url: null, model_id: MODELS.extraction });
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].binary?.data).toBeDefined();
	});

	it('returns a processed job with its result_url', async () => {
		const job = await enqueueDirect('split');

		const result = await run({ resource: 'job', operation: 'get', jobId: ` ${job.id} ` });

		expect(result.error).toBeUndefined();
		expect(result.output[0][0].json).toMatchObject({
			id: job.id,
			status: 'Processed',
			result_url: `${fake.url}/v2/products/split/results/${job.id}`,
		});
	});

	it('a job ID that is not a UUID fails before any request', async () => {
		const result = await run({ resource: 'job', operation: 'get', jobId: 'job-42' });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('"job-42" is not a Mindee job ID');
		expect(fake.requests).toHaveLength(0);
	});
});

describe('Job → Get Result', () => {
	it('by job ID: reads the job, then fetches its result_url, and simplifies it', async () => {
		const job = await enqueueDirect('extraction', { alias: 'from-webhook-flow' });

		const result = await run({ resource: 'job', operation: 'getResult', resultBy: 'jobId', jobId: job.id }, [pdfItem()]);

		expect(result.error).toBeUndefined();
		expect(requestLines()).toEqual([`GET /v2/jobs/${job.id}`, `GET /v2/products/extraction/results/${job.id}`]);
		const [items] = result.output;
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			invoice_number: 'INT-001',
			mindee: { product: 'extraction', job_id: job.id, inference_id: job.id, alias: 'from-webhook-flow' },
		});
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].binary?.data).toBeDefined();
	});

	it('by job ID, for a classification job: the product comes from the result URL', async () => {
		const job = await enqueueDirect('classification');

		const result = await run({ resource: 'job', operation: 'getResult', jobId: job.id });

		expect(result.error).toBeUndefined();
		expect(result.output[0][0].json).toMatchObject({ document_type: 'invoice', mindee: { product: 'classification' } });
	});

	it('by job ID with review routing: a scored document with Medium fields goes to "Needs Review"', async () => {
		const job = await enqueueDirect('extraction', { confidence: 'true' });

		const result = await run({ resource: 'job', operation: 'getResult', jobId: job.id, reviewThreshold: 'High' });

		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(2);
		expect(result.output[0]).toHaveLength(0);
		expect(result.output[1]).toHaveLength(1);
		expect(result.output[1][0].json.mindee).toMatchObject({ review: { threshold: 'High', confidence_available: true } });
	});

	it('by inference ID and product: one GET on that product\'s result route', async () => {
		const job = await enqueueDirect('crop');

		const result = await run({
			resource: 'job',
			operation: 'getResult',
			resultBy: 'inferenceId',
			inferenceId: job.id,
			product: 'crop',
			outputMode: 'both',
		});

		expect(result.error).toBeUndefined();
		expect(requestLines()).toEqual([`GET /v2/products/crop/results/${job.id}`]);
		const { json } = result.output[0][0];
		expect(json.crop_count).toBe(2);
		expect((json.raw as IDataObject).id).toBe(job.id);
	});

	it('by inference ID under the wrong product: Mindee\'s 404, explained', async () => {
		const job = await enqueueDirect('crop');

		const result = await run({
			resource: 'job',
			operation: 'getResult',
			resultBy: 'inferenceId',
			inferenceId: job.id,
			product: 'extraction',
		});

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Mindee has no result with this ID/);
		expect(result.error).toMatchObject({ httpCode: '404' });
		expect(requestLines()).toEqual([`GET /v2/products/extraction/results/${job.id}`]);
	});

	it('by result URL: fetches exactly that URL; the product comes from it', async () => {
		const job = await enqueueDirect('split');

		const result = await run({
			resource: 'job',
			operation: 'getResult',
			resultBy: 'resultUrl',
			resultUrl: `${fake.url}/v2/products/split/results/${job.id}`,
		});

		expect(result.error).toBeUndefined();
		expect(requestLines()).toEqual([`GET /v2/products/split/results/${job.id}`]);
		expect(fake.requests[0].headers.authorization).toBe(fake.apiKey);
		expect(result.output[0][0].json).toMatchObject({ split_count: 3, mindee: { product: 'split' } });
	});

	it('by the deprecated /v2/inferences/{id} result URL: an extraction result', async () => {
		const job = await enqueueDirect('extraction');

		const result = await run({
			resource: 'job',
			operation: 'getResult',
			resultBy: 'resultUrl',
			resultUrl: `${fake.url}/v2/inferences/${job.id}`,
		});

		expect(result.error).toBeUndefined();
		expect(requestLines()).toEqual([`GET /v2/inferences/${job.id}`]);
		expect(result.output[0][0].json).toMatchObject({ invoice_number: 'INT-001', mindee: { product: 'extraction' } });
	});

	it('by result URL given as a path: resolved against the credential\'s Base URL', async () => {
		const job = await enqueueDirect('ocr');

		const result = await run({
			resource: 'job',
			operation: 'getResult',
			resultBy: 'resultUrl',
			resultUrl: `/v2/products/ocr/results/${job.id}`,
		});

		expect(result.error).toBeUndefined();
		expect(requestLines()).toEqual([`GET /v2/products/ocr/results/${job.id}`]);
		expect(typeof result.output[0][0].json.text).toBe('string');
	});

	it('of a job still processing: a clear error, and no result fetch', async () => {
		fake.configure({ processingMs: 5000 });
		const job = await enqueueDirect('extraction', {}, false);

		const result = await run({ resource: 'job', operation: 'getResult', jobId: job.id });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`Mindee is still processing job ${job.id}`);
		expect(requestLines()).toEqual([`GET /v2/jobs/${job.id}`]);
	});

	it('of a failed job: Mindee\'s error with the job ID', async () => {
		fake.configure({ faults: { failRate: 1 } });
		const job = await enqueueDirect('extraction');

		const result = await run({ resource: 'job', operation: 'getResult', jobId: job.id });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Mindee could not process "invoice.pdf": Inference failed (500-012)');
		expect((result.error as unknown as IDataObject).description).toContain(job.id);
		expect(requestLines()).toEqual([`GET /v2/jobs/${job.id}`]);
	});

	describe('a result URL on another host', () => {
		let other: OtherHost;

		beforeAll(async () => {
			other = await startOtherHost();
		});

		afterAll(async () => {
			await other?.stop();
		});

		beforeEach(() => {
			other.received.length = 0;
		});

		it('is refused: nothing reaches the other host and the key goes nowhere', async () => {
			const job = await enqueueDirect('extraction');

			const result = await run({
				resource: 'job',
				operation: 'getResult',
				resultBy: 'resultUrl',
				resultUrl: `${other.url}/v2/products/extraction/results/${job.id}`,
			});

			expect(result.status).toBe('error');
			expect(result.error?.message).toBe(`Mindee returned a URL on another host: ${other.url}/v2/products/extraction/results/${job.id}`);
			expect(other.received).toHaveLength(0);
			expect(fake.requests).toHaveLength(0);
		});

		it('a polling URL Mindee hands out on another host is not followed either (Enqueue & Poll)', async () => {
			fake.configure({ publicUrl: other.url });
			try {
				const result = await run(
					{
						resource: 'extraction',
						operation: 'enqueueAndPoll',
						modelId: { __rl: true, mode: 'id', value: MODELS.extraction },
						pollingOptions: { initialDelaySeconds: 0.1, intervalSeconds: 1 },
					},
					[pdfItem()],
				);

				expect(result.status).toBe('error');
				const [job] = [...fake.jobs.values()];
				expect(result.error?.message).toBe(`Mindee returned a URL on another host: ${other.url}/v2/jobs/${job.id}`);
				expect(other.received).toHaveLength(0);
				expect(requestLines()).toEqual(['POST /v2/products/extraction/enqueue']);
			} finally {
				fake.configure({ publicUrl: undefined });
			}
		});

		it('a result_url on another host in a processed job is not fetched (Get Result by job ID)', async () => {
			const job = await enqueueDirect('extraction');
			fake.configure({ publicUrl: other.url });
			try {
				const result = await run({ resource: 'job', operation: 'getResult', jobId: job.id });

				expect(result.error?.message).toBe(
					`Mindee returned a URL on another host: ${other.url}/v2/products/extraction/results/${job.id}`,
				);
				expect(other.received).toHaveLength(0);
				expect(requestLines()).toEqual([`GET /v2/jobs/${job.id}`]);
			} finally {
				fake.configure({ publicUrl: undefined });
			}
		});

		it('is refused for another scheme or port of the same host name too', async () => {
			const port = new URL(fake.url).port;
			for (const resultUrl of [`https://127.0.0.1:${port}/v2/inferences/${MODELS.extraction}`, `${other.url}/`]) {
				const result = await run({ resource: 'job', operation: 'getResult', resultBy: 'resultUrl', resultUrl });
				expect(result.error?.message).toMatch(/^Mindee returned a URL on another host/);
			}
			expect(other.received).toHaveLength(0);
			expect(fake.requests).toHaveLength(0);
		});
	});
});

describe('Model → Search', () => {
	it('passes the name and type filters to Mindee and outputs one item per model', async () => {
		const result = await run({ resource: 'model', operation: 'search', name: 'without webhooks', modelType: 'extraction' }, [
			pdfItem(),
		]);

		expect(result.error).toBeUndefined();
		expect(requestLines()).toEqual(['GET /v2/search/models']);
		expect(fake.requests[0].query).toEqual({ name: 'without webhooks', model_type: 'extraction', page: '1', per_page: '50' });
		const [items] = result.output;
		expect(items.map((item) => item.json.id)).toEqual([
			'b3274545-bb22-bb22-991e-9ca0639829a3',
			'e14e0923-ee55-ee55-a335-8d2110917d7b',
		]);
		expect(items[0].json).toMatchObject({ name: 'Extraction Without Webhooks', model_type: 'extraction' });
		expect(items.every((item) => item.binary === undefined)).toBe(true);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
	});

	it('with no filters sends neither name nor model_type', async () => {
		const result = await run({ resource: 'model', operation: 'search' });

		expect(result.error).toBeUndefined();
		expect(fake.requests[0].query).toEqual({ page: '1', per_page: '50' });
		expect(result.output[0]).toHaveLength(7);
	});

	it('Return All follows the pages to the end (120 models: 3 pages)', async () => {
		const models = generatedModels(120);
		fake.configure({ models });

		const result = await run({ resource: 'model', operation: 'search', returnAll: true });

		expect(result.error).toBeUndefined();
		expect(gets(fake).map((request) => request.query.page)).toEqual(['1', '2', '3']);
		expect(gets(fake).every((request) => request.query.per_page === '50')).toBe(true);
		expect(result.output[0].map((item) => item.json.id)).toEqual(models.map((model) => model.id));
	});

	it('Return All with a type filter: only that type, across pages', async () => {
		const models = generatedModels(120, ['extraction', 'split']);
		fake.configure({ models });

		const result = await run({ resource: 'model', operation: 'search', returnAll: true, modelType: 'split' });

		expect(result.error).toBeUndefined();
		expect(gets(fake).map((request) => [request.query.page, request.query.model_type])).toEqual([
			['1', 'split'],
			['2', 'split'],
		]);
		const items = result.output[0];
		expect(items).toHaveLength(60);
		expect(items.every((item) => item.json.model_type === 'split')).toBe(true);
	});

	it('Limit: stops as soon as it has enough', async () => {
		const models = generatedModels(120);
		fake.configure({ models });

		const result = await run({ resource: 'model', operation: 'search', returnAll: false, limit: 60 });

		expect(result.error).toBeUndefined();
		expect(gets(fake).map((request) => request.query.page)).toEqual(['1', '2']);
		expect(result.output[0].map((item) => item.json.id)).toEqual(models.slice(0, 60).map((model) => model.id));
	});

	it('Limit (default 50): one page', async () => {
		fake.configure({ models: generatedModels(120) });

		const result = await run({ resource: 'model', operation: 'search' });

		expect(result.error).toBeUndefined();
		expect(gets(fake)).toHaveLength(1);
		expect(result.output[0]).toHaveLength(50);
	});

	it('one search per input item, outputs in input order and paired to their item', async () => {
		const result = await run({ resource: 'model', operation: 'search', name: '={{ $json.q }}', returnAll: true }, [
			{ json: { q: 'Split' } },
			{ json: { q: 'OCR' } },
			{ json: { q: 'Crop' } },
		]);

		expect(result.error).toBeUndefined();
		expect(fake.requests.map((request) => request.query.name)).toEqual(['Split', 'OCR', 'Crop']);
		expect(result.output[0].map((item) => [item.json.id, item.pairedItem])).toEqual([
			[MODELS.split, { item: 0 }],
			[MODELS.ocr, { item: 1 }],
			[MODELS.crop, { item: 2 }],
		]);
	});

	it('a name that matches nothing: no items, no error', async () => {
		const result = await run({ resource: 'model', operation: 'search', name: 'no such model', returnAll: true });

		expect(result.error).toBeUndefined();
		expect(gets(fake)).toHaveLength(1);
		expect(result.output[0] ?? []).toHaveLength(0);
	});
});
