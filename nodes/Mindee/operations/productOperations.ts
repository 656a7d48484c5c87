import type { IDataObject } from 'n8n-workflow';

import { waitForResult } from '../polling/waitForResult';
import { MIN_INTERVAL_MS, type PollingSettings } from '../polling/pollingSchedule';
import type { MindeeProduct } from '../transport/types';
import { buildEnqueueRequest } from './enqueueRequest';
import { pairedItem, resultOutputs } from './resultItems';
import type { Operation, OperationContext } from './types';

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

/** Enqueue & Poll: send the document, wait for Mindee, output the result (one workflow step). */
export function enqueueAndPoll(product: MindeeProduct): Operation {
	return async (operation) => {
		const { ctx, api, itemIndex, signal } = operation;
		const request = await buildEnqueueRequest(ctx, itemIndex, product);
		const job = await api.enqueue(product, request.fields, request.file, itemIndex);
		const { inference } = await waitForResult(
			api,
			ctx.getNode(),
			job,
			readPollingSettings(operation),
			itemIndex,
			signal,
		);
		return resultOutputs(ctx, itemIndex, inference, product);
	};
}

/** Enqueue only: output Mindee's job at once, for webhook flows or a later Job → Get Result. */
export function enqueueOnly(product: MindeeProduct): Operation {
	return async ({ ctx, api, itemIndex }) => {
		const request = await buildEnqueueRequest(ctx, itemIndex, product);
		const job = await api.enqueue(product, request.fields, request.file, itemIndex);
		return [[pairedItem(ctx, itemIndex, job)]];
	};
}
