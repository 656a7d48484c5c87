import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Extraction Options → Data Schema: the fields that replace the model's for one call, given as
 * JSON (`dataSchema`, `{"replace": {"fields": [...]}}`) or entered in the panel (`dataSchemaFields`).
 * Both are checked by the same rules before anything is uploaded, and go to Mindee as the same JSON
 * string (https://docs.mindee.com/extraction-models/data-schema).
 */

/** Mindee's field types (the API's values; the panel shows the names of Mindee's web app). */
const FIELD_TYPES = [
	{ name: 'Barcode', value: 'barcode', description: 'A 1D or 2D barcode, located and decoded' },
	{ name: 'Boolean', value: 'boolean', description: 'True or false' },
	{
		name: 'Classification',
		value: 'classification',
		description: 'One of the values listed in Classification Values',
	},
	{ name: 'Date', value: 'date', description: 'YYYY-MM-DD, or YYYY-MM-DD HH:mm:ss' },
	{
		name: 'Nested Object',
		value: 'nested_object',
		description: 'A group of subfields (Nested Fields), one level deep',
	},
	{ name: 'Number', value: 'number', description: 'An integer or a decimal number' },
	{
		name: 'Object Detection',
		value: 'object_detection',
		description: 'The position of a feature such as a logo, signature or photo',
	},
	{ name: 'Text', value: 'string', description: 'Any text' },
] as const;

const TYPE_VALUES: readonly string[] = FIELD_TYPES.map((type) => type.value);

/** Names Mindee accepts: lowercase a-z, digits and underscores, not starting or ending with one. */
const FIELD_NAME = /^[a-z0-9](?:[a-z0-9_]*[a-z0-9])?$/;

/** Every property a field may have, in the order Mindee's client libraries send them. */
const FIELD_KEYS = [
	'name',
	'title',
	'is_array',
	'type',
	'classification_values',
	'unique_values',
	'description',
	'guidelines',
	'nested_fields',
] as const;

// ---------------------------------------------------------------- the panel

function fieldValues(nested: boolean): INodeProperties[] {
	const types = nested ? FIELD_TYPES.filter((type) => type.value !== 'nested_object') : FIELD_TYPES;
	const values: INodeProperties[] = [
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. total_amount',
			description:
				"The field's key in the result: lowercase letters, digits and underscores, not starting or ending with an underscore",
		},
		{
			displayName: 'Title',
			name: 'title',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. Total Amount',
			description: 'The human-readable name, which Mindee also reads to find the value',
		},
		{
			displayName: 'Type',
			name: 'type',
			type: 'options',
			options: [...types],
			default: 'string',
		},
		{
			displayName: 'List',
			name: 'isArray',
			type: 'boolean',
			default: false,
			description: 'Whether the document can hold several values of this field (a list)',
		},
		{
			displayName: 'Unique Values',
			name: 'uniqueValues',
			type: 'boolean',
			default: false,
			displayOptions: { show: { isArray: [true] } },
			description: 'Whether to drop duplicate values from the list',
		},
		{
			displayName: 'Classification Values',
			name: 'classificationValues',
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { type: ['classification'] } },
			placeholder: 'e.g. invoice, credit note, receipt',
			description: 'The categories to choose from, separated by commas',
		},
		{
			displayName: 'Description',
			name: 'description',
			type: 'string',
			default: '',
			typeOptions: { rows: 2 },
			description: 'What the field is, in context (optional)',
		},
		{
			displayName: 'Guidelines',
			name: 'guidelines',
			type: 'string',
			default: '',
			typeOptions: { rows: 2 },
			description: 'How to extract or format it, e.g. "Use the amount after tax" (optional)',
		},
	];
	if (!nested) {
		values.push({
			displayName: 'Nested Fields',
			name: 'nestedFields',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true, sortable: true },
			placeholder: 'Add Nested Field',
			default: {},
			displayOptions: { show: { type: ['nested_object'] } },
			description: 'The subfields of this object (one level: they cannot be nested objects)',
			options: [{ displayName: 'Nested Field', name: 'fields', values: fieldValues(true) }],
		});
	}
	return values;
}

/** An option of the Extraction Options collection, beside Data Schema (JSON). */
export const dataSchemaFieldsOption: INodeProperties = {
	displayName: 'Data Schema (Fields)',
	name: 'dataSchemaFields',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Field',
	default: {},
	description:
		"Replace the model's fields for this call only, field by field (the same as Data Schema (JSON), without writing JSON)",
	options: [{ displayName: 'Field', name: 'fields', values: fieldValues(false) }],
};

export const dataSchemaJsonOption: INodeProperties = {
	displayName: 'Data Schema (JSON)',
	name: 'dataSchema',
	type: 'json',
	default: '',
	description:
		'Replace the model\'s fields for this call only, e.g. {"replace": {"fields": [{"name": "total", "title": "Total", "type": "number", "is_array": false, "description": "Invoice total"}]}}',
};

// ---------------------------------------------------------------- reading and checking

/** Stops the item with an error: what is wrong (naming the field) and what to do. */
type Raise = (message: string, hint: string) => never;

const listOf = (raw: unknown): string[] =>
	(Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(','))
		.map((value) => value.trim())
		.filter(Boolean);

const isBlank = (value: unknown): boolean =>
	value === undefined || value === null || String(value).trim() === '';

/** One panel entry as Mindee's field object; what the panel hides for the chosen type is left out. */
function fieldFromPanel(entry: IDataObject): IDataObject {
	const type = String(entry.type ?? 'string');
	const isArray = entry.isArray === true || entry.isArray === 'true';
	const field: IDataObject = {
		name: String(entry.name ?? '').trim(),
		title: String(entry.title ?? '').trim(),
		is_array: isArray,
		type,
	};
	if (type === 'classification') field.classification_values = listOf(entry.classificationValues);
	if (isArray && (entry.uniqueValues === true || entry.uniqueValues === 'true'))
		field.unique_values = true;
	if (!isBlank(entry.description)) field.description = String(entry.description);
	if (!isBlank(entry.guidelines)) field.guidelines = String(entry.guidelines);
	if (type === 'nested_object')
		field.nested_fields = panelEntries(entry.nestedFields).map(fieldFromPanel);
	return field;
}

function panelEntries(collection: unknown): IDataObject[] {
	const entries = (collection as IDataObject | undefined)?.fields;
	return Array.isArray(entries) ? (entries as IDataObject[]) : [];
}

/** The panel's fields as Mindee's `{"replace": {"fields": [...]}}`. */
export function schemaFromPanel(collection: unknown): IDataObject {
	return { replace: { fields: panelEntries(collection).map(fieldFromPanel) } };
}

/** How an error names a field: its path of names, or its position when it has no usable name. */
function fieldLabel(field: unknown, position: number, parentPath: string): string {
	const name = (field as IDataObject | null)?.name;
	const own = typeof name === 'string' && name.trim() ? name.trim() : `#${position + 1}`;
	return `"${parentPath ? `${parentPath}.` : ''}${own}"`;
}

function checkFields(fields: unknown, parentPath: string, nested: boolean, raise: Raise): void {
	if (!Array.isArray(fields) || fields.length === 0) {
		raise(
			parentPath
				? `Data Schema field "${parentPath}" is a nested object without nested fields`
				: 'The Data Schema has no fields',
			parentPath
				? 'Add its subfields (Nested Fields), or choose another type.'
				: "Add at least one field, or remove the Data Schema to use the model's own fields.",
		);
	}
	const seen = new Set<string>();
	fields.forEach((field: unknown, position) => {
		const label = fieldLabel(field, position, parentPath);
		const fail = (problem: string, hint: string): never => {
			raise(`Data Schema field ${label}: ${problem}`, hint);
		};
		if (typeof field !== 'object' || field === null || Array.isArray(field)) {
			fail(
				'is not an object',
				'Each field is an object such as {"name": "total", "title": "Total", "type": "number", "is_array": false}.',
			);
		}
		const entry = field as IDataObject;
		const unknown = Object.keys(entry).filter(
			(key) => !(FIELD_KEYS as readonly string[]).includes(key),
		);
		if (unknown.length) {
			fail(
				`unknown ${unknown.length > 1 ? 'properties' : 'property'} ${unknown.map((key) => `"${key}"`).join(', ')}`,
				`A field may have: ${FIELD_KEYS.join(', ')}.`,
			);
		}
		const { name, title, type } = entry;
		if (typeof name !== 'string' || !name.trim())
			fail('has no name', 'Give it a name such as total_amount.');
		if (!FIELD_NAME.test(name as string)) {
			fail(
				`the name "${name as string}" is not allowed`,
				'Use only lowercase letters a-z, digits and underscores, not starting or ending with an underscore (e.g. total_amount).',
			);
		}
		if (seen.has(name as string))
			fail('the name is used twice', 'Give each field a different name.');
		seen.add(name as string);
		if (typeof title !== 'string' || !title.trim())
			fail('has no title', 'Give it a human-readable title such as "Total Amount".');
		if (typeof type !== 'string' || !TYPE_VALUES.includes(type)) {
			fail(
				type === undefined
					? 'has no type'
					: `the type ${JSON.stringify(type)} is not a Mindee field type`,
				`Use one of: ${TYPE_VALUES.join(', ')}.`,
			);
		}
		for (const key of ['is_array', 'unique_values'] as const) {
			if (entry[key] !== undefined && typeof entry[key] !== 'boolean')
				fail(
					`${key} must be true or false`,
					`Write ${key}: true or ${key}: false, without quotes.`,
				);
		}
		for (const key of ['description', 'guidelines'] as const) {
			if (entry[key] !== undefined && typeof entry[key] !== 'string')
				fail(`${key} must be text`, `Write the ${key} as a string.`);
		}
		if (entry.unique_values === true && entry.is_array !== true) {
			fail(
				'unique values apply to lists only',
				'Make the field a list (is_array: true), or drop unique_values.',
			);
		}

		const values = entry.classification_values;
		if (type === 'classification') {
			if (
				!Array.isArray(values) ||
				values.length === 0 ||
				values.some((value) => typeof value !== 'string' || !value.trim())
			) {
				fail(
					'a classification needs its values',
					'List the categories to choose from (Classification Values), e.g. invoice, credit note, receipt.',
				);
			}
		} else if (Array.isArray(values) ? values.length > 0 : values !== undefined) {
			fail(
				'only classification fields take classification values',
				'Remove the values, or make the field a classification.',
			);
		}

		const subfields = entry.nested_fields;
		if (type === 'nested_object') {
			if (nested)
				fail(
					'a nested field cannot be a nested object',
					'Mindee allows one level of nesting: give this field another type.',
				);
			checkFields(subfields, `${parentPath ? `${parentPath}.` : ''}${name as string}`, true, raise);
		} else if (Array.isArray(subfields) ? subfields.length > 0 : subfields !== undefined) {
			fail(
				'only nested objects take nested fields',
				'Remove the nested fields, or make the field a nested object.',
			);
		}
	});
}

/** The JSON parameter as given (text, or an object from an expression) → the schema, shape checked. */
function schemaFromJson(raw: unknown, raise: Raise): IDataObject {
	let schema: unknown = raw;
	if (typeof raw === 'string') {
		try {
			schema = JSON.parse(raw);
		} catch (error) {
			raise(
				`Data Schema is not valid JSON: ${(error as Error).message}`,
				'Write it as {"replace": {"fields": [ ... ]}}, as described in Mindee\'s data schema documentation, or enter the fields with Data Schema (Fields).',
			);
		}
	}
	const fields = ((schema as IDataObject | null)?.replace as IDataObject | undefined)?.fields;
	if (!Array.isArray(fields)) {
		raise(
			'Data Schema must look like {"replace": {"fields": [ ... ]}}',
			"Mindee only accepts a schema that replaces the model's fields for this call.",
		);
	}
	return schema as IDataObject;
}

/**
 * The `data_schema` form field for the Extraction Options given, or undefined when there is none.
 * Throws a NodeOperationError for the item, naming the field at fault.
 */
export function dataSchemaToSend(
	node: INode,
	itemIndex: number,
	extractionOptions: IDataObject,
): string | undefined {
	const raise: Raise = (message, hint) => {
		throw new NodeOperationError(node, message, { itemIndex, description: hint });
	};
	const json = extractionOptions.dataSchema;
	const hasJson = !(json === undefined || json === null || json === '');
	const hasFields = panelEntries(extractionOptions.dataSchemaFields).length > 0;
	if (hasJson && hasFields) {
		raise(
			'The Data Schema is given twice, as JSON and as fields',
			'Keep one of Data Schema (JSON) and Data Schema (Fields) in the Extraction Options.',
		);
	}
	if (!hasJson && !hasFields) return undefined;
	const schema = hasJson
		? schemaFromJson(json, raise)
		: schemaFromPanel(extractionOptions.dataSchemaFields);
	checkFields((schema.replace as IDataObject).fields, '', false, raise);
	return JSON.stringify(schema);
}
