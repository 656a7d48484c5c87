import type { MindeeInference, MindeeProduct } from '../transport/types';
import { isPlainObject } from './fieldKinds';

/** Key that holds a chained extraction's simplified document. */
export const CHAINED_EXTRACTION_KEY = 'extraction';

export interface ChainedExtraction {
	/** Where its simplified document sits in the parent's, e.g. `splits[1].extraction`. */
	path: string;
	inference: MindeeInference;
}

/** The inference inside an `extraction_response`, present when a utility model is chained to an extraction model. */
export function chainedInference(entry: unknown): MindeeInference | undefined {
	if (!isPlainObject(entry) || !isPlainObject(entry.extraction_response)) return undefined;
	const inference = entry.extraction_response.inference;
	return isPlainObject(inference) ? (inference as MindeeInference) : undefined;
}

/** Every chained extraction of a classification, split or crop result. */
export function chainedExtractions(result: unknown, product: MindeeProduct): ChainedExtraction[] {
	if (!isPlainObject(result)) return [];
	const candidates: Array<{ path: string; entry: unknown }> = [];

	if (product === 'classification') {
		candidates.push({ path: CHAINED_EXTRACTION_KEY, entry: result.classification });
	}
	const listKey = product === 'split' ? 'splits' : product === 'crop' ? 'crops' : undefined;
	const entries = listKey ? result[listKey] : undefined;
	if (Array.isArray(entries)) {
		entries.forEach((entry, index) =>
			candidates.push({ path: `${listKey}[${index}].${CHAINED_EXTRACTION_KEY}`, entry }),
		);
	}

	const found: ChainedExtraction[] = [];
	for (const { path, entry } of candidates) {
		const inference = chainedInference(entry);
		if (inference) found.push({ path, inference });
	}
	return found;
}
