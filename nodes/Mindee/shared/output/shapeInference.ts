import type { IDataObject } from 'n8n-workflow';

import { PRODUCTS, productInfo, type MindeeProduct } from '../products';
import { isPlainObject, type MindeeInference } from '../types';
import { isConfidenceLevel, METADATA_KEY, RAW_KEY, type ConfidenceLevel } from './fields';
import { needsReview, reviewInference, reviewSummary, type ReviewResult } from './review';
import { selectFields } from './selectFields';
import { documentMetadata, simplifyDocument } from './simplify';
import { splitIntoRows, type DocumentRow } from './splitIntoRows';

/**
 * Output shaping shared by the Mindee node and the Mindee trigger.
 *
 * - raw: the item JSON is Mindee's `inference` object itself, unchanged: never split or annotated.
 *   Review routing still applies; the low fields are then only in `ShapedDocument.review`.
 * - simplified: one flat object per document.
 *   - Extraction fields as `field: value`; object subfields joined with `__` at any depth
 *     (`supplier_address__city`); a list of values is an array of values; a list of objects is an
 *     array of flat objects built the same way. A null value stays null.
 *   - When Mindee scored the document (`active_options.confidence` or any non-null level), each value
 *     gets `<key>__confidence` of the same shape (a list of values gets an array of levels).
 *     Locations, polygons and object/list-level confidences are not columns; they stay in raw.
 *   - `raw_text`: the pages' text joined with a blank line; `rag_document_id`: the matched RAG document
 *     (null when RAG ran and matched nothing). Each only when Mindee sent the block.
 *   - classification: `document_type`; split: `splits: [{page_start, page_end, page_count, document_type}]`
 *     and `split_count`; crop: `crops: [{object_type, page, polygon}]` and `crop_count`; ocr: `pages: [text]`
 *     and `text` (all pages, blank-line separated). Pages are 0-based as in Mindee's results. A chained
 *     extraction is simplified the same way under `extraction` (top level, or in each split/crop entry).
 *   - `mindee`: { product, inference_id, job_id, model_id, file_name, alias, page_count, mime_type },
 *     plus `review` when a threshold is set and `split_field`, `row_index`, `row_count` when split.
 * - both: the simplified object plus `raw` holding the inference (on every row when split).
 * - selectedFields: only the listed paths of the simplified object, metadata included
 *   (`selectFields.ts`); never split.
 * - compact (simplified for an AI agent): no confidence columns and no crop polygons.
 * - `mindee.binary_field`: the binary field the document was read from, when the node sent several
 *   of an item's files.
 * - Keys `mindee`, `raw`, `raw_text` and `rag_document_id` are the node's: a field flattening to one of
 *   them, or to another field's key, becomes `<key>_2` (`_3`, …) in document order; values win over
 *   confidence columns.
 * - Split into items: one item per entry of a top-level list (`line_items`, `splits`, `crops`, `pages`, …)
 *   in place of the list, with the document's other keys beside it. Object entries become
 *   `<list>__<key>` columns (`line_items__description`); value entries keep the list's key. An empty or
 *   missing list gives one item with the list as `[]` and `row_index: null`; a key that holds no list
 *   leaves the document whole.
 * - Review: a field needs review when its confidence is under the threshold (Mindee advises a person
 *   for Medium and Low, i.e. threshold High), or when a scored document has a value with no level.
 *   Fields are named by their path in the simplified, unsplit document (`line_items[0].quantity`).
 *   Without confidence scores nothing routes, and `mindee.review.note` says why.
 */

export type { ConfidenceLevel } from './fields';
export type { LowConfidenceField, ReviewResult } from './review';

export type OutputMode = 'simplified' | 'raw' | 'both' | 'selectedFields';

export interface ShapeOptions {
	mode: OutputMode;
	/** Top-level key of a list in the simplified document; '' or undefined leaves the document whole. */
	splitListField?: string;
	/** Minimum confidence a field needs to pass; '' or undefined turns review routing off. */
	reviewThreshold?: ConfidenceLevel | '';
	/** The paths kept by the selectedFields mode. */
	selectedFields?: string[];
	/** Simplified without confidence columns or polygons. */
	compact?: boolean;
	/** The binary field the document came from, recorded in the metadata. */
	binaryField?: string;
}

export interface ShapedDocument {
	/** JSON of the output items for this document: one, or one per row when split. */
	items: IDataObject[];
	/** True when the document belongs on the "Needs review" output. */
	needsReview: boolean;
	/** Present only when a review threshold was set. */
	review?: ReviewResult;
}

/** Which product produced this result, judged by its shape; undefined when it matches none. */
export function detectProduct(inference: MindeeInference): MindeeProduct | undefined {
	const result = inference.result;
	if (!isPlainObject(result)) return undefined;
	return PRODUCTS.find((product) => product.resultKey in result)?.value;
}

/**
 * The product to shape `inference` as: the expected one, unless the result plainly belongs to another
 * (a webhook shared between models, say), because shaping by the wrong product would hide every field.
 */
function resolveProduct(inference: MindeeInference, expected: MindeeProduct): MindeeProduct {
	const result = inference.result;
	if (isPlainObject(result) && productInfo(expected).resultKey in result) return expected;
	return detectProduct(inference) ?? expected;
}

/** Turns one Mindee result into the output items for one document, and says which output they belong on. */
export function shapeInference(
	inference: MindeeInference,
	expectedProduct: MindeeProduct,
	options: ShapeOptions,
): ShapedDocument {
	const product = resolveProduct(inference, expectedProduct);
	// Parameters arrive as strings from workflows; anything but a level means "no routing".
	const threshold = isConfidenceLevel(options.reviewThreshold)
		? options.reviewThreshold
		: undefined;
	const review = threshold ? reviewInference(inference, product, threshold) : undefined;
	const routing = { needsReview: needsReview(review), ...(review ? { review } : {}) };

	// Raw means Mindee's JSON untouched, so it is neither split nor annotated; routing still applies.
	if (options.mode === 'raw') return { items: [inference], ...routing };

	const simplified = simplifyDocument(inference, product, options.compact);
	const metadata = documentMetadata(inference, product);
	if (options.binaryField !== undefined) metadata.binary_field = options.binaryField;
	if (review) metadata.review = reviewSummary(review, inference, product);

	if (options.mode === 'selectedFields') {
		const document = { ...simplified, [METADATA_KEY]: metadata };
		return { items: [selectFields(document, options.selectedFields ?? [])], ...routing };
	}

	const rows: DocumentRow[] = options.splitListField
		? splitIntoRows(simplified, options.splitListField)
		: [{ fields: simplified, index: null, count: 0 }];

	const items = rows.map((row) => {
		const rowMetadata: IDataObject = { ...metadata };
		if (options.splitListField) {
			Object.assign(rowMetadata, {
				split_field: options.splitListField,
				row_index: row.index,
				row_count: row.count,
			});
		}

		const item: IDataObject = { ...row.fields, [METADATA_KEY]: rowMetadata };
		if (options.mode === 'both') item[RAW_KEY] = inference;
		return item;
	});

	return { items, ...routing };
}
