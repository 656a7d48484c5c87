import type { INodeProperties } from 'n8n-workflow';

import { METADATA_KEY } from '../../shared/output/fields';
import type { MindeeProduct } from '../../shared/products';
import { pairedItem, type ItemOutputs, type OperationContext } from '../operation';
import { binaryFieldsToSend, buildEnqueueRequest } from './enqueueForm';

export { binaryFieldsToSend as binaryFieldsOf };

/** Enqueue has no parameters beyond the document's (enqueueForm.ts). */
export const description: INodeProperties[] = [];

/** Enqueue: output Mindee's job at once, for webhook flows or a later Job → Get Result. */
export async function execute(operation: OperationContext): Promise<ItemOutputs> {
	const { ctx, api, itemIndex, resource, binaryField } = operation;
	const product = resource as MindeeProduct;
	const request = await buildEnqueueRequest(operation, product);
	const job = await api.enqueue(product, request.fields, request.file, itemIndex);
	const json =
		binaryField === undefined ? job : { ...job, [METADATA_KEY]: { binary_field: binaryField } };
	return [[pairedItem(ctx, itemIndex, json, binaryField ?? true)]];
}
