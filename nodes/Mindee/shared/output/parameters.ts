import type { INode, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { OutputMode } from './shapeInference';

export const SELECTED_FIELDS_PARAMETER = 'selectedFields';
const SELECTED_FIELDS_MODE: OutputMode = 'selectedFields';

/** The Output choice: the Mindee node and the Mindee Webhook Trigger shape results alike. */
export function outputModeProperty(
	displayOptions?: INodeProperties['displayOptions'],
): INodeProperties {
	return {
		displayName: 'Output',
		name: 'outputMode',
		type: 'options',
		displayOptions,
		options: [
			{
				name: 'Simplified',
				value: 'simplified',
				description:
					'One flat object per document: field: value, nested fields joined with __, metadata under "mindee"',
			},
			{ name: 'Raw', value: 'raw', description: "Mindee's inference JSON, unchanged" },
			{
				name: 'Both',
				value: 'both',
				description: 'The simplified fields, plus the raw inference under "raw"',
			},
			{
				name: 'Selected Fields',
				value: SELECTED_FIELDS_MODE,
				description:
					'Only the fields you list, from the simplified output: small items for AI agents and tight flows',
			},
		],
		default: 'simplified',
	};
}

/** The paths Selected Fields keeps, shown only in that mode. */
export function selectedFieldsProperty(show: Record<string, string[]> = {}): INodeProperties {
	return {
		displayName: 'Fields to Keep',
		name: SELECTED_FIELDS_PARAMETER,
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. supplier_name, total_amount, line_items.description',
		displayOptions: { show: { ...show, outputMode: [SELECTED_FIELDS_MODE] } },
		description:
			'Comma-separated paths into the simplified output. A dot goes into a list\'s rows (line_items.description) or a nested field (supplier_address.city); "mindee.file_name" keeps that metadata. A path that finds nothing gives null.',
	};
}

/** Split Into Items, shown only where the output is simplified. */
export function splitListFieldProperty(show: Record<string, string[]> = {}): INodeProperties {
	return {
		displayName: 'Split Into Items',
		name: 'splitListField',
		type: 'string',
		default: '',
		placeholder: 'e.g. line_items',
		displayOptions: { show: { ...show, outputMode: ['simplified', 'both'] } },
		description:
			"Name of a list field (line_items, taxes, or splits/crops for those products) to output one item per row, with the document's other fields copied beside each row. Leave empty for one item per document.",
	};
}

/** The Fields to Keep as paths, when the Output is Selected Fields; undefined otherwise. */
export function readSelectedFields(
	node: INode,
	mode: OutputMode,
	raw: unknown,
	itemIndex?: number,
): string[] | undefined {
	if (mode !== SELECTED_FIELDS_MODE) return undefined;
	const paths = String(raw ?? '')
		.split(',')
		.map((path) => path.trim())
		.filter(Boolean);
	if (!paths.length) {
		throw new NodeOperationError(node, 'Output is "Selected Fields" but no field is listed', {
			itemIndex,
			description:
				'List the fields to keep in "Fields to Keep", separated by commas (for example supplier_name, total_amount, line_items.description), or choose the Simplified output.',
		});
	}
	return paths;
}
