import type { IDataObject } from 'n8n-workflow';

import { productInfo, type MindeeProduct } from '../products';
import { isPlainObject, type MindeeInference } from '../types';
import {
	confidenceAvailable,
	extractionFields,
	flattenFields,
	METADATA_KEY,
	PAGE_SEPARATOR,
	RAG_DOCUMENT_KEY,
	RAW_TEXT_KEY,
	RESERVED_KEYS,
} from './fields';

/**
 * Each product's result as plain columns a Switch, an IF or a spreadsheet can use. `compact`
 * leaves out confidence columns and polygons, for readers with little room such as an AI model.
 */
const SIMPLIFIERS: Record<
	MindeeProduct,
	(inference: MindeeInference, compact: boolean) => IDataObject
> = {
	extraction: simplifyExtractionFields,
	classification: (inference, compact) =>
		simplifyClassification(resultOf(inference).classification, compact),
	crop: (inference, compact) => simplifyCrops(resultOf(inference).crops, compact),
	ocr: (inference) => simplifyOcr(resultOf(inference).pages),
	split: (inference, compact) => simplifySplits(resultOf(inference).splits, compact),
};

export function simplifyDocument(
	inference: MindeeInference,
	product: MindeeProduct,
	compact = false,
): IDataObject {
	return SIMPLIFIERS[product](inference, compact);
}

function resultOf(inference: MindeeInference): IDataObject {
	return isPlainObject(inference.result) ? inference.result : {};
}

/** What identifies the document and the call, gathered under the `mindee` key. */
export function documentMetadata(inference: MindeeInference, product: MindeeProduct): IDataObject {
	const file = inference.file ?? ({} as Partial<MindeeInference['file']>);
	return {
		product,
		inference_id: inference.id ?? null,
		job_id: inference.job?.id ?? null,
		model_id: inference.model?.id ?? null,
		file_name: file.name ?? null,
		alias: file.alias ?? null,
		page_count: file.page_count ?? null,
		mime_type: file.mime_type ?? null,
	};
}

/** Key that holds a chained extraction's simplified document. */
const CHAINED_EXTRACTION_KEY = 'extraction';

interface ChainedExtraction {
	/** Where its simplified document sits in the parent's, e.g. `splits[1].extraction`. */
	path: string;
	inference: MindeeInference;
}

/** The inference inside an `extraction_response`, present when a utility model is chained to an extraction model. */
function chainedInference(entry: unknown): MindeeInference | undefined {
	if (!isPlainObject(entry) || !isPlainObject(entry.extraction_response)) return undefined;
	const inference = entry.extraction_response.inference;
	return isPlainObject(inference) ? (inference as MindeeInference) : undefined;
}

/**
 * Every chained extraction of a classification (one, on the result), split or crop (one per
 * entry of the list).
 */
export function chainedExtractions(result: unknown, product: MindeeProduct): ChainedExtraction[] {
	const { resultKey, chainsExtraction } = productInfo(product);
	if (!chainsExtraction || !isPlainObject(result)) return [];
	const entries = result[resultKey];
	const candidates = Array.isArray(entries)
		? entries.map((entry, index) => ({
				path: `${resultKey}[${index}].${CHAINED_EXTRACTION_KEY}`,
				entry,
			}))
		: [{ path: CHAINED_EXTRACTION_KEY, entry: entries }];

	const found: ChainedExtraction[] = [];
	for (const { path, entry } of candidates) {
		const inference = chainedInference(entry);
		if (inference) found.push({ path, inference });
	}
	return found;
}

/**
 * An extraction's fields as one flat object, plus `raw_text` and `rag_document_id` when Mindee sent them.
 * Confidence columns appear only when Mindee scored the document, so unscored runs are not full of nulls.
 */
function simplifyExtractionFields(inference: MindeeInference, compact: boolean): IDataObject {
	const result = inference.result;
	const simplified = flattenFields(
		extractionFields(result),
		!compact && confidenceAvailable(inference),
		RESERVED_KEYS,
	);
	if (!isPlainObject(result)) return simplified;

	const rawText = joinRawText(result.raw_text);
	if (rawText !== undefined) simplified[RAW_TEXT_KEY] = rawText;
	// `rag` is null when RAG was off; an object with a null id means "on, but nothing matched".
	if (isPlainObject(result.rag))
		simplified[RAG_DOCUMENT_KEY] = result.rag.retrieved_document_id ?? null;
	return simplified;
}

/** A chained extraction is a document of its own, so it carries its own metadata. */
function simplifyChainedExtraction(inference: MindeeInference, compact: boolean): IDataObject {
	return {
		...simplifyExtractionFields(inference, compact),
		[METADATA_KEY]: documentMetadata(inference, 'extraction'),
	};
}

function joinRawText(rawText: unknown): string | undefined {
	if (!isPlainObject(rawText) || !Array.isArray(rawText.pages)) return undefined;
	return rawText.pages
		.map((page) => (isPlainObject(page) && typeof page.content === 'string' ? page.content : ''))
		.join(PAGE_SEPARATOR);
}

function simplifyClassification(classification: unknown, compact: boolean): IDataObject {
	const entry = isPlainObject(classification) ? classification : {};
	return withChainedExtraction({ document_type: entry.document_type ?? null }, entry, compact);
}

/** Pages stay 0-based, as in Mindee's result, the raw output and the SDKs. */
function simplifyCrops(crops: unknown, compact: boolean): IDataObject {
	const entries = Array.isArray(crops) ? crops : [];
	const simplified = entries.map((crop) => {
		const entry = isPlainObject(crop) ? crop : {};
		const location = isPlainObject(entry.location) ? entry.location : {};
		const columns: IDataObject = {
			object_type: entry.object_type ?? null,
			page: location.page ?? null,
		};
		if (!compact) columns.polygon = (location.polygon ?? null) as IDataObject[string];
		return withChainedExtraction(columns, entry, compact);
	});
	return { crops: simplified, crop_count: simplified.length };
}

/** `page_range` is 0-based and inclusive; it is spelt out so a spreadsheet gets one number per column. */
function simplifySplits(splits: unknown, compact: boolean): IDataObject {
	const entries = Array.isArray(splits) ? splits : [];
	const simplified = entries.map((split) => {
		const entry = isPlainObject(split) ? split : {};
		const range = Array.isArray(entry.page_range) ? entry.page_range : [];
		const [start, end] = [range[0] ?? null, range[1] ?? null];
		const pageCount = typeof start === 'number' && typeof end === 'number' ? end - start + 1 : null;
		return withChainedExtraction(
			{
				page_start: start,
				page_end: end,
				page_count: pageCount,
				document_type: entry.document_type ?? null,
			},
			entry,
			compact,
		);
	});
	return { splits: simplified, split_count: simplified.length };
}

/** Word polygons are left to the raw output; the text is what workflows feed onwards. */
function simplifyOcr(pages: unknown): IDataObject {
	const texts = (Array.isArray(pages) ? pages : []).map((page) =>
		isPlainObject(page) && typeof page.content === 'string' ? page.content : '',
	);
	return { pages: texts, text: texts.join(PAGE_SEPARATOR) };
}

function withChainedExtraction(
	simplified: IDataObject,
	entry: IDataObject,
	compact: boolean,
): IDataObject {
	const inference = chainedInference(entry);
	if (inference) simplified[CHAINED_EXTRACTION_KEY] = simplifyChainedExtraction(inference, compact);
	return simplified;
}
