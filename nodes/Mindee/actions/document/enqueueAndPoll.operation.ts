import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { MIN_INTERVAL_MS, type PollingSettings } from '../../polling/pollingSchedule';
import { PRODUCT_VALUES, type MindeeProduct } from '../../shared/products';
import { resultOutputs, type ItemOutputs, type OperationContext } from '../operation';
import { DocumentJob, markReused } from './documentJob';
import { binaryFieldsToSend, buildEnqueueRequest } from './enqueueForm';

export { binaryFieldsToSend as binaryFieldsOf };

const pollingOptionsProperty: INodeProperties = {
	displayName: 'Polling',
	name: 'pollingOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	displayOptions: { show: { resource: PRODUCT_VALUES, operation: ['enqueueAndPoll'] } },
	options: [
		{
			displayName: 'Initial Delay (Seconds)',
			name: 'initialDelaySeconds',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 1 },
			default: 2,
			description:
				'How long to wait after sending the document before the first status check, until earlier documents of the same model show how long Mindee takes',
		},
		{
			displayName: 'Interval (Seconds)',
			name: 'intervalSeconds',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 1 },
			default: 1.5,
			description:
				'Time between status checks (Mindee asks for at least 1 second) until earlier documents of the same model show how long Mindee takes; then checks come when a document is likely done. Jobs running long are checked less and less often.',
		},
		{
			displayName: 'Maximum Wait (Seconds)',
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 600,
			description:
				'Give up after this long (Mindee stops any inference after 590 seconds). The job ID is in the error, so the result can still be fetched with Job → Get Result.',
		},
	],
};

export const description: INodeProperties[] = [pollingOptionsProperty];

function readPollingSettings({ ctx, itemIndex }: OperationContext): PollingSettings {
	const options = ctx.getNodeParameter('pollingOptions', itemIndex, {}) as IDataObject;
	const seconds = (value: unknown, fallback: number) =>
		typeof value === 'number' && value >= 0 ? value : fallback;
	return {
		initialDelayMs: seconds(options.initialDelaySeconds, 2) * 1000,
		intervalMs: Math.max(seconds(options.intervalSeconds, 1.5) * 1000, MIN_INTERVAL_MS),
		maxWaitMs: Math.max(seconds(options.maxWaitSeconds, 600), 1) * 1000,
	};
}

/**
 * Enqueue & Poll: send the document (or take the job an earlier try of n8n left for it), wait for
 * Mindee, output the result (one workflow step).
 */
export async function execute(operation: OperationContext): Promise<ItemOutputs> {
	const product = operation.resource as MindeeProduct;
	const request = await buildEnqueueRequest(operation, product);
	const settings = readPollingSettings(operation);
	const document = new DocumentJob(operation, product, request);
	const started = await document.start(settings.maxWaitMs);
	const { inference, reused } = await document.result(started, settings);
	const outputs = resultOutputs(operation, inference, product);
	// Raw is Mindee's JSON alone and Selected Fields only what was asked for.
	const mode = operation.ctx.getNodeParameter('outputMode', operation.itemIndex, 'simplified');
	return mode === 'simplified' || mode === 'both' ? markReused(outputs, reused) : outputs;
}
