import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { PRODUCT_RESOURCES } from './resources';

const triState = (what: string): INodePropertyOptions[] => [
	{
		name: 'Model Default',
		value: 'default',
		description: "Use the model's setting in app.mindee.com",
	},
	{ name: 'On', value: 'true', description: `Ask Mindee for ${what}` },
	{ name: 'Off', value: 'false', description: `Do not ask Mindee for ${what}` },
];

/** Per-call switches that only extraction models accept (reference §2). */
export const extractionOptionsProperty: INodeProperties = {
	displayName: 'Extraction Options',
	name: 'extractionOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { resource: ['extraction'] } },
	options: [
		{
			displayName: 'Confidence Scores',
			name: 'confidence',
			type: 'options',
			options: triState('a confidence level per field (Certain, High, Medium, Low)'),
			default: 'default',
		},
		{
			displayName: 'Data Schema (JSON)',
			name: 'dataSchema',
			type: 'json',
			default: '',
			description:
				'Replace the model\'s fields for this call only, e.g. {"replace": {"fields": [{"name": "total", "title": "Total", "type": "number", "is_array": false, "description": "Invoice total"}]}}',
		},
		{
			displayName: 'Polygons',
			name: 'polygon',
			type: 'options',
			options: triState('the position of every field on the page'),
			default: 'default',
		},
		{
			displayName: 'RAG',
			name: 'rag',
			type: 'options',
			options: triState('retrieval-augmented extraction from your corrected documents'),
			default: 'default',
		},
		{
			displayName: 'Raw Text',
			name: 'rawText',
			type: 'options',
			options: triState('the full text of every page'),
			default: 'default',
		},
		{
			displayName: 'Text Context',
			name: 'textContext',
			type: 'string',
			default: '',
			typeOptions: { rows: 2 },
			description:
				'Extra instructions or context for this document, e.g. "Invoices from ACME put the VAT number in the footer"',
		},
	],
};

export const enqueueOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { resource: PRODUCT_RESOURCES } },
	options: [
		{
			displayName: 'Alias',
			name: 'alias',
			type: 'string',
			default: '',
			description:
				'Your own reference for this document (for example an order number). Mindee returns it with the job, the result and webhooks.',
		},
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			description:
				"Name to give the file at Mindee. Defaults to the binary file's name or the URL's last part.",
		},
		{
			displayName: 'Parallel Documents',
			name: 'parallelDocuments',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 200 },
			default: 50,
			description:
				"How many documents are processed at the same time, from upload to result. Mindee's rate limits are respected whatever the value; results keep the input order.",
		},
		{
			displayName: 'Webhook IDs',
			name: 'webhookIds',
			type: 'string',
			default: '',
			placeholder: 'e.g. 0f2b3a4c-..., 9d8e7f6a-...',
			description:
				'Comma-separated IDs of webhooks set up on the model in app.mindee.com. Mindee POSTs the result to each (see the Mindee Webhook Trigger node).',
		},
	],
};

export const pollingOptionsProperty: INodeProperties = {
	displayName: 'Polling',
	name: 'pollingOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { resource: PRODUCT_RESOURCES, operation: ['enqueueAndPoll'] } },
	options: [
		{
			displayName: 'Initial Delay (Seconds)',
			name: 'initialDelaySeconds',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 1 },
			default: 2,
			description: 'How long to wait after sending the document before the first status check',
		},
		{
			displayName: 'Interval (Seconds)',
			name: 'intervalSeconds',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 1 },
			default: 1.5,
			description:
				'Time between status checks (Mindee asks for at least 1 second). Jobs running longer than 10 seconds are checked less and less often.',
		},
		{
			displayName: 'Maximum Wait (Seconds)',
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 600,
			description:
				'Give up after this long (Mindee stops any inference after 590 seconds). The job ID is in the error, so the result can still be fetched with Job → Get Result.',
		},
	],
};
