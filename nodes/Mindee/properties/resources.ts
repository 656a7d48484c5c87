import type { INodeProperties } from 'n8n-workflow';

/** Products that enqueue a document; each has "Enqueue & Poll" and "Enqueue". */
export const PRODUCT_RESOURCES = ['extraction', 'classification', 'crop', 'ocr', 'split'];

export const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Classification',
			value: 'classification',
			description: 'Tell which kind of document a file is',
		},
		{ name: 'Crop', value: 'crop', description: 'Find the documents inside a photo or scan' },
		{
			name: 'Extraction',
			value: 'extraction',
			description: 'Extract fields with a Mindee extraction model',
		},
		{ name: 'Job', value: 'job', description: 'Look up a job or fetch a result later' },
		{ name: 'Model', value: 'model', description: 'Find your Mindee models' },
		{ name: 'OCR', value: 'ocr', description: 'Read the full text of every page' },
		{ name: 'Split', value: 'split', description: 'Cut a multi-document file into documents' },
	],
	default: 'extraction',
};

const productLabels: Record<string, { noun: string; verb: string }> = {
	extraction: { noun: 'document', verb: 'Extract data from a document' },
	classification: { noun: 'document', verb: 'Classify a document' },
	crop: { noun: 'document', verb: 'Crop documents in an image' },
	ocr: { noun: 'document', verb: 'Read the text of a document' },
	split: { noun: 'document', verb: 'Split a document' },
};

function productOperation(resource: string): INodeProperties {
	const label = productLabels[resource];
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options: [
			{
				name: 'Enqueue & Poll',
				value: 'enqueueAndPoll',
				description: 'Send the document, wait for Mindee to finish, and output the result',
				action: label.verb,
			},
			{
				name: 'Enqueue',
				value: 'enqueue',
				description:
					'Send the document and output the job at once; collect the result with the Mindee Webhook Trigger or Job → Get Result',
				action: `${label.verb} without waiting`,
			},
		],
		default: 'enqueueAndPoll',
	};
}

export const operationProperties: INodeProperties[] = [
	...PRODUCT_RESOURCES.map(productOperation),
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['job'] } },
		options: [
			{
				name: 'Get Status',
				value: 'get',
				description: "Get a job's status",
				action: 'Get a job status',
			},
			{
				name: 'Get Result',
				value: 'getResult',
				description: 'Fetch the result of a finished job',
				action: 'Get a job result',
			},
		],
		default: 'getResult',
	},
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['model'] } },
		options: [
			{
				name: 'Search',
				value: 'search',
				description: 'Search models by name and type',
				action: 'Search models',
			},
		],
		default: 'search',
	},
];
