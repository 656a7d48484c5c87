import type { IDataObject } from 'n8n-workflow';

import { isBelowThreshold, isConfidenceLevel } from './confidenceLevels';
import { isListField, isObjectField, isSimpleField } from './fieldKinds';
import { PATH_SEPARATOR } from './outputKeys';
import type { ConfidenceLevel, LowConfidenceField } from './types';

/**
 * Every field of an extraction whose confidence is under `threshold`, named by its path in the
 * simplified document (`customer_address__city`, `line_items[2].quantity`), prefixed with `basePath`.
 * A value with no level counts as low: once Mindee scores a document, an unscored value is unchecked.
 * Objects, lists and rows count only when they carry a low level themselves (their values are judged one by one).
 */
export function lowConfidenceFields(
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
					checkValue(itemPath, item.confidence, threshold, low);
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
			checkValue(path, field.confidence, threshold, low);
		}
	}
}

function checkValue(
	field: string,
	confidence: unknown,
	threshold: ConfidenceLevel,
	low: LowConfidenceField[],
): void {
	if (!isConfidenceLevel(confidence)) low.push({ field, confidence: null });
	else if (isBelowThreshold(confidence, threshold)) low.push({ field, confidence });
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
