import type { IDataObject } from 'n8n-workflow';

import type { MindeeInference } from '../transport/types';
import { confidenceAvailable } from './confidenceAvailability';
import { documentMetadata } from './documentMetadata';
import { extractionFields, isPlainObject } from './fieldKinds';
import { flattenFields } from './flattenFields';
import {
	METADATA_KEY,
	PAGE_SEPARATOR,
	RAG_DOCUMENT_KEY,
	RAW_TEXT_KEY,
	RESERVED_KEYS,
} from './outputKeys';

/**
 * An extraction's fields as one flat object, plus `raw_text` and `rag_document_id` when Mindee sent them.
 * Confidence columns appear only when Mindee scored the document, so unscored runs are not full of nulls.
 */
export function simplifyExtractionFields(inference: MindeeInference): IDataObject {
	const result = inference.result;
	const simplified = flattenFields(
		extractionFields(result),
		confidenceAvailable(inference),
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
export function simplifyChainedExtraction(inference: MindeeInference): IDataObject {
	return {
		...simplifyExtractionFields(inference),
		[METADATA_KEY]: documentMetadata(inference, 'extraction'),
	};
}

function joinRawText(rawText: unknown): string | undefined {
	if (!isPlainObject(rawText) || !Array.isArray(rawText.pages)) return undefined;
	return rawText.pages
		.map((page) => (isPlainObject(page) && typeof page.content === 'string' ? page.content : ''))
		.join(PAGE_SEPARATOR);
}
