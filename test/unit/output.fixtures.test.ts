/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Every saved Mindee result, shaped in every mode: nothing throws, raw is untouched, and each value of
 * each extraction (top level or chained) sits where the simplified output promises.
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import type { IDataObject } from 'n8n-workflow';
import { join, relative, sep } from 'path';

import type { ConfidenceLevel, OutputMode } from '../../nodes/Mindee/shared/output/shapeInference';
import { detectProduct, shapeInference } from '../../nodes/Mindee/shared/output/shapeInference';
import type { MindeeProduct } from '../../nodes/Mindee/shared/products';
import type { MindeeInference } from '../../nodes/Mindee/shared/types';

const PRODUCTS_DIR = join(__dirname, '../fixtures/mindee-v2/products');
const MODES: OutputMode[] = ['simplified', 'raw', 'both'];
const THRESHOLDS: ConfidenceLevel[] = ['Certain', 'High', 'Medium', 'Low'];
const NODE_KEYS = ['mindee', 'raw', 'raw_text', 'rag_document_id'];

interface Fixture {
	name: string;
	product: MindeeProduct;
	inference: MindeeInference;
}

function listJsonFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((entry) => {
		const path = join(dir, entry);
		if (statSync(path).isDirectory()) return listJsonFiles(path);
		return entry.endsWith('.json') ? [path] : [];
	});
}

/** Result files only: the folder also holds request bodies and error answers. */
const fixtures: Fixture[] = listJsonFiles(PRODUCTS_DIR).flatMap((path) => {
	const body = JSON.parse(readFileSync(path, 'utf8')) as IDataObject;
	if (!body.inference) return [];
	const name = relative(PRODUCTS_DIR, path);
	return [
		{
			name,
			product: name.split(sep)[0] as MindeeProduct,
			inference: body.inference as MindeeInference,
		},
	];
});

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const LEVEL = /"confidence":\s*"(Certain|High|Medium|Low)"/;
function isScored(inference: MindeeInference): boolean {
	return (
		inference.active_options?.confidence === true || LEVEL.test(JSON.stringify(inference.result))
	);
}

/**
 * Walks Mindee's fields and checks each value where the simplified object should hold it, with its
 * confidence beside it when the document was scored. Returns the top-level keys it expects, so the caller
 * can check nothing was added or renamed.
 */
function expectEveryValueKept(
	fields: IDataObject,
	simplified: IDataObject,
	scored: boolean,
): string[] {
	const expectedKeys: string[] = [];
	const walk = (current: IDataObject, prefix: string, target: IDataObject, topLevel: boolean) => {
		for (const [name, field] of Object.entries(current)) {
			if (!isObject(field)) throw new Error(`unexpected field shape at ${prefix}${name}`);
			const key = `${prefix}${name}`;
			if (Array.isArray(field.items)) {
				if (topLevel) expectedKeys.push(key);
				const list = target[key];
				expect(Array.isArray(list)).toBe(true);
				expect(list).toHaveLength(field.items.length);
				(field.items as IDataObject[]).forEach((item, index) => {
					const entry = (list as unknown[])[index];
					if (isObject(item.fields)) {
						walk(item.fields, '', entry as IDataObject, false);
					} else {
						expect(entry).toEqual(item.value ?? null);
						if (scored)
							expect((target[`${key}__confidence`] as unknown[])[index]).toEqual(
								item.confidence ?? null,
							);
					}
				});
			} else if (isObject(field.fields)) {
				walk(field.fields, `${key}__`, target, topLevel);
			} else {
				if (topLevel) expectedKeys.push(key);
				expect(target).toHaveProperty([key], field.value ?? null);
				if (scored) expect(target).toHaveProperty([`${key}__confidence`], field.confidence ?? null);
			}
		}
	};
	walk(fields, '', simplified, true);
	return expectedKeys;
}

function expectExtractionKept(inference: MindeeInference, simplified: IDataObject): void {
	const result = inference.result;
	const expectedKeys = expectEveryValueKept(
		result.fields as IDataObject,
		simplified,
		isScored(inference),
	);
	const valueKeys = Object.keys(simplified).filter(
		(key) => !key.endsWith('__confidence') && !NODE_KEYS.includes(key),
	);
	expect(valueKeys).toEqual(expectedKeys);
	if (!isScored(inference))
		expect(Object.keys(simplified).filter((key) => key.endsWith('__confidence'))).toEqual([]);
}

/** Where each chained extraction of a utility result lands in the simplified document. */
function chainedPairs(
	fixture: Fixture,
	simplified: IDataObject,
): Array<[MindeeInference, IDataObject]> {
	const result = fixture.inference.result;
	const pairs: Array<[IDataObject, unknown]> = [];
	if (fixture.product === 'classification')
		pairs.push([result.classification as IDataObject, simplified.extraction]);
	for (const listKey of ['splits', 'crops']) {
		const entries = (result[listKey] ?? []) as IDataObject[];
		entries.forEach((entry, index) =>
			pairs.push([entry, (simplified[listKey] as IDataObject[])[index].extraction]),
		);
	}
	return pairs
		.filter(([entry]) => isObject(entry.extraction_response))
		.map(([entry, shaped]) => [
			(entry.extraction_response as IDataObject).inference as MindeeInference,
			shaped as IDataObject,
		]);
}

describe('every saved Mindee result', () => {
	it('finds all five products among the fixtures', () => {
		const names = fixtures.map((fixture) => fixture.name.split(sep).join('/'));
		expect(names.length).toBeGreaterThanOrEqual(24);
		for (const expected of [
			'extraction/standard_field_types.json',
			'extraction/deep_nested_fields.json',
			'extraction/financial_document/complete_with_coordinates.json',
			'classification/default_sample_extraction.json',
			'crop/multipage_sample.json',
			'ocr/ocr_multiple.json',
			'split/default_sample_extraction.json',
		]) {
			expect(names).toContain(expected);
		}
	});

	describe.each(fixtures.map((fixture) => [fixture.name, fixture] as const))(
		'%s',
		(_name, fixture) => {
			const { inference, product } = fixture;

			it('is recognised as its product', () => {
				expect(detectProduct(inference)).toBe(product);
			});

			it.each(MODES)('shapes in %s mode without throwing, one item', (mode) => {
				const shaped = shapeInference(inference, product, { mode });
				expect(shaped.items).toHaveLength(1);
				expect(shaped.needsReview).toBe(false);
				expect(shaped.review).toBeUndefined();
			});

			it('raw mode returns the inference itself', () => {
				expect(shapeInference(inference, product, { mode: 'raw' }).items[0]).toBe(inference);
			});

			it('both mode is the simplified object plus raw', () => {
				const [simplified] = shapeInference(inference, product, { mode: 'simplified' }).items;
				const [both] = shapeInference(inference, product, { mode: 'both' }).items;
				const { raw, ...rest } = both;
				expect(raw).toBe(inference);
				expect(rest).toEqual(simplified);
			});

			it('keeps every extracted value, top level and chained', () => {
				const [simplified] = shapeInference(inference, product, { mode: 'simplified' }).items;
				expect(simplified.mindee).toMatchObject({
					product,
					inference_id: inference.id,
					model_id: inference.model.id,
				});
				if (product === 'extraction') expectExtractionKept(inference, simplified);
				for (const [chained, shaped] of chainedPairs(fixture, simplified)) {
					expect(isObject(shaped)).toBe(true);
					expectExtractionKept(chained, shaped);
					expect(shaped.mindee).toMatchObject({ product: 'extraction', inference_id: chained.id });
				}
			});

			it.each(THRESHOLDS)('routes with threshold %s without throwing', (threshold) => {
				const shaped = shapeInference(inference, product, {
					mode: 'both',
					reviewThreshold: threshold,
				});
				expect(shaped.review).toMatchObject({
					threshold,
					confidenceAvailable: expect.any(Boolean),
				});
				expect(shaped.needsReview).toBe(shaped.review!.lowConfidenceFields.length > 0);
				expect((shaped.items[0].mindee as IDataObject).review).toMatchObject({ threshold });
			});

			it('splits on each of its top-level lists, one item per entry', () => {
				const [simplified] = shapeInference(inference, product, { mode: 'simplified' }).items;
				const listKeys = Object.keys(simplified).filter((key) => Array.isArray(simplified[key]));
				for (const listKey of listKeys) {
					const length = (simplified[listKey] as unknown[]).length;
					const shaped = shapeInference(inference, product, {
						mode: 'both',
						splitListField: listKey,
					});
					expect(shaped.items).toHaveLength(Math.max(length, 1));
					shaped.items.forEach((item, index) => {
						expect(item.raw).toBe(inference);
						expect(item.mindee).toMatchObject({
							split_field: listKey,
							row_index: length ? index : null,
							row_count: length,
						});
					});
				}
			});
		},
	);
});
