import type {
	IDataObject,
	IExecuteFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { notModelIdError } from '../../shared/errors';
import { isUuid, parseIdList } from '../../shared/ids';
import {
	EXTRACTION_OPTION_PRODUCTS,
	PRODUCT_VALUES,
	productInfo,
	type MindeeProduct,
} from '../../shared/products';
import type { FormFields, MultipartFile } from '../../shared/transport/multipart';
import type { OperationContext } from '../operation';
import { dataSchemaFieldsOption, dataSchemaJsonOption, dataSchemaToSend } from './dataSchema';
import {
	base64Source,
	binarySource,
	selectBinaryFields,
	urlSource,
	type DocumentSource,
	type InputType,
} from './documentSource';

const forDocuments = { show: { resource: PRODUCT_VALUES } };

const BINARY_FIELD_PARAMETER = 'binaryPropertyName';

const modelProperty: INodeProperties = {
	displayName: 'Model',
	name: 'modelId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	displayOptions: forDocuments,
	description: "The Mindee model to run. Only models of the chosen resource's type are listed.",
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a model...',
			typeOptions: { searchListMethod: 'searchModels', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 12345678-abcd-4def-8123-456789abcdef',
			// No `validation` regex: n8n 2.x runs those in a vm with a 250 ms wall-clock timeout when
			// every execution starts, and on a busy worker a trivial one can time out and fail the
			// execution before any node runs. The operation checks the ID itself (notModelIdError).
		},
	],
};

const triState = (what: string): INodePropertyOptions[] => [
	{
		name: 'Model Default',
		value: 'default',
		description: "Use the model's setting in app.mindee.com",
	},
	{ name: 'On', value: 'true', description: `Ask Mindee for ${what}` },
	{ name: 'Off', value: 'false', description: `Do not ask Mindee for ${what}` },
];

/** Per-call switches that only extraction models accept. */
const extractionOptionsProperty: INodeProperties = {
	displayName: 'Extraction Options',
	name: 'extractionOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { resource: EXTRACTION_OPTION_PRODUCTS } },
	options: [
		{
			displayName: 'Confidence Scores',
			name: 'confidence',
			type: 'options',
			options: triState('a confidence level per field (Certain, High, Medium, Low)'),
			default: 'default',
		},
		dataSchemaFieldsOption,
		dataSchemaJsonOption,
		{
			displayName: 'Polygons',
			name: 'polygon',
			type: 'options',
			options: triState('the position of every field on the page'),
			default: 'default',
		},
		{
			displayName: 'RAG',
			name: 'rag',
			type: 'options',
			options: triState('retrieval-augmented extraction from your corrected documents'),
			default: 'default',
		},
		{
			displayName: 'Raw Text',
			name: 'rawText',
			type: 'options',
			options: triState('the full text of every page'),
			default: 'default',
		},
		{
			displayName: 'Text Context',
			name: 'textContext',
			type: 'string',
			default: '',
			typeOptions: { rows: 2 },
			description:
				'Extra instructions or context for this document, e.g. "Invoices from ACME put the VAT number in the footer"',
		},
	],
};

const enqueueOptionsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { resource: PRODUCT_VALUES } },
	options: [
		{
			displayName: 'Alias',
			name: 'alias',
			type: 'string',
			default: '',
			description:
				'Your own reference for this document (for example an order number). Mindee returns it with the job, the result and webhooks.',
		},
		{
			displayName: 'File Name',
			name: 'fileName',
			type: 'string',
			default: '',
			description:
				"Name to give the file at Mindee. Defaults to the binary file's name or the URL's last part.",
		},
		{
			displayName: 'Parallel Documents',
			name: 'parallelDocuments',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description:
				"Optional cap on the documents in progress at the same time, from upload to result. Without it every document is in progress at once, bounded only by Mindee's rate limits, which is fastest. Results keep the input order.",
		},
		{
			// Once a comma-separated string: saved workflows keep that value, and an expression may
			// still give one (readWebhookIds takes a list or a string).
			displayName: 'Webhook Names or IDs',
			name: 'webhookIds',
			type: 'multiOptions',
			typeOptions: {
				loadOptionsMethod: 'getModelWebhooks',
				loadOptionsDependsOn: ['modelId.value', 'resource'],
			},
			default: [],
			description:
				'Webhooks set up on the model in app.mindee.com: Mindee POSTs the result to each (see the Mindee Webhook Trigger node). Typed IDs go in an expression, separated by commas. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
	],
};

/** The document to send and how: shared by Enqueue and Enqueue & Poll, for every product. */
export const enqueueFormProperties: INodeProperties[] = [
	modelProperty,
	{
		displayName: 'Input Type',
		name: 'inputType',
		type: 'options',
		displayOptions: forDocuments,
		options: [
			{ name: 'Binary File', value: 'binary', description: 'A file from a previous node' },
			{
				name: 'URL',
				value: 'url',
				description: 'A public https:// link that Mindee downloads itself',
			},
			{
				name: 'Base64',
				value: 'base64',
				description: 'The file content as a Base64 string (for AI agents and expressions)',
			},
		],
		default: 'binary',
	},
	{
		displayName: 'Input Binary Field',
		name: BINARY_FIELD_PARAMETER,
		type: 'string',
		default: 'data',
		required: true,
		displayOptions: { show: { resource: PRODUCT_VALUES, inputType: ['binary'] } },
		hint: 'The input field holding the file (PDF, JPEG, PNG, WebP, TIFF, HEIC or HEIF, up to 100 MB). Several: names separated by commas, a pattern such as attachment_*, or * for all; each file becomes its own output item.',
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/invoice.pdf',
		displayOptions: { show: { resource: PRODUCT_VALUES, inputType: ['url'] } },
		description:
			'A public https:// link to the file. Mindee does not follow redirects and cannot log in.',
	},
	{
		displayName: 'Base64 Content',
		name: 'base64Content',
		type: 'string',
		default: '',
		required: true,
		typeOptions: { rows: 2 },
		displayOptions: { show: { resource: PRODUCT_VALUES, inputType: ['base64'] } },
		description: "The file's bytes encoded as Base64",
	},
	extractionOptionsProperty,
	enqueueOptionsProperty,
];

const TRI_STATE_FIELDS: Array<[option: string, field: string]> = [
	['rag', 'rag'],
	['rawText', 'raw_text'],
	['polygon', 'polygon'],
	['confidence', 'confidence'],
];

export interface EnqueueRequest {
	modelId: string;
	fields: FormFields;
	file?: MultipartFile;
	source: DocumentSource;
}

function readModelId(ctx: IExecuteFunctions, itemIndex: number): string {
	const modelId = String(
		ctx.getNodeParameter('modelId', itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	if (!modelId) {
		throw new NodeOperationError(ctx.getNode(), 'No model chosen', {
			itemIndex,
			description:
				'Pick a model from the list, or paste its ID from app.mindee.com → your model → API.',
		});
	}
	if (!isUuid(modelId)) throw notModelIdError(ctx.getNode(), modelId, itemIndex);
	return modelId;
}

/** The binary fields whose files an item sends one by one, when Input Binary Field selects several. */
export function binaryFieldsToSend(
	ctx: IExecuteFunctions,
	itemIndex: number,
	asTool: boolean,
): string[] | undefined {
	if (ctx.getNodeParameter('inputType', itemIndex, 'binary') !== 'binary') return undefined;
	const parameter = String(ctx.getNodeParameter(BINARY_FIELD_PARAMETER, itemIndex, 'data'));
	return selectBinaryFields(ctx, itemIndex, parameter, asTool);
}

async function readSource(
	{ ctx, itemIndex, binaryField, asTool }: OperationContext,
	fileName: string,
): Promise<DocumentSource> {
	const inputType = ctx.getNodeParameter('inputType', itemIndex, 'binary') as InputType;
	if (inputType === 'url')
		return urlSource(ctx.getNode(), itemIndex, String(ctx.getNodeParameter('url', itemIndex, '')));
	if (inputType === 'base64') {
		const content = String(ctx.getNodeParameter('base64Content', itemIndex, ''));
		return base64Source(ctx.getNode(), itemIndex, content, fileName);
	}
	return await binarySource(
		ctx,
		itemIndex,
		binaryField ?? String(ctx.getNodeParameter(BINARY_FIELD_PARAMETER, itemIndex, 'data')),
		asTool,
	);
}

function readWebhookIds(ctx: IExecuteFunctions, itemIndex: number, raw: unknown): string[] {
	const ids = parseIdList(raw);
	const invalid = ids.filter((id) => !isUuid(id));
	if (invalid.length) {
		throw new NodeOperationError(ctx.getNode(), `Not a webhook ID: ${invalid.join(', ')}`, {
			itemIndex,
			description:
				"Pick the webhooks from the list, or give each webhook's ID from app.mindee.com → your model → Webhooks, separated by commas.",
		});
	}
	return ids;
}

/**
 * Reads the parameters above for one item and turns them into Mindee's enqueue form
 * (https://docs.mindee.com/integrations/api-reference).
 */
export async function buildEnqueueRequest(
	operation: OperationContext,
	product: MindeeProduct,
): Promise<EnqueueRequest> {
	const { ctx, itemIndex } = operation;
	const modelId = readModelId(ctx, itemIndex);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const source = await readSource(operation, String(options.fileName ?? ''));
	const fields: FormFields = [['model_id', modelId]];
	if (source.kind === 'url') fields.push(['url', source.url]);
	if (options.fileName) fields.push(['filename', String(options.fileName)]);
	if (options.alias) fields.push(['alias', String(options.alias)]);
	const webhookIds = readWebhookIds(ctx, itemIndex, options.webhookIds);
	if (webhookIds.length) fields.push(['webhook_ids', webhookIds.join(',')]);

	if (productInfo(product).takesExtractionOptions) {
		const extraction = ctx.getNodeParameter('extractionOptions', itemIndex, {}) as IDataObject;
		for (const [option, field] of TRI_STATE_FIELDS) {
			// 'default' sends nothing, so the model's own setting applies; expressions may give booleans.
			const value = String(extraction[option] ?? 'default');
			if (value === 'true' || value === 'false') fields.push([field, value]);
		}
		if (extraction.textContext) fields.push(['text_context', String(extraction.textContext)]);
		// Sent as a JSON string, checked here so that a mistake fails before upload.
		const dataSchema = dataSchemaToSend(ctx.getNode(), itemIndex, extraction);
		if (dataSchema) fields.push(['data_schema', dataSchema]);
	}

	return { modelId, fields, file: source.kind === 'file' ? source.file : undefined, source };
}
