import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { describeFieldErrors, isProblem, toProblem } from './problemDetails';
import type { MindeeJob } from './types';

/** A job that ended `Failed`: Mindee's own error, with the job id so it can be looked up. */
export function jobFailedError(node: INode, job: MindeeJob, itemIndex: number): NodeApiError {
	const problem = isProblem(job.error)
		? toProblem(job.error.status, job.error)
		: toProblem(500, job.error ?? '');
	const fields = describeFieldErrors(problem);
	return new NodeApiError(node, { ...problem, job_id: job.id } as unknown as JsonObject, {
		message: `Mindee could not process "${job.filename}": ${problem.title || problem.detail} (${problem.code})`,
		description: `${problem.detail}${fields ? ` (${fields})` : ''}\nJob ID: ${job.id}. Check that the file is a readable document; if it is, retry or contact Mindee with the job ID.`,
		httpCode: String(problem.status),
		itemIndex,
	});
}
