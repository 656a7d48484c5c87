import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { PRODUCTS, type ProductInfo } from '../../shared/products';
import * as enqueue from './enqueue.operation';
import * as enqueueAndPoll from './enqueueAndPoll.operation';
import { enqueueFormProperties } from './enqueueForm';

/**
 * Every Mindee product (shared/products.ts) is a resource with the same two operations; the
 * product only changes the route, the model type listed and the options shown.
 */
export { enqueue, enqueueAndPoll };

export const resourceOptions: INodePropertyOptions[] = PRODUCTS.map(
	({ name, value, description }) => ({ name, value, description }),
);

function operationProperty(product: ProductInfo): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [product.value] } },
		options: [
			{
				name: 'Enqueue & Poll',
				value: 'enqueueAndPoll',
				description: 'Send the document, wait for Mindee to finish, and output the result',
				action: product.action,
			},
			{
				name: 'Enqueue',
				value: 'enqueue',
				description:
					'Send the document and output the job at once; collect the result with the Mindee Webhook Trigger or Job → Get Result',
				action: `${product.action} without waiting`,
			},
		],
		default: 'enqueueAndPoll',
	};
}

export const description: INodeProperties[] = [
	...PRODUCTS.map(operationProperty),
	...enqueueFormProperties,
	...enqueue.description,
	...enqueueAndPoll.description,
];
