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
export type {
	ConfidenceLevel,
	LowConfidenceField,
	OutputMode,
	ReviewResult,
	ShapedDocument,
	ShapeOptions,
} from './types';
export { shapeInference } from './shapeInference';
export { detectProduct } from './resolveProduct';
