import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { isProduct, type MindeeProduct } from '../shared/products';
import { MindeeApi } from '../shared/transport/mindeeApi';

/** The model type the pickers list: the node's resource (a product), or any type. */
export function chosenModelType(context: ILoadOptionsFunctions): MindeeProduct | undefined {
	const resource = String(context.getCurrentNodeParameter('resource') ?? 'extraction');
	return isProduct(resource) ? resource : undefined;
}

/** The model picker: searches by name, one page at a time, only models of the chosen product. */
export async function searchModels(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const modelType = chosenModelType(this);
	const page = Number(paginationToken) || 1;
	const api = await MindeeApi.create(this);
	const result = await api.searchModels({ name: filter, modelType, page });
	const models = result.models ?? [];
	const totalPages = result.pagination?.total_pages ?? page;
	return {
		results: models.map((model) => ({
			name: model.name || model.id,
			value: model.id,
			url: `https://app.mindee.com/models/${model.id}`,
		})),
		paginationToken: models.length > 0 && page < totalPages ? String(page + 1) : undefined,
	};
}
