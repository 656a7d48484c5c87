import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { jobFailedError, noRoomBeforeDeadlineError } from '../shared/errors';
import type { MindeeApi } from '../shared/transport/mindeeApi';
import type { MindeeInference, MindeeJob } from '../shared/types';
import type { PollingSettings } from './pollingSchedule';
import { schedulerFor } from './pollScheduler';
import { learnedProcessingTimes, mindeeProcessingMs } from './processingTimes';

export interface PollOutcome {
	job: MindeeJob;
	inference: MindeeInference;
}

/**
 * Waits for a job: the credential's scheduler checks it when it is likely done and the GET budget
 * allows (pollScheduler.ts) until Mindee says Processed (302 or 200) or Failed, then the result is
 * fetched. Bounded by time (Maximum Wait), not by a number of checks. Each finished job teaches
 * the next ones of its model (`learnedProcessingTimes`).
 */
export async function waitForResult(
	api: MindeeApi,
	node: INode,
	enqueued: MindeeJob,
	settings: PollingSettings,
	itemIndex: number,
	signal?: AbortSignal,
	/** Size of the uploaded file, when known: similar files take similar times. */
	fileBytes?: number,
): Promise<PollOutcome> {
	const deadline = Date.now() + settings.maxWaitMs;
	const outcome = await schedulerFor(api).waitUntilDone({
		api,
		node,
		job: enqueued,
		settings,
		itemIndex,
		deadline,
		signal,
		fileBytes,
	});
	if ('timedOut' in outcome) {
		const reason =
			outcome.heldBack && !outcome.lastFailure
				? noRoomBeforeDeadlineError(node, itemIndex)
				: outcome.lastFailure;
		throw timeoutError(node, enqueued, settings.maxWaitMs, itemIndex, reason);
	}
	const job = outcome.done;
	if (job.status === 'Failed') throw jobFailedError(node, job, itemIndex);
	if (!job.result_url) {
		throw new NodeOperationError(
			node,
			`Mindee marked job ${job.id} processed without a result URL`,
			{
				itemIndex,
			},
		);
	}
	// Without Mindee's timestamps, the job finished between the last two answers.
	const { previousAgeMs, answeredAgeMs } = outcome;
	const observedMs =
		mindeeProcessingMs(job) ??
		(previousAgeMs > 0 ? (previousAgeMs + answeredAgeMs) / 2 : answeredAgeMs);
	learnedProcessingTimes.record(enqueued.model_id, observedMs, fileBytes);
	// The result is ready: its fetch goes before checks that may find nothing.
	const inference = await api.getResult(job.result_url, itemIndex, {
		priority: deadline - settings.maxWaitMs,
		deadline,
	});
	return { job, inference };
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
