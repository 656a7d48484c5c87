/**
 * End-to-end in n8n's queue mode (n8n 2.41.1): PostgreSQL + Redis (Debian's packages, installed by
 * scripts/services/ensure-postgres-redis.sh when missing, started here on loopback), `n8n start`
 * (main), two `n8n worker`s and one `n8n webhook`, each with the packed package installed as a
 * community node (test/e2e/queue/cluster.ts). Against the fake Mindee server:
 *
 *  1. a batch of 100 documents, sent as 10 webhook calls of 10 to the webhook processor, runs on the
 *     workers; every document ends as exactly one result;
 *  2. the Mindee Webhook Trigger, activated by main, receives signed deliveries through the webhook
 *     processor and its executions run on the workers;
 *  3. a bad or missing signature gets 401 from the webhook processor and starts nothing;
 *  4. rate limits across processes: the credential says 40 uploads/min with "Share of Limits per
 *     n8n Process" 50 %, so each worker keeps to 20/min and the two together to 40 in any 60 s —
 *     while the fake server (limit 30/min, tighter than the credential claims) answers 429s that are
 *     retried without losing or duplicating a document.
 *
 * Requests are told apart per worker by an `X-E2E-Process` header that a test-only preload adds in
 * every n8n process (see cluster.ts); executions by the workers' "Worker started execution N" lines.
 *
 * Run alone: npx jest --selectProjects e2e --runInBand --testPathPatterns queue-mode
 */
import { randomUUID } from 'crypto';
import * as path from 'path';

import { signBody, startFakeMindee } from '../fake-mindee/server';
import type { FakeMindee, RecordedRequest } from '../fake-mindee/types';
import { ensureN8n, packPackage } from './harness';
import { PROCESS_HEADER, QueueCluster } from './queue/cluster';
import {
	ensureServiceBinaries,
	makeServicesFolder,
	Postgres,
	Redis,
	removeServicesFolder,
} from './queue/services';
import {
	batchWorkflow,
	type BatchResultItem,
	platformCredential,
	TRIGGER_NODES,
	triggerWorkflow,
	webhookCredential,
} from './queue/workflows';
import { fixtureFile } from './workflows/extraction';

const VERSION = '2.41.1';
const MODEL_ID = 'b3274545-bb22-bb22-991e-9ca0639829a3';
const invoicePdf = fixtureFile('invoice.pdf', 'application/pdf');

const BATCH_CREDENTIAL = { id: 'queueBatchCred01', name: 'Mindee (queue batch)' };
const RATE_CREDENTIAL = { id: 'queueRateCred001', name: 'Mindee (40/min, 50 % per process)' };
const SIGNING_CREDENTIAL = { id: 'queueHookSecret1', name: 'Mindee webhook (queue)' };
const SIGNING_SECRET = 'queue-mode-e2e-signing-secret';
const FAKE_WEBHOOK_ID = '5e1f0a2b-7c3d-4e5f-8a9b-0c1d2e3f4a5b';
const TRIGGER_WEBHOOK_ID = randomUUID();

// Rate-limit case: the credential's claim, the share of each process, and the fake's real limit.
const CLAIMED_POSTS_PER_MINUTE = 40;
const SHARE_PERCENT = 50;
const FAKE_POSTS_PER_MINUTE = 30;
const WINDOW_MS = 60_000;
const UNFINISHED = ['new', 'running', 'waiting'];

const SETUP_TIMEOUT = 30 * 60_000; // a fresh machine installs n8n (10-15 min) and the Debian packages
const TEST_TIMEOUT = 5 * 60_000;

const selected = (process.env.E2E_N8N_VERSIONS ?? VERSION)
	.split(',')
	.map((v) => v.trim())
	.includes(VERSION);
const describeQueue = selected ? describe : describe.skip;

const say = (line: string) => process.stdout.write(`[queue-mode] ${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isEnqueue = (r: RecordedRequest) => r.method === 'POST' && /\/enqueue\/?$/.test(r.path);
const processOf = (r: RecordedRequest) => String(r.headers[PROCESS_HEADER] ?? '(untagged)');

/** Largest number of requests in any window [t, t + windowMs) (t = a request's arrival). */
function maxInWindow(times: number[], windowMs = WINDOW_MS): number {
	const sorted = [...times].sort((a, b) => a - b);
	let best = 0;
	let end = 0;
	for (let start = 0; start < sorted.length; start++) {
		while (end < sorted.length && sorted[end] < sorted[start] + windowMs) end++;
		best = Math.max(best, end - start);
	}
	return best;
}

function countBy<T>(values: T[], key: (value: T) => string): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[key(value)] = (counts[key(value)] ?? 0) + 1;
	return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

function duplicates(values: string[]): string[] {
	const seen = new Set<string>();
	const dups = new Set<string>();
	for (const value of values) (seen.has(value) ? dups : seen).add(value);
	return [...dups];
}

async function waitFor<T>(
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

describeQueue(
	`n8n ${VERSION} in queue mode (PostgreSQL, Redis, main + 2 workers + webhook processor)`,
	() => {
		let folder: string | undefined;
		let postgres: Postgres | undefined;
		let redis: Redis | undefined;
		let fake: FakeMindee;
		let rateFake: FakeMindee;
		let cluster: QueueCluster | undefined;
		let batchId: string;
		let rateId: string;
		let triggerId: string;
		let triggerPath: string;
		let flatted: { parse: (text: string) => any };

		beforeAll(async () => {
			const setupStarted = Date.now();
			// The servers first (apt-get install when missing), the n8n install and the package meanwhile.
			const [bins, tarball, install] = await Promise.all([
				ensureServiceBinaries(),
				packPackage(),
				ensureN8n(VERSION),
			]);
			folder = makeServicesFolder();
			[postgres, redis] = await Promise.all([
				Postgres.start(bins, folder),
				Redis.start(bins, folder),
			]);
			say(
				`services: PostgreSQL ${path.basename(path.dirname(bins.pgBinDir))} on 127.0.0.1:${postgres.port}${
					bins.pgRunAs ? ` (as user ${bins.pgRunAs})` : ''
				}, Redis on 127.0.0.1:${redis.port}`,
			);
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			flatted = require(path.join(install.dir, 'node_modules', 'flatted'));

			// Mindee's own limits on the batch fake; the rate fake is tighter than its credential claims.
			fake = await startFakeMindee({
				processingMs: 500,
				rateLimits: { postPerMinute: 200, getPerMinute: 1200 },
			});
			rateFake = await startFakeMindee({
				processingMs: 500,
				rateLimits: { postPerMinute: FAKE_POSTS_PER_MINUTE, getPerMinute: 1200 },
			});

			cluster = await QueueCluster.create({
				version: VERSION,
				tarball,
				postgres,
				redis,
				folder,
				workers: 2,
			});
			await cluster.importCredentials([
				platformCredential({
					...BATCH_CREDENTIAL,
					apiKey: fake.apiKey,
					baseUrl: fake.url,
					postsPerMinute: 200,
					getsPerMinute: 1200,
					processSharePercent: SHARE_PERCENT,
				}),
				platformCredential({
					...RATE_CREDENTIAL,
					apiKey: rateFake.apiKey,
					baseUrl: rateFake.url,
					postsPerMinute: CLAIMED_POSTS_PER_MINUTE,
					getsPerMinute: 1200,
					processSharePercent: SHARE_PERCENT,
				}),
				webhookCredential({ ...SIGNING_CREDENTIAL, signingSecret: SIGNING_SECRET }),
			]);
			[batchId, rateId, triggerId] = await cluster.importWorkflows([
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
			]);
			for (const id of [batchId, rateId, triggerId]) await cluster.publish(id);
			await cluster.start();
			triggerPath = `${TRIGGER_WEBHOOK_ID}/webhook`;
			for (const webhookPath of ['queue-batch', 'queue-rate', triggerPath]) {
				await cluster.webhook.waitForWebhook(webhookPath, { timeoutMs: 90_000 });
			}
			say(
				`cluster up in ${Math.round((Date.now() - setupStarted) / 1000)} s: main ${cluster.main.baseUrl}, ${cluster.workers
					.map((w) => w.name)
					.join(
						', ',
					)} (concurrency ${cluster.workerConcurrency}), webhook processor ${cluster.webhookBaseUrl}`,
			);
		}, SETUP_TIMEOUT);

		afterAll(async () => {
			await cluster?.cleanup();
			await Promise.all([postgres?.stop(), redis?.stop()]);
			await Promise.all([fake?.stop(), rateFake?.stop()]);
			if (folder) removeServicesFolder(folder);
		}, 120_000);

		/** Executions of a workflow, from the shared database. */
		async function executionsOf(workflowId: string) {
			return await postgres!.query<{ id: number; status: string; mode: string; finished: boolean }>(
				`SELECT id, status, mode, finished FROM execution_entity WHERE "workflowId" = '${workflowId}' ORDER BY id`,
			);
		}

		/** The run data of an execution (execution_data.data is stored with `flatted`). */
		async function runDataOf(executionId: number | string): Promise<Record<string, any[]>> {
			const [row] = await postgres!.query<{ data: string }>(
				`SELECT data FROM execution_data WHERE "executionId" = ${Number(executionId)}`,
			);
			return flatted.parse(row.data).resultData.runData;
		}

		/**
		 * Executions n8n failed before running any node with "Regular expression execution timed out".
		 * n8n 2.41.1 checks every node's parameters when an execution starts, running resource-locator
		 * validation regexes (the Mindee node's model ID is one) in a vm with a 250 ms wall-clock timeout;
		 * on a starved CPU (2 cores shared by 4 n8n processes, their task runners, PostgreSQL, …) that
		 * watchdog can fire on a trivial regex. Nothing was sent to Mindee then, so the call is retried.
		 */
		const regexTimeouts: string[] = [];
		const REGEX_TIMEOUT = /Problem with execution (\d+): Regular expression execution timed out/g;
		const regexTimeoutsInLogs = () =>
			cluster!.workers.flatMap(({ instance }) =>
				[...instance.logs().matchAll(REGEX_TIMEOUT)].map((m) => m[1]),
			);

		/** Execution rows less those retried above (which must have failed). */
		function withoutRetried<T extends { id: number; status: string }>(rows: T[]): T[] {
			const retried = rows.filter((r) => regexTimeouts.includes(String(r.id)));
			expect(retried.every((r) => r.status === 'error')).toBe(true);
			return rows.filter((r) => !regexTimeouts.includes(String(r.id)));
		}

		/** Sends `aliases` as one webhook call to the batch/rate workflow on the webhook processor. */
		async function runBatch(
			webhookPath: string,
			aliases: string[],
			attempts = 3,
		): Promise<BatchResultItem[]> {
			const requests = () => [fake, rateFake].flatMap((f) => f.requests);
			for (let attempt = 1; ; attempt++) {
				const res = await cluster!.webhook.request('POST', `/webhook/${webhookPath}`, {
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ documents: aliases.map((alias) => ({ alias })) }),
					timeoutMs: 240_000,
				});
				if (res.status === 200) return JSON.parse(res.body) as BatchResultItem[];
				const timedOut = regexTimeoutsInLogs().filter((id) => !regexTimeouts.includes(id));
				const sentToMindee = requests().some((r) => aliases.includes(String(r.fields?.alias)));
				if (res.status === 500 && timedOut.length > 0 && !sentToMindee && attempt < attempts) {
					regexTimeouts.push(...timedOut);
					say(
						`note: execution ${timedOut.join(', ')} failed before any node ran (n8n: "Regular expression execution timed out" while validating parameters on a busy CPU); nothing reached Mindee; call retried`,
					);
					continue;
				}
				throw new Error(
					`POST /webhook/${webhookPath} answered ${res.status}: ${res.body.slice(0, 2000)}\n${cluster!.logTails()}`,
				);
			}
		}

		function workerOfEach(executionIds: string[]): Promise<Map<string, string>> {
			return waitFor(
				'the workers to log every execution',
				() => {
					const map = new Map<string, string>();
					for (const id of executionIds) {
						const worker = cluster!.workerOf(id);
						if (!worker) return undefined;
						map.set(id, worker);
					}
					return map;
				},
				15_000,
				() => JSON.stringify(Object.fromEntries(cluster!.executionsByWorker())),
			);
		}

		it(
			'(1) runs a batch of 100 documents through the workers: every document ends as exactly one result',
			async () => {
				fake.reset();
				const started = Date.now();
				const calls = Array.from({ length: 10 }, (_, call) =>
					Array.from(
						{ length: 10 },
						(_, doc) => `batch-${String(call).padStart(2, '0')}-${String(doc).padStart(2, '0')}`,
					),
				);
				const answers = await Promise.all(calls.map((aliases) => runBatch('queue-batch', aliases)));
				const seconds = (Date.now() - started) / 1000;

				// Each call: one execution, its 10 documents, in order.
				answers.forEach((items, call) => {
					expect(items.map((i) => i.alias)).toEqual(calls[call]);
					expect(new Set(items.map((i) => i.executionId)).size).toBe(1);
				});
				const results = answers.flat();
				const aliases = results.map((r) => r.alias);
				expect(results).toHaveLength(100);
				expect(duplicates(aliases)).toEqual([]);
				expect(new Set(aliases)).toEqual(new Set(calls.flat()));
				expect(new Set(results.map((r) => r.supplierName))).toEqual(
					new Set([results[0].supplierName]),
				);
				expect(results[0].supplierName).toBeTruthy();

				// The fake server: 100 accepted uploads, one per document, no 429, one job per result.
				const enqueues = fake.requests.filter(isEnqueue);
				expect(enqueues.filter((r) => r.status === 202)).toHaveLength(100);
				expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(0);
				expect(duplicates(enqueues.map((r) => String(r.fields?.alias)))).toEqual([]);
				expect(fake.jobs.size).toBe(100);
				expect(new Set(results.map((r) => r.jobId))).toEqual(new Set(fake.jobs.keys()));

				// Executions: 10 in the database, all successful, started by the webhook processor, each
				// run by a worker (never by main).
				const executionIds = [...new Set(results.map((r) => String(r.executionId)))];
				expect(executionIds).toHaveLength(10);
				const rows = withoutRetried(await executionsOf(batchId));
				expect(rows.map((r) => String(r.id)).sort()).toEqual([...executionIds].sort());
				expect(rows.every((r) => r.status === 'success' && r.mode === 'webhook')).toBe(true);
				const workerOf = await workerOfEach(executionIds);
				// The webhook processor put each one on the queue; main only hears that they finished.
				for (const id of executionIds)
					expect(cluster!.webhook.logs()).toMatch(new RegExp(`Enqueued execution ${id} \\(job`));
				for (const instance of [cluster!.main, cluster!.webhook]) {
					expect(instance.logs()).not.toMatch(/Worker started execution/);
				}
				const executionsPerWorker = countBy(executionIds, (id) => workerOf.get(id)!);
				expect(Object.keys(executionsPerWorker).sort()).toEqual(['worker-1', 'worker-2']);

				// Requests per process (X-E2E-Process): only the workers talk to Mindee, and each upload
				// came from the worker that ran the document's execution.
				const executionOfAlias = new Map(results.map((r) => [r.alias, String(r.executionId)]));
				for (const enqueue of enqueues) {
					expect(processOf(enqueue)).toBe(
						workerOf.get(executionOfAlias.get(String(enqueue.fields?.alias))!),
					);
				}
				const docsPerWorker = countBy(results, (r) => workerOf.get(String(r.executionId))!);
				const postsPerWorker = countBy(enqueues, processOf);
				const getsPerWorker = countBy(
					fake.requests.filter((r) => r.method === 'GET'),
					processOf,
				);
				expect(postsPerWorker).toEqual(docsPerWorker);
				const byProcess = countBy(fake.requests, processOf);
				expect(Object.keys(byProcess).sort()).toEqual(['worker-1', 'worker-2']);

				say(
					`batch of 100 via webhook processor: ${results.length} results, ${duplicates(aliases).length} duplicates, ` +
						`${enqueues.length} enqueues (${fake.jobs.size} jobs), 0 errors, in ${seconds.toFixed(1)} s; ` +
						Object.keys(executionsPerWorker)
							.map(
								(w) =>
									`${w}: ${executionsPerWorker[w]} executions, ${docsPerWorker[w]} documents, ${postsPerWorker[w]} POST + ${getsPerWorker[w] ?? 0} GET`,
							)
							.join('; ') +
						`; main and webhook processor: ${(byProcess.main ?? 0) + (byProcess.webhook ?? 0)} requests to Mindee, 0 executions`,
				);
			},
			TEST_TIMEOUT,
		);

		it(
			'(2) the Mindee Webhook Trigger, activated by main, receives signed deliveries via the webhook processor; executions run on workers',
			async () => {
				fake.reset();
				const triggerUrl = `${cluster!.webhookBaseUrl}/webhook/${triggerPath}`;

				// Activation ran on main and recorded the processor's URL in the workflow's static data.
				expect(cluster!.main.logs()).toContain(`Mindee Webhook Trigger listening at ${triggerUrl}`);
				const [workflow] = await postgres!.query<{ staticData: any }>(
					`SELECT "staticData" FROM workflow_entity WHERE id = '${triggerId}'`,
				);
				const staticData =
					typeof workflow.staticData === 'string'
						? JSON.parse(workflow.staticData)
						: workflow.staticData;
				expect(staticData?.[`node:${TRIGGER_NODES.trigger}`]?.webhookUrl).toBe(triggerUrl);
				// Main does not serve production webhooks (N8N_DISABLE_PRODUCTION_MAIN_PROCESS).
				const onMain = await cluster!.main.request('POST', `/webhook/${triggerPath}`, {
					headers: { 'content-type': 'application/json' },
					body: '{}',
				});
				expect(onMain.status).toBe(404);

				fake.configure({
					webhooks: [
						{ id: FAKE_WEBHOOK_ID, url: triggerUrl, secret: SIGNING_SECRET, modelId: MODEL_ID },
					],
				});
				const before = (await executionsOf(triggerId)).length;
				const aliases = ['hook-1', 'hook-2', 'hook-3', 'hook-4', 'hook-5', 'hook-6'];
				await Promise.all(
					aliases.map(async (alias) => {
						const form = new FormData();
						form.append('model_id', MODEL_ID);
						form.append('alias', alias);
						form.append('webhook_ids', FAKE_WEBHOOK_ID);
						form.append(
							'file',
							new Blob([new Uint8Array(invoicePdf.content)], { type: 'application/pdf' }),
							invoicePdf.fileName,
						);
						const res = await fetch(`${fake.url}/v2/products/extraction/enqueue`, {
							method: 'POST',
							headers: { Authorization: fake.apiKey },
							body: form,
						});
						expect(res.status).toBe(202);
					}),
				);
				// Mindee (the fake) signs and POSTs each result to the processor's URL.
				const deliveries = await waitFor(
					'6 webhook deliveries answered 200',
					() => {
						const ok = fake.webhookDeliveries.filter((d) => d.status === 200);
						return ok.length >= aliases.length ? ok : undefined;
					},
					60_000,
					() => JSON.stringify(fake.webhookDeliveries.map((d) => [d.status, d.error])),
				);
				expect(fake.webhookDeliveries.filter((d) => d.status !== 200)).toEqual([]);
				expect(deliveries.every((d) => d.url === triggerUrl && d.signature.length === 64)).toBe(
					true,
				);

				const rows = await waitFor(
					'6 finished trigger executions',
					async () => {
						const all = (await executionsOf(triggerId)).slice(before);
						return all.length >= aliases.length && all.every((r) => !UNFINISHED.includes(r.status))
							? all
							: undefined;
					},
					60_000,
				);
				expect(rows).toHaveLength(aliases.length);
				expect(rows.every((r) => r.status === 'success' && r.mode === 'webhook')).toBe(true);
				const executionIds = rows.map((r) => String(r.id));
				const workerOf = await workerOfEach(executionIds);

				const delivered: Array<{ executionId: string; alias: string; worker: string }> = [];
				for (const id of executionIds) {
					const runData = await runDataOf(id);
					expect(runData[TRIGGER_NODES.failure]).toBeUndefined();
					const items = runData[TRIGGER_NODES.result][0].data.main[0];
					expect(items).toHaveLength(1);
					expect(String(items[0].json.executionId)).toBe(id);
					delivered.push({
						executionId: id,
						alias: items[0].json.alias,
						worker: workerOf.get(id)!,
					});
				}
				expect(delivered.map((d) => d.alias).sort()).toEqual(aliases);
				const jobIds = new Set(fake.jobs.keys());
				for (const id of executionIds) {
					const runData = await runDataOf(id);
					expect(
						jobIds.has(runData[TRIGGER_NODES.result][0].data.main[0][0].json.inferenceId),
					).toBe(true);
				}
				const perWorker = countBy(delivered, (d) => d.worker);
				say(
					`webhook trigger: activated on main (static data webhookUrl=${triggerUrl}); POST on main → ${onMain.status}; ` +
						`${deliveries.length} signed deliveries → webhook processor → 200; ` +
						delivered
							.map((d) => `execution ${d.executionId} (${d.alias}) ran on ${d.worker}`)
							.join(', ') +
						` [${Object.entries(perWorker)
							.map(([w, n]) => `${w}: ${n}`)
							.join(', ')}]`,
				);
			},
			TEST_TIMEOUT,
		);

		it(
			'(3) a bad or missing signature gets 401 from the webhook processor and starts no execution',
			async () => {
				const body = JSON.stringify({
					inference: {
						id: randomUUID(),
						model: { id: MODEL_ID },
						file: { alias: 'forged' },
						result: { fields: {} },
					},
				});
				const before = (await executionsOf(triggerId)).length;
				const send = (signature?: string) =>
					cluster!.webhook.request('POST', `/webhook/${triggerPath}`, {
						headers: {
							'content-type': 'application/json',
							...(signature ? { 'x-signature': signature } : {}),
						},
						body,
					});
				const wrongSecret = await send(signBody('not-the-signing-secret', body));
				const missing = await send();
				const good = await send(signBody(SIGNING_SECRET, body)); // the same body, signed right: accepted
				expect(wrongSecret.status).toBe(401);
				expect(JSON.parse(wrongSecret.body)).toEqual({ message: 'Invalid or missing X-Signature' });
				expect(missing.status).toBe(401);
				expect(good.status).toBe(200);
				// Only the good one starts an execution (give the workers time to show any other).
				const rows = await waitFor("the signed request's execution", async () => {
					const all = (await executionsOf(triggerId)).slice(before);
					return all.length >= 1 && all.every((r) => !UNFINISHED.includes(r.status))
						? all
						: undefined;
				});
				await sleep(2_000);
				expect((await executionsOf(triggerId)).slice(before)).toHaveLength(rows.length);
				expect(rows).toHaveLength(1);
				say(
					`bad signature → ${wrongSecret.status} ${wrongSecret.body}; missing signature → ${missing.status}; ` +
						`same body signed right → ${good.status} (execution ${rows[0].id} on ${await workerOfEach(
							[String(rows[0].id)],
						).then((m) => m.get(String(rows[0].id)))}); executions started by the bad ones: 0`,
				);
			},
			TEST_TIMEOUT,
		);

		it(
			`(4) two workers at ${SHARE_PERCENT} % of ${CLAIMED_POSTS_PER_MINUTE} uploads/min stay within it together and lose nothing to 429s`,
			async () => {
				rateFake.reset();
				const started = Date.now();
				// 10 executions of 6 documents at once; worker concurrency 5 puts 5 on each worker, i.e.
				// 30 documents per worker for a per-process budget of 20 uploads per minute.
				const calls = Array.from({ length: 10 }, (_, call) =>
					Array.from(
						{ length: 6 },
						(_, doc) => `rate-${String(call).padStart(2, '0')}-${String(doc).padStart(2, '0')}`,
					),
				);
				const answers = await Promise.all(calls.map((aliases) => runBatch('queue-rate', aliases)));
				const seconds = (Date.now() - started) / 1000;

				answers.forEach((items, call) => expect(items.map((i) => i.alias)).toEqual(calls[call]));
				const results = answers.flat();
				const aliases = results.map((r) => r.alias);
				expect(results).toHaveLength(60);
				expect(duplicates(aliases)).toEqual([]);

				const executionIds = [...new Set(results.map((r) => String(r.executionId)))];
				const workerOf = await workerOfEach(executionIds);
				const docsPerWorker = countBy(results, (r) => workerOf.get(String(r.executionId))!);
				const share = Math.floor((CLAIMED_POSTS_PER_MINUTE * SHARE_PERCENT) / 100);
				// Both workers had more documents than their share: each budget was actually exercised.
				expect(Object.keys(docsPerWorker).sort()).toEqual(['worker-1', 'worker-2']);
				for (const docs of Object.values(docsPerWorker)) expect(docs).toBeGreaterThan(share);

				const posts = rateFake.requests.filter(isEnqueue);
				const accepted = posts.filter((r) => r.status === 202);
				const rejected = posts.filter((r) => r.status === 429);
				const workers = Object.keys(docsPerWorker).sort();
				const perWorker = workers.map((w) => {
					const mine = posts.filter((r) => processOf(r) === w);
					return {
						worker: w,
						posts: mine.length,
						accepted: mine.filter((r) => r.status === 202).length,
						rejected: mine.filter((r) => r.status === 429).length,
						maxInWindow: maxInWindow(mine.map((r) => r.at)),
						gets: rateFake.requests.filter((r) => r.method === 'GET' && processOf(r) === w).length,
					};
				});
				const totalMax = maxInWindow(posts.map((r) => r.at));

				// Every POST came from a worker; each stayed within its share, both together within the claim.
				expect(posts.every((r) => workers.includes(processOf(r)))).toBe(true);
				for (const w of perWorker) expect(w.maxInWindow).toBeLessThanOrEqual(share);
				expect(totalMax).toBeLessThanOrEqual(CLAIMED_POSTS_PER_MINUTE);
				// The fake's tighter limit did answer 429s, and they were retried: one accepted upload and
				// one result per document, no duplicate, no loss.
				expect(rejected.length).toBeGreaterThan(0);
				expect(accepted).toHaveLength(60);
				expect(duplicates(accepted.map((r) => String(r.fields?.alias)))).toEqual([]);
				expect(new Set(accepted.map((r) => String(r.fields?.alias)))).toEqual(
					new Set(calls.flat()),
				);
				expect(rateFake.jobs.size).toBe(60);
				expect(new Set(results.map((r) => r.jobId))).toEqual(new Set(rateFake.jobs.keys()));
				const rows = withoutRetried(await executionsOf(rateId));
				expect(rows).toHaveLength(10);
				expect(rows.every((r) => r.status === 'success')).toBe(true);

				const t0 = Math.min(...posts.map((r) => r.at));
				const timeline = (rs: RecordedRequest[]) =>
					`${rs.length} between +${((Math.min(...rs.map((r) => r.at)) - t0) / 1000).toFixed(1)} s and +${(
						(Math.max(...rs.map((r) => r.at)) - t0) /
						1000
					).toFixed(1)} s`;
				say(
					`two workers at ${SHARE_PERCENT} % of ${CLAIMED_POSTS_PER_MINUTE} POST/min (fake Mindee limit ${FAKE_POSTS_PER_MINUTE}/min): ` +
						`max ${totalMax} POST in any 60 s window (limit ${CLAIMED_POSTS_PER_MINUTE}); ${rejected.length} × 429 retried; ` +
						`${results.length}/60 documents, ${duplicates(aliases).length} duplicates, ${rateFake.jobs.size} jobs, in ${seconds.toFixed(1)} s`,
				);
				for (const w of perWorker) {
					say(
						`  ${w.worker}: ${docsPerWorker[w.worker]} documents in ${
							executionIds.filter((id) => workerOf.get(id) === w.worker).length
						} executions; ${w.posts} POST (${w.accepted} accepted, ${w.rejected} × 429), max ${w.maxInWindow} in any 60 s window (share ${share}); ${w.gets} GET`,
					);
				}
				say(
					`  POST timeline: ${timeline(posts.filter((r) => r.at - t0 < 30_000))} (first wave), ${timeline(posts.filter((r) => r.at - t0 >= 30_000))} (after the window)`,
				);
			},
			TEST_TIMEOUT,
		);
	},
);
