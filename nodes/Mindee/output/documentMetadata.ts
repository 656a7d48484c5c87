import type { IDataObject } from 'n8n-workflow';

import type { MindeeInference, MindeeProduct } from '../transport/types';

/** What identifies the document and the call, gathered under the `mindee` key. */
export function documentMetadata(inference: MindeeInference, product: MindeeProduct): IDataObject {
	const file = inference.file ?? ({} as Partial<MindeeInference['file']>);
	return {
		product,
		inference_id: inference.id ?? null,
		job_id: inference.job?.id ?? null,
		model_id: inference.model?.id ?? null,
		file_name: file.name ?? null,
		alias: file.alias ?? null,
		page_count: file.page_count ?? null,
		mime_type: file.mime_type ?? null,
	};
}
