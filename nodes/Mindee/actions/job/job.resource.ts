import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import * as get from './get.operation';
import * as getResult from './getResult.operation';

export { get, getResult };

export const resourceOptions: INodePropertyOptions[] = [
	{ name: 'Job', value: 'job', description: 'Look up a job or fetch a result later' },
];

export const description: INodeProperties[] = [
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
	...get.description,
	...getResult.description,
];
