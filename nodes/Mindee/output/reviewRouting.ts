import type { IDataObject } from 'n8n-workflow';

import type { MindeeInference, MindeeProduct } from '../transport/types';
import { chainedExtractions } from './chainedExtractions';
import { confidenceAvailable } from './confidenceAvailability';
import { extractionFields } from './fieldKinds';
import { lowConfidenceFields } from './lowConfidenceFields';
import type { ConfidenceLevel, ReviewResult } from './types';

/**
 * Checks every extraction in the result (the document itself, or the extractions chained to a
 * classification, split or crop) against `threshold`. Only scored extractions are judged.
 */
export function reviewInference(
	inference: MindeeInference,
	product: MindeeProduct,
	threshold: ConfidenceLevel,
): ReviewResult {
	const sources =
		product === 'extraction'
			? [{ basePath: '', inference }]
			: chainedExtractions(inference.result, product).map((chained) => ({
					basePath: `${chained.path}.`,
					inference: chained.inference,
				}));
	const scored = sources.filter((source) => confidenceAvailable(source.inference));

	return {
		threshold,
		lowConfidenceFields: scored.flatMap((source) =>
			lowConfidenceFields(extractionFields(source.inference.result), threshold, source.basePath),
		),
		confidenceAvailable: scored.length > 0,
	};
}

export function needsReview(review: ReviewResult | undefined): boolean {
	return (
		review !== undefined && review.confidenceAvailable && review.lowConfidenceFields.length > 0
	);
}

/** The review as it appears in the item, with a note when nothing could be checked, so the user sees why. */
export function reviewSummary(
	review: ReviewResult,
	inference: MindeeInference,
	product: MindeeProduct,
): IDataObject {
	const summary: IDataObject = {
		threshold: review.threshold,
		confidence_available: review.confidenceAvailable,
		low_confidence_fields: review.lowConfidenceFields.map((low) => ({
			field: low.field,
			confidence: low.confidence,
		})),
	};
	if (!review.confidenceAvailable) summary.note = unavailableNote(inference, product);
	return summary;
}

function unavailableNote(inference: MindeeInference, product: MindeeProduct): string {
	const hasExtraction =
		product === 'extraction' || chainedExtractions(inference.result, product).length > 0;
	if (hasExtraction) {
		return 'Not checked for review: Mindee sent no confidence scores for this document. Turn on Confidence Scores in the extraction options or in the model settings on app.mindee.com (it needs the Automation feature).';
	}
	return `Not checked for review: Mindee scores only extraction fields, and no extraction model is chained to this ${product} model.`;
}
