import type { INodeProperties } from 'n8n-workflow';

import { productOptions } from '../../shared/products';
import { pairedItem, type ItemOutputs, type OperationContext } from '../operation';

export const description: INodeProperties[] = [
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

/** Model → Search: every page, or up to a limit. One item per model. */
export async function execute({ ctx, api, itemIndex }: OperationContext): Promise<ItemOutputs> {
	const name = String(ctx.getNodeParameter('name', itemIndex, '') ?? '');
	const modelType = String(ctx.getNodeParameter('modelType', itemIndex, '') ?? '');
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
	const models = await api.listModels({ name, modelType, limit });
	return [models.map((model) => pairedItem(ctx, itemIndex, model, false))];
}
