import type { INodeProperties } from 'n8n-workflow';

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
		],
		default: 'simplified',
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
