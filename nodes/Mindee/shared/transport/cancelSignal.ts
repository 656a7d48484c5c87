/**
 * Thousands of documents of one execution may wait on its cancel signal at once: one listener per
 * signal calls them all (Node warns about a leak past ten listeners on one signal).
 */
const callbacksBySignal = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `callback` when `signal` fires; returns the function that stops listening. */
export function whenAborted(signal: AbortSignal, callback: () => void): () => void {
	let callbacks = callbacksBySignal.get(signal);
	if (!callbacks) {
		const all = new Set<() => void>();
		callbacks = all;
		callbacksBySignal.set(signal, all);
		signal.addEventListener(
			'abort',
			() => {
				for (const call of [...all]) call();
				all.clear();
			},
			{ once: true },
		);
	}
	const own = callbacks;
	own.add(callback);
	return () => own.delete(callback);
}
