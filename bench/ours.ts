/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Our side: the Mindee node (Extraction → Enqueue & Poll, raw output, Continue On Fail) run through
 * n8n's real execution engine by the node test harness, with the node's default polling settings.
 */
import type { INodeParameters } from 'n8n-workflow';
import { readFileSync } from 'node:fs';

import type { RunRequest } from './protocol';

type Harness = typeof import('../test/node/harness');

let harness: Harness | undefined;

export async function loadOurs(): Promise<Harness> {
	harness ??= await import('../test/node/harness');
	await harness.loadPackageTypes();
	return harness;
}

function parameters(request: Pick<RunRequest, 'modelId' | 'parallelDocuments'>): INodeParameters {
	return {
		resource: 'extraction',
		operation: 'enqueueAndPoll',
		modelId: { __rl: true, mode: 'id', value: request.modelId },
		inputType: 'binary',
		binaryPropertyName: 'data',
		outputMode: 'raw',
		options: request.parallelDocuments === undefined ? {} : { parallelDocuments: request.parallelDocuments },
	};
}

export interface SideOutcome {
	items: number;
	succeeded: number;
	errors: number;
	errorKinds: Record<string, number>;
	executionStatus?: string;
}

/** Builds the items (file bytes read beforehand, or streamed from disk in filesystem mode) and returns the run. */
export async function prepareOurs(request: RunRequest): Promise<() => Promise<SideOutcome>> {
	const { runMindeeNode } = await loadOurs();
	const filesystem = request.binaryMode === 'filesystem';
	const items = request.documents.map((document, index) => ({
		json: { document: index },
		binary: {
			data: filesystem
				? { filePath: document.path, mimeType: 'application/pdf', fileName: document.name }
				: { data: readFileSync(document.path), mimeType: 'application/pdf', fileName: document.name },
		},
	}));
	return async () => {
		const result = await runMindeeNode({
			parameters: parameters(request),
			items,
			credentials: { apiKey: request.apiKey, baseUrl: request.baseUrl },
			continueOnFail: true,
			binaryMode: request.binaryMode ?? 'default',
		});
		const output = result.output[0] ?? [];
		const errorKinds: Record<string, number> = {};
		let errors = 0;
		for (const item of output) {
			if (item.json.error === undefined) continue;
			errors++;
			const kind = String(item.json.error).slice(0, 120);
			errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
		}
		if (result.status !== 'success') {
			const kind = `execution ${result.status}: ${result.error?.message ?? ''}`.slice(0, 160);
			errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
		}
		const missing = request.documents.length - output.length;
		return {
			items: request.documents.length,
			succeeded: output.length - errors,
			errors: errors + Math.max(0, missing),
			errorKinds,
			executionStatus: result.status,
		};
	};
}
