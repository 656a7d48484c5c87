/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The baseline: Mindee's official Node SDK (`mindee` 5.2.0, V2 `Client.enqueueAndGetResult` with its
 * default polling: 2 s, then every 1.5 s, 80 tries), pointed at the fake server through its own
 * `MINDEE_V2_API_HOST` setting. The SDK only speaks HTTPS: the fake serves a throw-away certificate
 * that this process trusts through NODE_EXTRA_CA_CERTS (set by the runner).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

import type { SideOutcome } from './ours';
import type { RunRequest } from './protocol';

type MindeeModule = typeof import('mindee');

// A real dynamic import (the SDK is an ES module); TypeScript would turn `import()` into require().
// eslint-disable-next-line @n8n/community-nodes/no-dangerous-functions -- the only way to a native import() from CommonJS output
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<MindeeModule>;

let loaded: Promise<MindeeModule> | undefined;

export function loadSdk(): Promise<MindeeModule> {
	loaded ??= importModule(pathToFileURL(require.resolve('mindee')).href);
	return loaded;
}

export async function prepareSdk(request: RunRequest): Promise<() => Promise<SideOutcome>> {
	const mindee = await loadSdk();
	// Read by the client's settings when it is constructed: "host[:port]", https:// is implied.
	process.env.MINDEE_V2_API_HOST = new URL(request.baseUrl).host;
	const client = new mindee.Client({ apiKey: request.apiKey });
	const files: Array<{ path: string; name: string } | { buffer: Buffer; name: string }> = request.documents.map((document) =>
		request.binaryMode === 'filesystem' ? { path: document.path, name: document.name } : { buffer: readFileSync(document.path), name: document.name },
	);
	const inputFor = (file: (typeof files)[number]) =>
		'buffer' in file
			? new mindee.BufferInput({ buffer: file.buffer, filename: file.name })
			: new mindee.PathInput({ inputPath: file.path });
	const extract = (file: (typeof files)[number]) =>
		client.enqueueAndGetResult(mindee.product.Extraction, inputFor(file), { modelId: request.modelId });

	return async () => {
		const errorKinds: Record<string, number> = {};
		let succeeded = 0;
		const record = (outcome: PromiseSettledResult<unknown>) => {
			if (outcome.status === 'fulfilled') {
				succeeded++;
				return;
			}
			const reason = outcome.reason as { message?: string } | undefined;
			const kind = String(reason?.message ?? reason).slice(0, 120);
			errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
		};
		if (request.sdkMode === 'all-at-once') {
			(await Promise.allSettled(files.map(extract))).forEach(record);
		} else {
			for (const file of files) {
				try {
					record({ status: 'fulfilled', value: await extract(file) });
				} catch (error) {
					record({ status: 'rejected', reason: error });
				}
			}
		}
		return { items: files.length, succeeded, errors: files.length - succeeded, errorKinds };
	};
}
