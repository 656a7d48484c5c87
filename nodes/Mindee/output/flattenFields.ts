import type { IDataObject } from 'n8n-workflow';

import { claimKey } from './claimKey';
import { isListField, isObjectField, isPlainObject, isSimpleField } from './fieldKinds';
import { CONFIDENCE_SUFFIX, PATH_SEPARATOR } from './outputKeys';

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
