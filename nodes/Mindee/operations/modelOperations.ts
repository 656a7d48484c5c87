import { pairedItem } from './resultItems';
import type { Operation } from './types';

/** Model → Search: every page, or up to a limit. One item per model. */
export const searchModels: Operation = async ({ ctx, api, itemIndex }) => {
	const name = String(ctx.getNodeParameter('name', itemIndex, '') ?? '');
	const modelType = String(ctx.getNodeParameter('modelType', itemIndex, '') ?? '');
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
	const models = await api.listModels({ name, modelType, limit });
	return [models.map((model) => pairedItem(ctx, itemIndex, model, false))];
};
