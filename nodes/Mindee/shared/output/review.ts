import type { IDataObject } from 'n8n-workflow';

import type { MindeeProduct } from '../products';
import type { MindeeInference } from '../types';
import {
	confidenceAvailable,
	extractionFields,
	isBelowThreshold,
	isConfidenceLevel,
	isListField,
	isObjectField,
	isSimpleField,
	PATH_SEPARATOR,
	type ConfidenceLevel,
} from './fields';
import { chainedExtractions } from './simplify';

/** Review routing: which fields of a result are under the user's confidence threshold. */

export interface LowConfidenceField {
	/** Path of the field in the simplified document, e.g. `total_amount` or `line_items[0].quantity`. */
	field: string;
	confidence: ConfidenceLevel | null;
	/**
	 * The value as the simplified document has it, for single values (not for whole lists or
	 * objects): what a person checking the field sees and corrects, e.g. in an n8n form.
	 */
	value?: IDataObject[string];
}

export interface ReviewResult {
	threshold: ConfidenceLevel;
	lowConfidenceFields: LowConfidenceField[];
	confidenceAvailable: boolean;
}

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
			...('value' in low ? { value: low.value } : {}),
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

/**
 * Every field of an extraction whose confidence is under `threshold`, named by its path in the
 * simplified document (`customer_address__city`, `line_items[2].quantity`), prefixed with `basePath`.
 * A value with no level counts as low: once Mindee scores a document, an unscored value is unchecked.
 * Objects, lists and rows count only when they carry a low level themselves (their values are judged one by one).
 */
function lowConfidenceFields(
	fields: IDataObject,
	threshold: ConfidenceLevel,
	basePath = '',
): LowConfidenceField[] {
	const low: LowConfidenceField[] = [];
	collectLowFields(fields, basePath, '', threshold, low);
	return low;
}

function collectLowFields(
	fields: IDataObject,
	basePath: string,
	flatPrefix: string,
	threshold: ConfidenceLevel,
	low: LowConfidenceField[],
): void {
	for (const [fieldName, field] of Object.entries(fields)) {
		const path = `${basePath}${flatPrefix}${fieldName}`;

		if (isListField(field)) {
			checkContainer(path, field.confidence, threshold, low);
			field.items.forEach((item, index) => {
				const itemPath = `${path}[${index}]`;
				if (isObjectField(item)) {
					checkContainer(itemPath, item.confidence, threshold, low);
					collectLowFields(item.fields, `${itemPath}.`, '', threshold, low);
				} else if (isSimpleField(item)) {
					checkValue(itemPath, item, threshold, low);
				}
			});
		} else if (isObjectField(field)) {
			checkContainer(path, field.confidence, threshold, low);
			collectLowFields(
				field.fields,
				basePath,
				`${flatPrefix}${fieldName}${PATH_SEPARATOR}`,
				threshold,
				low,
			);
		} else if (isSimpleField(field)) {
			checkValue(path, field, threshold, low);
		}
	}
}

function checkValue(
	field: string,
	{ confidence, value }: { confidence?: unknown; value?: unknown },
	threshold: ConfidenceLevel,
	low: LowConfidenceField[],
): void {
	const shown = (value ?? null) as IDataObject[string];
	if (!isConfidenceLevel(confidence)) low.push({ field, confidence: null, value: shown });
	else if (isBelowThreshold(confidence, threshold)) low.push({ field, confidence, value: shown });
}

function checkContainer(
	field: string,
	confidence: unknown,
	threshold: ConfidenceLevel,
	low: LowConfidenceField[],
): void {
	if (isConfidenceLevel(confidence) && isBelowThreshold(confidence, threshold))
		low.push({ field, confidence });
}
