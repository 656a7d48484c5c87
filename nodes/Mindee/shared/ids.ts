/**
 * Mindee's ids (models, jobs, inferences, webhooks) are UUIDs. The node checks them with one
 * pattern, and compares them without regard to case, as UUIDs are meant to be.
 */

/** A UUID, unanchored: a part of a larger pattern (a URL path). */
export const UUID_PART =
	'[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

/** A whole value that is a UUID. */
const UUID = new RegExp(`^${UUID_PART}$`);

export function isUuid(value: string): boolean {
	return UUID.test(value);
}

/** A comma-separated list of ids as typed (or a list from an expression), trimmed, empties dropped. */
export function parseIdList(raw: unknown): string[] {
	const list = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',');
	return list.map((id) => id.trim()).filter(Boolean);
}

export function sameId(a: string, b: string): boolean {
	return a.toLowerCase() === b.toLowerCase();
}

export function includesId(ids: readonly string[], id: string): boolean {
	return ids.some((candidate) => sameId(candidate, id));
}
