import type { IDataObject } from 'n8n-workflow';
import { createHmac, timingSafeEqual } from 'crypto';

import { includesId, parseIdList } from '../shared/ids';
import { isPlainObject, type MindeeInference } from '../shared/types';

/**
 * What the trigger does with one delivery, in order: check its signature, read it as a result or
 * a failure notice, and apply the node's filters.
 */

/** Mindee's X-Signature: lowercase hex HMAC-SHA256 of the raw body, keyed with the Signing Secret. */
export function computeSignature(signingSecret: string, rawBody: Buffer): string {
	return createHmac('sha256', signingSecret).update(rawBody).digest('hex');
}

/** A header that can be a signature at all: 64 hex digits (its shape tells nothing of the secret). */
export function looksLikeSignature(header: unknown): header is string {
	return typeof header === 'string' && /^[0-9a-fA-F]{64}$/.test(header.trim());
}

/** Compares in constant time, over the exact bytes received (never a re-serialised body). */
export function isValidSignature(signingSecret: string, rawBody: Buffer, header: unknown): boolean {
	if (!looksLikeSignature(header)) return false;
	const expected = Buffer.from(computeSignature(signingSecret, rawBody), 'hex');
	const received = Buffer.from(header.trim().toLowerCase(), 'hex');
	return received.length === expected.length && timingSafeEqual(received, expected);
}

/** Mindee POSTs either a result (`{"inference": …}`) or, when the inference failed, this. */
export interface FailedInferencePayload extends IDataObject {
	inference_id: string;
	model_id: string;
	file_name: string;
	file_alias: string | null;
	error: IDataObject;
	created_at: string;
}

export type MindeePayload =
	| { kind: 'result'; inference: MindeeInference }
	| { kind: 'failure'; failure: FailedInferencePayload }
	| { kind: 'invalid'; reason: string };

/**
 * Tells the two payloads apart: the `inference` key versus `inference_id` + `error`
 * (https://docs.mindee.com/integrations/webhooks).
 */
export function parsePayload(rawBody: Buffer): MindeePayload {
	let body: unknown;
	try {
		body = JSON.parse(rawBody.toString('utf8'));
	} catch {
		return { kind: 'invalid', reason: 'The body is not JSON' };
	}
	if (!isPlainObject(body)) return { kind: 'invalid', reason: 'The body is not a JSON object' };
	const inference = body.inference;
	if (
		isPlainObject(inference) &&
		typeof inference.id === 'string' &&
		isPlainObject(inference.result)
	) {
		return { kind: 'result', inference: inference as MindeeInference };
	}
	if (typeof body.inference_id === 'string' && isPlainObject(body.error)) {
		return { kind: 'failure', failure: body as FailedInferencePayload };
	}
	return {
		kind: 'invalid',
		reason: 'The body is neither a Mindee result nor a Mindee failure notice',
	};
}

/** The item for a failed inference: flat, with Mindee's error, so an IF or Switch can use it. */
export function failureItem(failure: FailedInferencePayload): IDataObject {
	const error = failure.error;
	return {
		status: 'failed',
		inference_id: failure.inference_id,
		model_id: failure.model_id,
		file_name: failure.file_name,
		alias: failure.file_alias ?? null,
		error_code: error.code ?? null,
		error_title: error.title ?? null,
		error_detail: error.detail ?? null,
		error_status: error.status ?? null,
		error,
		created_at: failure.created_at ?? null,
	};
}

/** Why a delivery should start no execution, or undefined when it passes the node's filters. */
export function filteredOutReason(
	filters: IDataObject,
	modelId: string,
	alias: string | null,
): string | undefined {
	const modelIds = parseIdList(filters.modelIds);
	if (modelIds.length && !includesId(modelIds, modelId)) {
		return `model ${modelId} is not in this trigger's Model IDs filter`;
	}
	const pattern = String(filters.alias ?? '').trim();
	if (pattern && !aliasMatches(pattern, alias ?? '')) {
		return `alias "${alias ?? ''}" does not match "${pattern}"`;
	}
	return undefined;
}

function aliasMatches(pattern: string, alias: string): boolean {
	return pattern.endsWith('*') ? alias.startsWith(pattern.slice(0, -1)) : alias === pattern;
}
