import type { INodeProperties } from 'n8n-workflow';

const productOptions = [
	{ name: 'Classification', value: 'classification' },
	{ name: 'Crop', value: 'crop' },
	{ name: 'Extraction', value: 'extraction' },
	{ name: 'OCR', value: 'ocr' },
	{ name: 'Split', value: 'split' },
];

export const jobProperties: INodeProperties[] = [
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 12345678-abcd-4def-8123-456789abcdef',
		displayOptions: { show: { resource: ['job'], operation: ['get'] } },
		description: 'The ID of the job returned by Enqueue',
	},
	{
		displayName: 'Find Result By',
		name: 'resultBy',
		type: 'options',
		displayOptions: { show: { resource: ['job'], operation: ['getResult'] } },
		options: [
			{
				name: 'Job ID',
				value: 'jobId',
				description: 'The ID returned by Enqueue (works for every product)',
			},
			{
				name: 'Inference ID',
				value: 'inferenceId',
				description: 'The inference ID from a result or a webhook',
			},
			{ name: 'Result URL', value: 'resultUrl', description: 'The result_url of a processed job' },
		],
		default: 'jobId',
	},
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 12345678-abcd-4def-8123-456789abcdef',
		displayOptions: { show: { resource: ['job'], operation: ['getResult'], resultBy: ['jobId'] } },
	},
	{
		displayName: 'Inference ID',
		name: 'inferenceId',
		type: 'string',
		default: '',
		required: true,
		displayOptions: {
			show: { resource: ['job'], operation: ['getResult'], resultBy: ['inferenceId'] },
		},
	},
	{
		displayName: 'Product',
		name: 'product',
		type: 'options',
		options: productOptions,
		default: 'extraction',
		displayOptions: {
			show: { resource: ['job'], operation: ['getResult'], resultBy: ['inferenceId'] },
		},
		description: 'Which Mindee product produced the inference',
	},
	{
		displayName: 'Result URL',
		name: 'resultUrl',
		type: 'string',
		default: '',
		required: true,
		displayOptions: {
			show: { resource: ['job'], operation: ['getResult'], resultBy: ['resultUrl'] },
		},
	},
];

export const modelProperties: INodeProperties[] = [
	{
		displayName: 'Name Contains',
		name: 'name',
		type: 'string',
		default: '',
		displayOptions: { show: { resource: ['model'], operation: ['search'] } },
		description: 'Only models whose name contains this text. Leave empty for all.',
	},
	{
		displayName: 'Model Type',
		name: 'modelType',
		type: 'options',
		options: [{ name: 'Any', value: '' }, ...productOptions],
		default: '',
		displayOptions: { show: { resource: ['model'], operation: ['search'] } },
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		displayOptions: { show: { resource: ['model'], operation: ['search'] } },
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { resource: ['model'], operation: ['search'], returnAll: [false] } },
		description: 'Max number of results to return',
	},
];
