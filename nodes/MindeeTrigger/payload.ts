import type { IDataObject } from 'n8n-workflow';

import type { MindeeInference } from '../Mindee/transport/types';

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

function isRecord(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Tells the two payloads apart: the `inference` key versus `inference_id` + `error` (reference §7). */
export function parsePayload(rawBody: Buffer): MindeePayload {
	let body: unknown;
	try {
		body = JSON.parse(rawBody.toString('utf8'));
	} catch {
		return { kind: 'invalid', reason: 'The body is not JSON' };
	}
	if (!isRecord(body)) return { kind: 'invalid', reason: 'The body is not a JSON object' };
	const inference = body.inference;
	if (isRecord(inference) && typeof inference.id === 'string' && isRecord(inference.result)) {
		return { kind: 'result', inference: inference as MindeeInference };
	}
	if (typeof body.inference_id === 'string' && isRecord(body.error)) {
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
