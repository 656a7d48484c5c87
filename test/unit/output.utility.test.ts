/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/** Classification, split, crop and OCR results in simplified mode. */
import { readFileSync } from 'fs';
import type { IDataObject } from 'n8n-workflow';
import { join } from 'path';

import { shapeInference } from '../../nodes/Mindee/shared/output/shapeInference';
import type { MindeeProduct } from '../../nodes/Mindee/shared/products';
import type { MindeeInference } from '../../nodes/Mindee/shared/types';
import { withoutKey } from '../withoutKey';

const PRODUCTS_DIR = join(__dirname, '../fixtures/mindee-v2/products');

function loadInference(name: string): MindeeInference {
	return (
		JSON.parse(readFileSync(join(PRODUCTS_DIR, name), 'utf8')) as { inference: MindeeInference }
	).inference;
}

function simplify(name: string, product: MindeeProduct): IDataObject {
	const { items } = shapeInference(loadInference(name), product, { mode: 'simplified' });
	expect(items).toHaveLength(1);
	return items[0];
}

const withoutMetadata = (item: IDataObject) => withoutKey(item, 'mindee');

describe('classification', () => {
	it('puts the document type at the top level, for a Switch node', () => {
		const item = simplify('classification/default_sample.json', 'classification');
		expect(item).toEqual({
			document_type: 'invoice',
			mindee: {
				product: 'classification',
				inference_id: '12345678-1234-1234-1234-123456789abc',
				job_id: '12345678-1234-1234-1234-jobid1234567',
				model_id: 'test-model-id',
				file_name: 'default_sample.jpg',
				alias: null,
				page_count: 1,
				mime_type: 'image/jpeg',
			},
		});
	});

	it('simplifies a chained extraction under extraction, with its own metadata', () => {
		const item = simplify('classification/default_sample_extraction.json', 'classification');
		expect(item.document_type).toBe('invoice');
		expect(item.extraction).toMatchObject({
			document_type: 'invoice',
			invoice_number: '14',
			total_amount: 2608.2,
			customer_address__city: 'Toronto',
			reference_numbers: ['AD29094'],
			mindee: {
				product: 'extraction',
				inference_id: 'ac258aa9-f3f2-4d96-9ac0-5fea28e4dbc6',
				file_name: 'default_invoice.jpg',
			},
		});
		expect((item.extraction as IDataObject).line_items).toHaveLength(3);
	});
});

describe('split', () => {
	it('lists each split’s 0-based page range, page count and type', () => {
		expect(withoutMetadata(simplify('split/split_multiple.json', 'split'))).toEqual({
			splits: [
				{ page_start: 0, page_end: 0, page_count: 1, document_type: 'passport' },
				{ page_start: 1, page_end: 3, page_count: 3, document_type: 'invoice' },
				{ page_start: 4, page_end: 4, page_count: 1, document_type: 'receipt' },
			],
			split_count: 3,
		});
	});

	it('adds each split’s chained extraction to its entry', () => {
		const { splits } = simplify('split/default_sample_extraction.json', 'split') as {
			splits: IDataObject[];
		};
		expect(splits).toHaveLength(2);
		expect(splits[0]).toMatchObject({
			page_start: 0,
			page_end: 0,
			page_count: 1,
			document_type: 'invoice',
		});
		expect(splits[0].extraction).toMatchObject({
			date: '2020-02-17',
			total_net: 489.97,
			mindee: { file_name: 'default_sample.pdf_split_0_1' },
		});
		expect(splits[1].extraction).toMatchObject({
			mindee: { inference_id: '7d634d14-3d62-41e2-8588-e7dcd5cfe148' },
		});
	});
});

describe('crop', () => {
	it('lists each object with its type, page and polygon', () => {
		expect(withoutMetadata(simplify('crop/crop_multiple.json', 'crop'))).toEqual({
			crops: [
				{
					object_type: 'invoice',
					page: 0,
					polygon: [
						[0.214, 0.079],
						[0.476, 0.079],
						[0.476, 0.979],
						[0.214, 0.979],
					],
				},
				{
					object_type: 'receipt',
					page: 0,
					polygon: [
						[0.547, 0.15],
						[0.862, 0.15],
						[0.862, 0.97],
						[0.547, 0.97],
					],
				},
			],
			crop_count: 2,
		});
	});

	it('keeps the page of every crop of a multi-page file', () => {
		const { crops, crop_count } = simplify('crop/multipage_sample.json', 'crop') as {
			crops: IDataObject[];
			crop_count: number;
		};
		expect(crops.map((crop) => crop.page)).toEqual([0, 0, 0, 1, 1]);
		expect(crop_count).toBe(5);
	});

	it('adds each crop’s chained extraction to its entry', () => {
		const { crops } = simplify('crop/default_sample_extraction.json', 'crop') as {
			crops: IDataObject[];
		};
		expect(crops[1]).toMatchObject({ object_type: 'receipt', page: 0 });
		expect(crops[1].extraction).toMatchObject({
			supplier_name: 'La cerise sur la pizza',
			total_amount: 13.5,
		});
	});
});

describe('ocr', () => {
	it('gives the page texts and all the text, without word polygons', () => {
		const inference = loadInference('ocr/ocr_multiple.json');
		const contents = (inference.result.pages as IDataObject[]).map(
			(page) => page.content as string,
		);
		const item = simplify('ocr/ocr_multiple.json', 'ocr');
		expect(withoutMetadata(item)).toEqual({ pages: contents, text: contents.join('\n\n') });
		expect(contents).toHaveLength(3);
		expect(contents[0].startsWith('FICTIOCORP\n')).toBe(true);
		expect(item.mindee).toMatchObject({ product: 'ocr', page_count: 3 });
	});

	it('gives a single page’s text as both the page and the whole text', () => {
		const item = simplify('ocr/ocr_single.json', 'ocr');
		expect(item.pages as string[]).toHaveLength(1);
		expect(item.text).toBe((item.pages as string[])[0]);
		expect(item.text).toMatch(/^Shipper: GLOBAL FREIGHT SOLUTIONS INC\./);
	});
});

describe('a result that does not match the expected product', () => {
	it('is shaped by what it contains, so no field is hidden', () => {
		const item = shapeInference(loadInference('split/split_multiple.json'), 'extraction', {
			mode: 'simplified',
		}).items[0];
		expect(item.split_count).toBe(3);
		expect(item.mindee).toMatchObject({ product: 'split' });
	});

	it('gives empty shapes, not an exception, for an empty result', () => {
		const inference = { ...loadInference('crop/crop_single.json'), result: {} };
		expect(
			withoutMetadata(shapeInference(inference, 'crop', { mode: 'simplified' }).items[0]),
		).toEqual({ crops: [], crop_count: 0 });
		expect(
			withoutMetadata(shapeInference(inference, 'extraction', { mode: 'simplified' }).items[0]),
		).toEqual({});
	});
});
