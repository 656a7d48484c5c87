import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from '../types';
import { claimKey, CONFIDENCE_SUFFIX, PATH_SEPARATOR, RESERVED_KEYS } from './fields';

export interface DocumentRow {
	fields: IDataObject;
	/** 0-based position in the list; null when the list was empty or missing. */
	index: number | null;
	count: number;
}

/**
 * One row per entry of the list at `listKey`, each with the document's other keys beside it, in place of the list.
 * Object entries become `<listKey>__<key>` columns so they cannot clash with document fields of the same name
 * (an invoice's `total_amount` beside a line's `total_price`); value entries keep the list's own key.
 * An empty or missing list gives one row with the list as `[]`; a key holding something else is left unsplit.
 */
export function splitIntoRows(document: IDataObject, listKey: string): DocumentRow[] {
	const list = document[listKey];
	if (list === undefined || list === null) {
		if (RESERVED_KEYS.includes(listKey)) return [{ fields: document, index: null, count: 0 }];
		return [{ fields: { ...document, [listKey]: [] }, index: null, count: 0 }];
	}
	if (!Array.isArray(list) || list.length === 0) {
		return [{ fields: document, index: null, count: 0 }];
	}

	// A list of values has its confidences in a parallel array; each row takes its own.
	const confidenceKey = `${listKey}${CONFIDENCE_SUFFIX}`;
	const confidences = document[confidenceKey];
	const parallelConfidences =
		list.every((entry) => !isPlainObject(entry)) &&
		Array.isArray(confidences) &&
		confidences.length === list.length
			? confidences
			: undefined;

	const isReplaced = (key: string) =>
		key === listKey || (parallelConfidences !== undefined && key === confidenceKey);
	const keptKeys = Object.keys(document).filter((key) => !isReplaced(key));

	return list.map((entry: unknown, index) => {
		// Document keys keep their names; a row column that clashes with one gets a suffix.
		const taken = new Set([...RESERVED_KEYS, ...keptKeys]);
		const fields: IDataObject = {};
		for (const key of Object.keys(document)) {
			if (key === listKey) {
				Object.assign(fields, rowColumns(entry, listKey, taken, parallelConfidences?.[index]));
			} else if (!isReplaced(key)) {
				fields[key] = document[key];
			}
		}
		return { fields, index, count: list.length };
	});
}

function rowColumns(
	entry: unknown,
	listKey: string,
	taken: Set<string>,
	confidence: unknown,
): IDataObject {
	const columns: IDataObject = {};
	if (isPlainObject(entry)) {
		for (const [key, value] of Object.entries(entry)) {
			columns[claimKey(taken, `${listKey}${PATH_SEPARATOR}${key}`)] = value;
		}
		return columns;
	}
	columns[claimKey(taken, listKey)] = entry as IDataObject[string];
	if (confidence !== undefined) {
		columns[claimKey(taken, `${listKey}${CONFIDENCE_SUFFIX}`)] = confidence as IDataObject[string];
	}
	return columns;
}
