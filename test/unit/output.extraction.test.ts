/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/** Exact simplified output for extraction results, derived by reading the saved Mindee fixtures. */
import { readFileSync } from 'fs';
import type { IDataObject } from 'n8n-workflow';
import { join } from 'path';

import { shapeInference } from '../../nodes/Mindee/shared/output/shapeInference';
import type { MindeeInference } from '../../nodes/Mindee/shared/types';
import { withoutKey } from '../withoutKey';

const EXTRACTION_DIR = join(__dirname, '../fixtures/mindee-v2/products/extraction');

function loadInference(name: string): MindeeInference {
	return (
		JSON.parse(readFileSync(join(EXTRACTION_DIR, name), 'utf8')) as { inference: MindeeInference }
	).inference;
}

function simplify(inference: MindeeInference): IDataObject {
	const shaped = shapeInference(inference, 'extraction', { mode: 'simplified' });
	expect(shaped.items).toHaveLength(1);
	return shaped.items[0];
}

const TEST_METADATA = {
	product: 'extraction',
	inference_id: '12345678-1234-1234-1234-123456789abc',
	job_id: '12345678-1234-1234-1234-jobid1234567',
	model_id: 'test-model-id',
	file_name: 'test-file-name.jpg',
	alias: null,
	page_count: 1,
	mime_type: 'image/jpeg',
};

/** A minimal extraction result around the given fields, for cases no fixture covers. */
function inferenceWith(fields: IDataObject, activeOptions: IDataObject = {}): MindeeInference {
	const base = loadInference('raw_texts.json');
	return {
		...base,
		result: { fields, raw_text: null, rag: null },
		active_options: { ...base.active_options, ...activeOptions },
	};
}

describe('standard_field_types.json in simplified mode', () => {
	// Confidence is off in active_options, but the fields carry levels, so confidence columns appear.
	const expected = {
		field_simple_string: 'field_simple_string-value',
		field_simple_string__confidence: 'Certain',
		field_simple_float: 1.1,
		field_simple_float__confidence: 'High',
		field_simple_int: 12,
		field_simple_int__confidence: 'Medium',
		field_simple_zero: 0,
		field_simple_zero__confidence: 'Low',
		field_simple_bool: true,
		field_simple_bool__confidence: null,
		field_simple_null: null,
		field_simple_null__confidence: null,
		field_simple_list: ['field_simple_list-0-value', 'field_simple_list-1-value'],
		field_simple_list__confidence: ['Medium', null],
		field_object__subfield_1: 'field_object-subfield_1-value',
		field_object__subfield_1__confidence: 'High',
		field_object__subfield_2: 'field_object-subfield_2-value',
		field_object__subfield_2__confidence: null,
		field_object_list: [
			{
				subfield_1: 'field_object_list-0-subfield_1-value',
				subfield_1__confidence: 'Low',
				subfield_2: 'field_object_list-0-subfield_2-value',
				subfield_2__confidence: null,
			},
			{
				subfield_1: 'field_object_list-1-subfield_1-value',
				subfield_1__confidence: null,
				subfield_2: 'field_object_list-1-subfield_2-value',
				subfield_2__confidence: null,
			},
		],
		mindee: TEST_METADATA,
	};

	it('is exactly the flat object, keys in Mindee order, metadata last', () => {
		const simplified = simplify(loadInference('standard_field_types.json'));
		expect(simplified).toEqual(expected);
		expect(Object.keys(simplified)).toEqual(Object.keys(expected));
	});

	it('keeps falsy values as they are: 0, false-y and null are not dropped or coerced', () => {
		const simplified = simplify(loadInference('standard_field_types.json'));
		expect(simplified).toHaveProperty('field_simple_zero', 0);
		expect(simplified).toHaveProperty('field_simple_null', null);
	});

	it('leaves locations out of the simplified output', () => {
		expect(JSON.stringify(simplify(loadInference('standard_field_types.json')))).not.toMatch(
			/polygon|locations/,
		);
	});
});

describe('deep_nested_fields.json in simplified mode', () => {
	it('flattens objects in objects with __ at every depth, and lists of objects into flat rows', () => {
		const simplified = simplify(loadInference('deep_nested_fields.json'));
		expect(simplified).toEqual({
			field_simple: 'value_1',
			field_object__sub_object_simple: 'value_2',
			field_object__sub_object_list: [
				{ sub_object_list_sub_list_simple: 'value_3' },
				{
					sub_object_list_sub_list_object_subobject_1: 'value_4',
					sub_object_list_sub_list_object_subobject_2: 'value_5',
				},
			],
			field_object__sub_object_object__sub_object_object_sub_object_simple: 'value_6',
			field_object__sub_object_object__sub_object_object_sub_object_object__sub_object_object_sub_object_object_simple_1:
				'value_7',
			field_object__sub_object_object__sub_object_object_sub_object_object__sub_object_object_sub_object_object_simple_2:
				'value_8',
			field_object__sub_object_object__sub_object_object_sub_object_list: [
				{
					sub_object_object_sub_object_list_simple: 'value_9',
					sub_object_object_sub_object_list_object__sub_object_object_sub_object_list_object_subobject_1:
						'value_10',
					sub_object_object_sub_object_list_object__sub_object_object_sub_object_list_object_subobject_2:
						'value_11',
				},
			],
			mindee: TEST_METADATA,
		});
	});
});

describe('null values and unscored documents', () => {
	it('keeps every field of a blank financial document, null as null and empty lists as []', () => {
		const simplified = simplify(loadInference('financial_document/blank.json'));
		expect(simplified).toMatchObject({
			date: null,
			total_amount: null,
			document_type: 'other_financial',
			locale__currency: null,
			customer_address__city: null,
			supplier_address__complete: null,
			line_items: [],
			taxes: [],
		});
		// 21 fields, of which locale (3 subfields) and the two addresses (9 each) flatten: 18 + 21 columns, plus mindee.
		expect(Object.keys(simplified)).toHaveLength(40);
	});

	it('adds no confidence columns when Mindee did not score the document', () => {
		const simplified = simplify(loadInference('financial_document/default_sample.json'));
		expect(Object.keys(simplified).some((key) => key.includes('confidence'))).toBe(false);
		const rows = simplified.line_items as IDataObject[];
		expect(rows.length).toBeGreaterThan(0);
		expect(Object.keys(rows[0]).some((key) => key.includes('confidence'))).toBe(false);
	});

	it('adds null confidence columns when confidence was on but a field has no level', () => {
		const simplified = simplify(
			inferenceWith(
				{ total: { value: 10, confidence: null, locations: [] } },
				{ confidence: true },
			),
		);
		expect(simplified).toMatchObject({ total: 10, total__confidence: null });
	});

	it('keeps an object without subfields visible instead of dropping it', () => {
		expect(
			simplify(inferenceWith({ empty_object: { fields: {}, confidence: null } })),
		).toHaveProperty('empty_object', {});
	});
});

describe('raw text and RAG', () => {
	it('joins raw text pages with a blank line, as Mindee’s own text rendering does', () => {
		const expectedText = readFileSync(join(EXTRACTION_DIR, 'raw_texts.txt'), 'utf8').trimEnd();
		expect(simplify(loadInference('raw_texts.json'))).toMatchObject({
			field_simple: null,
			raw_text: expectedText,
		});
		expect(expectedText).toBe(
			'This is the raw text of the first page...\n\nA different content for the second page...',
		);
	});

	it('gives the matched RAG document id, null when RAG matched nothing, and no key when RAG was off', () => {
		expect(simplify(loadInference('rag_matched.json'))).toHaveProperty(
			'rag_document_id',
			'12345abc-1234-1234-1234-123456789abc',
		);
		expect(simplify(loadInference('rag_not_matched.json'))).toHaveProperty('rag_document_id', null);
		const ragOff = simplify(loadInference('standard_field_types.json'));
		expect(ragOff).not.toHaveProperty('rag_document_id');
		expect(ragOff).not.toHaveProperty('raw_text');
	});
});

describe('modes', () => {
	it('raw is the inference object itself; both adds it under raw', () => {
		const inference = loadInference('standard_field_types.json');
		expect(shapeInference(inference, 'extraction', { mode: 'raw' }).items).toEqual([inference]);
		const [both] = shapeInference(inference, 'extraction', { mode: 'both' }).items;
		expect(both.raw).toBe(inference);
		expect(both.field_object__subfield_1).toBe('field_object-subfield_1-value');
		expect(Object.keys(both).slice(-2)).toEqual(['mindee', 'raw']);
	});

	it('does not change the inference it is given', () => {
		const inference = loadInference('financial_document/complete_with_coordinates.json');
		const before = JSON.stringify(inference);
		shapeInference(inference, 'extraction', {
			mode: 'both',
			splitListField: 'line_items',
			reviewThreshold: 'High',
		});
		expect(JSON.stringify(inference)).toBe(before);
	});

	it('carries the alias and a missing job id through to the metadata', () => {
		const inference = loadInference('standard_field_types.json');
		const withoutJob = withoutKey(inference, 'job');
		const aliased = {
			...withoutJob,
			file: { ...inference.file, alias: 'PO-1234' },
		} as MindeeInference;
		expect(simplify(aliased).mindee).toEqual({ ...TEST_METADATA, job_id: null, alias: 'PO-1234' });
	});
});

describe('field names that clash', () => {
	const clashing = inferenceWith({
		mindee: { value: 'a field called mindee', confidence: 'High' },
		raw: { value: 'a field called raw', confidence: 'High' },
		address: { fields: { city: { value: 'Paris', confidence: 'Low' } }, confidence: 'Low' },
		address__city: { value: 'a field called address__city', confidence: 'Certain' },
		total: { value: 10, confidence: 'Medium' },
		total__confidence: { value: 'a field called total__confidence', confidence: 'Low' },
	});

	it('gives the node’s keys priority, then earlier fields, then values over confidence columns', () => {
		const [item] = shapeInference(clashing, 'extraction', { mode: 'both' }).items;
		expect(item).toEqual({
			mindee_2: 'a field called mindee',
			mindee_2__confidence: 'High',
			raw_2: 'a field called raw',
			raw_2__confidence: 'High',
			address__city: 'Paris',
			address__city__confidence: 'Low',
			address__city_2: 'a field called address__city',
			address__city_2__confidence: 'Certain',
			total: 10,
			total__confidence_2: 'Medium',
			total__confidence: 'a field called total__confidence',
			total__confidence__confidence: 'Low',
			mindee: expect.objectContaining({ product: 'extraction' }),
			raw: clashing,
		});
	});

	it('resolves the same way every time', () => {
		const first = shapeInference(clashing, 'extraction', { mode: 'simplified' }).items[0];
		const second = shapeInference(clashing, 'extraction', { mode: 'simplified' }).items[0];
		expect(Object.keys(second)).toEqual(Object.keys(first));
	});
});
