import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { isPlainObject, type MindeeJob, type MindeeProblem } from './types';

/**
 * Every error the nodes raise, in one place: Mindee's problem details read and explained in the
 * user's terms (https://docs.mindee.com/integrations/problem-database), a job that failed, an
 * unreachable server, a cancelled execution, and anything else wrapped so it names its item.
 */

/** What the request was doing, so a 404 or 422 can be explained in the user's terms. */
export type RequestPurpose = 'enqueue' | 'job' | 'result' | 'search' | 'other';

interface ErrorContext {
	purpose: RequestPurpose;
	itemIndex?: number;
	modelId?: string;
	/** True when the stored key starts with "Bearer " or "Token ", which Mindee V2 rejects. */
	keyHasPrefix?: boolean;
}

interface Explanation {
	message: string;
	description: string;
}

/** Reads a problem body, or synthesises one (as Mindee's SDKs do) when the body is something else. */
export function toProblem(status: number, body: unknown): MindeeProblem {
	const parsed = typeof body === 'string' ? tryParseJson(body) : body;
	if (isPlainObject(parsed) && typeof parsed.code === 'string' && (parsed.title || parsed.detail)) {
		const errors = Array.isArray(parsed.errors)
			? (parsed.errors as IDataObject[]).filter(isPlainObject).map((entry) => ({
					pointer: typeof entry.pointer === 'string' ? entry.pointer : null,
					detail: String(entry.detail ?? ''),
				}))
			: [];
		return {
			status: typeof parsed.status === 'number' ? parsed.status : status,
			title: String(parsed.title ?? ''),
			code: parsed.code,
			detail: String(parsed.detail ?? ''),
			errors,
		};
	}
	return {
		status,
		title: 'Unknown Error',
		code: `${status}-000`,
		detail: typeof body === 'string' ? body.slice(0, 500) : '',
		errors: [],
	};
}

function isProblem(value: unknown): value is MindeeProblem {
	return isPlainObject(value) && typeof value.code === 'string' && typeof value.status === 'number';
}

/** "model_id: must be a valid UUID format; url: …", from `errors[]` pointers like "#/model_id". */
export function describeFieldErrors(problem: MindeeProblem): string {
	return problem.errors
		.map((entry) => {
			const field = entry.pointer ? entry.pointer.replace(/^#\//, '') : '';
			return field ? `${field}: ${entry.detail}` : entry.detail;
		})
		.join('; ');
}

function tryParseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

const KEY_HELP =
	'Open the "Mindee Platform API" credential and paste the API key from app.mindee.com → API Keys. V2 keys start with "md_".';

function explain(problem: MindeeProblem, context: ErrorContext): Explanation {
	const mindeeSays = [problem.title, problem.detail].filter(Boolean).join(': ');
	switch (problem.status) {
		case 401:
			return {
				message: 'Mindee rejected the API key',
				description: context.keyHasPrefix
					? 'The API key in the credential starts with "Bearer" or "Token". Mindee V2 wants the key alone: remove that prefix.'
					: KEY_HELP,
			};
		case 402:
			return {
				message: `Your Mindee plan does not allow this request: ${mindeeSays}`,
				description:
					'An option you turned on (for example RAG, polygons or confidence scores) or your usage is outside your Mindee plan. Turn the option off, or check your subscription at app.mindee.com.',
			};
		case 403:
			return {
				message: `Mindee refused access: ${mindeeSays}`,
				description:
					'The API key belongs to an organisation that cannot use this model or resource.',
			};
		case 404:
			if (context.purpose === 'enqueue') {
				return {
					message: `Mindee has no model with ID "${context.modelId ?? ''}"`,
					description:
						'Copy the model ID from app.mindee.com → your model → API, and check that the API key belongs to the same organisation.',
				};
			}
			if (context.purpose === 'result' || context.purpose === 'job') {
				return {
					message: `Mindee has no ${context.purpose} with this ID: ${mindeeSays}`,
					description:
						'The ID may be wrong, or Mindee already deleted the data (results are kept 12 hours by default, or deleted after the first fetch if the model is set up that way).',
				};
			}
			return {
				message: `Mindee could not find this resource: ${mindeeSays}`,
				description: 'Check the Base URL in the credential.',
			};
		case 422: {
			const fields = describeFieldErrors(problem);
			return {
				message: `Mindee rejected the request: ${problem.detail || problem.title}${fields ? ` (${fields})` : ''}`,
				description:
					'Fix the parameter named above. Model IDs are UUIDs; files must be PDF, JPEG, PNG, WebP, TIFF, HEIC or HEIF; URLs must be public https:// links.',
			};
		}
		case 429:
			return {
				message: 'Mindee rate limit reached (HTTP 429)',
				description:
					"Mindee allows 200 uploads and 1,200 status checks per minute per organisation. Lower the batch size, or set your plan's limits in the credential.",
			};
		default:
			if (problem.status >= 500) {
				return {
					message: `Mindee had an internal problem (HTTP ${problem.status}): ${mindeeSays}`,
					description:
						"This is on Mindee's side. Retry later; if it persists, check status.mindee.com.",
				};
			}
			return { message: `Mindee answered HTTP ${problem.status}: ${mindeeSays}`, description: '' };
	}
}

/** Turns Mindee's problem details into an error whose message says what happened and what to do. */
export function mindeeApiError(
	node: INode,
	problem: MindeeProblem,
	context: ErrorContext,
): NodeApiError {
	const { message, description } = explain(problem, context);
	return new NodeApiError(node, { ...problem } as unknown as JsonObject, {
		message,
		description: `${description}${description ? '\n' : ''}Mindee error ${problem.code}${problem.detail ? `: ${problem.detail}` : ''}`,
		httpCode: String(problem.status),
		itemIndex: context.itemIndex,
	});
}

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

/** Network error code (ECONNREFUSED, …) from n8n's wrapped axios error. */
export function networkCode(error: unknown): string | undefined {
	const candidates = [error, (error as { cause?: unknown })?.cause];
	for (const candidate of candidates) {
		const code = (candidate as { code?: unknown })?.code;
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
	}
	return undefined;
}

export function unreachableError(
	node: INode,
	error: unknown,
	baseUrl: string,
	itemIndex?: number,
): NodeApiError {
	const reason = error instanceof Error ? error.message : String(error);
	const code = networkCode(error);
	return new NodeApiError(node, { message: reason, code: code ?? null } as JsonObject, {
		message: `Could not reach Mindee at ${baseUrl}${code ? ` (${code})` : ''}`,
		description: `${reason}\nCheck the Base URL in the credential and that n8n can reach it (proxy and firewall settings).`,
		itemIndex,
	});
}

/**
 * Spelled "canceled": that word is how n8n tells a cancelled execution from a failed one. With the
 * job it was waiting for, the error says how to fetch that job's result later.
 */
export function canceledError(
	node: INode,
	itemIndex: number | undefined,
	waitingFor?: MindeeJob,
): NodeOperationError {
	if (!waitingFor) return new NodeOperationError(node, 'The execution was canceled', { itemIndex });
	return new NodeOperationError(node, 'The execution was canceled while waiting for Mindee', {
		itemIndex,
		description: `Mindee keeps processing job ${waitingFor.id}; its result can be fetched later with Job → Get Result.`,
	});
}

/** Keeps n8n's own errors (with their HTTP context) and wraps anything else, tagging the item. */
export function ensureNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined && itemIndex !== undefined)
			error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(node, error instanceof Error ? error : String(error), {
		itemIndex,
	});
}
