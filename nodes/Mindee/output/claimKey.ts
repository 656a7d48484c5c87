/**
 * Reserves `wanted` in `taken`, or the first free `wanted_2`, `wanted_3`, … when it is already used.
 * Whoever claims first keeps the plain name, so colliding names resolve the same way every run.
 */
export function claimKey(taken: Set<string>, wanted: string): string {
	let key = wanted;
	for (let suffix = 2; taken.has(key); suffix++) {
		key = `${wanted}_${suffix}`;
	}
	taken.add(key);
	return key;
}
