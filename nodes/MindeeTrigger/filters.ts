import type { IDataObject } from 'n8n-workflow';

/** Why a delivery should start no execution, or undefined when it passes the node's filters. */
export function filteredOutReason(
	filters: IDataObject,
	modelId: string,
	alias: string | null,
): string | undefined {
	const modelIds = String(filters.modelIds ?? '')
		.split(',')
		.map((id) => id.trim().toLowerCase())
		.filter(Boolean);
	if (modelIds.length && !modelIds.includes(modelId.toLowerCase())) {
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
