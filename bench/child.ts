/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * A client process of the benchmark: `ours` (the node through n8n's engine) or `sdk` (Mindee's
 * official SDK), given as the first argument. The fake server lives in the parent, so this
 * process's memory is the client's alone. Started by run.ts with IPC; one run at a time.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { measureMemory } from './memory';
import { loadOurs, prepareOurs, type SideOutcome } from './ours';
import type { ChildMessage, ParentMessage, RunRequest, Side } from './protocol';
import { loadSdk, prepareSdk } from './sdk';

const side = process.argv[2] as Side;
if (side !== 'ours' && side !== 'sdk') throw new Error(`bench/child.ts: unknown side "${process.argv[2]}"`);

function send(message: ChildMessage): void {
	process.send?.(message);
}

async function prepare(request: RunRequest): Promise<() => Promise<SideOutcome>> {
	return side === 'ours' ? await prepareOurs(request) : await prepareSdk(request);
}

async function run(request: RunRequest): Promise<void> {
	const execute = await prepare(request);
	const timed = async () => {
		const started = performance.now();
		const cpuBefore = process.cpuUsage();
		const outcome = await execute();
		const cpu = process.cpuUsage(cpuBefore);
		return { outcome, wallMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
	};
	if (request.measureMemory) {
		const { value, memory } = await measureMemory(timed);
		send({ type: 'result', id: request.id, wallMs: value.wallMs, cpuMs: value.cpuMs, ...value.outcome, memory });
	} else {
		const { outcome, wallMs, cpuMs } = await timed();
		send({ type: 'result', id: request.id, wallMs, cpuMs, ...outcome });
	}
}

let harnessTmpRoot: string | undefined;

/** The harness's temp folder (n8n user folder, filesystem binary data) goes with the process. */
function removeHarnessFiles(): void {
	if (harnessTmpRoot) rmSync(harnessTmpRoot, { recursive: true, force: true });
}

async function main(): Promise<void> {
	if (side === 'ours') {
		harnessTmpRoot = (await import('../test/node/harness/env')).HARNESS_TMP_ROOT;
		await loadOurs();
	} else {
		await loadSdk();
	}
	process.on('message', (message: ParentMessage) => {
		void (async () => {
			try {
				if (message.type === 'exit') {
					removeHarnessFiles();
					process.exit(0);
				}
				if (message.type === 'warmup') {
					// One document end to end, so the runs measure warm code (JIT, TLS, n8n's first-use set-up).
					const { baseUrl, apiKey, modelId, document } = message;
					await (await prepare({ type: 'run', id: -1, baseUrl, apiKey, modelId, documents: [document] }))();
					send({ type: 'warm' });
					return;
				}
				await run(message);
			} catch (error) {
				send({ type: 'failed', id: 'id' in message ? (message as RunRequest).id : undefined, error: String((error as Error)?.stack ?? error) });
			}
		})();
	});
	send({ type: 'ready' });
}

void main().catch((error) => {
	send({ type: 'failed', error: String((error as Error)?.stack ?? error) });
	removeHarnessFiles();
	process.exit(1);
});
