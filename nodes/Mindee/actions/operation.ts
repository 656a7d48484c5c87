import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isUuid } from '../shared/ids';
import { EXTRACTION_OPTION_PRODUCTS, PRODUCT_VALUES, type MindeeProduct } from '../shared/products';
import {
	outputModeProperty,
	readSelectedFields,
	SELECTED_FIELDS_PARAMETER,
	selectedFieldsProperty,
	splitListFieldProperty,
} from '../shared/output/parameters';
import {
	shapeInference,
	type ConfidenceLevel,
	type OutputMode,
} from '../shared/output/shapeInference';
import type { MindeeApi } from '../shared/transport/mindeeApi';
import type { MindeeInference } from '../shared/types';
import type { NodeRunJobs } from './document/acceptedJobs';

/** What every operation gets: n8n's context, the Mindee API, the item it works on. */
export interface OperationContext {
	ctx: IExecuteFunctions;
	api: MindeeApi;
	itemIndex: number;
	/** The item's resource: for document operations, the Mindee product. */
	resource: string;
	signal?: AbortSignal;
	/** Set when Input Binary Field selects several fields: the one whose file this run sends. */
	binaryField?: string;
	/** Whether an AI agent runs the node as its tool. */
	asTool: boolean;
	/** Aborted when another item failed and the node will fail: stop waiting, start nothing new. */
	failFast?: AbortSignal;
	/** The jobs of this node run, and those earlier tries left (document operations). */
	jobs?: NodeRunJobs;
}

/** Items an operation produced for one input item, per node output (0 = main, 1 = Needs Review). */
export type ItemOutputs = INodeExecutionData[][];

export interface Operation {
	description: INodeProperties[];
	execute: (operation: OperationContext) => Promise<ItemOutputs>;
	/**
	 * The binary fields an item sends as documents of their own, one run each; undefined for one
	 * run of the whole item. Only operations that send documents have it.
	 */
	binaryFieldsOf?: (
		ctx: IExecuteFunctions,
		itemIndex: number,
		asTool: boolean,
	) => string[] | undefined;
}

/** n8n runs a node that is usable as a tool under a twin type named `<package>.<name>Tool`. */
export function runsAsTool(ctx: IExecuteFunctions): boolean {
	return ctx.getNode().type.endsWith('Tool');
}

/**
 * An output item paired to its input item, carrying the input's files so later nodes can archive
 * them: all of them, only the file in `keepBinary` when it names a field, or none when false.
 */
export function pairedItem(
	ctx: IExecuteFunctions,
	itemIndex: number,
	json: IDataObject,
	keepBinary: boolean | string = true,
): INodeExecutionData {
	const input = ctx.getInputData()[itemIndex];
	const item: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	if (typeof keepBinary === 'string') {
		const file = input?.binary?.[keepBinary];
		if (file) item.binary = { [keepBinary]: file };
	} else if (keepBinary && input?.binary) {
		item.binary = input.binary;
	}
	return item;
}

/** A job or inference ID parameter, checked to be a UUID before anything is sent. */
export function readIdParameter(
	{ ctx, itemIndex }: OperationContext,
	parameter: string,
	label: string,
): string {
	const id = String(ctx.getNodeParameter(parameter, itemIndex, '') ?? '').trim();
	if (!isUuid(id)) {
		throw new NodeOperationError(ctx.getNode(), `"${id}" is not a Mindee ${label}`, {
			itemIndex,
			description: `A ${label} is a UUID, as found in the "id" of the job that Enqueue returned.`,
		});
	}
	return id;
}

const REVIEW_THRESHOLD_PARAMETER = 'reviewThreshold';

/** Shown wherever the node outputs a Mindee result: Enqueue & Poll and Job → Get Result. */
const whereResultsAreOutput = {
	show: { resource: [...PRODUCT_VALUES, 'job'], operation: ['enqueueAndPoll', 'getResult'] },
};

/** How a result becomes items: read by `resultOutputs` below. */
export const resultOutputProperties: INodeProperties[] = [
	outputModeProperty(whereResultsAreOutput),
	selectedFieldsProperty(whereResultsAreOutput.show),
	splitListFieldProperty(whereResultsAreOutput.show),
	{
		displayName: 'Route to Review Below Confidence',
		name: REVIEW_THRESHOLD_PARAMETER,
		type: 'options',
		displayOptions: {
			show: {
				resource: [...EXTRACTION_OPTION_PRODUCTS, 'job'],
				operation: ['enqueueAndPoll', 'getResult'],
			},
		},
		options: [
			{ name: 'Do Not Route', value: '', description: 'One output for every document' },
			{
				name: 'Certain',
				value: 'Certain',
				description: 'Review every document with any field below Certain',
			},
			{ name: 'High', value: 'High', description: 'Review documents with any Medium or Low field' },
			{ name: 'Medium', value: 'Medium', description: 'Review documents with any Low field' },
		],
		default: '',
		description:
			'Adds a second output, "Needs Review", for documents with a field under this confidence. Mindee recommends a person checks Medium and Low fields. Requires Confidence Scores (Extraction Options) to be on for the model or the call.',
	},
];

/** Node outputs: one, or "Passed Review" and "Needs Review" when routing is on. */
export const outputsExpression = `={{ $parameter["${REVIEW_THRESHOLD_PARAMETER}"] ? [{ "type": "main", "displayName": "Passed Review" }, { "type": "main", "displayName": "Needs Review" }] : [{ "type": "main" }] }}`;

/** How many outputs the node has for this run: two when review routing is on. */
export function outputCount(ctx: IExecuteFunctions): number {
	return ctx.getNodeParameter(REVIEW_THRESHOLD_PARAMETER, 0, '') ? 2 : 1;
}

/**
 * Shapes a result as the user chose (output mode, split, review routing) into this item's outputs.
 * As a tool, Simplified is compact: no confidence columns or polygons, to spare the model's context.
 */
export function resultOutputs(
	{ ctx, itemIndex, binaryField, asTool }: OperationContext,
	inference: MindeeInference,
	product: MindeeProduct,
): ItemOutputs {
	const mode = ctx.getNodeParameter('outputMode', itemIndex, 'simplified') as OutputMode;
	const splitListField = String(ctx.getNodeParameter('splitListField', itemIndex, '') ?? '').trim();
	const reviewThreshold = ctx.getNodeParameter(REVIEW_THRESHOLD_PARAMETER, itemIndex, '') as
		ConfidenceLevel | '';
	const selectedFields = readSelectedFields(
		ctx.getNode(),
		mode,
		ctx.getNodeParameter(SELECTED_FIELDS_PARAMETER, itemIndex, ''),
		itemIndex,
	);
	const shaped = shapeInference(inference, product, {
		mode,
		splitListField,
		reviewThreshold,
		selectedFields,
		compact: asTool && mode === 'simplified',
		binaryField,
	});
	const items = shaped.items.map((json) => pairedItem(ctx, itemIndex, json, binaryField ?? true));
	if (!reviewThreshold) return [items];
	return shaped.needsReview ? [[], items] : [items, []];
}
