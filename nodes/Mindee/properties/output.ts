import type { INodeProperties } from 'n8n-workflow';

import { PRODUCT_RESOURCES } from './resources';

/** Shown wherever the node outputs a Mindee result. */
const whereResultsAreOutput = {
	show: { resource: [...PRODUCT_RESOURCES, 'job'], operation: ['enqueueAndPoll', 'getResult'] },
};

export const REVIEW_THRESHOLD_PARAMETER = 'reviewThreshold';

/** The Output choice, shared with the Mindee Webhook Trigger so both shape results alike. */
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

export const outputProperties: INodeProperties[] = [
	outputModeProperty(whereResultsAreOutput),
	splitListFieldProperty(whereResultsAreOutput.show),
	{
		displayName: 'Route to Review Below Confidence',
		name: REVIEW_THRESHOLD_PARAMETER,
		type: 'options',
		displayOptions: {
			show: { resource: ['extraction', 'job'], operation: ['enqueueAndPoll', 'getResult'] },
		},
		options: [
			{ name: 'Do Not Route', value: '', description: 'One output for every document' },
			{
				name: 'Certain',
				value: 'Certain',
				description: 'Review every document with any field below Certain',
			},
			{ name: 'High', value: 'High', description: 'Review documents with any Medium or Low field' },
			{ name: 'Medium', value: 'Medium', description: 'Review documents with any Low field' },
		],
		default: '',
		description:
			'Adds a second output, "Needs Review", for documents with a field under this confidence. Mindee recommends a person checks Medium and Low fields. Requires Confidence Scores (Extraction Options) to be on for the model or the call.',
	},
];

/** Node outputs: one, or "Passed Review" and "Needs Review" when routing is on. */
export const outputsExpression = `={{ $parameter["${REVIEW_THRESHOLD_PARAMETER}"] ? [{ "type": "main", "displayName": "Passed Review" }, { "type": "main", "displayName": "Needs Review" }] : [{ "type": "main" }] }}`;
