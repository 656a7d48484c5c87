import type { IDataObject } from 'n8n-workflow';

import type { MindeeProduct } from '../transport/types';
import { CHAINED_EXTRACTION_KEY, chainedInference } from './chainedExtractions';
import { isPlainObject } from './fieldKinds';
import { PAGE_SEPARATOR } from './outputKeys';
import { simplifyChainedExtraction } from './simplifyExtraction';

type UtilityProduct = Exclude<MindeeProduct, 'extraction'>;

/** Classification, crop, split and OCR results as plain columns a Switch or a spreadsheet can use. */
export function simplifyUtilityResult(result: IDataObject, product: UtilityProduct): IDataObject {
	switch (product) {
		case 'classification':
			return simplifyClassification(result.classification);
		case 'crop':
			return simplifyCrops(result.crops);
		case 'split':
			return simplifySplits(result.splits);
		case 'ocr':
			return simplifyOcr(result.pages);
	}
}

function simplifyClassification(classification: unknown): IDataObject {
	const entry = isPlainObject(classification) ? classification : {};
	return withChainedExtraction({ document_type: entry.document_type ?? null }, entry);
}

/** Pages stay 0-based, as in Mindee's result, the raw output and the SDKs. */
function simplifyCrops(crops: unknown): IDataObject {
	const entries = Array.isArray(crops) ? crops : [];
	const simplified = entries.map((crop) => {
		const entry = isPlainObject(crop) ? crop : {};
		const location = isPlainObject(entry.location) ? entry.location : {};
		return withChainedExtraction(
			{
				object_type: entry.object_type ?? null,
				page: location.page ?? null,
				polygon: location.polygon ?? null,
			},
			entry,
		);
	});
	return { crops: simplified, crop_count: simplified.length };
}

/** `page_range` is 0-based and inclusive; it is spelt out so a spreadsheet gets one number per column. */
function simplifySplits(splits: unknown): IDataObject {
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

function withChainedExtraction(simplified: IDataObject, entry: IDataObject): IDataObject {
	const inference = chainedInference(entry);
	if (inference) simplified[CHAINED_EXTRACTION_KEY] = simplifyChainedExtraction(inference);
	return simplified;
}
