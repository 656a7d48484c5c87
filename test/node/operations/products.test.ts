/**
 * The utility products (classification, crop, OCR, split) and the Enqueue-only operation, through
 * n8n's execution engine against the fake Mindee server: each product posts to its own route with
 * only the fields utility products accept (https://docs.mindee.com/integrations/api-reference),
 * and its result is simplified as documented in nodes/Mindee/shared/output/shapeInference.ts.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { defaultModels } from '../../fake-mindee/fixtures';
import { readBinary, runMindeeNode, useFakeMindee } from '../harness';
import {
	binaryItem,
	credentialsOf,
	EXTRACTION_ONLY_FIELDS,
	gets,
	MODELS,
	onlyEnqueue,
	PDF,
	pdfItem,
	PNG,
	productParams,
	sha256,
} from './helpers';

const fake = useFakeMindee({ processingMs: 100 }, () => ({ models: defaultModels() }));

const UTILITIES = ['classification', 'crop', 'ocr', 'split'] as const;

/** Every extraction-only option set, as a user might have left them after switching resource. */
const ALL_EXTRACTION_OPTIONS = {
	rag: 'true',
	rawText: 'true',
	polygon: 'true',
	confidence: 'false',
	textContext: 'Only for extraction',
	dataSchema: '{"replace": {"fields": []}}',
};

async function run(parameters: INodeParameters, items = [pdfItem()]) {
	return await runMindeeNode({ parameters, items, credentials: credentialsOf(fake) });
}

function onlyJob() {
	const jobs = [...fake.jobs.values()];
	expect(jobs).toHaveLength(1);
	return jobs[0];
}

describe.each(UTILITIES)('%s', (product) => {
	it('Enqueue & Poll: posts to its own route without the extraction-only fields, then polls and fetches its result', async () => {
		const result = await run(
			productParams(product, {
				extractionOptions: ALL_EXTRACTION_OPTIONS,
				options: { alias: `${product}-alias` },
			}),
		);

		expect(result.error).toBeUndefined();
		const enqueue = onlyEnqueue(fake);
		expect(enqueue.path).toBe(`/v2/products/${product}/enqueue`);
		expect(enqueue.status).toBe(202);
		for (const field of EXTRACTION_ONLY_FIELDS) expect(enqueue.fields).not.toHaveProperty(field);
		expect(enqueue.fields).toEqual({ model_id: MODELS[product], alias: `${product}-alias` });
		expect(enqueue.file).toMatchObject({ filename: 'invoice.pdf', size: PDF.length, sha256: sha256(PDF) });

		const job = onlyJob();
		expect(job.product).toBe(product);
		expect(gets(fake).map((request) => request.path)).toContain(`/v2/products/${product}/results/${job.id}`);

		const [items] = result.output;
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json.mindee).toMatchObject({
			product,
			inference_id: job.id,
			job_id: job.id,
			model_id: MODELS[product],
			file_name: 'invoice.pdf',
			alias: `${product}-alias`,
		});
		expect((await readBinary(items[0].binary!.data)).equals(PDF)).toBe(true);
	});

	it('Enqueue: outputs the Processing job at once; no status check, no result fetch', async () => {
		const result = await run(productParams(product, { operation: 'enqueue', extractionOptions: ALL_EXTRACTION_OPTIONS }));

		expect(result.error).toBeUndefined();
		const enqueue = onlyEnqueue(fake);
		expect(enqueue.path).toBe(`/v2/products/${product}/enqueue`);
		expect(enqueue.fields).toEqual({ model_id: MODELS[product] });
		expect(gets(fake)).toHaveLength(0);

		const job = onlyJob();
		expect(result.output).toHaveLength(1);
		const [items] = result.output;
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json).toMatchObject({
			id: job.id,
			model_id: MODELS[product],
			filename: 'invoice.pdf',
			status: 'Processing',
			result_url: null,
			polling_url: `${fake.url}/v2/jobs/${job.id}`,
		});
		expect(job.pollCount).toBe(0);
	});
});

describe('utility results, simplified', () => {
	it('classification: document_type at the top level', async () => {
		const result = await run(productParams('classification'));

		expect(result.error).toBeUndefined();
		const { mindee, ...columns } = result.output[0][0].json;
		expect(columns).toEqual({ document_type: 'invoice' });
		expect(mindee).toMatchObject({ product: 'classification' });
	});

	it('split: splits with 0-based page ranges spelt out, and split_count', async () => {
		const result = await run(productParams('split'));

		expect(result.error).toBeUndefined();
		const { json } = result.output[0][0];
		expect(json.splits).toEqual([
			{ page_start: 0, page_end: 0, page_count: 1, document_type: 'passport' },
			{ page_start: 1, page_end: 3, page_count: 3, document_type: 'invoice' },
			{ page_start: 4, page_end: 4, page_count: 1, document_type: 'receipt' },
		]);
		expect(json.split_count).toBe(3);
	});

	it('split into items on "splits": one item per document found', async () => {
		const result = await run(productParams('split', { splitListField: 'splits' }));

		expect(result.error).toBeUndefined();
		const [items] = result.output;
		expect(items.map((item) => item.json.splits__document_type)).toEqual(['passport', 'invoice', 'receipt']);
		expect(items.map((item) => item.json.splits__page_start)).toEqual([0, 1, 4]);
		expect(items.every((item) => item.json.split_count === 3)).toBe(true);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
	});

	it('crop: crops with object type, page and polygon, and crop_count', async () => {
		const result = await run(productParams('crop'), [binaryItem(PNG, 'receipt.png', 'image/png')]);

		expect(result.error).toBeUndefined();
		expect(onlyEnqueue(fake).file).toMatchObject({ filename: 'receipt.png', sha256: sha256(PNG), contentType: 'image/png' });
		const { json } = result.output[0][0];
		const crops = json.crops as IDataObject[];
		expect(crops.map((crop) => crop.object_type)).toEqual(['invoice', 'receipt']);
		expect(crops.every((crop) => crop.page === 0)).toBe(true);
		expect(crops.every((crop) => Array.isArray(crop.polygon) && (crop.polygon as unknown[]).length >= 3)).toBe(true);
		expect(json.crop_count).toBe(2);
		expect(json.mindee).toMatchObject({ product: 'crop', mime_type: 'image/png', file_name: 'receipt.png' });
	});

	it('ocr: the text of each page in pages, and all of it in text', async () => {
		const result = await run(productParams('ocr'));

		expect(result.error).toBeUndefined();
		const { json } = result.output[0][0];
		const pages = json.pages as string[];
		expect(pages).toHaveLength(1);
		expect(pages[0]).toMatch(/^Shipper: GLOBAL FREIGHT SOLUTIONS INC\./);
		expect(json.text).toBe(pages.join('\n\n'));
	});

	it('raw mode: Mindee\'s utility result untouched', async () => {
		const result = await run(productParams('classification', { outputMode: 'raw' }));

		expect(result.error).toBeUndefined();
		const { json } = result.output[0][0];
		expect(json.id).toBe(onlyJob().id);
		expect(json.result).toEqual({ classification: { document_type: 'invoice' } });
	});
});

describe('a utility model chained to an extraction model', () => {
	const chain = (product: 'classification' | 'crop', fixture: string) =>
		fake.configure({
			models: defaultModels().map((model) => (model.id === MODELS[product] ? { ...model, resultFixture: fixture } : model)),
		});

	it('classification: the chained extraction is simplified under "extraction", with its own metadata', async () => {
		chain('classification', 'products/classification/default_sample_extraction.json');

		const result = await run(productParams('classification'));

		expect(result.error).toBeUndefined();
		const { json } = result.output[0][0];
		expect(json.document_type).toBe('invoice');
		expect(json.extraction).toMatchObject({
			invoice_number: '14',
			total_amount: 2608.2,
			supplier_name: 'Turnpike Designs Co.',
			mindee: { product: 'extraction', inference_id: 'ac258aa9-f3f2-4d96-9ac0-5fea28e4dbc6' },
		});
		expect(json.mindee).toMatchObject({ product: 'classification', inference_id: onlyJob().id });
	});

	it('crop, split into items on "crops": one item per receipt found, each with its own extraction', async () => {
		chain('crop', 'products/crop/default_sample_extraction.json');

		const result = await run(productParams('crop', { splitListField: 'crops' }), [binaryItem(PNG, 'receipts.png', 'image/png')]);

		expect(result.error).toBeUndefined();
		const [items] = result.output;
		expect(items).toHaveLength(2);
		expect(items.map((item) => item.json.crops__object_type)).toEqual(['receipt', 'receipt']);
		expect(items.map((item) => (item.json.crops__extraction as IDataObject).supplier_name)).toEqual([
			'CHEZ ALAIN MIAM MIAM',
			'La cerise sur la pizza',
		]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }]);
	});
});

describe('extraction, Enqueue only', () => {
	it('sends the extraction options and returns the job without polling', async () => {
		const result = await run(
			productParams('extraction', {
				operation: 'enqueue',
				extractionOptions: { confidence: 'true', textContext: 'ctx' },
				options: { alias: 'later' },
			}),
		);

		expect(result.error).toBeUndefined();
		expect(onlyEnqueue(fake).fields).toEqual({
			model_id: MODELS.extraction,
			alias: 'later',
			confidence: 'true',
			text_context: 'ctx',
		});
		expect(gets(fake)).toHaveLength(0);
		expect(result.output[0][0].json).toMatchObject({ id: onlyJob().id, status: 'Processing', alias: 'later' });
	});
});
