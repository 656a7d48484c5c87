/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
/**
 * End-to-end, on every n8n version of test/e2e/harness/versions.ts: n8n's retries never pay twice
 * for a document (issue 19). One n8n instance per version serves a webhook workflow (for
 * Executions → Retry, which must run in the process that holds the jobs) while `n8n execute` runs
 * the Retry On Fail, fail-fast and Base URL cases. The fake Mindee server records every upload by
 * its bytes; the counts are printed as `[retries e2e]` lines for the report.
 *
 *   E2E_N8N_VERSIONS=2.41.1 npx jest --selectProjects e2e --runInBand test/e2e/retries.e2e.test.ts
 */
import { randomUUID } from 'node:crypto';

import { isEnqueue, startFakeMindee } from '../fake-mindee/server';
import type { FakeFaults, FakeMindee } from '../fake-mindee/types';
import { e2eVersions, logIn, N8nInstance, nodeErrorOf, outputOf, packPackage, setUpOwner, type N8nWorkflow } from './harness';
import { savedExecutions, waitForExecutions } from './harness/executions';
import { fixtureFile, MINDEE_CREDENTIAL_TYPE, MINDEE_NODE_TYPE, mindeeCredential } from './workflows/extraction';

const EXTRACTION_MODEL_ID = 'b3274545-bb22-bb22-991e-9ca0639829a3';
const CREDENTIAL = { id: 'mindeeE2eRetries1', name: 'Mindee (fake server)' };
const CLEAR_TEXT_CREDENTIAL = { id: 'mindeeE2eRetries2', name: 'Mindee (http:// by mistake)' };
const OWNER = { email: 'retries@example.com', password: ['Retries', 'password', '1'].join('-'), firstName: 'Retry', lastName: 'Tester' };
const BROWSER_ID = 'retries-e2e-browser';
const RETRY_WEBHOOK_PATH = 'retries-e2e-documents';
const MINDEE = 'Mindee';
const invoice = fixtureFile('invoice.pdf', 'application/pdf').content;
/** GIF89a, 1×1: refused by the node before upload. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const SETUP_TIMEOUT = 30 * 60_000;
const TEST_TIMEOUT = 6 * 60_000;

interface Document {
	name: string;
	content: Buffer;
}

/** `count` PDFs that differ by a comment (so the fake tells them apart), named `<prefix>-<i>.pdf`. */
function documents(prefix: string, count: number): Document[] {
	return Array.from({ length: count }, (_, index) => ({
		name: `${prefix}-${index}.pdf`,
		content: Buffer.concat([invoice, Buffer.from(`\n%${prefix}-${index}\n`, 'latin1')]),
	}));
}

/** Uploads the fake received per document (answered or not), in the documents' order. */
function uploadsPer(fake: FakeMindee, docs: Document[]): number[] {
	return docs.map((document) => fake.requests.filter((request) => isEnqueue(request) && request.file?.filename === document.name).length);
}

function total(counts: number[]): number {
	return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * Trigger → "Files" (the documents as an array) → "One per file" (Split Out) → "To binary" →
 * "Mindee" (Enqueue & Poll, raw output). Node settings such as Retry On Fail go on the Mindee node.
 */
function documentsWorkflow(args: {
	name: string;
	docs: Document[];
	credential: { id: string; name: string };
	webhookPath?: string;
	mindeeSettings?: Record<string, unknown>;
	parallelDocuments?: number;
}): N8nWorkflow {
	const files = args.docs.map((document) => ({ name: document.name, b64: document.content.toString('base64') }));
	const trigger = args.webhookPath
		? {
				id: 'retries-0000-trigger',
				name: 'Trigger',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: { httpMethod: 'POST', path: args.webhookPath, responseMode: 'onReceived', options: {} },
			}
		: {
				id: 'retries-0000-trigger',
				name: 'Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			};
	return {
		name: args.name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			trigger,
			{
				id: 'retries-0001-files',
				name: 'Files',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [200, 0],
				parameters: {
					mode: 'manual',
					assignments: { assignments: [{ id: 'files', name: 'files', type: 'array', value: `={{ ${JSON.stringify(files)} }}` }] },
					options: {},
				},
			},
			{
				id: 'retries-0002-split',
				name: 'One per file',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [400, 0],
				parameters: { fieldToSplitOut: 'files', include: 'noOtherFields', options: {} },
			},
			{
				id: 'retries-0003-to-binary',
				name: 'To binary',
				type: 'n8n-nodes-base.convertToFile',
				typeVersion: 1.1,
				position: [600, 0],
				parameters: {
					operation: 'toBinary',
					sourceProperty: 'b64',
					binaryPropertyName: 'data',
					options: { fileName: '={{ $json.name }}', mimeType: 'application/pdf' },
				},
			},
			{
				id: 'retries-0004-mindee',
				name: MINDEE,
				type: MINDEE_NODE_TYPE,
				typeVersion: 1,
				position: [800, 0],
				parameters: {
					resource: 'extraction',
					operation: 'enqueueAndPoll',
					modelId: { __rl: true, mode: 'id', value: EXTRACTION_MODEL_ID },
					inputType: 'binary',
					binaryPropertyName: 'data',
					outputMode: 'raw',
					options: args.parallelDocuments === undefined ? {} : { parallelDocuments: args.parallelDocuments },
					pollingOptions: { initialDelaySeconds: 0.5, intervalSeconds: 1, maxWaitSeconds: 120 },
				},
				credentials: { [MINDEE_CREDENTIAL_TYPE]: { id: args.credential.id, name: args.credential.name } },
				...args.mindeeSettings,
			},
		],
		connections: {
			Trigger: { main: [[{ node: 'Files', type: 'main', index: 0 }]] },
			Files: { main: [[{ node: 'One per file', type: 'main', index: 0 }]] },
			'One per file': { main: [[{ node: 'To binary', type: 'main', index: 0 }]] },
			'To binary': { main: [[{ node: MINDEE, type: 'main', index: 0 }]] },
		},
	};
}

const RETRY_ON_FAIL = { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 };

const resetDocs = documents('reset', 10);
const failedDocs = documents('failed', 10);
const bulkDocs = documents('bulk', 300).map((document, index) => (index === 2 ? { name: 'bulk-2.gif', content: GIF } : document));
const failingDocs = documents('bulkfail', 300);
const retryDocs = documents('exec', 5);
const clearTextDocs = documents('clear', 1);

let fake: FakeMindee;
let tarball: string;

beforeAll(async () => {
	fake = await startFakeMindee({ host: '127.0.0.1', processingMs: 300 });
	tarball = await packPackage();
}, SETUP_TIMEOUT);

afterAll(async () => {
	await fake?.stop();
});

function report(version: string, label: string, counts: number[]): void {
	const detail = counts.length <= 20 ? counts.join(',') : `${counts.filter((count) => count > 1).length} documents sent more than once`;
	process.stdout.write(`[retries e2e] n8n ${version}: ${label}: ${total(counts)} uploads (${detail})\n`);
}

function freshFake(faults: FakeFaults): void {
	fake.reset();
	fake.configure({ faults });
}

describe.each(e2eVersions())('n8n %s: retries never pay twice', (version) => {
	let n8n: N8nInstance;
	let resetId: string;
	let failedId: string;
	let bulkId: string;
	let bulkFailId: string;
	let retryId: string;
	let clearTextId: string;
	let cookie: string;

	beforeAll(async () => {
		n8n = await N8nInstance.create({ version });
		await n8n.installPackage(tarball);
		await n8n.importCredentials([
			mindeeCredential({ ...CREDENTIAL, apiKey: fake.apiKey, baseUrl: fake.url }),
			mindeeCredential({ ...CLEAR_TEXT_CREDENTIAL, apiKey: fake.apiKey, baseUrl: 'http://api-v2.mindee.net' }),
		]);
		[resetId, failedId, bulkId, bulkFailId, retryId, clearTextId] = await n8n.importWorkflows([
			documentsWorkflow({ name: 'reset upload, Retry On Fail', docs: resetDocs, credential: CREDENTIAL, mindeeSettings: RETRY_ON_FAIL }),
			documentsWorkflow({ name: 'failed job, Retry On Fail', docs: failedDocs, credential: CREDENTIAL, mindeeSettings: RETRY_ON_FAIL }),
			documentsWorkflow({ name: '300 documents, a GIF third', docs: bulkDocs, credential: CREDENTIAL }),
			documentsWorkflow({ name: '300 documents, the third job Failed', docs: failingDocs, credential: CREDENTIAL }),
			documentsWorkflow({ name: 'Executions → Retry', docs: retryDocs, credential: CREDENTIAL, webhookPath: RETRY_WEBHOOK_PATH }),
			documentsWorkflow({ name: 'http:// Base URL', docs: clearTextDocs, credential: CLEAR_TEXT_CREDENTIAL }),
		]);
		await n8n.activate(retryId);
		await n8n.start();
		await setUpOwner(n8n, OWNER);
		cookie = await logIn(n8n, OWNER, BROWSER_ID);
		await n8n.waitForWebhook(RETRY_WEBHOOK_PATH);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.cleanup();
	});

	it(
		'Retry On Fail, the 7th upload reset once: at most 11 uploads, 10 results',
		async () => {
			freshFake({ uploadFaults: [{ fileName: 'reset-6.pdf', fault: 'resetAfterAccept', count: 1 }] });
			const execution = await n8n.execute(resetId);
			const counts = uploadsPer(fake, resetDocs);
			report(version, '10 docs, Retry On Fail, 7th upload reset once', counts);

			expect(execution.ok).toBe(true);
			expect(counts).toEqual([1, 1, 1, 1, 1, 1, 2, 1, 1, 1]);
			const items = outputOf(execution.run, MINDEE);
			expect(items.map((item) => (item.json.file as { name?: string } | undefined)?.name)).toEqual(resetDocs.map((d) => d.name));
		},
		TEST_TIMEOUT,
	);

	it(
		'Retry On Fail, the 5th job Failed at Mindee: the nine others are not uploaded again',
		async () => {
			freshFake({ uploadFaults: [{ fileName: 'failed-4.pdf', fault: 'failJob', count: 1 }] });
			const execution = await n8n.execute(failedId);
			const counts = uploadsPer(fake, failedDocs);
			report(version, '10 docs, Retry On Fail, 5th job Failed', counts);

			expect(execution.ok).toBe(true);
			// The 5th is sent again once (its first job failed); no other document is.
			expect(counts).toEqual([1, 1, 1, 1, 2, 1, 1, 1, 1, 1]);
			expect(outputOf(execution.run, MINDEE)).toHaveLength(10);
		},
		TEST_TIMEOUT,
	);

	it(
		'300 documents without Continue On Fail, the 3rd a GIF: uploads stop, the error lists the accepted jobs',
		async () => {
			freshFake({});
			const execution = await n8n.execute(bulkId);
			const counts = uploadsPer(fake, bulkDocs);
			report(version, '300 docs, 3rd a GIF, Continue On Fail off', counts);

			expect(execution.ok).toBe(false);
			const error = nodeErrorOf(execution.run, MINDEE) as { message?: string; description?: string } | undefined;
			expect(error?.message).toBe('The file in "data" is a GIF image, which Mindee cannot read');
			// Only documents already on their way when the GIF was found were sent (at most one per
			// Parallel Documents slot), and every job Mindee created is named in the error.
			expect(total(counts)).toBeLessThan(50);
			expect(counts[2]).toBe(0);
			const jobs = [...fake.jobs.values()];
			if (jobs.length) {
				expect(error?.description).toContain(`Mindee accepted ${jobs.length} document${jobs.length === 1 ? '' : 's'} of this run`);
				for (const job of jobs.slice(0, 30)) expect(error?.description).toContain(job.id);
			}
		},
		TEST_TIMEOUT,
	);

	it(
		'300 documents without Continue On Fail, the 3rd job Failed at Mindee: the error lists every accepted job',
		async () => {
			freshFake({ uploadFaults: [{ fileName: 'bulkfail-2.pdf', fault: 'failJob' }] });
			const execution = await n8n.execute(bulkFailId);
			const counts = uploadsPer(fake, failingDocs);
			report(version, '300 docs, 3rd job Failed, Continue On Fail off', counts);

			expect(execution.ok).toBe(false);
			const error = nodeErrorOf(execution.run, MINDEE) as { message?: string; description?: string } | undefined;
			expect(error?.message).toMatch(/^Mindee could not process "bulkfail-2.pdf"/);
			// The documents on their way when the failure came back were sent; the rest never were.
			expect(total(counts)).toBeLessThan(300);
			const jobs = [...fake.jobs.values()];
			expect(jobs).toHaveLength(total(counts));
			expect(error?.description).toContain(`Mindee accepted ${jobs.length} documents of this run`);
			const listed = jobs.filter((job) => error?.description?.includes(`job ${job.id}, "${job.filename}"`));
			expect(listed).toHaveLength(Math.min(30, jobs.length));
			if (jobs.length > 30) expect(error?.description).toContain(`…and ${jobs.length - 30} more`);
		},
		TEST_TIMEOUT,
	);

	it(
		'Executions → Retry of a failed execution: no document whose job the process holds is uploaded again',
		async () => {
			freshFake({ uploadFaults: [{ fileName: 'exec-2.pdf', fault: 'resetAfterAccept', count: 1 }] });
			const before = (await savedExecutions(n8n, retryId)).length;
			const call = await n8n.request('POST', `/webhook/${RETRY_WEBHOOK_PATH}`, {
				headers: { 'content-type': 'application/json' },
				body: '{}',
			});
			expect(call.status).toBe(200);
			const [failed] = (
				await waitForExecutions(n8n, retryId, (executions) => executions.slice(before).some((e) => e.status === 'error'))
			).slice(before);
			const afterFailure = uploadsPer(fake, retryDocs);
			expect(afterFailure).toEqual([1, 1, 1, 1, 1]);

			const retry = await n8n.request('POST', `/rest/executions/${failed.id}/retry`, {
				headers: { 'content-type': 'application/json', cookie, 'browser-id': BROWSER_ID },
				body: JSON.stringify({ loadWorkflow: false }),
				timeoutMs: 120_000,
			});
			expect(retry.status).toBe(200);
			const executions = await waitForExecutions(n8n, retryId, (all) =>
				all.some((e) => e.mode === 'retry' && e.status !== 'running' && e.status !== 'new'),
			);
			const retried = executions.find((e) => e.mode === 'retry');
			const counts = uploadsPer(fake, retryDocs);
			report(version, '5 docs, failed execution then Executions → Retry', counts);

			expect(retried?.status).toBe('success');
			// Only the document whose upload never came back goes again.
			expect(counts).toEqual([1, 1, 2, 1, 1]);
		},
		TEST_TIMEOUT,
	);

	it(
		'refuses an http:// Base URL on another host before any request carries the key',
		async () => {
			freshFake({});
			const execution = await n8n.execute(clearTextId);

			expect(execution.ok).toBe(false);
			// Not "Could not reach" (this machine has no route to Mindee): nothing was attempted.
			expect(nodeErrorOf(execution.run, MINDEE)?.message).toBe(
				'The Base URL http://api-v2.mindee.net is not https://: the API key would travel unencrypted',
			);
			expect(fake.requests).toEqual([]);

			// The credential's Test button (POST /rest/credentials/test): the same refusal, while the
			// good credential's test reaches the fake server.
			const testCredential = async (credential: { id: string; name: string }, baseUrl: string) => {
				const response = await n8n.request('POST', '/rest/credentials/test', {
					headers: { 'content-type': 'application/json', cookie, 'browser-id': BROWSER_ID },
					body: JSON.stringify({
						credentials: { ...credential, type: MINDEE_CREDENTIAL_TYPE, data: { apiKey: fake.apiKey, baseUrl } },
					}),
				});
				expect(response.status).toBe(200);
				return (JSON.parse(response.body) as { data: { status: string; message: string } }).data;
			};
			const refused = await testCredential(CLEAR_TEXT_CREDENTIAL, 'http://api-v2.mindee.net');
			expect(refused.status).toBe('Error');
			expect(refused.message).toContain('the API key would travel unencrypted');
			expect(fake.requests).toEqual([]);
			expect(await testCredential(CREDENTIAL, fake.url)).toEqual({ status: 'OK', message: 'Connection successful!' });
			expect(fake.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
				'GET /v2/search/models 200',
			]);
		},
		TEST_TIMEOUT,
	);
});
