/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * An n8n queue-mode cluster on one machine: `n8n start` (main), `n8n worker` × N and `n8n webhook`,
 * sharing one PostgreSQL database and one Redis (services.ts). Each process is its own
 * N8nInstance, i.e. its own user folder with the package installed as a community node, as on
 * separate machines; they share the encryption key, the database and Redis.
 *
 *  - main: EXECUTIONS_MODE=queue, N8N_DISABLE_PRODUCTION_MAIN_PROCESS=true (production webhooks are
 *    the webhook processor's job). It activates published workflows (trigger activation runs here)
 *    and enqueues executions; it runs none.
 *  - workers: `n8n worker --concurrency=<n>`, health server on their own port (readiness probe).
 *  - webhook processor: `n8n webhook` on its own port; N8N_WEBHOOK_URL of every process points at it,
 *    so webhook URLs that n8n shows (and the trigger records on activation) are the processor's.
 *
 * Every process is started with a test-only preload (`--require`, see PRELOAD) that adds
 * `X-E2E-Process: <name>` to each outgoing HTTP request: the fake Mindee server can then count
 * requests per worker, 429s included (the workers share one API key and one credential).
 */
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';

import type { ChildProcess } from 'child_process';

import { E2E_ENCRYPTION_KEY, N8nInstance, type N8nCredential, type N8nWorkflow } from '../harness';
import { isRunning } from '../harness/processes';
import type { Postgres, Redis } from './services';

export const PROCESS_HEADER = 'x-e2e-process';

/** Loaded into every n8n process with NODE_OPTIONS=--require; touches nothing but one header. */
const PRELOAD = `'use strict';
// Test-only (queue-mode e2e): tag this n8n process's outgoing HTTP requests so that the fake
// Mindee server can tell the workers apart. Node's diagnostics channel hands over each request
// before its headers are sent; nothing else changes.
const name = process.env.E2E_PROCESS_NAME;
if (name) {
  require('node:diagnostics_channel').subscribe('http.client.request.created', ({ request }) => {
    try {
      if (!request.headersSent && !request.getHeader('${PROCESS_HEADER}')) request.setHeader('${PROCESS_HEADER}', name);
    } catch {}
  });
}
`;

export interface QueueClusterOptions {
	version: string;
	tarball: string;
	postgres: Postgres;
	redis: Redis;
	/** Folder for the preload file (the services folder). */
	folder: string;
	workers?: number;
	workerConcurrency?: number;
}

interface Service {
	name: string;
	instance: N8nInstance;
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

export class QueueCluster {
	private constructor(
		readonly main: N8nInstance,
		readonly workers: Service[],
		readonly webhook: N8nInstance,
		readonly workerConcurrency: number,
		private readonly processEnv: (name: string) => Record<string, string>,
	) {}

	/** Creates the instances and installs the package into each (nothing is started yet). */
	static async create(options: QueueClusterOptions): Promise<QueueCluster> {
		const workerCount = options.workers ?? 2;
		const preload = path.join(options.folder, 'n8n-preload', 'tag-requests.js');
		mkdirSync(path.dirname(preload), { recursive: true });
		writeFileSync(preload, PRELOAD);
		const shared: Record<string, string> = {
			...options.postgres.n8nEnv,
			...options.redis.n8nEnv,
			EXECUTIONS_MODE: 'queue',
			N8N_ENCRYPTION_KEY: E2E_ENCRYPTION_KEY,
			// Postgres: a few connections per process (4 processes + CLI commands share max_connections).
			DB_POSTGRESDB_POOL_SIZE: '4',
			// Keep every execution (the test reads them back from the database).
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			EXECUTIONS_DATA_PRUNE: 'false',
			// Queue mode does not support filesystem binary data; 2.x defaults to 'database' in queue
			// mode anyway, pinned here so that the test says what it runs.
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			NODE_OPTIONS: `--require ${preload}`,
		};
		// The webhook processor's port must be known before the other instances get N8N_WEBHOOK_URL.
		const webhook = await N8nInstance.create({ version: options.version, env: shared });
		const webhookUrl = `http://127.0.0.1:${webhook.port}/`;
		const withUrl = { ...shared, N8N_WEBHOOK_URL: webhookUrl };
		const main = await N8nInstance.create({
			version: options.version,
			env: { ...withUrl, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true', E2E_PROCESS_NAME: 'main' },
		});
		const workers: Service[] = [];
		for (let i = 1; i <= workerCount; i++) {
			workers.push({
				name: `worker-${i}`,
				instance: await N8nInstance.create({ version: options.version, env: withUrl }),
			});
		}
		const processEnv = (name: string) => ({ N8N_WEBHOOK_URL: webhookUrl, E2E_PROCESS_NAME: name });
		const cluster = new QueueCluster(
			main,
			workers,
			webhook,
			options.workerConcurrency ?? 5,
			processEnv,
		);
		// "installed as a community node on each": every process has its own copy.
		await Promise.all(
			cluster.instances().map(({ instance }) => instance.installPackage(options.tarball)),
		);
		return cluster;
	}

	instances(): Service[] {
		return [
			{ name: 'main', instance: this.main },
			...this.workers,
			{ name: 'webhook', instance: this.webhook },
		];
	}

	get webhookBaseUrl(): string {
		return this.webhook.baseUrl;
	}

	/** Imports credentials and workflows through the main instance's CLI (they land in the shared database). */
	async importCredentials(credentials: N8nCredential[]): Promise<void> {
		await this.main.importCredentials(credentials);
	}

	async importWorkflows(workflows: N8nWorkflow[]): Promise<string[]> {
		return await this.main.importWorkflows(workflows);
	}

	async publish(workflowId: string): Promise<void> {
		await this.main.activate(workflowId);
	}

	/** Starts main, the workers and the webhook processor together; resolves once all are ready. */
	async start(timeoutMs = 240_000): Promise<void> {
		await Promise.all([
			this.main.start({ timeoutMs }),
			...this.workers.map(
				async (worker) => await this.startWorker(worker, this.workerConcurrency, timeoutMs),
			),
			(async () => {
				const { child, log } = await this.webhook.spawnService(
					'webhook',
					['webhook'],
					this.processEnv('webhook'),
				);
				await this.waitReady(
					'webhook',
					this.webhook,
					child,
					() => log.toString(),
					'/healthz',
					/Webhook listener waiting for requests/,
					timeoutMs,
				);
			})(),
		]);
	}

	/**
	 * Stops the workers and starts them again, each with its own concurrency (executions it runs at
	 * once): [3, 1] makes n8n give the first worker three of four executions sent together.
	 */
	async restartWorkers(concurrencies: number[], timeoutMs = 240_000): Promise<void> {
		await Promise.all(this.workers.map(async ({ instance }) => await instance.stop()));
		await Promise.all(
			this.workers.map(
				async (worker, index) =>
					await this.startWorker(worker, concurrencies[index] ?? this.workerConcurrency, timeoutMs),
			),
		);
	}

	private async startWorker(
		{ name, instance }: Service,
		concurrency: number,
		timeoutMs: number,
	): Promise<void> {
		const { child, log } = await instance.spawnService(
			name,
			['worker', `--concurrency=${concurrency}`],
			{
				...this.processEnv(name),
				QUEUE_HEALTH_CHECK_ACTIVE: 'true',
				QUEUE_HEALTH_CHECK_PORT: String(instance.port),
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
			},
		);
		await this.waitReady(
			name,
			instance,
			child,
			() => log.toString(),
			'/healthz/readiness',
			/n8n worker is now ready/,
			timeoutMs,
		);
	}

	private async waitReady(
		name: string,
		instance: N8nInstance,
		child: ChildProcess,
		/** This start's own output: a restarted worker's log history already holds "ready". */
		startLog: () => string,
		probe: string,
		logPattern: RegExp,
		timeoutMs: number,
	): Promise<void> {
		const started = Date.now();
		let last = '';
		while (Date.now() - started < timeoutMs) {
			if (!isRunning(child)) {
				throw new Error(
					`${name} exited during start-up (code ${child.exitCode}):\n${tail(instance.logs(), 40)}`,
				);
			}
			try {
				const res = await instance.request('GET', probe, { timeoutMs: 2_000 });
				last = `${res.status}`;
				if (res.status === 200 && logPattern.test(startLog())) return;
			} catch (error) {
				last = (error as Error).message;
			}
			await sleep(500);
		}
		throw new Error(
			`${name} not ready after ${Math.round(timeoutMs / 1000)} s (${probe}: ${last}):\n${tail(instance.logs(), 40)}`,
		);
	}

	/** Executions each worker started, from its log ("Worker started execution 12 (job 7)"). */
	executionsByWorker(): Map<string, string[]> {
		const result = new Map<string, string[]>();
		for (const { name, instance } of this.workers) {
			const ids = [
				...instance.logs().matchAll(/Worker started execution (\d+) \(job [^)]*\)/g),
			].map((m) => m[1]);
			result.set(name, ids);
		}
		return result;
	}

	/** The worker whose log says it started `executionId`, or undefined. */
	workerOf(executionId: string): string | undefined {
		for (const [name, ids] of this.executionsByWorker())
			if (ids.includes(String(executionId))) return name;
		return undefined;
	}

	/** Stops every process (webhook and main first, then the workers) and deletes the user folders. */
	async cleanup(): Promise<void> {
		await Promise.all([this.webhook.cleanup(), this.main.cleanup()]);
		await Promise.all(this.workers.map(({ instance }) => instance.cleanup()));
	}

	/** The last lines of every process's log, for failure messages. */
	logTails(lines = 25): string {
		return this.instances()
			.map(({ name, instance }) => `----- ${name}\n${tail(instance.logs(), lines)}`)
			.join('\n');
	}
}

function tail(text: string, lines: number): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}
