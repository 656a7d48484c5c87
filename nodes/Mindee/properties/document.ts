import type { INodeProperties } from 'n8n-workflow';

import { UUID_PATTERN } from '../input/uuid';
import { PRODUCT_RESOURCES } from './resources';

const forProducts = { show: { resource: PRODUCT_RESOURCES } };

export const modelProperty: INodeProperties = {
	displayName: 'Model',
	name: 'modelId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	displayOptions: forProducts,
	description: "The Mindee model to run. Only models of the chosen resource's type are listed.",
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a model...',
			typeOptions: { searchListMethod: 'searchModels', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 12345678-abcd-4def-8123-456789abcdef',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: UUID_PATTERN,
						errorMessage: 'A model ID is a UUID, as shown in app.mindee.com → your model → API',
					},
				},
			],
		},
	],
};

export const documentProperties: INodeProperties[] = [
	modelProperty,
	{
		displayName: 'Input Type',
		name: 'inputType',
		type: 'options',
		displayOptions: forProducts,
		options: [
			{ name: 'Binary File', value: 'binary', description: 'A file from a previous node' },
			{
				name: 'URL',
				value: 'url',
				description: 'A public https:// link that Mindee downloads itself',
			},
			{
				name: 'Base64',
				value: 'base64',
				description: 'The file content as a Base64 string (for AI agents and expressions)',
			},
		],
		default: 'binary',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { resource: PRODUCT_RESOURCES, inputType: ['binary'] } },
		hint: 'The name of the input field holding the file (PDF, JPEG, PNG, WebP, TIFF, HEIC or HEIF, up to 100 MB)',
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/invoice.pdf',
		displayOptions: { show: { resource: PRODUCT_RESOURCES, inputType: ['url'] } },
		description:
			'A public https:// link to the file. Mindee does not follow redirects and cannot log in.',
	},
	{
		displayName: 'Base64 Content',
		name: 'base64Content',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 2 },
		displayOptions: { show: { resource: PRODUCT_RESOURCES, inputType: ['base64'] } },
		description: "The file's bytes encoded as Base64",
	},
];
