import type { IDataObject } from 'n8n-workflow';

import type { MindeeProblem } from './problemDetails';

export const PRODUCTS = ['extraction', 'classification', 'crop', 'ocr', 'split'] as const;
export type MindeeProduct = (typeof PRODUCTS)[number];

export type JobStatus = 'Processing' | 'Processed' | 'Failed';

/** `GET /v2/jobs/{id}` and the enqueue answer, as Mindee documents them. */
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
