import type { MindeeInference } from '../transport/types';
import { isConfidenceLevel } from './confidenceLevels';
import { extractionFields, isListField, isObjectField, isPlainObject } from './fieldKinds';

/**
 * Whether Mindee scored this extraction: the option was on, or any field carries a level.
 * The second test matters because saved results and webhooks do not always echo `active_options`.
 */
export function confidenceAvailable(inference: MindeeInference): boolean {
	const options = inference.active_options;
	if (isPlainObject(options) && options.confidence === true) return true;
	return Object.values(extractionFields(inference.result)).some(hasAnyConfidence);
}

function hasAnyConfidence(field: unknown): boolean {
	if (!isPlainObject(field)) return false;
	if (isConfidenceLevel(field.confidence)) return true;
	if (isListField(field)) return field.items.some(hasAnyConfidence);
	if (isObjectField(field)) return Object.values(field.fields).some(hasAnyConfidence);
	return false;
}
