import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { shapeInference, type ConfidenceLevel, type OutputMode } from '../output';
import type { MindeeInference, MindeeProduct } from '../transport/types';
import type { ItemOutputs } from './types';

/** An output item paired to its input item, carrying the input's files so later nodes can archive them. */
export function pairedItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	json: IDataObject,
	keepBinary = true,
): INodeExecutionData {
	const input = ctx.getInputData()[itemIndex];
	const item: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	if (keepBinary && input?.binary) item.binary = input.binary;
	return item;
}

/** Shapes a result as the user chose (output mode, split, review routing) into this item's outputs. */
export function resultOutputs(
	ctx: IExecuteFunctions,
	itemIndex: number,
	inference: MindeeInference,
	product: MindeeProduct,
): ItemOutputs {
	const mode = ctx.getNodeParameter('outputMode', itemIndex, 'simplified') as OutputMode;
	const splitListField = String(ctx.getNodeParameter('splitListField', itemIndex, '') ?? '').trim();
	const reviewThreshold = ctx.getNodeParameter('reviewThreshold', itemIndex, '') as
		ConfidenceLevel | '';
	const shaped = shapeInference(inference, product, { mode, splitListField, reviewThreshold });
	const items = shaped.items.map((json) => pairedItem(ctx, itemIndex, json));
	if (!reviewThreshold) return [items];
	return shaped.needsReview ? [[], items] : [items, []];
}
