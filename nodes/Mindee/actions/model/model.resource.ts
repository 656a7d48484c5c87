import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as search from './search.operation';

export { search };

export const resourceOptions: INodePropertyOptions[] = [
	{ name: 'Model', value: 'model', description: 'Find your Mindee models' },
];

export const description: INodeProperties[] = [
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
	...search.description,
];
