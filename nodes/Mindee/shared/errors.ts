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

export interface Explanation {
	message: string;
	description: string;
}

/**
 * Mindee's problem details, or undefined when the body is not one (a proxy's HTML page, an empty
 * answer): no code is made up for what Mindee did not send.
 */
export function readProblem(status: number, body: unknown): MindeeProblem | undefined {
	const parsed = typeof body === 'string' ? tryParseJson(body) : body;
	if (!isPlainObject(parsed) || typeof parsed.code !== 'string' || !(parsed.title || parsed.detail))
		return undefined;
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

const BODY_HINT_LENGTH = 160;

/** The first words of a body that is not Mindee's (tags and runs of spaces removed), for a hint. */
export function bodyHint(body: unknown): string {
	const text = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
	const plain = text
		.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return plain.length > BODY_HINT_LENGTH ? `${plain.slice(0, BODY_HINT_LENGTH)}…` : plain;
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
					description: serverErrorAdvice(problem.status, context.purpose),
				};
			}
			return { message: `Mindee answered HTTP ${problem.status}: ${mindeeSays}`, description: '' };
	}
}

/**
 * A 5xx on an upload, other than 503, may come after Mindee accepted the document: sending it
 * again could process it twice, so the advice is to look first.
 */
function serverErrorAdvice(status: number, purpose: RequestPurpose): string {
	if (purpose === 'enqueue' && status !== 503) return UPLOAD_MAY_BE_ACCEPTED;
	return "This is on Mindee's side. Retry later; if it persists, check status.mindee.com.";
}

const UPLOAD_MAY_BE_ACCEPTED =
	'Mindee may have accepted the document before the error. Before sending it again, look for a job with this file name at app.mindee.com, so it is not processed twice.';

/**
 * Turns Mindee's answer into an error whose message says what happened and what to do. A body
 * that is not Mindee's problem details (a proxy's page) gives the status and a short hint only.
 */
export function mindeeApiError(
	node: INode,
	status: number,
	body: unknown,
	context: ErrorContext,
): NodeApiError {
	const problem = readProblem(status, body);
	if (!problem) return notMindeeAnswerError(node, status, body, context);
	const { message, description } = explain(problem, context);
	return new NodeApiError(node, { ...problem } as unknown as JsonObject, {
		message,
		description: `${description}${description ? '\n' : ''}Mindee error ${problem.code}${problem.detail ? `: ${problem.detail}` : ''}`,
		httpCode: String(problem.status),
		itemIndex: context.itemIndex,
	});
}

function notMindeeAnswerError(
	node: INode,
	status: number,
	body: unknown,
	context: ErrorContext,
): NodeApiError {
	const hint = bodyHint(body);
	const advice =
		status >= 500
			? serverErrorAdvice(status, context.purpose)
			: 'Check the Base URL in the credential, and any proxy between n8n and Mindee.';
	return new NodeApiError(node, { status } as JsonObject, {
		message: `Mindee answered HTTP ${status} without Mindee error details`,
		description: `${advice}${hint ? `\nThe answer began: ${hint}` : ''}`,
		httpCode: String(status),
		itemIndex: context.itemIndex,
	});
}

/** A job that ended `Failed`: Mindee's own error, with the job id so it can be looked up. */
export function jobFailedError(node: INode, job: MindeeJob, itemIndex: number): NodeApiError {
	const problem = isProblem(job.error) ? readProblem(job.error.status, job.error) : undefined;
	const advice = `Job ID: ${job.id}. Check that the file is a readable document; if it is, retry or contact Mindee with the job ID.`;
	if (!problem) {
		const hint = bodyHint(job.error ?? '');
		return new NodeApiError(node, { job_id: job.id } as JsonObject, {
			message: `Mindee could not process "${job.filename}"`,
			description: `${hint ? `${hint}\n` : ''}${advice}`,
			itemIndex,
		});
	}
	const fields = describeFieldErrors(problem);
	return new NodeApiError(node, { ...problem, job_id: job.id } as unknown as JsonObject, {
		message: `Mindee could not process "${job.filename}": ${problem.title || problem.detail} (${problem.code})`,
		description: `${problem.detail}${fields ? ` (${fields})` : ''}\n${advice}`,
		httpCode: String(problem.status),
		itemIndex,
	});
}

/**
 * Network error code (ECONNRESET, …) from the error n8n's request helper throws. n8n 2.x keeps
 * axios's error as `cause`; n8n 1.x drops it and leaves the code only in `httpCode`, where an
 * HTTP status would otherwise be.
 */
export function networkCode(error: unknown): string | undefined {
	const wrapped = error as { code?: unknown; cause?: { code?: unknown }; httpCode?: unknown };
	for (const code of [wrapped?.code, wrapped?.cause?.code, wrapped?.httpCode]) {
		if (typeof code === 'string' && /^E[A-Z_]+$|^UND_ERR_[A-Z_]+$/.test(code)) return code;
	}
	return undefined;
}

/** The low-level reason ("socket hang up"), not n8n's generic rewording of it. */
function networkReason(error: unknown): string {
	const wrapped = error as { cause?: { message?: unknown }; messages?: unknown };
	if (typeof wrapped?.cause?.message === 'string') return wrapped.cause.message;
	if (Array.isArray(wrapped?.messages) && typeof wrapped.messages[0] === 'string')
		return wrapped.messages[0];
	return error instanceof Error ? error.message : String(error);
}

/** Codes of a connection that reached the server and was then closed without an answer. */
const CONNECTION_CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

export interface NetworkFailure {
	baseUrl: string;
	purpose: RequestPurpose;
	itemIndex?: number;
	/** Set when the request was given up because it had no answer within this many milliseconds. */
	timedOutAfterMs?: number;
}

/** A request that got no HTTP answer: never reached Mindee, was cut off, or was not answered in time. */
export function networkError(node: INode, error: unknown, failure: NetworkFailure): NodeApiError {
	const code = networkCode(error);
	const reason = networkReason(error);
	const upload = failure.purpose === 'enqueue';
	let message: string;
	let advice: string;
	if (failure.timedOutAfterMs !== undefined) {
		message = `Mindee at ${failure.baseUrl} did not answer within ${Math.round(failure.timedOutAfterMs / 1000)} s`;
		advice = upload
			? UPLOAD_MAY_BE_ACCEPTED
			: 'The request was given up so that the item does not wait for ever. Retry later; if it persists, check status.mindee.com and any proxy between n8n and Mindee.';
	} else if (code && CONNECTION_CLOSED_CODES.has(code)) {
		message = `The connection to Mindee at ${failure.baseUrl} was closed before an answer (${code})`;
		advice = upload
			? UPLOAD_MAY_BE_ACCEPTED
			: 'Mindee or a proxy between n8n and Mindee closed the connection. Retry later; if it persists, check the proxy settings.';
	} else {
		message = `Could not reach Mindee at ${failure.baseUrl}${code ? ` (${code})` : ''}`;
		advice =
			'Check the Base URL in the credential and that n8n can reach it (proxy and firewall settings).';
	}
	const apiError = new NodeApiError(node, { message: reason, code: code ?? null } as JsonObject, {
		message,
		// The advice first: the low-level reason ("timeout of 23000ms exceeded") is for support.
		description: `${advice}\n(${reason})`,
		itemIndex: failure.itemIndex,
	});
	// n8n swaps a message for its generic wording when the code is a common one (ECONNRESET, …).
	apiError.message = message;
	return apiError;
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

/** A model ID that is not a UUID, said alike by the node and by the Webhook IDs list. */
export function notModelIdError(
	node: INode,
	modelId: string,
	itemIndex?: number,
): NodeOperationError {
	return new NodeOperationError(node, `"${modelId}" is not a Mindee model ID`, {
		itemIndex,
		description:
			'Model IDs are UUIDs like 12345678-abcd-4def-8123-456789abcdef (app.mindee.com → your model → API).',
	});
}

/** A request that waited for the rate budget until its caller's deadline (Maximum Wait) passed. */
export function noRoomBeforeDeadlineError(
	node: INode,
	itemIndex: number | undefined,
): NodeOperationError {
	return new NodeOperationError(
		node,
		'No room in the Mindee rate limit for this request before Maximum Wait ran out',
		{
			itemIndex,
			description:
				'Other documents used the requests a minute that the credential allows. Lower "Parallel Documents", or raise "Maximum Wait" under Polling.',
		},
	);
}

/**
 * An item that did not start (or stopped waiting) because another item failed and the node is
 * about to fail: not an error of its own, never the one the node reports.
 */
export class StoppedAfterOtherFailureError extends NodeOperationError {}

export function stoppedAfterOtherFailure(
	node: INode,
	itemIndex?: number,
): StoppedAfterOtherFailureError {
	return new StoppedAfterOtherFailureError(
		node,
		'Not sent: another item failed and the node stopped starting uploads',
		{ itemIndex },
	);
}

/** Why the API key must not go to this Base URL, or undefined when it may. */
export function baseUrlRefusal(baseUrl: string): Explanation | undefined {
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		return {
			message: `The Base URL "${baseUrl}" is not a web address`,
			description:
				'Open the "Mindee Platform API" credential and set Base URL to https://api-v2.mindee.net, unless Mindee gave you another address.',
		};
	}
	if (url.protocol === 'https:') return undefined;
	if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
	return {
		message: `The Base URL ${url.origin} is not https://: the API key would travel unencrypted`,
		description:
			'Open the "Mindee Platform API" credential and use an https:// address (https://api-v2.mindee.net for Mindee). Plain http:// is only allowed for a test server on this machine (localhost, 127.x.x.x or [::1]), where the key never crosses a network.',
	};
}

/** This machine: where a local test server listens, and where plain http:// exposes nothing. */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase();
	if (host === 'localhost' || host === '[::1]') return true;
	const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
	return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
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
