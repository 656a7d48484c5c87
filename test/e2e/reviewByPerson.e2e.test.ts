/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * End-to-end: examples/invoice-review-by-a-person.json as shipped, in a real n8n with the packed
 * package, on every n8n version of test/e2e/harness/versions.ts. Three invoices; the fake Mindee
 * scores every field High except the total of invoice-2.pdf (Low), so that one goes to the
 * Needs Review output. Its Manual Trigger is swapped for a Webhook (a waiting form needs the
 * server, which `n8n execute` is not). Then, as a reviewer would: the link the workflow made is
 * read from the waiting execution, the form is fetched (GET) and submitted with a corrected total
 * (POST multipart, as n8n's form page posts it), and the finished execution's rows are checked.
 */
import { randomUUID } from 'crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

import { startFakeMindee } from '../fake-mindee/server';
import type { FakeMindee } from '../fake-mindee/types';
import { DEMO_CREDENTIAL } from './editor/demoInstance';
import { e2eVersions, N8nInstance, packPackage, type N8nWorkflow } from './harness';
import { FILES_DIR, mindeeCredential } from './workflows/extraction';
import { allOutputs, multipart, savedRun, waitForExecution } from './workflows/review';

const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'invoice-review-by-a-person.json');
const TRIGGER = "When clicking 'Execute workflow'";
const MINDEE_NODE = 'Extract invoices';
const LINK_NODE = 'Link for the reviewer';
const ROWS_NODE = 'Invoice rows';
const START_PATH = 'e2e-start-invoice-review';
const INVOICES = ['invoice-1.pdf', 'invoice-2.pdf', 'invoice-3.pdf'];
const DOUBTFUL = 'invoice-2.pdf';
const EXTRACTED_TOTAL = 204.75;
const CORRECTED_TOTAL = 240.75;

const SETUP_TIMEOUT = 30 * 60_000;
const TEST_TIMEOUT = 5 * 60_000;

type WorkflowNode = Record<string, unknown> & { name: string; type: string };

/** The example pointed at `folder`, started by a Webhook (POST /webhook/START_PATH) instead of by hand. */
function exampleStartedByWebhook(folder: string): N8nWorkflow {
	const text = readFileSync(EXAMPLE, 'utf8').replace(/\/data\/invoices\/\*\.pdf/g, `${folder}/*.pdf`);
	const example = JSON.parse(text) as N8nWorkflow & { nodes: WorkflowNode[]; connections: Record<string, unknown> };
	const nodes = example.nodes.map((node) =>
		node.name === MINDEE_NODE
			? { ...node, parameters: { ...(node.parameters as Record<string, unknown>), pollingOptions: { initialDelaySeconds: 1, intervalSeconds: 1 } } }
			: node,
	);
	const trigger = nodes.find((node) => node.name === TRIGGER)!;
	Object.assign(trigger, {
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path: START_PATH, responseMode: 'onReceived', options: {} },
	});
	return { ...example, name: 'e2e invoice review example', nodes };
}

let fake: FakeMindee;
let tarball: string;
let folder: string;

beforeAll(async () => {
	fake = await startFakeMindee({
		host: '127.0.0.1',
		processingMs: 300,
		fieldConfidence: [{ confidence: 'High' }, { fileName: DOUBTFUL, field: 'total_amount', confidence: 'Low' }],
	});
	tarball = await packPackage();
	folder = path.join(mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-review-files-')), 'invoices');
	mkdirSync(folder, { recursive: true });
	for (const name of INVOICES) copyFileSync(path.join(FILES_DIR, 'invoice.pdf'), path.join(folder, name));
}, SETUP_TIMEOUT);

afterAll(async () => {
	await fake?.stop();
	if (folder) rmSync(path.dirname(folder), { recursive: true, force: true });
});

describe.each(e2eVersions())('n8n %s: examples/invoice-review-by-a-person.json', (version) => {
	let n8n: N8nInstance;
	let workflowId: string;

	beforeAll(async () => {
		n8n = await N8nInstance.create({ version, env: { N8N_RESTRICT_FILE_ACCESS_TO: folder } });
		await n8n.installPackage(tarball);
		await n8n.importCredentials([mindeeCredential({ ...DEMO_CREDENTIAL, apiKey: fake.apiKey, baseUrl: fake.url })]);
		workflowId = await n8n.importWorkflow(exampleStartedByWebhook(folder));
		await n8n.activate(workflowId);
		await n8n.start();
		await n8n.waitForWebhook(START_PATH);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.cleanup();
	});

	it(
		'the doubtful invoice waits for a person: the form is served, the corrected total reaches the rows beside the two others',
		async () => {
			fake.reset();
			const start = await n8n.request('POST', `/webhook/${START_PATH}`, { headers: { 'content-type': 'application/json' }, body: '{}' });
			expect(start.status).toBe(200);

			// The execution waits at the form; the link the workflow made for the reviewer:
			const executionId = await waitForExecution(n8n, workflowId, ['waiting']);
			const waiting = await savedRun(n8n, executionId);
			const flagged = allOutputs(waiting, LINK_NODE);
			expect(flagged).toHaveLength(1);
			expect((flagged[0].json.mindee as Record<string, unknown>).file_name).toBe(DOUBTFUL);
			expect((flagged[0].json.mindee as { review: unknown }).review).toMatchObject({
				threshold: 'High',
				low_confidence_fields: [{ field: 'total_amount', confidence: 'Low', value: EXTRACTED_TOTAL }],
			});
			const link = new URL(String(flagged[0].json.review_link));
			expect(link.pathname).toBe(`/form-waiting/${executionId}`);
			const formPath = `${link.pathname}${link.search}`;

			// What the reviewer opens: the document's name, the doubtful value, prefilled for correction.
			const form = await n8n.request('GET', formPath);
			expect(form.status).toBe(200);
			expect(form.headers['content-type']).toMatch(/text\/html/);
			for (const text of [`Check ${DOUBTFUL}`, 'Corrected values', `total_amount: ${EXTRACTED_TOTAL}`, 'Decision', 'Approve']) {
				expect(form.body).toContain(text);
			}

			// The reviewer corrects the total and approves (field-0 is the HTML block, which sends nothing).
			const { body, contentType } = await multipart({ 'field-1': `total_amount: ${CORRECTED_TOTAL}`, 'field-2': 'Approve' });
			const submitted = await n8n.request('POST', formPath, { headers: { 'content-type': contentType }, body });
			expect(submitted.status).toBe(200);

			await waitForExecution(n8n, workflowId, ['success', 'error', 'crashed']);
			const finished = await savedRun(n8n, executionId);
			expect(finished.resultData.error).toBeUndefined();
			const rows = allOutputs(finished, ROWS_NODE).map((item) => item.json);
			process.stdout.write(
				`[review e2e, n8n ${version}] 3 invoices, ${DOUBTFUL} below High → form GET ${form.status}, POST ${submitted.status} → rows:\n${rows.map((row) => `  ${JSON.stringify(row)}`).join('\n')}\n`,
			);
			const expected = (file: string) => ({
				file,
				supplier: 'John Smith',
				invoice_number: 'INT-001',
				invoice_date: '2019-02-11',
				total: file === DOUBTFUL ? CORRECTED_TOTAL : EXTRACTED_TOTAL,
				checked_by_person: file === DOUBTFUL ? 'Approve' : 'not needed',
				corrected_fields: file === DOUBTFUL ? 'total_amount' : '',
			});
			expect([...rows].sort((a, b) => String(a.file).localeCompare(String(b.file)))).toEqual(INVOICES.map(expected));
			expect(allOutputs(finished, MINDEE_NODE)).toHaveLength(2);
			expect(fake.requests.filter((request) => request.method === 'POST')).toHaveLength(3);
		},
		TEST_TIMEOUT,
	);
});
