import { pairedItem } from './resultItems';
import type { Operation } from './types';

const PAGE_SIZE = 50;

/** Model → Search: every page, or up to a limit. One item per model. */
export const searchModels: Operation = async ({ ctx, api, itemIndex }) => {
	const name = String(ctx.getNodeParameter('name', itemIndex, '') ?? '');
	const modelType = String(ctx.getNodeParameter('modelType', itemIndex, '') ?? '');
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (ctx.getNodeParameter('limit', itemIndex, 50) as number);

	const items = [];
	for (let page = 1; items.length < limit; page++) {
		const result = await api.searchModels({ name, modelType, page, perPage: PAGE_SIZE });
		const models = result.models ?? [];
		for (const model of models.slice(0, limit - items.length))
			items.push(pairedItem(ctx, itemIndex, model, false));
		const totalPages = result.pagination?.total_pages ?? page;
		if (models.length === 0 || page >= totalPages) break;
	}
	return [items];
};
