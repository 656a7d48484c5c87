/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Peak resident memory of this process during one run: `process.memoryUsage().rss` sampled every
 * 20 ms, and Linux's own high-water mark (VmHWM in /proc/self/status, reset before the run by
 * writing 5 to /proc/self/clear_refs), which also catches peaks between two samples.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface MemoryReport {
	/** RSS just before the run, after a garbage collection. */
	baselineRss: number;
	/** Highest sampled RSS. */
	sampledPeakRss: number;
	/** The kernel's high-water mark since the reset (undefined where unavailable). */
	kernelPeakRss?: number;
	/** max(sampled, kernel) − baseline. */
	peakGrowth: number;
	samples: number;
}

function kernelPeak(): number | undefined {
	try {
		const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

function resetKernelPeak(): boolean {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
		return true;
	} catch {
		return false;
	}
}

export async function measureMemory<T>(run: () => Promise<T>): Promise<{ value: T; memory: MemoryReport }> {
	const gc = (globalThis as { gc?: () => void }).gc;
	gc?.();
	gc?.();
	const baselineRss = process.memoryUsage().rss;
	const kernelReset = resetKernelPeak();
	let sampledPeakRss = baselineRss;
	let samples = 0;
	const timer = setInterval(() => {
		samples++;
		sampledPeakRss = Math.max(sampledPeakRss, process.memoryUsage().rss);
	}, 20);
	try {
		const value = await run();
		sampledPeakRss = Math.max(sampledPeakRss, process.memoryUsage().rss);
		const kernelPeakRss = kernelReset ? kernelPeak() : undefined;
		const peak = Math.max(sampledPeakRss, kernelPeakRss ?? 0);
		return { value, memory: { baselineRss, sampledPeakRss, kernelPeakRss, peakGrowth: peak - baselineRss, samples } };
	} finally {
		clearInterval(timer);
	}
}
