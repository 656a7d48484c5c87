import type { IDataObject } from 'n8n-workflow';

/**
 * What Mindee V2 sends, as its documentation describes it
 * (https://docs.mindee.com/integrations/api-reference, https://api-v2.mindee.net/openapi.json).
 */

export type JobStatus = 'Processing' | 'Processed' | 'Failed';

/** Mindee's error body: RFC 9457-style problem details without `type`/`instance`. */
export interface MindeeProblem {
	status: number;
	title: string;
	code: string;
	detail: string;
	errors: Array<{ pointer?: string | null; detail: string }>;
}

/** `GET /v2/jobs/{id}` and the enqueue answer. */
export interface MindeeJob extends IDataObject {
	id: string;
	model_id: string;
	filename: string;
	alias: string | null;
	created_at: string;
	completed_at: string | null;
	status: JobStatus;
	polling_url: string;
	result_url: string | null;
	webhooks: IDataObject[];
	error: (MindeeProblem & IDataObject) | null;
}

/** `{"inference": …}` from a result URL (and from webhooks). */
export interface MindeeInference extends IDataObject {
	id: string;
	job?: { id: string };
	model: { id: string };
	file: { name: string; alias: string | null; page_count: number; mime_type: string };
	result: IDataObject;
	active_options?: IDataObject;
}

export interface MindeeModel extends IDataObject {
	id: string;
	name: string;
	model_type: string;
	webhooks?: Array<{ id: string; name: string; url: string }>;
}

export interface ModelSearchPage {
	models: MindeeModel[];
	pagination: { page: number; per_page: number; total_items: number; total_pages: number };
}

/** A JSON object (not null, not an array): what every untrusted body is checked against. */
export function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
