import type { INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { jobFailedError } from '../../shared/errors';
import { detectProduct } from '../../shared/output/shapeInference';
import { isProduct, productOptions, type MindeeProduct } from '../../shared/products';
import {
	readIdParameter,
	resultOutputs,
	type ItemOutputs,
	type OperationContext,
} from '../operation';
import { fetchJob, jobIdProperty } from './get.operation';

export const description: INodeProperties[] = [
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
	jobIdProperty({ resource: ['job'], operation: ['getResult'], resultBy: ['jobId'] }),
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

/** `/v2/products/{slug}/results/{id}`, or the deprecated `/v2/inferences/{id}` (extraction). */
export function productFromResultUrl(url: string): MindeeProduct | undefined {
	const slug = /\/v2\/products\/([a-z]+)\/results\//.exec(url)?.[1];
	if (isProduct(slug)) return slug;
	if (/\/v2\/inferences\//.test(url)) return 'extraction';
	return undefined;
}

/** Job → Get Result: by job ID (waiting for nothing), inference ID or result URL. */
export async function execute(operation: OperationContext): Promise<ItemOutputs> {
	const { ctx, api, itemIndex } = operation;
	const resultBy = ctx.getNodeParameter('resultBy', itemIndex, 'jobId') as string;
	let resultUrl: string;
	if (resultBy === 'resultUrl') {
		resultUrl = String(ctx.getNodeParameter('resultUrl', itemIndex, '')).trim();
	} else if (resultBy === 'inferenceId') {
		const product = ctx.getNodeParameter('product', itemIndex, 'extraction') as MindeeProduct;
		resultUrl = `/v2/products/${product}/results/${readIdParameter(operation, 'inferenceId', 'inference ID')}`;
	} else {
		const job = await fetchJob(operation);
		if (job.status === 'Failed') throw jobFailedError(ctx.getNode(), job, itemIndex);
		if (!job.result_url) {
			throw new NodeOperationError(ctx.getNode(), `Mindee is still processing job ${job.id}`, {
				itemIndex,
				description:
					'Try again in a few seconds, use Enqueue & Poll, or let the Mindee Webhook Trigger receive the result.',
			});
		}
		resultUrl = job.result_url;
	}
	const inference = await api.getResult(resultUrl, itemIndex);
	const product = productFromResultUrl(resultUrl) ?? detectProduct(inference) ?? 'extraction';
	return resultOutputs(operation, inference, product);
}
