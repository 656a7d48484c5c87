/** A copy of `object` without `key`: what `const { [key]: _unused, ...rest } = object` gives, without
 * the unused variable that n8n's lint rules (no ignoreRestSiblings) report. */
export function withoutKey<T extends object, K extends keyof T>(object: T, key: K): Omit<T, K> {
	const copy = { ...object };
	delete copy[key];
	return copy;
}
