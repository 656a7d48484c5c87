/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The Selected Fields output and the compact output an AI agent gets (shapeInference.ts,
 * selectFields.ts), on the saved Mindee invoice fixture.
 */
import { readFileSync } from 'fs';
import type { IDataObject, INode } from 'n8n-workflow';
import { join } from 'path';

import { readSelectedFields } from '../../nodes/Mindee/shared/output/parameters';
import { selectFields } from '../../nodes/Mindee/shared/output/selectFields';
import { shapeInference } from '../../nodes/Mindee/shared/output/shapeInference';
import type { MindeeInference } from '../../nodes/Mindee/shared/types';

const INVOICE: MindeeInference = (
	JSON.parse(
		readFileSync(
			join(
				__dirname,
				'../fixtures/mindee-v2/products/extraction/financial_document/complete_with_coordinates.json',
			),
			'utf8',
		),
	) as { inference: MindeeInference }
).inference;

function selected(paths: string[], binaryField?: string): IDataObject {
	const shaped = shapeInference(INVOICE, 'extraction', {
		mode: 'selectedFields',
		selectedFields: paths,
		binaryField,
	});
	expect(shaped.items).toHaveLength(1);
	return shaped.items[0];
}

const simplified = shapeInference(INVOICE, 'extraction', { mode: 'simplified' }).items[0];
const lineItems = simplified.line_items as IDataObject[];

describe('Selected Fields', () => {
	it('keeps only the listed top-level fields, nothing else (no metadata, no confidence)', () => {
		expect(selected(['supplier_name', 'total_amount'])).toEqual({
			supplier_name: 'John Smith',
			total_amount: 204.75,
		});
	});

	it('a dot goes into every row of a list; two paths into one list merge row by row', () => {
		const output = selected(['line_items.description', 'line_items.total_price']);
		expect(Object.keys(output)).toEqual(['line_items']);
		expect(output.line_items).toEqual(
			lineItems.map((row) => ({ description: row.description, total_price: row.total_price })),
		);
		expect((output.line_items as IDataObject[]).length).toBeGreaterThan(1);
	});

	it('a dot also finds a flattened subfield: supplier_address.city is supplier_address__city', () => {
		expect(selected(['supplier_address.city'])).toEqual({
			supplier_address__city: simplified.supplier_address__city,
		});
		expect(simplified.supplier_address__city).toBe('Albany');
	});

	it('confidence columns and metadata are fields like the others', () => {
		expect(
			selected(
				['total_amount__confidence', 'mindee.file_name', 'mindee.binary_field'],
				'attachment_1',
			),
		).toEqual({
			total_amount__confidence: simplified.total_amount__confidence,
			mindee: {
				file_name: (simplified.mindee as IDataObject).file_name,
				binary_field: 'attachment_1',
			},
		});
	});

	it('a path that finds nothing gives null, so every document has the same keys', () => {
		expect(selected(['supplier_name', 'no_such_field', 'line_items.no_such_column'])).toEqual({
			supplier_name: 'John Smith',
			no_such_field: null,
			line_items: lineItems.map(() => ({ no_such_column: null })),
		});
	});

	it('selectFields keeps the order the paths are listed in', () => {
		expect(Object.keys(selectFields({ a: 1, b: 2, c: 3 }, ['c', 'a']))).toEqual(['c', 'a']);
	});

	it('an empty Fields to Keep is an error that says what to write', () => {
		const node = { name: 'Mindee' } as INode;
		expect(() => readSelectedFields(node, 'selectedFields', ' , ')).toThrow(
			'Output is "Selected Fields" but no field is listed',
		);
		expect(readSelectedFields(node, 'selectedFields', 'a, line_items.b')).toEqual([
			'a',
			'line_items.b',
		]);
		expect(readSelectedFields(node, 'simplified', '')).toBeUndefined();
	});
});

describe('compact (what an AI agent gets by default)', () => {
	const compact = shapeInference(INVOICE, 'extraction', { mode: 'simplified', compact: true })
		.items[0];

	it('has every value of the simplified output and no confidence column', () => {
		const withoutConfidence = (json: unknown): unknown =>
			JSON.parse(JSON.stringify(json), (key, value: unknown) =>
				key.endsWith('__confidence') ? undefined : value,
			);
		expect(Object.keys(simplified).some((key) => key.endsWith('__confidence'))).toBe(true);
		expect(JSON.stringify(compact)).not.toContain('__confidence');
		expect(compact).toEqual(withoutConfidence(simplified));
	});

	it('is small: under 4 KB for the invoice with coordinates and confidence', () => {
		expect(JSON.stringify(INVOICE).length).toBeGreaterThan(4096);
		expect(Buffer.byteLength(JSON.stringify(compact))).toBeLessThan(4096);
	});

	it('leaves out the polygons of crops', () => {
		const crop: MindeeInference = {
			...INVOICE,
			result: {
				crops: [
					{
						object_type: 'invoice',
						location: {
							page: 0,
							polygon: [
								[0, 0],
								[1, 1],
							],
						},
					},
				],
			},
		};
		expect(
			shapeInference(crop, 'crop', { mode: 'simplified', compact: true }).items[0],
		).toMatchObject({
			crops: [{ object_type: 'invoice', page: 0 }],
		});
		expect(
			(
				shapeInference(crop, 'crop', { mode: 'simplified', compact: true }).items[0]
					.crops as IDataObject[]
			)[0],
		).not.toHaveProperty('polygon');
		expect(
			(shapeInference(crop, 'crop', { mode: 'simplified' }).items[0].crops as IDataObject[])[0]
				.polygon,
		).toEqual([
			[0, 0],
			[1, 1],
		]);
	});
});
