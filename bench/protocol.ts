/** Messages between the benchmark runner (parent, hosts the fake server) and a client process. */
import type { MemoryReport } from './memory';

export type Side = 'ours' | 'sdk';

export interface RunRequest {
	type: 'run';
	id: number;
	/** Base URL of the fake server, e.g. https://127.0.0.1:43210. */
	baseUrl: string;
	apiKey: string;
	modelId: string;
	documents: Array<{ path: string; name: string }>;
	/** Ours: the node's "Parallel Documents" (unset: the node's default). */
	parallelDocuments?: number;
	/** Ours: n8n's binary data mode. */
	binaryMode?: 'default' | 'filesystem';
	/** SDK: one document after another, or all at once (Promise.allSettled). */
	sdkMode?: 'sequential' | 'all-at-once';
	measureMemory?: boolean;
}

export interface RunResult {
	type: 'result';
	id: number;
	wallMs: number;
	/** CPU time (user + system) the client process spent on the run, ms. */
	cpuMs: number;
	items: number;
	succeeded: number;
	errors: number;
	/** Error messages, counted. */
	errorKinds: Record<string, number>;
	executionStatus?: string;
	memory?: MemoryReport;
}

export type ParentMessage = RunRequest | { type: 'warmup'; baseUrl: string; apiKey: string; modelId: string; document: { path: string; name: string } } | { type: 'exit' };

export type ChildMessage = RunResult | { type: 'ready' } | { type: 'warm' } | { type: 'failed'; id?: number; error: string };
