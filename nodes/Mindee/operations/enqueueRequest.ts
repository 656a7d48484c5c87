import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	base64Source,
	binarySource,
	urlSource,
	type DocumentSource,
	type InputType,
} from '../input/documentSource';
import { isUuid } from '../input/uuid';
import type { FormFields, MultipartFile } from '../transport/multipart';
import type { MindeeProduct } from '../transport/types';

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
	if (!isUuid(modelId)) {
		throw new NodeOperationError(ctx.getNode(), `"${modelId}" is not a Mindee model ID`, {
			itemIndex,
			description:
				'Model IDs are UUIDs like 12345678-abcd-4def-8123-456789abcdef (app.mindee.com → your model → API).',
		});
	}
	return modelId;
}

async function readSource(
	ctx: IExecuteFunctions,
	itemIndex: number,
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
		String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')),
	);
}

function readWebhookIds(ctx: IExecuteFunctions, itemIndex: number, raw: unknown): string[] {
	const list = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',');
	const ids = list.map((id) => id.trim()).filter(Boolean);
	const invalid = ids.filter((id) => !isUuid(id));
	if (invalid.length) {
		throw new NodeOperationError(ctx.getNode(), `Not a webhook ID: ${invalid.join(', ')}`, {
			itemIndex,
			description:
				"Copy each webhook's ID from app.mindee.com → your model → Webhooks, separated by commas.",
		});
	}
	return ids;
}

/** `data_schema` goes to Mindee as a JSON string; it is parsed here so a typo fails before upload. */
function readDataSchema(
	ctx: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
): string | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	let schema: unknown = raw;
	if (typeof raw === 'string') {
		try {
			schema = JSON.parse(raw);
		} catch (error) {
			throw new NodeOperationError(
				ctx.getNode(),
				`Data Schema is not valid JSON: ${(error as Error).message}`,
				{
					itemIndex,
					description:
						'Write it as {"replace": {"fields": [ ... ]}}, as described in Mindee\'s data schema documentation.',
				},
			);
		}
	}
	const fields = ((schema as IDataObject)?.replace as IDataObject | undefined)?.fields;
	if (!Array.isArray(fields)) {
		throw new NodeOperationError(
			ctx.getNode(),
			'Data Schema must look like {"replace": {"fields": [ ... ]}}',
			{
				itemIndex,
				description: "Mindee only accepts a schema that replaces the model's fields for this call.",
			},
		);
	}
	return JSON.stringify(schema);
}

/** Reads the node parameters for one item and turns them into Mindee's enqueue form (reference §2). */
export async function buildEnqueueRequest(
	ctx: IExecuteFunctions,
	itemIndex: number,
	product: MindeeProduct,
): Promise<EnqueueRequest> {
	const modelId = readModelId(ctx, itemIndex);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const source = await readSource(ctx, itemIndex, String(options.fileName ?? ''));
	const fields: FormFields = [['model_id', modelId]];
	if (source.kind === 'url') fields.push(['url', source.url]);
	if (options.fileName) fields.push(['filename', String(options.fileName)]);
	if (options.alias) fields.push(['alias', String(options.alias)]);
	const webhookIds = readWebhookIds(ctx, itemIndex, options.webhookIds);
	if (webhookIds.length) fields.push(['webhook_ids', webhookIds.join(',')]);

	if (product === 'extraction') {
		const extraction = ctx.getNodeParameter('extractionOptions', itemIndex, {}) as IDataObject;
		for (const [option, field] of TRI_STATE_FIELDS) {
			// 'default' sends nothing, so the model's own setting applies; expressions may give booleans.
			const value = String(extraction[option] ?? 'default');
			if (value === 'true' || value === 'false') fields.push([field, value]);
		}
		if (extraction.textContext) fields.push(['text_context', String(extraction.textContext)]);
		const dataSchema = readDataSchema(ctx, itemIndex, extraction.dataSchema);
		if (dataSchema) fields.push(['data_schema', dataSchema]);
	}

	return { modelId, fields, file: source.kind === 'file' ? source.file : undefined, source };
}
