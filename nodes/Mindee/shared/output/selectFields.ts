import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from '../types';
import { PATH_SEPARATOR } from './fields';

/**
 * Keeps only `paths` of a simplified document, in its shape. A path is keys joined by dots: a dot
 * goes into every row of a list (`line_items.description`) or into a flattened subfield
 * (`supplier_address.city` finds `supplier_address__city`). A path that finds nothing gives null,
 * so every document has the same keys.
 */
export function selectFields(document: IDataObject, paths: string[]): IDataObject {
	let selected: unknown = {};
	for (const path of paths) {
		selected = merge(selected, pick(document, path.split('.').filter(Boolean)));
	}
	return selected as IDataObject;
}

function pick(source: unknown, segments: string[]): unknown {
	if (!segments.length) return source ?? null;
	if (Array.isArray(source)) return source.map((entry) => pick(entry, segments));
	if (!isPlainObject(source)) return null;
	// Longest key first, so `a.b` prefers the flattened `a__b` over walking into an `a` object.
	for (let count = segments.length; count >= 1; count--) {
		const key = segments.slice(0, count).join(PATH_SEPARATOR);
		if (key in source) return { [key]: pick(source[key], segments.slice(count)) };
	}
	return { [segments.join(PATH_SEPARATOR)]: null };
}

/** Puts what two paths picked together: objects key by key, lists row by row. */
function merge(into: unknown, from: unknown): unknown {
	if (Array.isArray(into) && Array.isArray(from)) {
		return from.map((entry, index) => merge(into[index], entry));
	}
	if (isPlainObject(into) && isPlainObject(from)) {
		const merged: IDataObject = { ...into };
		for (const [key, value] of Object.entries(from)) {
			merged[key] = merge(into[key], value) as IDataObject[string];
		}
		return merged;
	}
	return from;
}
