import { sleep } from 'n8n-workflow';

/** Longest single wait, so hosts whose `sleep` ignores the signal (n8n 1.x) still stop quickly. */
const SLICE_MS = 200;

/**
 * Waits `ms` unless the execution is cancelled; resolves to false when it was. n8n-workflow ≥ 2.35
 * honours the signal itself; older hosts ignore it, hence the short slices.
 */
export async function sleepUnlessCancelled(ms: number, signal?: AbortSignal): Promise<boolean> {
	const end = Date.now() + ms;
	for (;;) {
		if (signal?.aborted) return false;
		const remaining = end - Date.now();
		if (remaining <= 0) return true;
		try {
			await sleep(Math.min(remaining, SLICE_MS), signal);
		} catch {
			return false;
		}
	}
}
