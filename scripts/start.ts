/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * `npm start`: a local n8n with this package installed as a community node, a ready credential and
 * the example workflows, backed by the fake Mindee server unless MINDEE_API_KEY is set.
 *
 *   npm start                      editor at http://localhost:5678 (Ctrl-C stops everything)
 *   npm start -- --headless        runs examples/invoice-intake.json once and prints the items
 *
 * Environment: MINDEE_API_KEY (use the real API), MINDEE_MODEL_ID (your extraction model for the
 * examples), MINDEE_BASE_URL, N8N_VERSION (default 2.41.1), N8N_PORT (default 5678).
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'fs';
import * as path from 'path';

import { startFakeMindee, type FakeMindee } from '../test/fake-mindee/server';
import { demoCredentials, DEMO_MODEL_ID, DEMO_OWNER, DEMO_WEBHOOK_MODEL_ID } from '../test/e2e/editor/demoInstance';
import { ensureN8n, N8nInstance, outputOf, packPackage, REPO_ROOT, type N8nWorkflow } from '../test/e2e/harness';

const STATE_DIR = path.join(REPO_ROOT, '.n8n-local');

function say(message: string): void {
	process.stdout.write(`[start] ${message}\n`);
}

interface Backend {
	apiKey: string;
	baseUrl: string;
	modelId: string;
	webhookModelId: string;
	fake?: FakeMindee;
}

async function chooseBackend(): Promise<Backend> {
	const apiKey = process.env.MINDEE_API_KEY;
	if (apiKey) {
		const modelId = process.env.MINDEE_MODEL_ID ?? '';
		if (!modelId) say('MINDEE_MODEL_ID is not set: pick your model in each example workflow.');
		const baseUrl = process.env.MINDEE_BASE_URL ?? 'https://api-v2.mindee.net';
		say(`using the real Mindee API at ${baseUrl}`);
		return { apiKey, baseUrl, modelId, webhookModelId: modelId };
	}
	const fake = await startFakeMindee({ port: Number(process.env.FAKE_MINDEE_PORT ?? 0), processingMs: 2000 });
	say(`fake Mindee server at ${fake.url} (set MINDEE_API_KEY to use the real API)`);
	return { apiKey: fake.apiKey, baseUrl: fake.url, modelId: DEMO_MODEL_ID, webhookModelId: DEMO_WEBHOOK_MODEL_ID, fake };
}

/** Sample invoices in a folder n8n may read (n8n 2.x restricts file access). */
function prepareFiles(): string {
	const folder = path.join(STATE_DIR, 'files', 'invoices');
	mkdirSync(folder, { recursive: true });
	const pdf = path.join(REPO_ROOT, 'test', 'fixtures', 'files', 'invoice.pdf');
	for (const name of ['invoice-001.pdf', 'invoice-002.pdf', 'invoice-003.pdf']) copyFileSync(pdf, path.join(folder, name));
	return folder;
}

/** The example that `--headless` runs. */
const HEADLESS_EXAMPLE = 'invoice-intake.json';

/** The examples as shipped (`HEADLESS_EXAMPLE` first), pointed at the demo folder, model and credentials. */
function loadExamples(invoices: string, backend: Backend): N8nWorkflow[] {
	const folder = path.join(REPO_ROOT, 'examples');
	return readdirSync(folder)
		.filter((file) => file.endsWith('.json'))
		.sort((a, b) => Number(b === HEADLESS_EXAMPLE) - Number(a === HEADLESS_EXAMPLE) || a.localeCompare(b))
		.map((file, index) => {
			const text = readFileSync(path.join(folder, file), 'utf8')
				.replace(/\/data\/invoices\/\*\.pdf/g, `${invoices}/*.pdf`)
				.replace(new RegExp(DEMO_MODEL_ID, 'g'), backend.modelId)
				.replace(new RegExp(DEMO_WEBHOOK_MODEL_ID, 'g'), backend.webhookModelId);
			return { ...(JSON.parse(text) as N8nWorkflow), id: `mindeeExample${index + 1}` };
		});
}

async function setUpOwner(n8n: N8nInstance): Promise<void> {
	const response = await n8n.request('POST', '/rest/owner/setup', {
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(DEMO_OWNER),
	});
	if (response.status === 200) say(`owner account: ${DEMO_OWNER.email} / ${DEMO_OWNER.password}`);
	else say(`owner account already set up (demo login: ${DEMO_OWNER.email} / ${DEMO_OWNER.password})`);
}

async function main(): Promise<void> {
	const headless = process.argv.includes('--headless');
	const version = process.env.N8N_VERSION ?? '2.41.1';

	say(`preparing n8n ${version} (installed once into ${process.env.N8N_CACHE_DIR ?? '~/.cache/n8n-nodes-mindee'}; the first run takes several minutes)`);
	// The install goes on while the package builds; N8nInstance.create awaits it (ensureN8n is memoized).
	ensureN8n(version).catch(() => undefined);
	say('building and packing the package');
	const tarball = await packPackage();
	const backend = await chooseBackend();
	const invoices = prepareFiles();

	const n8n = await N8nInstance.create({
		version,
		userFolder: path.join(STATE_DIR, `n8n-${version}`),
		port: Number(process.env.N8N_PORT ?? 5678),
		env: { N8N_RESTRICT_FILE_ACCESS_TO: path.dirname(invoices) },
	});
	const stop = async () => {
		await n8n.stop();
		await backend.fake?.stop();
	};
	process.on('SIGINT', () => void stop().then(() => process.exit(0)));
	process.on('SIGTERM', () => void stop().then(() => process.exit(0)));

	await n8n.installPackage(tarball);
	await n8n.importCredentials(demoCredentials(backend));
	const workflowIds = await n8n.importWorkflows(loadExamples(invoices, backend));
	say(`imported ${workflowIds.length} example workflows and the "Mindee (demo)" credential`);

	if (headless) {
		const { run } = await n8n.execute(workflowIds[0]);
		const items = outputOf(run, 'Invoice fields');
		say(`invoice intake extracted ${items.length} invoices:`);
		for (const item of items) process.stdout.write(`${JSON.stringify(item.json)}\n`);
		await stop();
		return;
	}

	await n8n.start();
	await setUpOwner(n8n);
	say(`n8n is ready: http://localhost:${n8n.port}  (Ctrl-C to stop)`);
}

main().catch((error: unknown) => {
	process.stderr.write(`[start] failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
	process.exit(1);
});
