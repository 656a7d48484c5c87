import type { IDataObject } from 'n8n-workflow';

/** Mindee's three field shapes (reference §4), told apart by key in the order items → fields → value. */
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

export function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
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
