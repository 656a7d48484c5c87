/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The queue-mode cluster shared by the cases of queue-mode.e2e.test.ts: PostgreSQL + Redis
 * (Debian's packages, installed by scripts/services/ensure-postgres-redis.sh when missing, started
 * on loopback), `n8n start` (main), two `n8n worker`s and one `n8n webhook`, each with the packed
 * package installed as a community node (cluster.ts), two fake Mindee servers (one with Mindee's
 * limits, one tighter than its credential claims) and the three workflows the cases run.
 *
 * `useQueueCluster()` starts it once for the test file and stops it after; the returned suite
 * holds the running parts and the queries the cases share.
 */
import { randomUUID } from 'crypto';
import * as path from 'path';

import { startFakeMindee } from '../../fake-mindee/server';
import type { FakeMindee, RecordedRequest } from '../../fake-mindee/types';
import { ensureN8n, packPackage } from '../harness';
import type { N8nItem } from '../harness/runData';
import { fixtureFile } from '../workflows/extraction';
import { PROCESS_HEADER, QueueCluster } from './cluster';
import {
	ensureServiceBinaries,
	makeServicesFolder,
	Postgres,
	Redis,
	removeServicesFolder,
} from './services';
import {
	batchWorkflow,
	type BatchResultItem,
	platformCredential,
	triggerWorkflow,
	webhookCredential,
} from './workflows';
import { madeUpSecret } from '../../madeUpSecret';

export const VERSION = '2.41.1';
export const MODEL_ID = 'b3274545-bb22-bb22-991e-9ca0639829a3';
export const invoicePdf = fixtureFile('invoice.pdf', 'application/pdf');

const BATCH_CREDENTIAL = { id: 'queueBatchCred01', name: 'Mindee (queue batch)' };
const RATE_CREDENTIAL = { id: 'queueRateCred001', name: 'Mindee (40/min, 50 % per process)' };
const SIGNING_CREDENTIAL = { id: 'queueHookSecret1', name: 'Mindee webhook (queue)' };
const SHARING_CREDENTIAL = {
	id: 'queueShareCred01',
	name: 'Mindee (40/min, share left at default)',
};
export const SIGNING_SECRET = madeUpSecret('queue-mode-e2e-', 'signing-secret');
export const FAKE_WEBHOOK_ID = '5e1f0a2b-7c3d-4e5f-8a9b-0c1d2e3f4a5b';
const TRIGGER_WEBHOOK_ID = randomUUID();

// Rate-limit case: the credential's claim, the share of each process, and the fake's real limit.
export const CLAIMED_POSTS_PER_MINUTE = 40;
export const SHARE_PERCENT = 50;
export const FAKE_POSTS_PER_MINUTE = 30;
// Sharing case: the credential says what the server enforces, the share is left at its default.
export const SHARED_POSTS_PER_MINUTE = 40;
export const SHARING_PROCESSING_MS = 500;
const WINDOW_MS = 60_000;
export const UNFINISHED = ['new', 'running', 'waiting'];

const SETUP_TIMEOUT = 30 * 60_000; // a fresh machine installs n8n (10-15 min) and the Debian packages
export const TEST_TIMEOUT = 5 * 60_000;

const selected = (process.env.E2E_N8N_VERSIONS ?? VERSION)
	.split(',')
	.map((v) => v.trim())
	.includes(VERSION);
export const describeQueue = selected ? describe : describe.skip;

export const say = (line: string) => process.stdout.write(`[queue-mode] ${line}\n`);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export { isEnqueue } from '../../fake-mindee/server';
export const processOf = (r: RecordedRequest) => String(r.headers[PROCESS_HEADER] ?? '(untagged)');

/** Largest number of requests in any window [t, t + windowMs) (t = a request's arrival). */
export function maxInWindow(times: number[], windowMs = WINDOW_MS): number {
	const sorted = [...times].sort((a, b) => a - b);
	let best = 0;
	let end = 0;
	for (let start = 0; start < sorted.length; start++) {
		while (end < sorted.length && sorted[end] < sorted[start] + windowMs) end++;
		best = Math.max(best, end - start);
	}
	return best;
}

export function countBy<T>(values: T[], key: (value: T) => string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[key(value)] = (counts[key(value)] ?? 0) + 1;
	return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

export function duplicates(values: string[]): string[] {
	const seen = new Set<string>();
	const dups = new Set<string>();
	for (const value of values) (seen.has(value) ? dups : seen).add(value);
	return [...dups];
}

export async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined> | T | undefined,
	timeoutMs = 60_000,
	details: () => string = () => '',
): Promise<T> {
	const started = Date.now();
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() - started > timeoutMs) {
			throw new Error(
				`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}\n${details()}`,
			);
		}
		await sleep(500);
	}
}

export class QueueSuite {
	folder: string | undefined;
	postgres: Postgres | undefined;
	redis: Redis | undefined;
	fake!: FakeMindee;
	rateFake!: FakeMindee;
	sharingFake!: FakeMindee;
	cluster: QueueCluster | undefined;
	batchId!: string;
	rateId!: string;
	sharingId!: string;
	triggerId!: string;
	triggerPath!: string;
	private flatted!: { parse: (text: string) => unknown };

	async setUp(): Promise<void> {
		const setupStarted = Date.now();
		// The servers first (apt-get install when missing), the n8n install and the package meanwhile.
		const [bins, tarball, install] = await Promise.all([
			ensureServiceBinaries(),
			packPackage(),
			ensureN8n(VERSION),
		]);
		this.folder = makeServicesFolder();
		[this.postgres, this.redis] = await Promise.all([
			Postgres.start(bins, this.folder),
			Redis.start(bins, this.folder),
		]);
		say(
			`services: PostgreSQL ${path.basename(path.dirname(bins.pgBinDir))} on 127.0.0.1:${this.postgres.port}${
				bins.pgRunAs ? ` (as user ${bins.pgRunAs})` : ''
			}, Redis on 127.0.0.1:${this.redis.port}`,
		);
		// eslint-disable-next-line @typescript-eslint/no-require-imports -- the n8n install's own flatted, found at run time
		this.flatted = require(path.join(install.dir, 'node_modules', 'flatted'));

		// Mindee's own limits on the batch fake; the rate fake is tighter than its credential claims.
		this.fake = await startFakeMindee({
			processingMs: 500,
			rateLimits: { postPerMinute: 200, getPerMinute: 1200 },
		});
		this.rateFake = await startFakeMindee({
			processingMs: 500,
			rateLimits: { postPerMinute: FAKE_POSTS_PER_MINUTE, getPerMinute: 1200 },
		});
		this.sharingFake = await startFakeMindee({
			processingMs: SHARING_PROCESSING_MS,
			rateLimits: { postPerMinute: SHARED_POSTS_PER_MINUTE, getPerMinute: 1200 },
		});

		this.cluster = await QueueCluster.create({
			version: VERSION,
			tarball,
			postgres: this.postgres,
			redis: this.redis,
			folder: this.folder,
			workers: 2,
		});
		await this.cluster.importCredentials([
			platformCredential({
				...BATCH_CREDENTIAL,
				apiKey: this.fake.apiKey,
				baseUrl: this.fake.url,
				postsPerMinute: 200,
				getsPerMinute: 1200,
				processSharePercent: SHARE_PERCENT,
			}),
			platformCredential({
				...RATE_CREDENTIAL,
				apiKey: this.rateFake.apiKey,
				baseUrl: this.rateFake.url,
				postsPerMinute: CLAIMED_POSTS_PER_MINUTE,
				getsPerMinute: 1200,
				processSharePercent: SHARE_PERCENT,
			}),
			platformCredential({
				...SHARING_CREDENTIAL,
				apiKey: this.sharingFake.apiKey,
				baseUrl: this.sharingFake.url,
				postsPerMinute: SHARED_POSTS_PER_MINUTE,
				getsPerMinute: 1200,
			}),
			webhookCredential({ ...SIGNING_CREDENTIAL, signingSecret: SIGNING_SECRET }),
		]);
		[this.batchId, this.rateId, this.triggerId, this.sharingId] =
			await this.cluster.importWorkflows([
				batchWorkflow({
					name: 'queue: batch',
					path: 'queue-batch',
					credential: BATCH_CREDENTIAL,
					modelId: MODEL_ID,
					file: invoicePdf,
					parallelDocuments: 10,
				}),
				batchWorkflow({
					name: 'queue: rate limits',
					path: 'queue-rate',
					credential: RATE_CREDENTIAL,
					modelId: MODEL_ID,
					file: invoicePdf,
					parallelDocuments: 10,
				}),
				triggerWorkflow({
					name: 'queue: Mindee webhook trigger',
					webhookId: TRIGGER_WEBHOOK_ID,
					credential: SIGNING_CREDENTIAL,
				}),
				// The node at its defaults (Parallel Documents not set); documents wait up to ~6 min.
				batchWorkflow({
					name: 'queue: limits shared by the workers',
					path: 'queue-share',
					credential: SHARING_CREDENTIAL,
					modelId: MODEL_ID,
					file: invoicePdf,
					maxWaitSeconds: 590,
				}),
			]);
		for (const id of [this.batchId, this.rateId, this.triggerId, this.sharingId])
			await this.cluster.publish(id);
		await this.cluster.start();
		this.triggerPath = `${TRIGGER_WEBHOOK_ID}/webhook`;
		for (const webhookPath of ['queue-batch', 'queue-rate', 'queue-share', this.triggerPath]) {
			await this.cluster.webhook.waitForWebhook(webhookPath, { timeoutMs: 90_000 });
		}
		say(
			`cluster up in ${Math.round((Date.now() - setupStarted) / 1000)} s: main ${this.cluster.main.baseUrl}, ${this.cluster.workers
				.map((w) => w.name)
				.join(
					', ',
				)} (concurrency ${this.cluster.workerConcurrency}), webhook processor ${this.cluster.webhookBaseUrl}`,
		);
	}

	async tearDown(): Promise<void> {
		await this.cluster?.cleanup();
		await Promise.all([this.postgres?.stop(), this.redis?.stop()]);
		await Promise.all([this.fake?.stop(), this.rateFake?.stop(), this.sharingFake?.stop()]);
		if (this.folder) removeServicesFolder(this.folder);
	}

	/** Executions of a workflow, from the shared database. */
	async executionsOf(workflowId: string) {
		return await this.postgres!.query<{
			id: number;
			status: string;
			mode: string;
			finished: boolean;
		}>(
			`SELECT id, status, mode, finished FROM execution_entity WHERE "workflowId" = '${workflowId}' ORDER BY id`,
		);
	}

	/** The run data of an execution (execution_data.data is stored with `flatted`). */
	async runDataOf(
		executionId: number | string,
	): Promise<Record<string, Array<{ data: { main: N8nItem[][] } }>>> {
		const [row] = await this.postgres!.query<{ data: string }>(
			`SELECT data FROM execution_data WHERE "executionId" = ${Number(executionId)}`,
		);
		const execution = this.flatted.parse(row.data) as {
			resultData: { runData: Record<string, Array<{ data: { main: N8nItem[][] } }>> };
		};
		return execution.resultData.runData;
	}

	/**
	 * Executions n8n failed before running any node with "Regular expression execution timed out".
	 * n8n 2.41.1 checks every node's parameters when an execution starts, running resource-locator
	 * validation regexes (the Mindee node has none since this was seen) in a vm with a 250 ms timeout;
	 * on a starved CPU (2 cores shared by 4 n8n processes, their task runners, PostgreSQL, …) that
	 * watchdog can fire on a trivial regex. Nothing was sent to Mindee then, so the call is retried.
	 */
	readonly regexTimeouts: string[] = [];
	private static readonly REGEX_TIMEOUT =
		/Problem with execution (\d+): Regular expression execution timed out/g;
	private regexTimeoutsInLogs = () =>
		this.cluster!.workers.flatMap(({ instance }) =>
			[...instance.logs().matchAll(QueueSuite.REGEX_TIMEOUT)].map((m) => m[1]),
		);

	/** Execution rows less those retried above (which must have failed). */
	withoutRetried<T extends { id: number; status: string }>(rows: T[]): T[] {
		const retried = rows.filter((r) => this.regexTimeouts.includes(String(r.id)));
		expect(retried.every((r) => r.status === 'error')).toBe(true);
		return rows.filter((r) => !this.regexTimeouts.includes(String(r.id)));
	}

	/** Sends `aliases` as one webhook call to the batch/rate workflow on the webhook processor. */
	async runBatch(
		webhookPath: string,
		aliases: string[],
		attempts = 3,
		timeoutMs = 240_000,
	): Promise<BatchResultItem[]> {
		const requests = () => [this.fake, this.rateFake, this.sharingFake].flatMap((f) => f.requests);
		for (let attempt = 1; ; attempt++) {
			const res = await this.cluster!.webhook.request('POST', `/webhook/${webhookPath}`, {
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ documents: aliases.map((alias) => ({ alias })) }),
				timeoutMs,
			});
			if (res.status === 200) return JSON.parse(res.body) as BatchResultItem[];
			const timedOut = this.regexTimeoutsInLogs().filter((id) => !this.regexTimeouts.includes(id));
			const sentToMindee = requests().some((r) => aliases.includes(String(r.fields?.alias)));
			if (res.status === 500 && timedOut.length > 0 && !sentToMindee && attempt < attempts) {
				this.regexTimeouts.push(...timedOut);
				say(
					`note: execution ${timedOut.join(', ')} failed before any node ran (n8n: "Regular expression execution timed out" while validating parameters on a busy CPU); nothing reached Mindee; call retried`,
				);
				continue;
			}
			throw new Error(
				`POST /webhook/${webhookPath} answered ${res.status}: ${res.body.slice(0, 2000)}\n${this.cluster!.logTails()}`,
			);
		}
	}

	workerOfEach(executionIds: string[]): Promise<Map<string, string>> {
		return waitFor(
			'the workers to log every execution',
			() => {
				const map = new Map<string, string>();
				for (const id of executionIds) {
					const worker = this.cluster!.workerOf(id);
					if (!worker) return undefined;
					map.set(id, worker);
				}
				return map;
			},
			15_000,
			() => JSON.stringify(Object.fromEntries(this.cluster!.executionsByWorker())),
		);
	}
}

/** Starts the cluster once for the test file (beforeAll) and stops it after (afterAll). */
export function useQueueCluster(): QueueSuite {
	const suite = new QueueSuite();
	beforeAll(() => suite.setUp(), SETUP_TIMEOUT);
	afterAll(() => suite.tearDown(), 120_000);
	return suite;
}
