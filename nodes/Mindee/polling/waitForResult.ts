import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { canceledError, ensureNodeError, jobFailedError } from '../shared/errors';
import { sleepUnlessCancelled } from '../shared/transport/httpClient';
import type { MindeeApi } from '../shared/transport/mindeeApi';
import type { MindeeInference, MindeeJob } from '../shared/types';
import { nextPollDelayMs, type PollingSettings } from './pollingSchedule';

/** Mindee may not know a job id for a moment right after the enqueue answered. */
const NOT_FOUND_GRACE_MS = 10_000;

export interface PollOutcome {
	job: MindeeJob;
	inference: MindeeInference;
}

/**
 * The polling loop: wait, GET the job's polling URL until Mindee says Processed (302 or 200) or
 * Failed, then fetch the result. Bounded by time, not by a number of attempts.
 */
export async function waitForResult(
	api: MindeeApi,
	node: INode,
	enqueued: MindeeJob,
	settings: PollingSettings,
	itemIndex: number,
	signal?: AbortSignal,
): Promise<PollOutcome> {
	const startedAt = Date.now();
	const deadline = startedAt + settings.maxWaitMs;
	let delay = Math.max(0, settings.initialDelayMs);
	// Polls are due at fixed times from the enqueue, so slow answers do not push later polls back.
	let nextPollAt = startedAt + delay;

	for (;;) {
		const waited = await sleepUnlessCancelled(
			Math.max(0, Math.min(nextPollAt, deadline) - Date.now()),
			signal,
		);
		if (!waited) throw canceledError(node, itemIndex, enqueued);
		const job = await pollOnce(api, node, enqueued, itemIndex, {
			priority: startedAt,
			deadline,
		}).catch((error: unknown) => {
			// Past Maximum Wait, the job id matters more than why the last check failed.
			if (Date.now() < deadline) throw error;
			throw timeoutError(node, enqueued, settings.maxWaitMs, itemIndex, error);
		});
		if (job?.status === 'Failed') throw jobFailedError(node, job, itemIndex);
		if (job && (job.status === 'Processed' || job.result_url)) {
			if (!job.result_url) {
				throw new NodeOperationError(
					node,
					`Mindee marked job ${job.id} processed without a result URL`,
					{ itemIndex },
				);
			}
			const inference = await api.getResult(job.result_url, itemIndex, {
				priority: startedAt,
				deadline,
			});
			return { job, inference };
		}
		if (Date.now() >= deadline) throw timeoutError(node, enqueued, settings.maxWaitMs, itemIndex);
		delay = nextPollDelayMs(settings, nextPollAt - startedAt, delay);
		nextPollAt = Math.max(nextPollAt + delay, Date.now());
	}
}

/** One poll; undefined while a freshly enqueued job is still unknown to Mindee (404). */
async function pollOnce(
	api: MindeeApi,
	node: INode,
	job: MindeeJob,
	itemIndex: number,
	timing: { priority: number; deadline: number },
) {
	const startedAt = timing.priority;
	try {
		return await api.getJob(job.polling_url, itemIndex, timing);
	} catch (error) {
		const youngJob = Date.now() - startedAt < NOT_FOUND_GRACE_MS;
		if (youngJob && error instanceof NodeApiError && error.httpCode === '404') return undefined;
		throw ensureNodeError(node, error, itemIndex);
	}
}

function timeoutError(
	node: INode,
	job: MindeeJob,
	maxWaitMs: number,
	itemIndex: number,
	lastCheckFailure?: unknown,
) {
	const seconds = Math.round(maxWaitMs / 1000);
	const lastCheck =
		lastCheckFailure instanceof Error
			? `\nThe last status check failed: ${lastCheckFailure.message}`
			: '';
	return new NodeOperationError(
		node,
		`Mindee had not finished job ${job.id} after ${seconds} seconds`,
		{
			itemIndex,
			description: `The job keeps running on Mindee. Fetch its result later with Job → Get Result and job ID ${job.id}, or raise "Maximum Wait" under Polling.${lastCheck}`,
		},
	);
}
