import { NodeOperationError } from 'n8n-workflow';

import { isUuid } from '../input/uuid';
import { detectProduct } from '../output';
import { jobFailedError } from '../transport/jobErrors';
import { PRODUCTS, type MindeeProduct } from '../transport/types';
import { pairedItem, resultOutputs } from './resultItems';
import type { Operation, OperationContext } from './types';

function readId({ ctx, itemIndex }: OperationContext, parameter: string, label: string): string {
	const id = String(ctx.getNodeParameter(parameter, itemIndex, '') ?? '').trim();
	if (!isUuid(id)) {
		throw new NodeOperationError(ctx.getNode(), `"${id}" is not a Mindee ${label}`, {
			itemIndex,
			description: `A ${label} is a UUID, as found in the "id" of the job that Enqueue returned.`,
		});
	}
	return id;
}

/** `/v2/products/{slug}/results/{id}`, or the deprecated `/v2/inferences/{id}` (extraction). */
export function productFromResultUrl(url: string): MindeeProduct | undefined {
	const slug = /\/v2\/products\/([a-z]+)\/results\//.exec(url)?.[1];
	if (slug && (PRODUCTS as readonly string[]).includes(slug)) return slug as MindeeProduct;
	if (/\/v2\/inferences\//.test(url)) return 'extraction';
	return undefined;
}

export const getJob: Operation = async (operation) => {
	const { ctx, api, itemIndex } = operation;
	const jobId = readId(operation, 'jobId', 'job ID');
	const job = await api.getJob(`/v2/jobs/${jobId}?redirect=false`, itemIndex);
	return [[pairedItem(ctx, itemIndex, job)]];
};

export const getResult: Operation = async (operation) => {
	const { ctx, api, itemIndex } = operation;
	const resultBy = ctx.getNodeParameter('resultBy', itemIndex, 'jobId') as string;
	let resultUrl: string;
	if (resultBy === 'resultUrl') {
		resultUrl = String(ctx.getNodeParameter('resultUrl', itemIndex, '')).trim();
	} else if (resultBy === 'inferenceId') {
		const product = ctx.getNodeParameter('product', itemIndex, 'extraction') as MindeeProduct;
		resultUrl = `/v2/products/${product}/results/${readId(operation, 'inferenceId', 'inference ID')}`;
	} else {
		const jobId = readId(operation, 'jobId', 'job ID');
		const job = await api.getJob(`/v2/jobs/${jobId}?redirect=false`, itemIndex);
		if (job.status === 'Failed') throw jobFailedError(ctx.getNode(), job, itemIndex);
		if (!job.result_url) {
			throw new NodeOperationError(ctx.getNode(), `Mindee is still processing job ${jobId}`, {
				itemIndex,
				description:
					'Try again in a few seconds, use Enqueue & Poll, or let the Mindee Webhook Trigger receive the result.',
			});
		}
		resultUrl = job.result_url;
	}
	const inference = await api.getResult(resultUrl, itemIndex);
	const product = productFromResultUrl(resultUrl) ?? detectProduct(inference) ?? 'extraction';
	return resultOutputs(ctx, itemIndex, inference, product);
};
