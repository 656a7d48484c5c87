/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/** Confidence review routing: documents with a field under the threshold go to "Needs review". */
import { readFileSync } from 'fs';
import type { IDataObject } from 'n8n-workflow';
import { join } from 'path';

import type {
	ConfidenceLevel,
	ShapedDocument,
} from '../../nodes/Mindee/shared/output/shapeInference';
import { shapeInference } from '../../nodes/Mindee/shared/output/shapeInference';
import type { MindeeProduct } from '../../nodes/Mindee/shared/products';
import type { MindeeInference } from '../../nodes/Mindee/shared/types';

const PRODUCTS_DIR = join(__dirname, '../fixtures/mindee-v2/products');

function loadInference(name: string): MindeeInference {
	return (
		JSON.parse(readFileSync(join(PRODUCTS_DIR, name), 'utf8')) as { inference: MindeeInference }
	).inference;
}

function route(
	inference: MindeeInference,
	threshold: ConfidenceLevel,
	product: MindeeProduct = 'extraction',
): ShapedDocument {
	return shapeInference(inference, product, { mode: 'simplified', reviewThreshold: threshold });
}

const lowNames = (shaped: ShapedDocument) =>
	shaped.review!.lowConfidenceFields.map((low) => low.field);

describe('complete_with_coordinates.json: a scored invoice (High, Medium and Low, no unscored value)', () => {
	const inference = loadInference('extraction/financial_document/complete_with_coordinates.json');
	const ADDRESS_PARTS = [
		'city',
		'state',
		'po_box',
		'country',
		'postal_code',
		'street_name',
		'street_number',
		'address_complement',
	];

	it('Low: nothing is under Low, so the document passes', () => {
		const shaped = route(inference, 'Low');
		expect(shaped.needsReview).toBe(false);
		expect(shaped.review).toEqual({
			threshold: 'Low',
			lowConfidenceFields: [],
			confidenceAvailable: true,
		});
	});

	it('Medium: the two Low addresses, the objects and each of their values', () => {
		const shaped = route(inference, 'Medium');
		expect(shaped.needsReview).toBe(true);
		expect(lowNames(shaped)).toEqual([
			'customer_address',
			...['city', 'state', 'value', ...ADDRESS_PARTS.slice(2)].map(
				(part) => `customer_address__${part}`,
			),
			'supplier_address',
			...['city', 'state', 'po_box', 'country', 'complete', ...ADDRESS_PARTS.slice(4)].map(
				(part) => `supplier_address__${part}`,
			),
		]);
		expect(shaped.review!.lowConfidenceFields.every((low) => low.confidence === 'Low')).toBe(true);
	});

	it('High (Mindee’s advice: people check Medium and Low): adds the Medium dates, locale and categories', () => {
		const shaped = route(inference, 'High');
		expect(shaped.needsReview).toBe(true);
		expect(shaped.review!.lowConfidenceFields).toHaveLength(28);
		expect(shaped.review!.lowConfidenceFields).toEqual(
			expect.arrayContaining([
				{ field: 'date', confidence: 'Medium', value: '2019-02-11' },
				{ field: 'due_date', confidence: 'Medium', value: '2019-02-26' },
				{ field: 'locale', confidence: 'Medium' },
				{ field: 'locale__currency', confidence: 'Medium', value: 'USD' },
				{ field: 'purchase_category', confidence: 'Medium', value: 'miscellaneous' },
				{ field: 'purchase_subcategory', confidence: 'Medium', value: 'other' },
				{ field: 'customer_address__city', confidence: 'Low', value: 'New York' },
			]),
		);
		expect(lowNames(shaped)).not.toContain('total_amount');
	});

	it('Certain: every scored value, object, list and row (none is Certain)', () => {
		const shaped = route(inference, 'Certain');
		expect(shaped.review!.lowConfidenceFields).toHaveLength(73);
		expect(shaped.review!.lowConfidenceFields).toEqual(
			expect.arrayContaining([
				{ field: 'total_amount', confidence: 'High', value: 204.75 },
				{ field: 'line_items', confidence: 'High' },
				{ field: 'line_items[0]', confidence: 'High' },
				{ field: 'line_items[2].description', confidence: 'High', value: 'Labor 3hrs' },
				{ field: 'taxes[0].rate', confidence: 'High', value: 0.05 },
				{ field: 'supplier_company_registration', confidence: 'High' },
			]),
		);
	});

	it('writes the review into the item so the "Needs review" branch can show it', () => {
		const [item] = route(inference, 'High').items;
		const review = (item.mindee as IDataObject).review as IDataObject;
		expect(review).toMatchObject({ threshold: 'High', confidence_available: true });
		// With the value, as the simplified document has it: what a person checking it corrects.
		expect(review.low_confidence_fields).toContainEqual({
			field: 'date',
			confidence: 'Medium',
			value: '2019-02-11',
		});
		expect(review.low_confidence_fields).toContainEqual({ field: 'locale', confidence: 'Medium' });
		expect(review).not.toHaveProperty('note');
	});

	it('routes in raw mode too, leaving the raw item untouched', () => {
		const shaped = shapeInference(inference, 'extraction', {
			mode: 'raw',
			reviewThreshold: 'High',
		});
		expect(shaped.needsReview).toBe(true);
		expect(shaped.items).toEqual([inference]);
	});

	it('treats a threshold that is not a level as no threshold', () => {
		const shaped = shapeInference(inference, 'extraction', {
			mode: 'simplified',
			reviewThreshold: 'none' as ConfidenceLevel,
		});
		expect(shaped.needsReview).toBe(false);
		expect(shaped).not.toHaveProperty('review');
	});

	it('does not route or annotate when no threshold is set', () => {
		for (const reviewThreshold of ['', undefined] as const) {
			const shaped = shapeInference(inference, 'extraction', {
				mode: 'simplified',
				reviewThreshold,
			});
			expect(shaped.needsReview).toBe(false);
			expect(shaped.review).toBeUndefined();
			expect(shaped.items[0].mindee).not.toHaveProperty('review');
		}
	});
});

describe('standard_field_types.json: levels mixed with unscored values', () => {
	const inference = loadInference('extraction/standard_field_types.json');
	const UNSCORED = [
		'field_simple_bool',
		'field_simple_null',
		'field_simple_list[1]',
		'field_object__subfield_2',
		'field_object_list[0].subfield_2',
		'field_object_list[1].subfield_1',
		'field_object_list[1].subfield_2',
	];

	it.each([
		['Low', [] as string[]],
		['Medium', ['field_simple_zero', 'field_object_list[0].subfield_1']],
		[
			'High',
			[
				'field_simple_int',
				'field_simple_zero',
				'field_simple_list[0]',
				'field_object_list[0].subfield_1',
			],
		],
		[
			'Certain',
			[
				'field_simple_float',
				'field_simple_int',
				'field_simple_zero',
				'field_simple_list[0]',
				'field_object__subfield_1',
				'field_object_list[0].subfield_1',
			],
		],
	] as Array<[ConfidenceLevel, string[]]>)(
		'%s: the scored values under it plus every unscored value',
		(threshold, scoredLow) => {
			const shaped = route(inference, threshold);
			expect(shaped.needsReview).toBe(true);
			expect([...lowNames(shaped)].sort()).toEqual([...scoredLow, ...UNSCORED].sort());
			expect(lowNames(shaped)).not.toContain('field_simple_string');
		},
	);

	it('reports the level Mindee gave, or null', () => {
		expect(route(inference, 'High').review!.lowConfidenceFields.slice(0, 3)).toEqual([
			{ field: 'field_simple_int', confidence: 'Medium', value: 12 },
			{ field: 'field_simple_zero', confidence: 'Low', value: 0 },
			{ field: 'field_simple_bool', confidence: null, value: true },
		]);
	});
});

describe('documents without confidence scores', () => {
	it.each(['Certain', 'High', 'Medium', 'Low'] as ConfidenceLevel[])(
		'%s: an unscored extraction is not routed, and the item says why',
		(threshold) => {
			const shaped = route(
				loadInference('extraction/financial_document/default_sample.json'),
				threshold,
			);
			expect(shaped.needsReview).toBe(false);
			expect(shaped.review).toEqual({
				threshold,
				lowConfidenceFields: [],
				confidenceAvailable: false,
			});
			const review = (shaped.items[0].mindee as IDataObject).review as IDataObject;
			expect(review).toMatchObject({
				threshold,
				confidence_available: false,
				low_confidence_fields: [],
			});
			expect(review.note).toMatch(/no confidence scores.*Confidence Scores/);
		},
	);

	it('treats every value as unchecked when confidence was on but no level came back', () => {
		const inference = loadInference('extraction/rag_matched.json');
		const scored = {
			...inference,
			active_options: { ...inference.active_options, confidence: true },
		};
		const shaped = route(scored, 'Low');
		expect(shaped.needsReview).toBe(true);
		expect(shaped.review!.lowConfidenceFields).toEqual([
			{ field: 'field_simple', confidence: null, value: null },
		]);
	});

	it('says a classification without a chained extraction is never scored', () => {
		const shaped = route(
			loadInference('classification/default_sample.json'),
			'High',
			'classification',
		);
		expect(shaped.needsReview).toBe(false);
		expect(shaped.review!.confidenceAvailable).toBe(false);
		expect(((shaped.items[0].mindee as IDataObject).review as IDataObject).note).toMatch(
			/no extraction model is chained/,
		);
	});

	it('says a chained extraction was not scored when that is the reason', () => {
		const shaped = route(loadInference('split/default_sample_extraction.json'), 'High', 'split');
		expect(shaped.needsReview).toBe(false);
		expect(((shaped.items[0].mindee as IDataObject).review as IDataObject).note).toMatch(
			/no confidence scores/,
		);
	});
});

describe('chained extractions', () => {
	it('judges each split’s extraction and names fields by their path in the split', () => {
		const inference = loadInference('split/default_sample_extraction.json');
		const scored = JSON.parse(JSON.stringify(inference)) as MindeeInference;
		const second = ((scored.result.splits as IDataObject[])[1].extraction_response as IDataObject)
			.inference as MindeeInference;
		(second.result.fields as Record<string, IDataObject>).total_amount.confidence = 'Low';

		const shaped = route(scored, 'Medium', 'split');
		expect(shaped.review!.confidenceAvailable).toBe(true);
		expect(shaped.needsReview).toBe(true);
		expect(shaped.review!.lowConfidenceFields).toContainEqual({
			field: 'splits[1].extraction.total_amount',
			confidence: 'Low',
			value: (second.result.fields as Record<string, IDataObject>).total_amount.value,
		});
		expect(lowNames(shaped).every((name) => name.startsWith('splits[1].extraction.'))).toBe(true);
		const [item] = shaped.items;
		expect(
			((item.splits as IDataObject[])[1].extraction as IDataObject).total_amount__confidence,
		).toBe('Low');
	});
});
