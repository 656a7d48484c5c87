/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Failures of the Mindee node through n8n's execution engine against the fake Mindee server:
 * Mindee's problem details (https://docs.mindee.com/integrations/problem-database) turned into messages a user can act on, input checks that
 * stop a bad document before any upload, failed and overdue jobs, and n8n's error settings
 * (Continue On Fail, the error output) with their item pairing.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { defaultModels } from '../../fake-mindee/fixtures';
import { when } from '../batch/batchHelpers';
import { runMindeeNode, useFakeMindee } from '../harness';
import {
	animatedPng,
	binaryItem,
	byId,
	credentialsOf,
	enqueues,
	GIF,
	gets,
	HTML,
	MODELS,
	PDF,
	pdfItem,
	PNG,
	productParams,
	sha256,
	UNKNOWN_MODEL,
} from './helpers';

const fake = useFakeMindee({ processingMs: 100 }, () => ({ models: defaultModels(), processingMs: 100, faults: {} }));

const extraction = (overrides: INodeParameters = {}) => productParams('extraction', overrides);

async function run(
	parameters: INodeParameters,
	items = [pdfItem()],
	settings: { apiKey?: string; continueOnFail?: boolean; onError?: 'continueErrorOutput' | 'continueRegularOutput' } = {},
) {
	return await runMindeeNode({
		parameters,
		items,
		credentials: credentialsOf(fake, settings.apiKey),
		continueOnFail: settings.continueOnFail,
		onError: settings.onError,
	});
}

const description = (error: Error | undefined) => String((error as unknown as IDataObject | undefined)?.description ?? '');

describe('Mindee\'s answers, explained', () => {
	it('a wrong API key: "Mindee rejected the API key", sent once and not retried', async () => {
		const result = await run(extraction(), [pdfItem()], { apiKey: 'md_not_the_right_key' });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Mindee rejected the API key');
		expect(result.error).toMatchObject({ httpCode: '401' });
		expect(description(result.error)).toContain('401-001');
		expect(description(result.error)).not.toMatch(/remove that prefix/);
		expect(fake.requests).toHaveLength(1);
		expect(fake.requests[0]).toMatchObject({ status: 401, headers: { authorization: 'md_not_the_right_key' } });
	});

	it('a key saved with "Bearer " in front: the description says to remove the prefix', async () => {
		const result = await run(extraction(), [pdfItem()], { apiKey: `Bearer ${fake.apiKey}` });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Mindee rejected the API key');
		expect(description(result.error)).toMatch(/starts with "Bearer" or "Token".*remove that prefix/);
		expect(fake.requests).toHaveLength(1);
		expect(fake.requests[0].headers.authorization).toBe(`Bearer ${fake.apiKey}`);
	});

	it('an unknown model (a well-formed UUID): the 404 names the model', async () => {
		const result = await run(extraction({ modelId: byId(UNKNOWN_MODEL) }));

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`Mindee has no model with ID "${UNKNOWN_MODEL}"`);
		expect(result.error).toMatchObject({ httpCode: '404' });
		expect(enqueues(fake)).toHaveLength(1);
		expect(enqueues(fake)[0].status).toBe(404);
		expect(gets(fake)).toHaveLength(0);
	});

	it('a model of another type (a 422 from Mindee): the message carries Mindee\'s detail and the field', async () => {
		const result = await run(extraction({ modelId: byId(MODELS.classification) }));

		expect(result.status).toBe('error');
		expect(result.error).toMatchObject({ httpCode: '422' });
		expect(result.error?.message).toBe(
			`Mindee rejected the request: Model ${MODELS.classification} is a 'classification' model and cannot be used with the 'extraction' product. ` +
				`(model_id: Model ${MODELS.classification} is a 'classification' model and cannot be used with the 'extraction' product.)`,
		);
		expect(description(result.error)).toContain('422-003');
	});

	it('a webhook ID the model does not have: Mindee\'s 422 about webhooks', async () => {
		const result = await run(extraction({ options: { webhookIds: UNKNOWN_MODEL } }));

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Mindee rejected the request: No matching webhooks found for this model/);
		expect(result.error?.message).toContain('webhook_ids: No matching webhooks.');
	});

	it('a job that ends Failed: the item fails with Mindee\'s code, detail and the job ID', async () => {
		fake.configure({ faults: { failRate: 1 } });

		const result = await run(extraction());

		expect(result.status).toBe('error');
		const [job] = [...fake.jobs.values()];
		expect(job.status).toBe('Failed');
		expect(result.error?.message).toBe('Mindee could not process "invoice.pdf": Inference failed (500-012)');
		expect(description(result.error)).toContain('The inference failed due to an internal error.');
		expect(description(result.error)).toContain(`Job ID: ${job.id}`);
		expect(result.error).toMatchObject({ httpCode: '500' });
		// Nothing to fetch: no result request.
		expect(gets(fake).every((request) => request.path === `/v2/jobs/${job.id}`)).toBe(true);
	});

	it('a job that outlasts Maximum Wait: the message names the job so its result can be fetched later', async () => {
		// Far longer than Maximum Wait, so "still processing at the end" means the node gave up on time.
		fake.configure({ processingMs: 30_000 });

		// 3 s: time for a first check at 0.1 s even when a busy machine starts the node late.
		const result = await run(extraction({ pollingOptions: { initialDelaySeconds: 0.1, intervalSeconds: 1, maxWaitSeconds: 3 } }));

		expect(result.status).toBe('error');
		const [job] = [...fake.jobs.values()];
		expect(job.status).toBe('Processing');
		expect(result.error?.message).toBe(`Mindee had not finished job ${job.id} after 3 seconds`);
		expect(description(result.error)).toContain(job.id);
		expect(gets(fake).length).toBeGreaterThanOrEqual(1);
		expect(gets(fake).every((request) => request.path === `/v2/jobs/${job.id}`)).toBe(true);
	});

	it('Mindee\'s own rate limit hit by parallel uploads: the refused ones wait and retry, no document is sent twice', async () => {
		fake.configure({ rateLimits: { postPerMinute: 2, getPerMinute: 1000 }, rateLimitWindowMs: 1000, rateLimitRetryAfter: true });
		try {
			const items = ['a', 'b', 'c'].map((name) => binaryItem(PDF, `${name}.pdf`, 'application/pdf', { name }));
			const result = await run(extraction(), items);

			expect(result.error).toBeUndefined();
			const statuses = enqueues(fake).map((request) => request.status);
			expect(statuses).toContain(429);
			expect(statuses.filter((status) => status === 202)).toHaveLength(3);
			expect([...fake.jobs.values()].map((job) => job.filename).sort()).toEqual(['a.pdf', 'b.pdf', 'c.pdf']);
			expect(result.output[0].map((item) => (item.json.mindee as IDataObject).file_name)).toEqual(['a.pdf', 'b.pdf', 'c.pdf']);
		} finally {
			fake.configure({ rateLimits: null, rateLimitWindowMs: 60_000, rateLimitRetryAfter: false });
		}
	});

	it('gateway errors (502/503) on status checks and result fetches are retried', async () => {
		fake.configure({ faults: { getErrorRate: 0.5, seed: 7 } });

		const result = await run(extraction());

		expect(result.error).toBeUndefined();
		const statuses = gets(fake).map((request) => request.status);
		expect(statuses.some((status) => status === 502 || status === 503)).toBe(true);
		expect(statuses[statuses.length - 1]).toBe(200);
		expect(result.output[0][0].json.invoice_number).toBe('INT-001');
		expect(fake.jobs.size).toBe(1);
	});

	it('a rate-limited upload (429 with Retry-After) is retried after the wait and succeeds', async () => {
		// The window closes once Mindee has refused a request, however long the run took to send it
		// (a fixed window could close before a busy machine's first upload).
		fake.configure({ faults: { rateLimitWindow: { durationMs: 60_000, retryAfterSeconds: 1, refusals: 1 } } });

		const result = await run(extraction());

		expect(result.error).toBeUndefined();
		const posts = enqueues(fake);
		expect(posts.map((request) => request.status)).toEqual([429, 202]);
		expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(900);
		expect(fake.jobs.size).toBe(1);
	});
});

describe('while polling', () => {
	it('a job ID Mindee does not know yet (404 right after enqueue) is polled again, then the result comes', async () => {
		// Far longer than the 100 ms jobs before it took, so the first poll (timed by them) finds no
		// job even when a busy machine sends it late.
		fake.configure({ faults: { jobNotFoundForMs: 3_000 } });

		const result = await run(extraction());

		expect(result.error).toBeUndefined();
		const [job] = [...fake.jobs.values()];
		const polls = gets(fake).filter((request) => request.path === `/v2/jobs/${job.id}`);
		expect(polls[0].status).toBe(404);
		expect(polls[polls.length - 1].status).toBe(302);
		expect(result.output[0][0].json.invoice_number).toBe('INT-001');
	});

	it('Get Status of a job Mindee does not know: the 404, explained', async () => {
		const jobId = '0f0f0f0f-1111-4222-8333-444444444444';
		const result = await run({ resource: 'job', operation: 'get', jobId });

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`Mindee has no job with this ID: Job not found: No job with id ${jobId} was found.`);
		expect(result.error).toMatchObject({ httpCode: '404' });
	});

	it('cancelling the execution stops the polling at once', async () => {
		fake.configure({ processingMs: 10_000 });
		// Stopped while polling: once Mindee has been asked for the job's status.
		const controller = new AbortController();
		const stopWatching = when(() => gets(fake).length > 0, () => controller.abort());

		const result = await runMindeeNode({
			parameters: extraction(),
			items: [pdfItem()],
			credentials: credentialsOf(fake),
			signal: controller.signal,
		}).finally(stopWatching);

		expect(result.cancelled).toBe(true);
		// Ended without waiting for Mindee: the 10 s job was still processing.
		expect([...fake.jobs.values()].map((job) => job.status)).toEqual(['Processing']);
		const requestsAtEnd = fake.requests.length;
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(fake.requests.length).toBe(requestsAtEnd);
		expect(enqueues(fake)).toHaveLength(1);
	});
});

describe('checks before any upload', () => {
	it('a model ID that is not a UUID (picked "From List" or from an expression): the node\'s own error, nothing sent', async () => {
		const result = await run(extraction({ modelId: { __rl: true, mode: 'list', value: 'invoices-v2' } }));

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('"invoices-v2" is not a Mindee model ID');
		expect(fake.requests).toHaveLength(0);
	});

	it('a model ID that is not a UUID typed "By ID": the node says so before any upload, nothing sent', async () => {
		const result = await run(extraction({ modelId: byId('invoices-v2') }));

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('"invoices-v2" is not a Mindee model ID');
		expect(description(result.error)).toMatch(/Model IDs are UUIDs/);
		expect(fake.requests).toHaveLength(0);
	});

	it('a missing binary field: the message names it and the description lists the fields the item has', async () => {
		const result = await run(extraction({ binaryPropertyName: 'file' }), [
			{
				json: {},
				binary: {
					data: { data: PDF, mimeType: 'application/pdf', fileName: 'invoice.pdf' },
					attachment_1: { data: PNG, mimeType: 'image/png', fileName: 'receipt.png' },
				},
			},
		]);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('This item has no binary field "file"');
		expect(description(result.error)).toBe('Set "Input Binary Field" to one of: data, attachment_1.');
		expect(fake.requests).toHaveLength(0);
	});

	it('an item without any file: the description says where a file comes from', async () => {
		const result = await run(extraction(), [{ json: { no: 'file' } }]);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('This item has no binary field "data"');
		expect(description(result.error)).toMatch(/carries no file/);
		expect(fake.requests).toHaveLength(0);
	});

	it('an empty file', async () => {
		const result = await run(extraction(), [binaryItem(Buffer.alloc(0), 'empty.pdf', 'application/pdf')]);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('The file in "data" is empty');
		expect(fake.requests).toHaveLength(0);
	});

	it.each([
		['a GIF', GIF, 'image.gif', 'image/gif', 'a GIF image'],
		['an HTML page', HTML, 'invoice.pdf', 'application/pdf', 'an HTML or XML page'],
		['an animated PNG', animatedPng(), 'anim.png', 'image/png', 'an animated PNG'],
	])('%s is refused as a file Mindee cannot read, judged by content not name', async (_, bytes, fileName, mimeType, what) => {
		const result = await run(extraction(), [binaryItem(bytes, fileName, mimeType)]);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`The file in "data" is ${what}, which Mindee cannot read`);
		expect(fake.requests).toHaveLength(0);
	});

	it('an animated PNG sent as Base64 is refused too', async () => {
		const result = await run(extraction({ inputType: 'base64', base64Content: animatedPng().toString('base64') }), [{ json: {} }]);

		expect(result.error?.message).toBe('The Base64 document is an animated PNG, which Mindee cannot read');
		expect(fake.requests).toHaveLength(0);
	});

	it('Base64 that is not Base64', async () => {
		const result = await run(extraction({ inputType: 'base64', base64Content: 'this is %%% not base64!' }), [{ json: {} }]);

		expect(result.error?.message).toBe('The Base64 input is not valid Base64');
		expect(fake.requests).toHaveLength(0);
	});

	it.each([
		['http://', 'http://files.example.com/invoice.pdf'],
		['ftp://', 'ftp://files.example.com/invoice.pdf'],
		['no scheme', 'files.example.com/invoice.pdf'],
	])('a URL with %s is refused: Mindee only downloads https:// links', async (_, url) => {
		const result = await run(extraction({ inputType: 'url', url }), [{ json: {} }]);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`The document URL must start with https:// (got "${url}")`);
		expect(fake.requests).toHaveLength(0);
	});

	it('a URL over 2,048 characters is refused', async () => {
		const url = `https://files.example.com/${'a'.repeat(2100)}.pdf`;
		const result = await run(extraction({ inputType: 'url', url }), [{ json: {} }]);

		expect(result.error?.message).toBe(`The document URL is ${url.length} characters; Mindee accepts up to 2048`);
		expect(fake.requests).toHaveLength(0);
	});

	it('a file over 100 MB is refused before upload', async () => {
		const limit = 100 * 1024 * 1024;
		const tooBig = Buffer.alloc(limit + 1, 0x20);
		PDF.copy(tooBig);

		const result = await runMindeeNode({
			parameters: extraction(),
			items: [binaryItem(tooBig, 'huge.pdf', 'application/pdf')],
			credentials: credentialsOf(fake),
			binaryMode: 'filesystem',
		});

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('The file in "data" is over Mindee\'s 100 MB limit (100.00 MB)');
		expect(fake.requests).toHaveLength(0);
	}, 60_000);

	it('a file of exactly 100 MB is not refused: it is uploaded whole', async () => {
		const limit = 100 * 1024 * 1024;
		const atLimit = Buffer.alloc(limit, 0x20);
		PDF.copy(atLimit);

		const result = await runMindeeNode({
			parameters: extraction({ operation: 'enqueue' }),
			items: [binaryItem(atLimit, 'big.pdf', 'application/pdf')],
			credentials: credentialsOf(fake),
			binaryMode: 'filesystem',
		});

		expect(result.error).toBeUndefined();
		const [enqueue] = enqueues(fake);
		expect(enqueue.status).toBe(202);
		expect(enqueue.file).toMatchObject({ filename: 'big.pdf', size: limit, sha256: sha256(atLimit) });
	}, 60_000);
});

describe('n8n\'s error settings', () => {
	/** Three items; the middle one is bad in the way given. */
	const threeItems = (middle: ReturnType<typeof pdfItem>) => [pdfItem({ n: 0 }), middle, pdfItem({ n: 2 })];

	function expectNormal(item: INodeExecutionData, index: number) {
		expect(item.json.invoice_number).toBe('INT-001');
		expect(item.pairedItem).toEqual({ item: index });
	}

	it('Continue On Fail, a bad file in the middle: three items in order, the middle an error item paired to it', async () => {
		const result = await run(extraction(), threeItems(binaryItem(GIF, 'image.gif', 'image/gif', { n: 1 })), {
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(1);
		const [items] = result.output;
		expect(items).toHaveLength(3);
		expectNormal(items[0], 0);
		expectNormal(items[2], 2);
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(Object.keys(items[1].json).sort()).toEqual(['details', 'error']);
		expect(items[1].json.error).toBe('The file in "data" is a GIF image, which Mindee cannot read');
		expect(items[1].json.details).toMatchObject({ description: expect.stringContaining('Mindee accepts PDF') });
		// Only the two good files reached Mindee.
		expect(enqueues(fake)).toHaveLength(2);
	});

	it('Continue On Fail, Mindee refusing the middle item: its error item carries the HTTP status and Mindee\'s code', async () => {
		const items = [pdfItem({ model: MODELS.extraction }), pdfItem({ model: UNKNOWN_MODEL }), pdfItem({ model: MODELS.extraction })];
		const result = await run(extraction({ modelId: byId('={{ $json.model }}') }), items, { continueOnFail: true });

		expect(result.error).toBeUndefined();
		const [output] = result.output;
		expect(output).toHaveLength(3);
		expectNormal(output[0], 0);
		expectNormal(output[2], 2);
		expect(output[1].pairedItem).toEqual({ item: 1 });
		expect(output[1].json).toEqual({
			error: `Mindee has no model with ID "${UNKNOWN_MODEL}"`,
			details: { description: expect.stringContaining('404-001'), httpCode: '404', code: '404-001' },
		});
	});

	it('Continue On Fail, jobs that end Failed: one error item per input, each naming its own job', async () => {
		fake.configure({ faults: { failRate: 1 } });
		const result = await run(extraction(), threeItems(pdfItem({ n: 1 })), { continueOnFail: true });

		expect(result.error).toBeUndefined();
		const [items] = result.output;
		expect(items).toHaveLength(3);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		const jobIds = new Set([...fake.jobs.keys()]);
		const named = new Set<string>();
		for (const item of items) {
			expect(item.json.error).toBe('Mindee could not process "invoice.pdf": Inference failed (500-012)');
			expect(item.json.details).toMatchObject({ code: '500-012', httpCode: '500' });
			const text = String((item.json.details as IDataObject | undefined)?.description ?? '');
			for (const id of jobIds) if (text.includes(id)) named.add(id);
		}
		expect(named).toEqual(jobIds);
	});

	it('On Error "Continue (using error output)": the error item goes to the error output, paired to its input', async () => {
		const result = await run(extraction(), threeItems(binaryItem(HTML, 'page.html', 'text/html', { n: 1 })), {
			onError: 'continueErrorOutput',
		});

		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(2);
		const [success, failure] = result.output;
		expect(success).toHaveLength(2);
		expectNormal(success[0], 0);
		expectNormal(success[1], 2);
		expect(failure).toHaveLength(1);
		expect(failure[0].pairedItem).toEqual({ item: 1 });
		expect(failure[0].json).toMatchObject({ n: 1, error: 'The file in "data" is an HTML or XML page, which Mindee cannot read' });
	});

	it('the error output with review routing on: a third output for errors', async () => {
		const result = await run(
			extraction({ reviewThreshold: 'High', extractionOptions: { confidence: 'true' } }),
			threeItems(binaryItem(Buffer.alloc(0), 'empty.pdf', 'application/pdf', { n: 1 })),
			{ onError: 'continueErrorOutput' },
		);

		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(3);
		const [passed, needsReview, failure] = result.output;
		expect(passed).toHaveLength(0);
		expect(needsReview.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(failure).toHaveLength(1);
		expect(failure[0].pairedItem).toEqual({ item: 1 });
		expect(failure[0].json.error).toBe('The file in "data" is empty');
	});

	it('without an error setting and one document at a time, no item starts after a failure', async () => {
		const items = [pdfItem({ model: UNKNOWN_MODEL }), pdfItem({ model: MODELS.extraction }), pdfItem({ model: MODELS.extraction })];
		const result = await run(extraction({ modelId: byId('={{ $json.model }}'), options: { parallelDocuments: 1 } }), items);

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`Mindee has no model with ID "${UNKNOWN_MODEL}"`);
		expect(enqueues(fake)).toHaveLength(1);
		expect(fake.jobs.size).toBe(0);
	});

	it('without an error setting, one bad item fails the node and the error points at that item', async () => {
		const result = await run(extraction(), threeItems(binaryItem(GIF, 'image.gif', 'image/gif', { n: 1 })));

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('The file in "data" is a GIF image, which Mindee cannot read');
		expect(result.error).toMatchObject({ context: { itemIndex: 1 } });
		expect(result.output).toEqual([]);
	});
});
