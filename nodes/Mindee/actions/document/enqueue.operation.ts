import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { METADATA_KEY } from '../../shared/output/fields';
import type { MindeeProduct } from '../../shared/products';
import { pairedItem, type ItemOutputs, type OperationContext } from '../operation';
import { DocumentJob } from './documentJob';
import { binaryFieldsToSend, buildEnqueueRequest } from './enqueueForm';

export { binaryFieldsToSend as binaryFieldsOf };

/** Enqueue has no parameters beyond the document's (enqueueForm.ts). */
export const description: INodeProperties[] = [];

/**
 * Enqueue: output Mindee's job at once, for webhook flows or a later Job → Get Result. A job an
 * earlier try of n8n left for the document is output again instead of a new upload.
 */
export async function execute(operation: OperationContext): Promise<ItemOutputs> {
	const { ctx, itemIndex, resource, binaryField } = operation;
	const product = resource as MindeeProduct;
	const request = await buildEnqueueRequest(operation, product);
	const { job, reused } = await new DocumentJob(operation, product, request).start();
	const metadata: IDataObject = {};
	if (binaryField !== undefined) metadata.binary_field = binaryField;
	if (reused) metadata.reused_job = { ...reused };
	const json = Object.keys(metadata).length ? { ...job, [METADATA_KEY]: metadata } : job;
	return [[pairedItem(ctx, itemIndex, json, binaryField ?? true)]];
}
