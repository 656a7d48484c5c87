/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/** "Split a list field into items": one item per row, the document's other fields beside it. */
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

function split(
	inference: MindeeInference,
	listKey: string,
	product: MindeeProduct = 'extraction',
): IDataObject[] {
	return shapeInference(inference, product, { mode: 'simplified', splitListField: listKey }).items;
}

describe('splitting a financial document on line_items', () => {
	const inference = loadInference('extraction/financial_document/complete.json');
	const rows = split(inference, 'line_items');

	it('gives one item per line, in order, with the line’s fields prefixed by the list name', () => {
		expect(rows).toHaveLength(3);
		expect(rows.map((row) => row.line_items__description)).toEqual([
			'Front and rear brake cables',
			'New set of pedal arms',
			'Labor 3hrs',
		]);
		expect(rows[0]).toMatchObject({
			line_items__quantity: 1,
			line_items__tax_rate: 1,
			line_items__tax_amount: 1.4,
			line_items__unit_price: 100,
			line_items__total_price: 100,
			line_items__product_code: 'FakeCode01',
			line_items__unit_measure: 'liter',
		});
		expect(rows[1]).toMatchObject({
			line_items__quantity: 2,
			line_items__tax_rate: null,
			line_items__product_code: null,
		});
	});

	it('copies the document’s other fields beside every line', () => {
		for (const row of rows) {
			expect(row).toMatchObject({
				invoice_number: 'INT-001',
				date: '2019-11-02',
				total_amount: 204.75,
				tips_gratuity: null,
				locale__currency: 'EUR',
				supplier_address__city: 'FakeCity',
				taxes: [{ base: 31.5, rate: 0.05, amount: 9.75 }],
			});
			expect(row).not.toHaveProperty('line_items');
		}
	});

	it('puts the line columns where the list was, so spreadsheet columns keep the document’s order', () => {
		const keys = Object.keys(rows[0]);
		expect(keys.slice(keys.indexOf('total_tax'), keys.indexOf('total_amount') + 1)).toEqual([
			'total_tax',
			'line_items__quantity',
			'line_items__tax_rate',
			'line_items__tax_amount',
			'line_items__unit_price',
			'line_items__description',
			'line_items__total_price',
			'line_items__product_code',
			'line_items__unit_measure',
			'total_amount',
		]);
	});

	it('numbers the rows in the metadata', () => {
		expect(rows.map((row) => row.mindee)).toEqual(
			[0, 1, 2].map((index) =>
				expect.objectContaining({
					split_field: 'line_items',
					row_index: index,
					row_count: 3,
					inference_id: inference.id,
				}),
			),
		);
	});

	it('keeps per-value confidence on each row when the document was scored', () => {
		const scored = split(
			loadInference('extraction/financial_document/complete_with_coordinates.json'),
			'line_items',
		);
		expect(scored).toHaveLength(3);
		expect(scored[0]).toMatchObject({
			line_items__description: 'Front and rear brake cables',
			line_items__description__confidence: 'High',
			date__confidence: 'Medium',
			customer_address__city__confidence: 'Low',
		});
	});
});

describe('splitting edge cases', () => {
	it('gives one item with the list as [] when the list is empty', () => {
		const rows = split(loadInference('extraction/financial_document/blank.json'), 'line_items');
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ line_items: [], document_type: 'other_financial' });
		expect(rows[0].mindee).toMatchObject({
			split_field: 'line_items',
			row_index: null,
			row_count: 0,
		});
	});

	it('gives one item with the field as [] when the document has no such list', () => {
		const rows = split(loadInference('extraction/standard_field_types.json'), 'line_items');
		expect(rows).toHaveLength(1);
		expect(rows[0]).toHaveProperty('line_items', []);
		expect(rows[0]).toHaveProperty('field_simple_string', 'field_simple_string-value');
	});

	it('leaves the document whole when the field is not a list', () => {
		const inference = loadInference('extraction/financial_document/complete.json');
		const [row] = split(inference, 'invoice_number');
		const [whole] = shapeInference(inference, 'extraction', { mode: 'simplified' }).items;
		expect(row).toEqual({
			...whole,
			mindee: {
				...(whole.mindee as IDataObject),
				split_field: 'invoice_number',
				row_index: null,
				row_count: 0,
			},
		});
	});

	it('never lets a split overwrite the metadata key', () => {
		const rows = split(loadInference('extraction/standard_field_types.json'), 'mindee');
		expect(rows).toHaveLength(1);
		expect(rows[0].mindee).toMatchObject({ product: 'extraction', split_field: 'mindee' });
	});

	it('splits a list of values into one value per item, with its own confidence', () => {
		const rows = split(loadInference('extraction/standard_field_types.json'), 'field_simple_list');
		expect(rows.map((row) => [row.field_simple_list, row.field_simple_list__confidence])).toEqual([
			['field_simple_list-0-value', 'Medium'],
			['field_simple_list-1-value', null],
		]);
		expect(rows[1]).toMatchObject({
			field_simple_string: 'field_simple_string-value',
			field_object__subfield_1: 'field_object-subfield_1-value',
		});
	});

	it('splits a list nested in an object by its flattened key', () => {
		const rows = split(
			loadInference('extraction/deep_nested_fields.json'),
			'field_object__sub_object_list',
		);
		expect(rows).toHaveLength(2);
		expect(rows[0]).toMatchObject({
			field_simple: 'value_1',
			field_object__sub_object_list__sub_object_list_sub_list_simple: 'value_3',
		});
		expect(rows[1]).toMatchObject({
			field_object__sub_object_list__sub_object_list_sub_list_object_subobject_2: 'value_5',
		});
	});

	it('keeps a document field whose name a row column would take, and suffixes the row column', () => {
		const base = loadInference('extraction/raw_texts.json');
		const inference: MindeeInference = {
			...base,
			result: {
				fields: {
					lines__amount: { value: 'document field', confidence: null },
					lines: {
						items: [{ fields: { amount: { value: 5, confidence: null } } }],
						confidence: null,
					},
				},
			},
		};
		const [row] = split(inference, 'lines');
		expect(row).toMatchObject({ lines__amount: 'document field', lines__amount_2: 5 });
	});

	it('ignores the split in raw mode and repeats raw on every row in both mode', () => {
		const inference = loadInference('extraction/financial_document/complete.json');
		expect(
			shapeInference(inference, 'extraction', { mode: 'raw', splitListField: 'line_items' }).items,
		).toEqual([inference]);
		const both = shapeInference(inference, 'extraction', {
			mode: 'both',
			splitListField: 'line_items',
		}).items;
		expect(both).toHaveLength(3);
		for (const row of both) expect(row.raw).toBe(inference);
	});

	it('routes every row of a document the same way and repeats the review on each', () => {
		const inference = loadInference('extraction/financial_document/complete_with_coordinates.json');
		const shaped = shapeInference(inference, 'extraction', {
			mode: 'simplified',
			splitListField: 'line_items',
			reviewThreshold: 'High',
		});
		expect(shaped.items).toHaveLength(3);
		expect(shaped.needsReview).toBe(true);
		for (const row of shaped.items) {
			expect((row.mindee as IDataObject).review).toMatchObject({
				threshold: 'High',
				confidence_available: true,
			});
		}
	});
});

describe('splitting utility results', () => {
	it('gives one item per split, with the split count beside it', () => {
		const rows = split(loadInference('split/split_multiple.json'), 'splits', 'split');
		expect(rows.map((row) => withoutKey(row, 'mindee'))).toEqual([
			{
				splits__page_start: 0,
				splits__page_end: 0,
				splits__page_count: 1,
				splits__document_type: 'passport',
				split_count: 3,
			},
			{
				splits__page_start: 1,
				splits__page_end: 3,
				splits__page_count: 3,
				splits__document_type: 'invoice',
				split_count: 3,
			},
			{
				splits__page_start: 4,
				splits__page_end: 4,
				splits__page_count: 1,
				splits__document_type: 'receipt',
				split_count: 3,
			},
		]);
	});

	it('gives one item per crop, each carrying its chained extraction', () => {
		const inference = loadInference('crop/default_sample_extraction.json');
		const rows = split(inference, 'crops', 'crop');
		const crops = inference.result.crops as IDataObject[];
		expect(rows).toHaveLength(crops.length);
		rows.forEach((row, index) => {
			const chained = (crops[index].extraction_response as IDataObject)
				.inference as MindeeInference;
			const fields = chained.result.fields as Record<string, IDataObject>;
			expect(row).toMatchObject({ crops__object_type: 'receipt', crops__page: 0, crop_count: 2 });
			expect(row.crops__extraction).toMatchObject({
				total_amount: fields.total_amount.value,
				supplier_name: fields.supplier_name.value,
				mindee: expect.objectContaining({ inference_id: chained.id }),
			});
		});
		expect((rows[0].crops__extraction as IDataObject).total_amount).toBe(14.5);
	});

	it('gives one item per OCR page, with the whole text beside it', () => {
		const inference = loadInference('ocr/ocr_multiple.json');
		const pages = (inference.result.pages as IDataObject[]).map((page) => page.content);
		const rows = split(inference, 'pages', 'ocr');
		expect(rows.map((row) => row.pages)).toEqual(pages);
		for (const row of rows) expect(row.text).toBe(pages.join('\n\n'));
	});
});
