/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The Mindee Webhook Trigger against n8n's own Webhook node, side by side in one running n8n:
 *
 *   npm run bench:trigger                              # n8n 2.41.1 and 1.123.81, 7 rounds each
 *   npm run bench:trigger -- --versions 2.41.1 --rounds 5
 *
 * For each n8n version: a real n8n from the install cache (test/e2e/harness) with the packed
 * package installed, five active workflows, each its trigger alone: n8n's Webhook node (POST,
 * Header Auth credential), the Mindee Webhook Trigger (Signature Check on) at the version the editor
 * adds, and for information the trigger with the check off, n8n's Webhook node at typeVersion 1 and
 * the trigger at typeVersion 1 (workflows saved before 1.1; n8n 2.x evaluates an expression for
 * every request to a webhook node at typeVersion 1). Then, alternately, bursts of 50 requests at once to each (a Mindee
 * result of about 4 kB, signed over its bytes for the trigger), and 20 requests one after another:
 * medians over the rounds, and the ratio of the trigger's to the Webhook node's in the same run.
 * Goal: the trigger's burst ≤ 1.2 × the Webhook node's. Every answer must be 200; a request without
 * signature must get 401.
 */
import { createHmac, randomBytes, randomUUID } from 'crypto';
import { readFileSync } from 'fs';
import * as path from 'path';
import { Agent, request } from 'undici';

import { ALL_N8N_VERSIONS, N8nInstance, packPackage } from '../test/e2e/harness';
// The trigger's version as the editor adds it (a unit test pins it to the node's defaultVersion).
import { TRIGGER_VERSION } from '../test/e2e/workflows/webhook';

const BURST = 50;
const SEQUENTIAL = 20;
const GOAL_RATIO = 1.2;
/** Between bursts, so the executions of one burst do not run into the next. */
const SETTLE_MS = 2_500;

const FIXTURE = path.resolve(
	__dirname,
	'..',
	'test',
	'fixtures',
	'mindee-v2',
	'products',
	'extraction',
	'financial_document',
	'complete.json',
);

interface Target {
	label: string;
	webhookId: string;
	headers: Record<string, string>;
}

function argument(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index >= 0 ? process.argv[index + 1] : undefined;
}

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function post(agent: Agent, url: string, target: Target, body: string): Promise<number> {
	const answer = await request(url, {
		method: 'POST',
		dispatcher: agent,
		headers: { 'content-type': 'application/json', ...target.headers },
		body,
	});
	await answer.body.text();
	return answer.statusCode;
}

async function burst(agent: Agent, base: string, target: Target, body: string): Promise<number> {
	const url = `${base}/webhook/${target.webhookId}/webhook`;
	const started = performance.now();
	const statuses = await Promise.all(
		Array.from({ length: BURST }, () => post(agent, url, target, body)),
	);
	const elapsed = performance.now() - started;
	const wrong = statuses.filter((status) => status !== 200);
	if (wrong.length)
		throw new Error(`${target.label}: ${wrong.length} answers not 200 (${wrong[0]})`);
	return elapsed;
}

async function oneByOne(agent: Agent, base: string, target: Target, body: string): Promise<number> {
	const url = `${base}/webhook/${target.webhookId}/webhook`;
	const times: number[] = [];
	for (let i = 0; i < SEQUENTIAL; i++) {
		const started = performance.now();
		const status = await post(agent, url, target, body);
		times.push(performance.now() - started);
		if (status !== 200) throw new Error(`${target.label}: answered ${status}`);
	}
	return median(times);
}

async function measure(version: string, tarball: string, rounds: number) {
	const n8n = await N8nInstance.create({
		version,
		// The executions are what is measured beside the answers; no need to keep them.
		env: {
			EXECUTIONS_DATA_PRUNE: 'true',
			// BENCH_PROFILE_DIR: a CPU profile of n8n's main thread (bench/cpuProfile.js).
			...(process.env.BENCH_PROFILE_DIR
				? {
						NODE_OPTIONS: `--require ${path.join(__dirname, 'cpuProfile.js')}`,
						BENCH_PROFILE_DIR: path.resolve(process.env.BENCH_PROFILE_DIR),
					}
				: {}),
			...(process.env.BENCH_N8N_NODE_OPTIONS
				? { NODE_OPTIONS: process.env.BENCH_N8N_NODE_OPTIONS }
				: {}),
		},
	});
	const agent = new Agent({ connections: BURST, pipelining: 1 });
	try {
		await n8n.installPackage(tarball);
		const signingSecret = randomBytes(24).toString('hex');
		const headerValue = randomBytes(24).toString('hex');
		const headerCredential = { id: 'benchHeaderAuth1', name: 'Bench header auth' };
		const signingCredential = { id: 'benchSigningKey1', name: 'Bench signing secret' };
		await n8n.importCredentials([
			{
				...headerCredential,
				type: 'httpHeaderAuth',
				data: { name: 'x-bench-auth', value: headerValue },
			},
			{ ...signingCredential, type: 'mindeeWebhookApi', data: { signingSecret } },
		]);
		const ids = {
			webhook: randomUUID(),
			verify: randomUUID(),
			off: randomUUID(),
			webhookV1: randomUUID(),
			verifyV1: randomUUID(),
		};
		const workflows = [
			{
				name: "bench: n8n's Webhook node, Header Auth",
				nodes: [
					{
						id: 'bench-webhook-node',
						name: 'Webhook',
						type: 'n8n-nodes-base.webhook',
						typeVersion: 2,
						position: [0, 0],
						webhookId: ids.webhook,
						parameters: {
							httpMethod: 'POST',
							// The same path shape as the trigger's: <webhookId>/webhook.
							path: `${ids.webhook}/webhook`,
							authentication: 'headerAuth',
							responseMode: 'onReceived',
							options: {},
						},
						credentials: { httpHeaderAuth: headerCredential },
					},
				],
			},
			{
				// n8n treats webhook nodes of typeVersion 1 apart (webhook-helpers' parseRequestBody).
				name: "bench: n8n's Webhook node at typeVersion 1, Header Auth",
				nodes: [
					{
						id: 'bench-webhook-node-v1',
						name: 'Webhook',
						type: 'n8n-nodes-base.webhook',
						typeVersion: 1,
						position: [0, 0],
						webhookId: ids.webhookV1,
						parameters: {
							httpMethod: 'POST',
							path: `${ids.webhookV1}/webhook`,
							authentication: 'headerAuth',
							responseMode: 'onReceived',
							options: {},
						},
						credentials: { httpHeaderAuth: headerCredential },
					},
				],
			},
			...(['verify', 'off', 'verifyV1'] as const).map((check) => ({
				name: `bench: Mindee Webhook Trigger, Signature Check ${check}`,
				nodes: [
					{
						id: `bench-mindee-trigger-${check}`,
						name: 'Mindee Webhook Trigger',
						type: 'n8n-nodes-mindee.mindeeTrigger',
						// What the editor adds today; verifyV1: as saved before version 1.1 existed.
						typeVersion: check === 'verifyV1' ? 1 : TRIGGER_VERSION,
						position: [0, 0],
						webhookId: ids[check],
						parameters: {
							signatureCheck: check === 'off' ? 'off' : 'verify',
							checkRegistration: false,
							allowInsecureUrl: true,
						},
						credentials: check === 'off' ? {} : { mindeeWebhookApi: signingCredential },
					},
				],
			})),
		].map((workflow) => ({
			...workflow,
			active: false,
			settings: { executionOrder: 'v1' },
			connections: {},
		}));
		const workflowIds = await n8n.importWorkflows(workflows);
		for (const id of workflowIds) await n8n.activate(id);
		await n8n.start();
		for (const id of Object.values(ids)) await n8n.waitForWebhook(`${id}/webhook`);

		const body = JSON.stringify(JSON.parse(readFileSync(FIXTURE, 'utf8')));
		const signature = createHmac('sha256', signingSecret).update(body).digest('hex');
		const targets: Target[] = [
			{ label: 'Webhook node', webhookId: ids.webhook, headers: { 'x-bench-auth': headerValue } },
			{ label: 'Mindee trigger', webhookId: ids.verify, headers: { 'x-signature': signature } },
			{ label: 'Mindee trigger, check off', webhookId: ids.off, headers: {} },
			{
				label: 'Webhook node v1',
				webhookId: ids.webhookV1,
				headers: { 'x-bench-auth': headerValue },
			},
			{
				label: 'Mindee trigger v1',
				webhookId: ids.verifyV1,
				headers: { 'x-signature': signature },
			},
		];
		const base = n8n.baseUrl;
		const unsigned = await request(`${base}/webhook/${ids.verify}/webhook`, {
			method: 'POST',
			dispatcher: agent,
			headers: { 'content-type': 'application/json' },
			body,
		});
		await unsigned.body.text();
		if (unsigned.statusCode !== 401)
			throw new Error(`unsigned request answered ${unsigned.statusCode}`);

		// Warm-up: one burst each (code paths compiled, connections open).
		for (const target of targets) await burst(agent, base, target, body);
		await sleep(SETTLE_MS);
		const bursts = new Map<string, number[]>(targets.map((t) => [t.label, []]));
		const single = new Map<string, number[]>(targets.map((t) => [t.label, []]));
		for (let round = 0; round < rounds; round++) {
			// Alternate who goes first, so neither always meets the other's leftovers.
			const order = round % 2 ? [...targets].reverse() : targets;
			for (const target of order) {
				bursts.get(target.label)!.push(await burst(agent, base, target, body));
				await sleep(SETTLE_MS);
				single.get(target.label)!.push(await oneByOne(agent, base, target, body));
				await sleep(SETTLE_MS / 2);
			}
			console.log(
				`  n8n ${version} round ${round + 1}/${rounds}: ` +
					targets
						.map((t) => `${t.label} ${Math.round(bursts.get(t.label)!.at(-1)!)} ms`)
						.join(', '),
			);
		}
		return { targets, bursts, single };
	} finally {
		await agent.close();
		await n8n.cleanup();
	}
}

async function main(): Promise<void> {
	const versions = (argument('versions') ?? ALL_N8N_VERSIONS.join(','))
		.split(',')
		.map((v) => v.trim());
	const rounds = Number(argument('rounds') ?? 7);
	const tarball = await packPackage();
	const lines: string[] = [];
	let allMet = true;
	for (const version of versions) {
		console.log(
			`n8n ${version}: starting (${rounds} rounds of ${BURST} at once and ${SEQUENTIAL} one by one)`,
		);
		const { targets, bursts, single } = await measure(version, tarball, rounds);
		const baseline = targets[0].label;
		const burstOf = (label: string) => median(bursts.get(label)!);
		const singleOf = (label: string) => median(single.get(label)!);
		lines.push(
			`| n8n ${version} | case | median | ratio to the Webhook node | goal | met? |`,
			'|---|---|---|---|---|---|',
		);
		for (const target of targets) {
			const ratio = burstOf(target.label) / burstOf(baseline);
			const goal = target.label === 'Mindee trigger' ? `≤ ${GOAL_RATIO}×` : 'info';
			const met = target.label === 'Mindee trigger' ? (ratio <= GOAL_RATIO ? 'yes' : 'NO') : '—';
			if (met === 'NO') allMet = false;
			lines.push(
				`| | ${target.label}: ${BURST} at once, all answered | ${Math.round(burstOf(target.label))} ms | ${ratio.toFixed(2)}× | ${goal} | ${met} |`,
			);
		}
		for (const target of targets) {
			const ratio = singleOf(target.label) / singleOf(baseline);
			lines.push(
				`| | ${target.label}: one at a time (median) | ${singleOf(target.label).toFixed(1)} ms | ${ratio.toFixed(2)}× | info | — |`,
			);
		}
		lines.push('');
	}
	console.log(`\n${lines.join('\n')}`);
	process.exitCode = allMet ? 0 : 1;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
