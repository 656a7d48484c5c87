import type { IDataObject } from 'n8n-workflow';

import type { MindeeInference, MindeeProduct } from '../transport/types';
import { isConfidenceLevel } from './confidenceLevels';
import { documentMetadata } from './documentMetadata';
import { isPlainObject } from './fieldKinds';
import { METADATA_KEY, RAW_KEY } from './outputKeys';
import { resolveProduct } from './resolveProduct';
import { needsReview, reviewInference, reviewSummary } from './reviewRouting';
import { simplifyExtractionFields } from './simplifyExtraction';
import { simplifyUtilityResult } from './simplifyUtilityResult';
import type { DocumentRow } from './splitIntoRows';
import { splitIntoRows } from './splitIntoRows';
import type { ShapedDocument, ShapeOptions } from './types';

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

	const simplified = simplifyDocument(inference, product);
	const rows: DocumentRow[] = options.splitListField
		? splitIntoRows(simplified, options.splitListField)
		: [{ fields: simplified, index: null, count: 0 }];

	const metadata = documentMetadata(inference, product);
	const items = rows.map((row) => {
		const rowMetadata: IDataObject = { ...metadata };
		if (options.splitListField) {
			Object.assign(rowMetadata, {
				split_field: options.splitListField,
				row_index: row.index,
				row_count: row.count,
			});
		}
		if (review) rowMetadata.review = reviewSummary(review, inference, product);

		const item: IDataObject = { ...row.fields, [METADATA_KEY]: rowMetadata };
		if (options.mode === 'both') item[RAW_KEY] = inference;
		return item;
	});

	return { items, ...routing };
}

function simplifyDocument(inference: MindeeInference, product: MindeeProduct): IDataObject {
	if (product === 'extraction') return simplifyExtractionFields(inference);
	return simplifyUtilityResult(isPlainObject(inference.result) ? inference.result : {}, product);
}
