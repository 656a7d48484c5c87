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
 *     retried without losing or duplicating a document;
 *  5. the same limits shared without a hand-set share: credential and server at 40 uploads/min, the
 *     share left at its default, the workers restarted with concurrency 3 and 1 so that four
 *     executions of 60 documents split 3:1: near the 40/min floor, at most 5 % of uploads 429,
 *     nothing lost or sent twice (the workers learn their part from Mindee's 429s, rateBudget.ts).
 *
 * Requests are told apart per worker by an `X-E2E-Process` header that a test-only preload adds in
 * every n8n process (see cluster.ts); executions by the workers' "Worker started execution N" lines.
 *
 * The cluster is set up once for the file (test/e2e/queue/suite.ts); each case is a describe of its own.
 *
 * Run alone: npx jest --selectProjects e2e --runInBand --testPathPatterns queue-mode
 */
import { randomUUID } from 'crypto';

import { signBody } from '../fake-mindee/server';
import type { RecordedRequest } from '../fake-mindee/types';
import {
	CLAIMED_POSTS_PER_MINUTE,
	countBy,
	describeQueue,
	duplicates,
	FAKE_POSTS_PER_MINUTE,
	FAKE_WEBHOOK_ID,
	invoicePdf,
	isEnqueue,
	maxInWindow,
	MODEL_ID,
	processOf,
	say,
	SHARE_PERCENT,
	SHARED_POSTS_PER_MINUTE,
	SHARING_PROCESSING_MS,
	SIGNING_SECRET,
	sleep,
	TEST_TIMEOUT,
	UNFINISHED,
	useQueueCluster,
	VERSION,
	waitFor,
} from './queue/suite';
import { TRIGGER_NODES } from './queue/workflows';

describeQueue(
	`n8n ${VERSION} in queue mode (PostgreSQL, Redis, main + 2 workers + webhook processor)`,
	() => {
		const q = useQueueCluster();

		describe('a batch sent to the webhook processor', () => {
			it(
				'(1) runs a batch of 100 documents through the workers: every document ends as exactly one result',
				async () => {
					q.fake.reset();
					const started = Date.now();
					const calls = Array.from({ length: 10 }, (_, call) =>
						Array.from(
							{ length: 10 },
							(_, doc) => `batch-${String(call).padStart(2, '0')}-${String(doc).padStart(2, '0')}`,
						),
					);
					const answers = await Promise.all(
						calls.map((aliases) => q.runBatch('queue-batch', aliases)),
					);
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
					const enqueues = q.fake.requests.filter(isEnqueue);
					expect(enqueues.filter((r) => r.status === 202)).toHaveLength(100);
					expect(q.fake.requests.filter((r) => r.status === 429)).toHaveLength(0);
					expect(duplicates(enqueues.map((r) => String(r.fields?.alias)))).toEqual([]);
					expect(q.fake.jobs.size).toBe(100);
					expect(new Set(results.map((r) => r.jobId))).toEqual(new Set(q.fake.jobs.keys()));

					// Executions: 10 in the database, all successful, started by the webhook processor, each
					// run by a worker (never by main).
					const executionIds = [...new Set(results.map((r) => String(r.executionId)))];
					expect(executionIds).toHaveLength(10);
					const rows = q.withoutRetried(await q.executionsOf(q.batchId));
					expect(rows.map((r) => String(r.id)).sort()).toEqual([...executionIds].sort());
					expect(rows.every((r) => r.status === 'success' && r.mode === 'webhook')).toBe(true);
					const workerOf = await q.workerOfEach(executionIds);
					// The webhook processor put each one on the queue; main only hears that they finished.
					for (const id of executionIds)
						expect(q.cluster!.webhook.logs()).toMatch(
							new RegExp(`Enqueued execution ${id} \\(job`),
						);
					for (const instance of [q.cluster!.main, q.cluster!.webhook]) {
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
						q.fake.requests.filter((r) => r.method === 'GET'),
						processOf,
					);
					expect(postsPerWorker).toEqual(docsPerWorker);
					const byProcess = countBy(q.fake.requests, processOf);
					expect(Object.keys(byProcess).sort()).toEqual(['worker-1', 'worker-2']);

					say(
						`batch of 100 via webhook processor: ${results.length} results, ${duplicates(aliases).length} duplicates, ` +
							`${enqueues.length} enqueues (${q.fake.jobs.size} jobs), 0 errors, in ${seconds.toFixed(1)} s; ` +
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
		});

		describe('the Mindee Webhook Trigger', () => {
			it(
				'(2) the Mindee Webhook Trigger, activated by main, receives signed deliveries via the webhook processor; executions run on workers',
				async () => {
					q.fake.reset();
					const triggerUrl = `${q.cluster!.webhookBaseUrl}/webhook/${q.triggerPath}`;

					// Activation ran on main and recorded the processor's URL in the workflow's static data.
					expect(q.cluster!.main.logs()).toContain(
						`Mindee Webhook Trigger listening at ${triggerUrl}`,
					);
					type StaticData = Record<string, { webhookUrl?: string } | undefined>;
					const [workflow] = await q.postgres!.query<{ staticData: string | StaticData | null }>(
						`SELECT "staticData" FROM workflow_entity WHERE id = '${q.triggerId}'`,
					);
					const staticData: StaticData | null =
						typeof workflow.staticData === 'string'
							? JSON.parse(workflow.staticData)
							: workflow.staticData;
					expect(staticData?.[`node:${TRIGGER_NODES.trigger}`]?.webhookUrl).toBe(triggerUrl);
					// Main does not serve production webhooks (N8N_DISABLE_PRODUCTION_MAIN_PROCESS).
					const onMain = await q.cluster!.main.request('POST', `/webhook/${q.triggerPath}`, {
						headers: { 'content-type': 'application/json' },
						body: '{}',
					});
					expect(onMain.status).toBe(404);

					q.fake.configure({
						webhooks: [
							{ id: FAKE_WEBHOOK_ID, url: triggerUrl, secret: SIGNING_SECRET, modelId: MODEL_ID },
						],
					});
					const before = (await q.executionsOf(q.triggerId)).length;
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
							const res = await fetch(`${q.fake.url}/v2/products/extraction/enqueue`, {
								method: 'POST',
								headers: { Authorization: q.fake.apiKey },
								body: form,
							});
							expect(res.status).toBe(202);
						}),
					);
					// Mindee (the fake) signs and POSTs each result to the processor's URL.
					const deliveries = await waitFor(
						'6 webhook deliveries answered 200',
						() => {
							const ok = q.fake.webhookDeliveries.filter((d) => d.status === 200);
							return ok.length >= aliases.length ? ok : undefined;
						},
						60_000,
						() => JSON.stringify(q.fake.webhookDeliveries.map((d) => [d.status, d.error])),
					);
					expect(q.fake.webhookDeliveries.filter((d) => d.status !== 200)).toEqual([]);
					expect(deliveries.every((d) => d.url === triggerUrl && d.signature.length === 64)).toBe(
						true,
					);

					const rows = await waitFor(
						'6 finished trigger executions',
						async () => {
							const all = (await q.executionsOf(q.triggerId)).slice(before);
							return all.length >= aliases.length &&
								all.every((r) => !UNFINISHED.includes(r.status))
								? all
								: undefined;
						},
						60_000,
					);
					expect(rows).toHaveLength(aliases.length);
					expect(rows.every((r) => r.status === 'success' && r.mode === 'webhook')).toBe(true);
					const executionIds = rows.map((r) => String(r.id));
					const workerOf = await q.workerOfEach(executionIds);

					const delivered: Array<{ executionId: string; alias: string; worker: string }> = [];
					for (const id of executionIds) {
						const runData = await q.runDataOf(id);
						expect(runData[TRIGGER_NODES.failure]).toBeUndefined();
						const items = runData[TRIGGER_NODES.result][0].data.main[0];
						expect(items).toHaveLength(1);
						expect(String(items[0].json.executionId)).toBe(id);
						delivered.push({
							executionId: id,
							alias: items[0].json.alias as string,
							worker: workerOf.get(id)!,
						});
					}
					expect(delivered.map((d) => d.alias).sort()).toEqual(aliases);
					const jobIds = new Set(q.fake.jobs.keys());
					for (const id of executionIds) {
						const runData = await q.runDataOf(id);
						expect(
							jobIds.has(runData[TRIGGER_NODES.result][0].data.main[0][0].json.inferenceId as string),
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
					const before = (await q.executionsOf(q.triggerId)).length;
					const send = (signature?: string) =>
						q.cluster!.webhook.request('POST', `/webhook/${q.triggerPath}`, {
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
					expect(JSON.parse(wrongSecret.body)).toEqual({
						message: 'Invalid or missing X-Signature',
					});
					expect(missing.status).toBe(401);
					expect(good.status).toBe(200);
					// Only the good one starts an execution (give the workers time to show any other).
					const rows = await waitFor("the signed request's execution", async () => {
						const all = (await q.executionsOf(q.triggerId)).slice(before);
						return all.length >= 1 && all.every((r) => !UNFINISHED.includes(r.status))
							? all
							: undefined;
					});
					await sleep(2_000);
					expect((await q.executionsOf(q.triggerId)).slice(before)).toHaveLength(rows.length);
					expect(rows).toHaveLength(1);
					say(
						`bad signature → ${wrongSecret.status} ${wrongSecret.body}; missing signature → ${missing.status}; ` +
							`same body signed right → ${good.status} (execution ${rows[0].id} on ${await q
								.workerOfEach([String(rows[0].id)])
								.then((m) => m.get(String(rows[0].id)))}); executions started by the bad ones: 0`,
					);
				},
				TEST_TIMEOUT,
			);
		});

		describe('rate limits shared between workers', () => {
			it(
				`(4) two workers at ${SHARE_PERCENT} % of ${CLAIMED_POSTS_PER_MINUTE} uploads/min stay within it together and lose nothing to 429s`,
				async () => {
					q.rateFake.reset();
					const started = Date.now();
					// 10 executions of 6 documents at once; worker concurrency 5 puts 5 on each worker, i.e.
					// 30 documents per worker for a per-process budget of 20 uploads per minute.
					const calls = Array.from({ length: 10 }, (_, call) =>
						Array.from(
							{ length: 6 },
							(_, doc) => `rate-${String(call).padStart(2, '0')}-${String(doc).padStart(2, '0')}`,
						),
					);
					const answers = await Promise.all(
						calls.map((aliases) => q.runBatch('queue-rate', aliases)),
					);
					const seconds = (Date.now() - started) / 1000;

					answers.forEach((items, call) => expect(items.map((i) => i.alias)).toEqual(calls[call]));
					const results = answers.flat();
					const aliases = results.map((r) => r.alias);
					expect(results).toHaveLength(60);
					expect(duplicates(aliases)).toEqual([]);

					const executionIds = [...new Set(results.map((r) => String(r.executionId)))];
					const workerOf = await q.workerOfEach(executionIds);
					const docsPerWorker = countBy(results, (r) => workerOf.get(String(r.executionId))!);
					const share = Math.floor((CLAIMED_POSTS_PER_MINUTE * SHARE_PERCENT) / 100);
					// Both workers had more documents than their share: each budget was actually exercised.
					expect(Object.keys(docsPerWorker).sort()).toEqual(['worker-1', 'worker-2']);
					for (const docs of Object.values(docsPerWorker)) expect(docs).toBeGreaterThan(share);

					const posts = q.rateFake.requests.filter(isEnqueue);
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
							gets: q.rateFake.requests.filter((r) => r.method === 'GET' && processOf(r) === w)
								.length,
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
					expect(q.rateFake.jobs.size).toBe(60);
					expect(new Set(results.map((r) => r.jobId))).toEqual(new Set(q.rateFake.jobs.keys()));
					const rows = q.withoutRetried(await q.executionsOf(q.rateId));
					expect(rows).toHaveLength(10);
					expect(rows.every((r) => r.status === 'success')).toBe(true);

					const t0 = Math.min(...posts.map((r) => r.at));
					const timeline = (rs: RecordedRequest[]) =>
						`${rs.length} between +${((Math.min(...rs.map((r) => r.at)) - t0) / 1000).toFixed(1)} s and +${(
							(Math.max(...rs.map((r) => r.at)) - t0) /
							1000
						).toFixed(1)} s`;
					say(
						`two workers at ${SHARE_PERCENT} % of ${CLAIMED_POSTS_PER_MINUTE} POST/min (q.fake Mindee limit ${FAKE_POSTS_PER_MINUTE}/min): ` +
							`max ${totalMax} POST in any 60 s window (limit ${CLAIMED_POSTS_PER_MINUTE}); ${rejected.length} × 429 retried; ` +
							`${results.length}/60 documents, ${duplicates(aliases).length} duplicates, ${q.rateFake.jobs.size} jobs, in ${seconds.toFixed(1)} s`,
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
		});

		describe('workers sharing the limits by themselves', () => {
			it(
				`(5) share left at its default, ${SHARED_POSTS_PER_MINUTE} uploads/min (the server's limit), 240 documents split 3:1 between two workers: near the floor, few 429s, none twice`,
				async () => {
					// Worker concurrency 3 and 1: of four executions sent together, n8n gives three to the first.
					await q.cluster!.restartWorkers([3, 1]);
					q.sharingFake.reset();
					const calls = Array.from({ length: 4 }, (_, call) =>
						Array.from({ length: 60 }, (_, doc) => `share-${call}-${String(doc).padStart(2, '0')}`),
					);
					const started = Date.now();
					const answers = await Promise.all(
						calls.map((aliases) => q.runBatch('queue-share', aliases, 3, 12 * 60_000)),
					);
					const wallMs = Date.now() - started;

					answers.forEach((items, call) => expect(items.map((i) => i.alias)).toEqual(calls[call]));
					const results = answers.flat();
					expect(results).toHaveLength(240);
					expect(duplicates(results.map((r) => r.alias))).toEqual([]);
					const executionIds = [...new Set(results.map((r) => String(r.executionId)))];
					const workerOf = await q.workerOfEach(executionIds);
					const executionsPerWorker = countBy(executionIds, (id) => workerOf.get(id)!);
					expect(executionsPerWorker).toEqual({ 'worker-1': 3, 'worker-2': 1 });

					const posts = q.sharingFake.requests.filter(isEnqueue);
					const accepted = posts.filter((r) => r.status === 202);
					const refused = posts.filter((r) => r.status === 429);
					// One accepted upload and one job per document: nothing lost, nothing sent twice.
					expect(accepted).toHaveLength(240);
					expect(duplicates(accepted.map((r) => String(r.fields?.alias)))).toEqual([]);
					expect(q.sharingFake.jobs.size).toBe(240);
					expect(new Set(results.map((r) => r.jobId))).toEqual(new Set(q.sharingFake.jobs.keys()));

					// The floor: 40 uploads a minute, ⌊(N − 1) / 40⌋ minutes, plus the processing time.
					const floorMs =
						Math.floor((240 - 1) / SHARED_POSTS_PER_MINUTE) * 60_000 + SHARING_PROCESSING_MS;
					const workers = ['worker-1', 'worker-2'];
					const perWorker = workers.map((w) => {
						const mine = posts.filter((r) => processOf(r) === w);
						return {
							worker: w,
							accepted: mine.filter((r) => r.status === 202).length,
							refused: mine.filter((r) => r.status === 429).length,
							maxInWindow: maxInWindow(mine.map((r) => r.at)),
						};
					});
					const t0 = Math.min(...posts.map((r) => r.at));
					// The node's part: from the first upload reaching Mindee to the last result fetched. The
					// wall from the four calls adds n8n's own queueing and start-up of the executions.
					const spanMs = Math.max(...q.sharingFake.requests.map((r) => r.at)) - t0;
					const minutes = Math.ceil((Math.max(...posts.map((r) => r.at)) - t0 + 1) / 60_000);
					const perMinute = (w: string) =>
						Array.from(
							{ length: minutes },
							(_, m) =>
								accepted.filter(
									(r) =>
										processOf(r) === w && r.at - t0 >= m * 60_000 && r.at - t0 < (m + 1) * 60_000,
								).length,
						).join(', ');
					say(
						`limits shared without a set share: ${SHARED_POSTS_PER_MINUTE} uploads/min credential and server; 240 documents, ` +
							`${results.length} results, ${duplicates(results.map((r) => r.alias)).length} duplicates; ` +
							`first upload → last result ${(spanMs / 1000).toFixed(1)} s = ${(spanMs / floorMs).toFixed(3)} × floor ${(floorMs / 1000).toFixed(1)} s ` +
							`(wall from the four calls ${(wallMs / 1000).toFixed(1)} s = ${(wallMs / floorMs).toFixed(3)} ×; first upload ${((t0 - started) / 1000).toFixed(1)} s after them); ` +
							`429s ${refused.length} of ${posts.length} uploads (${((100 * refused.length) / posts.length).toFixed(1)} %); ` +
							`max ${maxInWindow(accepted.map((r) => r.at))} accepted in any 60 s`,
					);
					for (const w of perWorker) {
						say(
							`  ${w.worker}: ${executionsPerWorker[w.worker]} executions; ${w.accepted} accepted, ${w.refused} × 429; ` +
								`max ${w.maxInWindow} sent in any 60 s; accepted per minute: ${perMinute(w.worker)}`,
						);
					}

					// Each process within the credential's limit in any 60 s (429s included).
					for (const w of perWorker)
						expect(w.maxInWindow).toBeLessThanOrEqual(SHARED_POSTS_PER_MINUTE);
					expect(refused.length).toBeLessThanOrEqual(0.05 * posts.length);
					expect(spanMs).toBeLessThanOrEqual(1.15 * floorMs);
				},
				15 * 60_000,
			);
		});
	},
);
