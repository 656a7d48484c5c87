import type { INodeProperties } from 'n8n-workflow';

import type { MindeeProduct } from '../../shared/products';
import { pairedItem, type ItemOutputs, type OperationContext } from '../operation';
import { buildEnqueueRequest } from './enqueueForm';

/** Enqueue has no parameters beyond the document's (enqueueForm.ts). */
export const description: INodeProperties[] = [];

/** Enqueue: output Mindee's job at once, for webhook flows or a later Job → Get Result. */
export async function execute({
	ctx,
	api,
	itemIndex,
	resource,
}: OperationContext): Promise<ItemOutputs> {
	const product = resource as MindeeProduct;
	const request = await buildEnqueueRequest(ctx, itemIndex, product);
	const job = await api.enqueue(product, request.fields, request.file, itemIndex);
	return [[pairedItem(ctx, itemIndex, job)]];
}
