import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { searchModels } from './listSearch/searchModels';
import { findOperation } from './operations';
import { runItems } from './operations/runItems';
import { documentProperties } from './properties/document';
import {
	enqueueOptionsProperty,
	extractionOptionsProperty,
	pollingOptionsProperty,
} from './properties/enqueueOptions';
import { jobProperties, modelProperties } from './properties/jobAndModel';
import { outputProperties, outputsExpression } from './properties/output';
import { operationProperties, resourceProperty } from './properties/resources';
import { MindeeApi } from './transport/mindeeApi';

/** Items processed at once when the node has no "Parallel Documents" option (job and model). */
const DEFAULT_CONCURRENCY: Record<string, number> = { job: 5, model: 1 };
const DEFAULT_PARALLEL_DOCUMENTS = 50;

export class Mindee implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Mindee',
		name: 'mindee',
		icon: { light: 'file:../../icons/mindee.svg', dark: 'file:../../icons/mindee.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Extract data from invoices, receipts and any document with Mindee',
		defaults: { name: 'Mindee' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: outputsExpression,
		credentials: [{ name: 'mindeePlatformApi', required: true }],
		properties: [
			resourceProperty,
			...operationProperties,
			...documentProperties,
			extractionOptionsProperty,
			enqueueOptionsProperty,
			pollingOptionsProperty,
			...outputProperties,
			...jobProperties,
			...modelProperties,
		],
	};

	methods = { listSearch: { searchModels } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const api = await MindeeApi.create(this);
		const signal = this.getExecutionCancelSignal();
		const outputCount = this.getNodeParameter('reviewThreshold', 0, '') ? 2 : 1;
		const resource = this.getNodeParameter('resource', 0) as string;
		const options = this.getNodeParameter('options', 0, {}) as IDataObject;
		const concurrency =
			DEFAULT_CONCURRENCY[resource] ??
			Number(options.parallelDocuments ?? DEFAULT_PARALLEL_DOCUMENTS);

		return await runItems(this, items.length, concurrency, outputCount, async (itemIndex) => {
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const run = findOperation(this.getNode(), resource, operation);
			return await run({ ctx: this, api, itemIndex, signal });
		});
	}
}
