/**
 * Extraction → Enqueue & Poll through n8n's execution engine against the fake Mindee server:
 * what Mindee receives for each input type and option
 * (https://docs.mindee.com/integrations/api-reference), and what the node outputs (output modes,
 * split into items, review routing; documented in nodes/Mindee/shared/output/shapeInference.ts).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { defaultModels } from '../../fake-mindee/fixtures';
import { MindeeApi } from '../../../nodes/Mindee/shared/transport/mindeeApi';
import { readBinary, runMindeeNode, useFakeMindee } from '../harness';
import {
	binaryItem,
	byId,
	credentialsOf,
	enqueues,
	EXTRACTION_ONLY_FIELDS,
	jpeg,
	jsonOf,
	MODEL_WEBHOOKS,
	MODELS,
	onlyEnqueue,
	PDF,
	pdfItem,
	PNG,
	productParams,
	sha256,
} from './helpers';

const fake = useFakeMindee({ processingMs: 100 }, () => ({ models: defaultModels(), processingMs: 100 }));

const extraction = (overrides: INodeParameters = {}) => productParams('extraction', overrides);

async function run(parameters: INodeParameters, items = [pdfItem()]) {
	return await runMindeeNode({ parameters, items, credentials: credentialsOf(fake) });
}

/** The only job the fake created. */
function onlyJob() {
	const jobs = [...fake.jobs.values()];
	expect(jobs).toHaveLength(1);
	return jobs[0];
}

describe('what Mindee receives', () => {
	it('binary input: a multipart upload of the file to the extraction route, with the model and nothing else', async () => {
		const result = await run(extraction());

		expect(result.error).toBeUndefined();
		const enqueue = onlyEnqueue(fake);
		expect(enqueue.path).toBe('/v2/products/extraction/enqueue');
		expect(enqueue.status).toBe(202);
		expect(enqueue.headers.authorization).toBe(fake.apiKey);
		expect(String(enqueue.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
		// Every option left at its default: no option field at all (the model's settings apply).
		expect(enqueue.fields).toEqual({ model_id: MODELS.extraction });
		expect(enqueue.file).toEqual({
			filename: 'invoice.pdf',
			size: PDF.length,
			sha256: sha256(PDF),
			contentType: 'application/pdf',
		});
	});

	it('binary input: a JPEG and a PNG go up byte for byte under their own names', async () => {
		const photo = jpeg();
		const result = await run(extraction(), [
			binaryItem(photo, 'photo.jpg', 'image/jpeg'),
			binaryItem(PNG, 'receipt.png', 'image/png'),
		]);

		expect(result.error).toBeUndefined();
		const files = enqueues(fake)
			.map((request) => request.file)
			.sort((a, b) => a!.filename.localeCompare(b!.filename));
		expect(files).toEqual([
			{ filename: 'photo.jpg', size: photo.length, sha256: sha256(photo), contentType: 'image/jpeg' },
			{ filename: 'receipt.png', size: PNG.length, sha256: sha256(PNG), contentType: 'image/png' },
		]);
		expect(jsonOf(result.output[0]).map((json) => (json.mindee as IDataObject).mime_type)).toEqual([
			'image/jpeg',
			'image/png',
		]);
	});

	it('binary input stored by n8n on disk (filesystem binary mode): the same bytes go up, the file stays on the item', async () => {
		const result = await runMindeeNode({
			parameters: extraction(),
			items: [pdfItem()],
			credentials: credentialsOf(fake),
			binaryMode: 'filesystem',
		});

		expect(result.error).toBeUndefined();
		expect(onlyEnqueue(fake).file).toMatchObject({ size: PDF.length, sha256: sha256(PDF) });
		const [item] = result.output[0];
		expect(item.binary?.data.id).toBeDefined();
		expect((await readBinary(item.binary!.data)).equals(PDF)).toBe(true);
	});

	it.each(['default', 'filesystem'] as const)(
		'binary input without a file name (%s binary mode): sent as document.<extension of its type>',
		async (binaryMode) => {
			const result = await runMindeeNode({
				parameters: extraction(),
				items: [binaryItem(PDF, '', 'application/pdf')],
				credentials: credentialsOf(fake),
				binaryMode,
			});

			expect(result.error).toBeUndefined();
			expect(onlyEnqueue(fake).file).toMatchObject({ filename: 'document.pdf', sha256: sha256(PDF) });
		},
	);

	it('binary input: reads the field named in "Input Binary Field"', async () => {
		const result = await run(extraction({ binaryPropertyName: 'invoice' }), [
			binaryItem(PDF, 'other-name.pdf', 'application/pdf', {}, 'invoice'),
		]);

		expect(result.error).toBeUndefined();
		expect(onlyEnqueue(fake).file).toMatchObject({ filename: 'other-name.pdf', sha256: sha256(PDF) });
	});

	it('URL input: sends the url field and no file; Mindee names the document after the URL', async () => {
		const url = 'https://files.example.com/scans/march%20invoice.pdf?token=abc';
		const result = await run(extraction({ inputType: 'url', url }), [{ json: {} }]);

		expect(result.error).toBeUndefined();
		const enqueue = onlyEnqueue(fake);
		expect(enqueue.fields).toEqual({ model_id: MODELS.extraction, url });
		expect(enqueue.file).toBeUndefined();
		expect(onlyJob().filename).toBe('march invoice.pdf');
		expect((result.output[0][0].json.mindee as IDataObject).file_name).toBe('march invoice.pdf');
	});

	it('URL input whose path is not UTF-8 percent-encoding (a Latin-1 "caf%E9.pdf"): the URL is still sent as is', async () => {
		// A valid https URL for Mindee (it only checks the scheme and length); the node has no use for
		// its file name, since Mindee names the document itself.
		const url = 'https://files.example.com/scans/caf%E9.pdf';
		const result = await run(extraction({ inputType: 'url', url }), [{ json: {} }]);

		expect(result.error?.message).toBeUndefined();
		expect(onlyEnqueue(fake).fields).toEqual({ model_id: MODELS.extraction, url });
	});

	it('Base64 input (with a data: prefix and line breaks): uploaded as the decoded file', async () => {
		const base64 = PDF.toString('base64').replace(/(.{76})/g, '$1\n');
		const result = await run(extraction({ inputType: 'base64', base64Content: `data:application/pdf;base64,${base64}` }), [
			{ json: {} },
		]);

		expect(result.error).toBeUndefined();
		const enqueue = onlyEnqueue(fake);
		expect(enqueue.fields).toEqual({ model_id: MODELS.extraction });
		expect(enqueue.file).toMatchObject({ size: PDF.length, sha256: sha256(PDF), contentType: 'application/pdf' });
		expect(onlyJob().filename).toBe('document.pdf');
	});

	it('Base64 input as a data: URL with media type parameters (RFC 2397): uploaded as the decoded file', async () => {
		const base64Content = `data:application/pdf;name=invoice.pdf;base64,${PDF.toString('base64')}`;
		const result = await run(extraction({ inputType: 'base64', base64Content }), [{ json: {} }]);

		expect(result.error?.message).toBeUndefined();
		expect(onlyEnqueue(fake).file).toMatchObject({ size: PDF.length, sha256: sha256(PDF) });
	});

	it('Base64 input with a File Name: the part and the filename field carry it', async () => {
		const result = await run(
			extraction({ inputType: 'base64', base64Content: PNG.toString('base64'), options: { fileName: 'till-receipt.png' } }),
			[{ json: {} }],
		);

		expect(result.error).toBeUndefined();
		const enqueue = onlyEnqueue(fake);
		expect(enqueue.fields).toEqual({ model_id: MODELS.extraction, filename: 'till-receipt.png' });
		expect(enqueue.file).toMatchObject({ filename: 'till-receipt.png', size: PNG.length, sha256: sha256(PNG) });
	});

	it('On / Off switches are sent as "true" / "false"; each reaches Mindee exactly as set', async () => {
		const result = await run(
			extraction({ extractionOptions: { rag: 'true', rawText: 'false', polygon: 'true', confidence: 'false' } }),
		);

		expect(result.error).toBeUndefined();
		expect(onlyEnqueue(fake).fields).toEqual({
			model_id: MODELS.extraction,
			rag: 'true',
			raw_text: 'false',
			polygon: 'true',
			confidence: 'false',
		});
		const [item] = result.output[0];
		// RAG on: the matched document is reported; raw text off: no raw_text column.
		expect(item.json).toHaveProperty('rag_document_id');
		expect(item.json).not.toHaveProperty('raw_text');
		expect(item.json).not.toHaveProperty('invoice_number__confidence');
	});

	it('the opposite switches: raw text and confidence on, RAG and polygons off', async () => {
		const result = await run(
			extraction({ extractionOptions: { rag: 'false', rawText: 'true', polygon: 'false', confidence: 'true' } }),
		);

		expect(result.error).toBeUndefined();
		expect(onlyEnqueue(fake).fields).toEqual({
			model_id: MODELS.extraction,
			rag: 'false',
			raw_text: 'true',
			polygon: 'false',
			confidence: 'true',
		});
		const [item] = result.output[0];
		expect(typeof item.json.raw_text).toBe('string');
		expect((item.json.raw_text as string).length).toBeGreaterThan(0);
		expect(item.json).not.toHaveProperty('rag_document_id');
		expect(item.json.invoice_number__confidence).toBe('High');
	});

	it('"Model Default" sends none of the switches', async () => {
		const result = await run(
			extraction({ extractionOptions: { rag: 'default', rawText: 'default', polygon: 'default', confidence: 'default' } }),
		);

		expect(result.error).toBeUndefined();
		const { fields } = onlyEnqueue(fake);
		for (const name of EXTRACTION_ONLY_FIELDS) expect(fields).not.toHaveProperty(name);
		expect(fields).toEqual({ model_id: MODELS.extraction });
	});

	it('Text Context and Data Schema: text as is, the schema as a JSON string; the result has the schema\'s fields', async () => {
		const schema = {
			replace: {
				fields: [
					{ name: 'invoice_number', title: 'Invoice number', type: 'string', is_array: false, description: 'The number' },
					{ name: 'po_reference', title: 'PO', type: 'string', is_array: false, description: 'Purchase order' },
				],
			},
		};
		const textContext = 'Invoices from ACME put the VAT number in the footer.\nSecond line, "quoted".';
		const result = await run(extraction({ extractionOptions: { textContext, dataSchema: JSON.stringify(schema, null, 2) } }));

		expect(result.error).toBeUndefined();
		const { fields } = onlyEnqueue(fake);
		expect(fields!.text_context).toBe(textContext);
		expect(typeof fields!.data_schema).toBe('string');
		expect(JSON.parse(fields!.data_schema as string)).toEqual(schema);
		const { mindee, ...columns } = result.output[0][0].json;
		expect(Object.keys(columns).sort()).toEqual(['invoice_number', 'po_reference']);
		expect(columns).toEqual({ invoice_number: 'INT-001', po_reference: null });
		expect(mindee).toMatchObject({ product: 'extraction' });
	});

	it('a Data Schema given as an object (an expression result) is sent as a JSON string too', async () => {
		const schema = { replace: { fields: [{ name: 'total_amount', title: 'Total', type: 'number', is_array: false, description: '' }] } };
		const result = await run(extraction({ extractionOptions: { dataSchema: '={{ $json.schema }}' } }), [
			{ ...pdfItem(), json: { schema } },
		]);

		expect(result.error).toBeUndefined();
		const { fields } = onlyEnqueue(fake);
		expect(typeof fields!.data_schema).toBe('string');
		expect(JSON.parse(fields!.data_schema as string)).toEqual(schema);
	});

	it('a Data Schema that is not JSON fails with a clear message before anything is uploaded', async () => {
		const result = await run(extraction({ extractionOptions: { dataSchema: '{"replace": {"fields": [ {"name": "total", } ]}}' } }));

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Data Schema is not valid JSON/);
		expect(fake.requests).toHaveLength(0);
	});

	it('a Data Schema without replace.fields fails before anything is uploaded', async () => {
		const result = await run(extraction({ extractionOptions: { dataSchema: '{"fields": []}' } }));

		expect(result.status).toBe('error');
		expect(result.error?.message).toContain('{"replace": {"fields": [ ... ]}}');
		expect(fake.requests).toHaveLength(0);
	});

	it('Alias, File Name and Webhook IDs (a comma list) reach Mindee; the alias comes back in the output', async () => {
		const result = await run(
			extraction({
				modelId: byId(MODELS.extractionWithWebhooks),
				options: { alias: 'order-4242', fileName: 'renamed.pdf', webhookIds: ` ${MODEL_WEBHOOKS[0]} ,${MODEL_WEBHOOKS[1]}, ` },
			}),
		);

		expect(result.error).toBeUndefined();
		const enqueue = onlyEnqueue(fake);
		expect(enqueue.fields).toEqual({
			model_id: MODELS.extractionWithWebhooks,
			alias: 'order-4242',
			filename: 'renamed.pdf',
			webhook_ids: `${MODEL_WEBHOOKS[0]},${MODEL_WEBHOOKS[1]}`,
		});
		expect(onlyJob()).toMatchObject({ alias: 'order-4242', filename: 'renamed.pdf', webhookIds: MODEL_WEBHOOKS });
		expect(result.output[0][0].json.mindee).toMatchObject({ alias: 'order-4242', file_name: 'renamed.pdf' });
	});

	it('a Webhook ID that is not a UUID fails before anything is uploaded', async () => {
		const result = await run(extraction({ options: { webhookIds: `${MODEL_WEBHOOKS[0]}, my-webhook` } }));

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Not a webhook ID: my-webhook');
		expect(fake.requests).toHaveLength(0);
	});

	it('polls the job, then fetches the result from result_url, all with the key and nothing else', async () => {
		const result = await run(extraction());

		expect(result.error).toBeUndefined();
		const job = onlyJob();
		const paths = fake.requests.map((request) => `${request.method} ${request.path}`);
		expect(paths[0]).toBe('POST /v2/products/extraction/enqueue');
		const polls = paths.slice(1, -1);
		expect(polls.length).toBeGreaterThanOrEqual(1);
		expect(polls.every((path) => path === `GET /v2/jobs/${job.id}`)).toBe(true);
		expect(paths[paths.length - 1]).toBe(`GET /v2/products/extraction/results/${job.id}`);
		expect(fake.requests.every((request) => request.headers.authorization === fake.apiKey)).toBe(true);
		expect(job.resultFetchedAt).toBeDefined();
	});
});

/** When the node called a MindeeApi method and when each call was answered, in order (until `restore`). */
function traceCalls(method: 'enqueue' | 'getJob') {
	const steps: Array<{ step: 'sent' | 'answered'; at: number }> = [];
	const original = MindeeApi.prototype[method] as (...args: unknown[]) => Promise<unknown>;
	const spy = jest.spyOn(MindeeApi.prototype, method).mockImplementation(async function (this: MindeeApi, ...args: unknown[]) {
		steps.push({ step: 'sent', at: Date.now() });
		try {
			return await original.apply(this, args);
		} finally {
			steps.push({ step: 'answered', at: Date.now() });
		}
	} as never);
	return { steps, restore: () => spy.mockRestore() };
}

describe('polling', () => {
	it('never polls more often than once a second, whatever the Interval says', async () => {
		fake.configure({ processingMs: 2200 });

		// When the scheduler decided to poll, and when each poll's answer came: a poll is sent at least a
		// second after the previous answer. Arrival times at the server would also carry the jitter of a
		// busy machine, which is not the node's doing.
		const { steps, restore } = traceCalls('getJob');
		const result = await run(extraction({ pollingOptions: { initialDelaySeconds: 0.1, intervalSeconds: 0.2 } })).finally(restore);

		expect(result.error).toBeUndefined();
		const job = onlyJob();
		const polls = fake.requests.filter((request) => request.path === `/v2/jobs/${job.id}`);
		expect(polls.length).toBeGreaterThanOrEqual(2);
		expect(polls.length).toBeLessThanOrEqual(4);
		// Poll k began at least 1 s after the answer to poll k-1.
		const pollIndexes = steps.flatMap((entry, index) => (entry.step === 'sent' ? [index] : []));
		expect(pollIndexes).toHaveLength(polls.length);
		for (let k = 1; k < pollIndexes.length; k++) {
			const previousAnswer = steps.slice(0, pollIndexes[k]).filter((entry) => entry.step === 'answered').pop()!;
			expect(steps[pollIndexes[k]].at - previousAnswer.at).toBeGreaterThanOrEqual(1000);
		}
		expect(polls[polls.length - 1].status).toBe(302);
	});

	it('Parallel Documents = 1: one document at a time, each finished before the next is sent', async () => {
		const result = await run(extraction({ options: { parallelDocuments: 1 } }), [pdfItem(), pdfItem(), pdfItem()]);

		expect(result.error).toBeUndefined();
		const lines = fake.requests.map((request) => (request.method === 'POST' ? 'enqueue' : request.path.includes('/results/') ? 'result' : 'poll'));
		const compact = lines.filter((line, index) => line !== 'poll' || lines[index - 1] !== 'poll');
		expect(compact).toEqual(['enqueue', 'poll', 'result', 'enqueue', 'poll', 'result', 'enqueue', 'poll', 'result']);
		expect(result.output[0]).toHaveLength(3);
	});

	it('by default several documents are sent at once', async () => {
		// What the node did, not the order answers reached the fake: all three uploads were on their
		// way before the first of them was answered.
		const { steps, restore } = traceCalls('enqueue');
		const result = await run(extraction(), [pdfItem(), pdfItem(), pdfItem()]).finally(restore);

		expect(result.error).toBeUndefined();
		expect(steps.slice(0, 3).map((entry) => entry.step)).toEqual(['sent', 'sent', 'sent']);
		expect(enqueues(fake)).toHaveLength(3);
	});
});

describe('output', () => {
	it('Simplified (default): flat fields, nested with __, lists of flat objects, metadata under "mindee"', async () => {
		const result = await run(extraction());

		expect(result.error).toBeUndefined();
		const job = onlyJob();
		expect(result.output).toHaveLength(1);
		const [items] = result.output;
		expect(items).toHaveLength(1);
		const { json } = items[0];
		expect(json).toMatchObject({
			invoice_number: 'INT-001',
			total_amount: 204.75,
			date: '2019-02-11',
			supplier_name: 'John Smith',
			supplier_address__city: 'Albany',
			locale__currency: 'USD',
			tips_gratuity: null,
		});
		expect(json.line_items).toHaveLength(3);
		expect((json.line_items as IDataObject[])[0]).toMatchObject({ description: 'Front and rear brake cables', quantity: 1, total_price: 100 });
		expect(json.mindee).toEqual({
			product: 'extraction',
			inference_id: job.id,
			job_id: job.id,
			model_id: MODELS.extraction,
			file_name: 'invoice.pdf',
			alias: null,
			page_count: 1,
			mime_type: 'application/pdf',
		});
		// Confidence was not asked for (the fake's model default is off): no confidence columns; no raw.
		expect(Object.keys(json).some((key) => key.endsWith('__confidence'))).toBe(false);
		expect(json).not.toHaveProperty('raw');
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});

	it('Raw: Mindee\'s inference JSON unchanged', async () => {
		const result = await run(extraction({ outputMode: 'raw', extractionOptions: { polygon: 'true' } }));

		expect(result.error).toBeUndefined();
		const job = onlyJob();
		const { json } = result.output[0][0];
		expect(json.id).toBe(job.id);
		expect(json).toMatchObject({ job: { id: job.id }, model: { id: MODELS.extraction }, file: { name: 'invoice.pdf' } });
		const fields = (json.result as IDataObject).fields as IDataObject;
		expect(fields.invoice_number).toMatchObject({ value: 'INT-001' });
		expect((fields.invoice_number as IDataObject).locations).not.toEqual([]);
		expect(json.active_options).toMatchObject({ polygon: true, confidence: false });
		expect(json).not.toHaveProperty('mindee');
	});

	it('Both: the simplified fields plus the raw inference under "raw"', async () => {
		const result = await run(extraction({ outputMode: 'both' }));

		expect(result.error).toBeUndefined();
		const job = onlyJob();
		const { json } = result.output[0][0];
		expect(json.invoice_number).toBe('INT-001');
		expect((json.mindee as IDataObject).inference_id).toBe(job.id);
		expect((json.raw as IDataObject).id).toBe(job.id);
		expect(((json.raw as IDataObject).result as IDataObject).fields).toHaveProperty('line_items');
	});

	it('fields whose names clash with the node\'s own keys (mindee, raw, raw_text) become <key>_2', async () => {
		const field = (name: string) => ({ name, title: name, type: 'string', is_array: false, description: '' });
		const schema = { replace: { fields: [field('mindee'), field('raw'), field('raw_text'), field('invoice_number')] } };
		const result = await run(
			extraction({ outputMode: 'both', extractionOptions: { rawText: 'true', dataSchema: JSON.stringify(schema) } }),
		);

		expect(result.error).toBeUndefined();
		const { json } = result.output[0][0];
		expect(json).toMatchObject({ mindee_2: null, raw_2: null, raw_text_2: null, invoice_number: 'INT-001' });
		expect((json.mindee as IDataObject).product).toBe('extraction');
		expect((json.raw as IDataObject).id).toBe(onlyJob().id);
		expect(typeof json.raw_text).toBe('string');
	});

	it('Split Into Items on line_items: one item per row with the document beside it, all paired to their input', async () => {
		const result = await run(extraction({ splitListField: 'line_items' }), [pdfItem({ n: 0 }), pdfItem({ n: 1 })]);

		expect(result.error).toBeUndefined();
		const [items] = result.output;
		expect(items).toHaveLength(6);
		expect(items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 0 },
			{ item: 1 },
			{ item: 1 },
			{ item: 1 },
		]);
		const first = items[0].json;
		expect(first).not.toHaveProperty('line_items');
		expect(first).toMatchObject({
			invoice_number: 'INT-001',
			total_amount: 204.75,
			line_items__description: 'Front and rear brake cables',
			line_items__total_price: 100,
		});
		expect(items.map((item) => (item.json.mindee as IDataObject).row_index)).toEqual([0, 1, 2, 0, 1, 2]);
		expect(items.every((item) => (item.json.mindee as IDataObject).row_count === 3)).toBe(true);
		expect(items.every((item) => (item.json.mindee as IDataObject).split_field === 'line_items')).toBe(true);
		// Each input's rows come from its own job.
		const jobIds = items.map((item) => (item.json.mindee as IDataObject).job_id);
		expect(new Set(jobIds.slice(0, 3)).size).toBe(1);
		expect(new Set(jobIds.slice(3)).size).toBe(1);
		expect(jobIds[0]).not.toBe(jobIds[3]);
	});

	it('review threshold High with confidence on: a document with Medium/Low fields goes to "Needs Review"', async () => {
		const result = await run(extraction({ reviewThreshold: 'High', extractionOptions: { confidence: 'true' } }));

		expect(result.error).toBeUndefined();
		expect(onlyEnqueue(fake).fields).toMatchObject({ confidence: 'true' });
		expect(result.output).toHaveLength(2);
		const [passed, needsReview] = result.output;
		expect(passed).toHaveLength(0);
		expect(needsReview).toHaveLength(1);
		expect(needsReview[0].pairedItem).toEqual({ item: 0 });
		const review = (needsReview[0].json.mindee as IDataObject).review as IDataObject;
		expect(review).toMatchObject({ threshold: 'High', confidence_available: true });
		expect(review.low_confidence_fields).toContainEqual({ field: 'date', confidence: 'Medium', value: '2019-02-11' });
		expect(review.low_confidence_fields).toContainEqual({ field: 'customer_address__city', confidence: 'Low', value: 'New York' });
		expect(review.low_confidence_fields).not.toContainEqual(expect.objectContaining({ field: 'invoice_number' }));
		expect(needsReview[0].json.date__confidence).toBe('Medium');
	});

	it('review threshold with confidence off: the document passes (output 0) with a note saying why', async () => {
		const result = await run(extraction({ reviewThreshold: 'High', extractionOptions: { confidence: 'false' } }));

		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(2);
		const [passed, needsReview] = result.output;
		expect(needsReview).toHaveLength(0);
		expect(passed).toHaveLength(1);
		const review = (passed[0].json.mindee as IDataObject).review as IDataObject;
		expect(review).toMatchObject({ threshold: 'High', confidence_available: false, low_confidence_fields: [] });
		expect(review.note).toMatch(/Confidence Scores/);
	});

	it('review routing in raw mode routes Mindee\'s JSON untouched', async () => {
		const result = await run(
			extraction({ outputMode: 'raw', reviewThreshold: 'Medium', extractionOptions: { confidence: 'true' } }),
		);

		expect(result.error).toBeUndefined();
		const [passed, needsReview] = result.output;
		expect(passed).toHaveLength(0);
		expect(needsReview).toHaveLength(1);
		expect(needsReview[0].json).not.toHaveProperty('mindee');
		expect(needsReview[0].json.id).toBe(onlyJob().id);
	});

	it('output items keep the input item\'s files, in every output mode and on every split row', async () => {
		for (const [outputMode, splitListField] of [
			['simplified', 'line_items'],
			['raw', ''],
			['both', ''],
		]) {
			fake.reset();
			const result = await run(extraction({ outputMode, splitListField }), [
				{
					json: {},
					binary: {
						data: { data: PDF, mimeType: 'application/pdf', fileName: 'invoice.pdf' },
						extra: { data: PNG, mimeType: 'image/png', fileName: 'receipt.png' },
					},
				},
			]);

			expect(result.error).toBeUndefined();
			const [items] = result.output;
			expect(items.length).toBeGreaterThan(0);
			for (const item of items) {
				expect(Object.keys(item.binary ?? {}).sort()).toEqual(['data', 'extra']);
				expect((await readBinary(item.binary!.data)).equals(PDF)).toBe(true);
				expect((await readBinary(item.binary!.extra)).equals(PNG)).toBe(true);
			}
		}
	});

	it('several items: each gets its own job and results keep the input order even when an early one finishes last', async () => {
		// The first item's model is slow, so its job finishes after the others' (by seconds: a busy
		// machine may send the others' uploads late).
		fake.configure({
			models: defaultModels().map((model) =>
				model.id === MODELS.extractionWithWebhooks ? { ...model, processingMs: 4000 } : model,
			),
		});
		const refs = ['first', 'second', 'third', 'fourth'];
		const items = refs.map((ref, index) =>
			binaryItem(PDF, `${ref}.pdf`, 'application/pdf', {
				ref,
				model: index === 0 ? MODELS.extractionWithWebhooks : MODELS.extraction,
			}),
		);
		const result = await run(
			extraction({ modelId: byId('={{ $json.model }}'), options: { alias: '={{ $json.ref }}' } }),
			items,
		);

		expect(result.error).toBeUndefined();
		const jobs = [...fake.jobs.values()];
		expect(jobs.map((job) => job.alias).sort()).toEqual([...refs].sort());
		const slow = jobs.find((job) => job.alias === 'first')!;
		expect(slow.modelId).toBe(MODELS.extractionWithWebhooks);
		expect(jobs.filter((job) => job !== slow).every((job) => job.readyAt < slow.readyAt)).toBe(true);

		const [output] = result.output;
		expect(output.map((item) => (item.json.mindee as IDataObject).alias)).toEqual(refs);
		expect(output.map((item) => (item.json.mindee as IDataObject).file_name)).toEqual(refs.map((ref) => `${ref}.pdf`));
		expect(output.map((item) => item.pairedItem)).toEqual(refs.map((_, item) => ({ item })));
		for (const [index, item] of output.entries()) {
			const job = jobs.find((candidate) => candidate.alias === refs[index])!;
			expect((item.json.mindee as IDataObject).job_id).toBe(job.id);
		}
	});
});
