import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { canceledError, ensureNodeError, jobFailedError } from '../shared/errors';
import { sleepUnlessCancelled } from '../shared/transport/httpClient';
import type { MindeeApi, ReadTiming } from '../shared/transport/mindeeApi';
import type { MindeeInference, MindeeJob } from '../shared/types';
import {
	expectedReadyAt,
	nextPoll,
	type PollingSettings,
	type PreviousPoll,
	SHARED_MAX_INTERVAL_MS,
} from './pollingSchedule';
import { learnedProcessingTimes, mindeeProcessingMs } from './processingTimes';

/** How long a job waits for the answer to another job's check at its age, and how often it looks. */
const WAIT_FOR_OTHER_CHECK_MS = 2_000;
const OTHER_CHECK_RECHECK_MS = 100;

/** Mindee may not know a job id for a moment right after the enqueue answered. */
const NOT_FOUND_GRACE_MS = 10_000;

export interface PollOutcome {
	job: MindeeJob;
	inference: MindeeInference;
}

/**
 * The polling loop: wait, GET the job's polling URL until Mindee says Processed (302 or 200) or
 * Failed, then fetch the result. Bounded by time, not by a number of attempts. Polls are timed by
 * what earlier jobs of the model took (`learnedProcessingTimes`), and each finished job adds to it.
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
	try {
		return await pollUntilDone(api, node, enqueued, settings, itemIndex, signal, fileBytes);
	} finally {
		learnedProcessingTimes.forgetRunning(enqueued.model_id, enqueued.id);
	}
}

async function pollUntilDone(
	api: MindeeApi,
	node: INode,
	enqueued: MindeeJob,
	settings: PollingSettings,
	itemIndex: number,
	signal: AbortSignal | undefined,
	fileBytes: number | undefined,
): Promise<PollOutcome> {
	const startedAt = Date.now();
	const deadline = startedAt + settings.maxWaitMs;
	const modelId = enqueued.model_id;
	let previous: PreviousPoll | undefined;
	learnedProcessingTimes.noteWaiting(modelId, enqueued.id, fileBytes);

	for (;;) {
		const durations = learnedProcessingTimes.similar(modelId, fileBytes);
		const together = learnedProcessingTimes.learnsWithOthers(modelId, enqueued.id, fileBytes);
		// Polls are due at times counted from the enqueue, so slow answers do not push later ones back.
		const due = nextPoll(
			together ? { ...settings, maxIntervalMs: SHARED_MAX_INTERVAL_MS } : settings,
			durations,
			previous,
		);
		const waited = await sleepUnlessCancelled(
			Math.max(0, Math.min(startedAt + due.ageMs, deadline) - Date.now()),
			signal,
		);
		if (!waited) throw canceledError(node, itemIndex, enqueued);
		// Jobs like this one sent about as long ago take turns: one checks, the others wait for its
		// answer and skip the check if it found its job still processing.
		const others = learnedProcessingTimes.othersAt(modelId, fileBytes, due.ageMs);
		if (others === 'not yet' && Date.now() < deadline) {
			previous = { plannedAgeMs: due.ageMs, answeredAgeMs: due.ageMs, delayMs: due.delayMs };
			continue;
		}
		const overdueMs = Date.now() - (startedAt + due.ageMs);
		if (others === 'being checked' && overdueMs < WAIT_FOR_OTHER_CHECK_MS) {
			if (!(await sleepUnlessCancelled(OTHER_CHECK_RECHECK_MS, signal)))
				throw canceledError(node, itemIndex, enqueued);
			continue;
		}
		learnedProcessingTimes.noteChecking(modelId, enqueued.id, due.ageMs, fileBytes);
		const job = await pollOnce(api, node, enqueued, itemIndex, startedAt, {
			priority: expectedReadyAt(startedAt, durations),
			deadline,
		}).catch((error: unknown) => {
			// Past Maximum Wait, the job id matters more than why the last check failed.
			if (Date.now() < deadline) throw error;
			throw timeoutError(node, enqueued, settings.maxWaitMs, itemIndex, error);
		});
		const answeredAgeMs = Date.now() - startedAt;
		if (job?.status === 'Failed') throw jobFailedError(node, job, itemIndex);
		if (job && (job.status === 'Processed' || job.result_url)) {
			if (!job.result_url) {
				throw new NodeOperationError(
					node,
					`Mindee marked job ${job.id} processed without a result URL`,
					{ itemIndex },
				);
			}
			// Without Mindee's timestamps, the job finished between the last two answers.
			const observedMs =
				mindeeProcessingMs(job) ??
				(previous ? (previous.answeredAgeMs + answeredAgeMs) / 2 : answeredAgeMs);
			learnedProcessingTimes.record(modelId, observedMs, fileBytes);
			// The result is ready: its fetch goes before polls that may find nothing.
			const inference = await api.getResult(job.result_url, itemIndex, {
				priority: startedAt,
				deadline,
			});
			return { job, inference };
		}
		if (Date.now() >= deadline) throw timeoutError(node, enqueued, settings.maxWaitMs, itemIndex);
		learnedProcessingTimes.noteStillProcessing(modelId, enqueued.id);
		previous = { plannedAgeMs: due.ageMs, answeredAgeMs, delayMs: due.delayMs };
	}
}

/** One poll; undefined while a freshly enqueued job is still unknown to Mindee (404). */
async function pollOnce(
	api: MindeeApi,
	node: INode,
	job: MindeeJob,
	itemIndex: number,
	startedAt: number,
	timing: ReadTiming,
) {
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
