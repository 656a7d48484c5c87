import type { IDataObject } from 'n8n-workflow';

import { isPlainObject, type MindeeInference } from '../types';

/**
 * Mindee's extraction fields and how they become flat columns. Mindee has three field shapes
 * (https://docs.mindee.com/integrations/api-reference), told apart by key in the order
 * items → fields → value.
 */

export interface ListField extends IDataObject {
	items: unknown[];
	confidence?: string | null;
}

export interface ObjectField extends IDataObject {
	fields: IDataObject;
	confidence?: string | null;
}

export interface SimpleField extends IDataObject {
	value?: string | number | boolean | null;
	confidence?: string | null;
}

export function isListField(field: unknown): field is ListField {
	return isPlainObject(field) && Array.isArray(field.items);
}

export function isObjectField(field: unknown): field is ObjectField {
	return isPlainObject(field) && !('items' in field) && isPlainObject(field.fields);
}

/** Synthetic fixtures omit `confidence` and `locations`, so only the absence of the other two keys counts. */
export function isSimpleField(field: unknown): field is SimpleField {
	return isPlainObject(field) && !('items' in field) && !('fields' in field) && 'value' in field;
}

/** `result.fields` of an extraction, or an empty set when the result has none. */
export function extractionFields(result: unknown): IDataObject {
	return isPlainObject(result) && isPlainObject(result.fields) ? result.fields : {};
}

/** Mindee's confidence levels, from most to least trusted. */
export type ConfidenceLevel = 'Certain' | 'High' | 'Medium' | 'Low';

/** Least to most trusted, so the index is the rank. */
const LEVELS_BY_RANK: readonly ConfidenceLevel[] = ['Low', 'Medium', 'High', 'Certain'];

export function isConfidenceLevel(value: unknown): value is ConfidenceLevel {
	return typeof value === 'string' && (LEVELS_BY_RANK as readonly string[]).includes(value);
}

export function isBelowThreshold(level: ConfidenceLevel, threshold: ConfidenceLevel): boolean {
	return LEVELS_BY_RANK.indexOf(level) < LEVELS_BY_RANK.indexOf(threshold);
}

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

/** Keys the simplified output writes itself; extracted fields never take them. */
export const METADATA_KEY = 'mindee';
export const RAW_KEY = 'raw';
export const RAW_TEXT_KEY = 'raw_text';
export const RAG_DOCUMENT_KEY = 'rag_document_id';

export const RESERVED_KEYS: readonly string[] = [
	METADATA_KEY,
	RAW_KEY,
	RAW_TEXT_KEY,
	RAG_DOCUMENT_KEY,
];

/** Joins the path of an object's subfield, e.g. `supplier_address__city`. */
export const PATH_SEPARATOR = '__';

/** Suffix of the column holding the confidence of the value beside it. */
export const CONFIDENCE_SUFFIX = '__confidence';

/** Mindee's SDKs separate pages of text with a blank line; keeping that makes both outputs match. */
export const PAGE_SEPARATOR = '\n\n';

/**
 * Reserves `wanted` in `taken`, or the first free `wanted_2`, `wanted_3`, … when it is already used.
 * Whoever claims first keeps the plain name, so colliding names resolve the same way every run.
 */
export function claimKey(taken: Set<string>, wanted: string): string {
	let key = wanted;
	for (let suffix = 2; taken.has(key); suffix++) {
		key = `${wanted}_${suffix}`;
	}
	taken.add(key);
	return key;
}

interface ValueColumn {
	name: string;
	value: unknown;
	key?: string;
}

interface ConfidenceColumn {
	owner: ValueColumn;
	confidence: unknown;
	key?: string;
}

type Column = ValueColumn | ConfidenceColumn;

const isConfidenceColumn = (column: Column): column is ConfidenceColumn => 'owner' in column;

/**
 * Turns Mindee `fields` into one flat object: object subfields join with `__`, lists become arrays
 * (of values, or of flat objects built the same way), and with `withConfidence` every value gets a
 * `<key>__confidence` column of the same shape. Locations are left out; they stay in the raw output.
 * Names are claimed after `reservedKeys`, values before confidence columns, so a clash never costs a value.
 */
export function flattenFields(
	fields: IDataObject,
	withConfidence: boolean,
	reservedKeys: readonly string[] = [],
): IDataObject {
	const columns: Column[] = [];
	collectColumns(fields, '', withConfidence, columns);

	const taken = new Set(reservedKeys);
	for (const column of columns) {
		if (!isConfidenceColumn(column)) column.key = claimKey(taken, column.name);
	}
	for (const column of columns) {
		if (isConfidenceColumn(column))
			column.key = claimKey(taken, `${column.owner.key}${CONFIDENCE_SUFFIX}`);
	}

	const flat: IDataObject = {};
	for (const column of columns) {
		flat[column.key as string] = (
			isConfidenceColumn(column) ? column.confidence : column.value
		) as IDataObject[string];
	}
	return flat;
}

function collectColumns(
	fields: IDataObject,
	prefix: string,
	withConfidence: boolean,
	columns: Column[],
): void {
	for (const [fieldName, field] of Object.entries(fields)) {
		const name = `${prefix}${fieldName}`;

		if (isListField(field)) {
			const { items } = field;
			if (items.length > 0 && items.every(isSimpleField)) {
				const column = addValue(columns, name, items.map(simpleValue));
				if (withConfidence) columns.push({ owner: column, confidence: items.map(confidenceOf) });
			} else {
				addValue(
					columns,
					name,
					items.map((item) => flattenListItem(item, withConfidence)),
				);
			}
		} else if (isObjectField(field)) {
			const before = columns.length;
			collectColumns(field.fields, `${name}${PATH_SEPARATOR}`, withConfidence, columns);
			// An object without subfields would otherwise vanish from the output.
			if (columns.length === before) addValue(columns, name, {});
		} else if (isSimpleField(field)) {
			const column = addValue(columns, name, simpleValue(field));
			if (withConfidence) columns.push({ owner: column, confidence: confidenceOf(field) });
		} else {
			// Not a shape Mindee documents: keep it as received rather than lose it.
			addValue(columns, name, field);
		}
	}
}

/** A row of a list of objects; a stray simple item in such a list keeps its value under `value`. */
function flattenListItem(item: unknown, withConfidence: boolean): unknown {
	if (isObjectField(item)) return flattenFields(item.fields, withConfidence);
	if (isSimpleField(item)) return flattenFields({ value: item }, withConfidence);
	return item;
}

function addValue(columns: Column[], name: string, value: unknown): ValueColumn {
	const column: ValueColumn = { name, value };
	columns.push(column);
	return column;
}

function simpleValue(field: unknown): unknown {
	return isPlainObject(field) ? (field.value ?? null) : null;
}

function confidenceOf(field: unknown): unknown {
	return isPlainObject(field) ? (field.confidence ?? null) : null;
}
