/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- forks the benchmark's client processes */
/** A benchmark client process (bench/child.ts) seen from the runner: fork, warm up, run, close. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import type { ChildMessage, ParentMessage, RunRequest, RunResult, Side } from './protocol';

const STDERR_TAIL = 4000;

export class ClientProcess {
	private readonly child: ChildProcess;
	private stderrTail = '';
	private nextId = 1;
	private waiting = new Map<number | 'ready' | 'warm', { resolve: (message: ChildMessage) => void; reject: (error: Error) => void }>();
	private exited = false;

	private constructor(readonly side: Side, certPath: string) {
		this.child = fork(join(__dirname, 'child.ts'), [side], {
			execArgv: [
				'-r',
				'ts-node/register/transpile-only',
				'--expose-gc',
				// BENCH_CLIENT_PROFILE_DIR=<dir>: a CPU profile of each client process, written as it exits.
				...(process.env.BENCH_CLIENT_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CLIENT_PROFILE_DIR}`] : []),
			],
			env: {
				...process.env,
				// Trust the fake server's throw-away certificate (read once, at start-up, by Node's TLS).
				NODE_EXTRA_CA_CERTS: certPath,
				TS_NODE_TRANSPILE_ONLY: 'true',
				// `nodes/Mindee/Mindee.node` is both a .ts and a .json file: resolve the .ts, as Jest does.
				TS_NODE_PREFER_TS_EXTS: 'true',
				TS_NODE_PROJECT: join(__dirname, '..', 'tsconfig.json'),
			},
			stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
		});
		const keepTail = (chunk: Buffer) => {
			this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
			if (process.env.BENCH_VERBOSE) process.stderr.write(chunk);
		};
		this.child.stdout?.on('data', keepTail);
		this.child.stderr?.on('data', keepTail);
		this.child.on('message', (message: ChildMessage) => this.onMessage(message));
		this.child.on('exit', (code, signal) => {
			this.exited = true;
			const error = new Error(`${side} client exited (${code ?? signal}). Output:\n${this.stderrTail}`);
			for (const { reject } of this.waiting.values()) reject(error);
			this.waiting.clear();
		});
	}

	static async start(side: Side, certPath: string): Promise<ClientProcess> {
		const client = new ClientProcess(side, certPath);
		await client.expect('ready');
		return client;
	}

	private onMessage(message: ChildMessage): void {
		if (message.type === 'failed') {
			const error = new Error(`${this.side} client failed: ${message.error}\n${this.stderrTail}`);
			const key = message.id ?? [...this.waiting.keys()][0];
			const waiter = key === undefined ? undefined : this.waiting.get(key);
			if (key !== undefined) this.waiting.delete(key);
			waiter?.reject(error);
			return;
		}
		const key = message.type === 'result' ? message.id : message.type;
		const waiter = this.waiting.get(key);
		this.waiting.delete(key);
		waiter?.resolve(message);
	}

	private expect(key: number | 'ready' | 'warm'): Promise<ChildMessage> {
		return new Promise((resolve, reject) => this.waiting.set(key, { resolve, reject }));
	}

	private post(message: ParentMessage): void {
		this.child.send(message);
	}

	async warmup(args: { baseUrl: string; apiKey: string; modelId: string; document: { path: string; name: string } }): Promise<void> {
		const warm = this.expect('warm');
		this.post({ type: 'warmup', ...args });
		await warm;
	}

	async run(request: Omit<RunRequest, 'type' | 'id'>): Promise<RunResult> {
		const id = this.nextId++;
		const result = this.expect(id);
		this.post({ type: 'run', id, ...request });
		return (await result) as RunResult;
	}

	async close(): Promise<void> {
		if (this.exited) return;
		const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
		this.post({ type: 'exit' });
		const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
		await exited;
		clearTimeout(timer);
	}
}
