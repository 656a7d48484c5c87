/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * End-to-end: the packed package, installed into a real n8n the way its community-nodes screen
 * does, extracts a PDF through the fake Mindee server, run by `n8n execute` — on every n8n version of
 * test/e2e/harness/versions.ts. Run with `npx jest --selectProjects e2e` (E2E_N8N_VERSIONS narrows).
 */
import { readFileSync } from 'fs';
import * as path from 'path';

import { startFakeMindee } from '../fake-mindee/server';
import type { FakeMindee, MindeeResultField, RecordedRequest } from '../fake-mindee/types';
import {
	e2eVersions,
	executedNodes,
	N8nInstance,
	nodeErrorOf,
	outputOf,
	packPackage,
} from './harness';
import {
	extractionWorkflow,
	fixtureFile,
	MINDEE_NODE_TYPE,
	mindeeCredential,
	NODE_NAMES,
} from './workflows/extraction';
import { madeUpSecret } from '../madeUpSecret';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'mindee-v2');
const EXTRACTION_MODEL_ID = 'b3274545-bb22-bb22-991e-9ca0639829a3';
const expectedInference = JSON.parse(
	readFileSync(
		path.join(FIXTURES, 'products/extraction/financial_document/complete_with_coordinates.json'),
		'utf8',
	),
).inference;
const expectedFields: Record<string, MindeeResultField> = expectedInference.result.fields;

const GOOD_CREDENTIAL = { id: 'mindeeE2eCred001', name: 'Mindee (fake server)' };
const BAD_CREDENTIAL = { id: 'mindeeE2eBadKey1', name: 'Mindee (wrong key)' };
const invoicePdf = fixtureFile('invoice.pdf', 'application/pdf');

// Install the package (first time: the n8n install itself, 10-15 min) in beforeAll; each CLI command
// of n8n takes 5-20 s on two cores.
const SETUP_TIMEOUT = 30 * 60_000;
const TEST_TIMEOUT = 4 * 60_000;

let fake: FakeMindee;
let tarball: string;

beforeAll(async () => {
	fake = await startFakeMindee({ host: '127.0.0.1' });
	tarball = await packPackage();
}, SETUP_TIMEOUT);

afterAll(async () => {
	await fake?.stop();
});

const isEnqueue = (r: RecordedRequest) => r.method === 'POST' && /\/enqueue\/?$/.test(r.path);

/** The values of a Mindee field tree, without locations/confidence (those depend on the options sent). */
function fieldValues(fields: Record<string, MindeeResultField>): Record<string, unknown> {
	const strip = (field: MindeeResultField | null): unknown => {
		if (!field || typeof field !== 'object') return field;
		if (Array.isArray(field.items)) return field.items.map(strip);
		if (field.fields && typeof field.fields === 'object') return fieldValues(field.fields);
		return field.value;
	};
	return Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, strip(field)]));
}

describe.each(e2eVersions())('n8n %s: extraction with the installed package', (version) => {
	let n8n: N8nInstance;
	let goodWorkflowId: string;
	let badKeyWorkflowId: string;

	beforeAll(async () => {
		n8n = await N8nInstance.create({ version });
		await n8n.installPackage(tarball);
		await n8n.importCredentials([
			mindeeCredential({ ...GOOD_CREDENTIAL, apiKey: fake.apiKey, baseUrl: fake.url }),
			mindeeCredential({ ...BAD_CREDENTIAL, apiKey: madeUpSecret('md_wrong_key_', 'e2e'), baseUrl: fake.url }),
		]);
		[goodWorkflowId, badKeyWorkflowId] = await n8n.importWorkflows([
			extractionWorkflow({
				name: 'e2e extraction',
				credential: GOOD_CREDENTIAL,
				modelId: EXTRACTION_MODEL_ID,
				file: invoicePdf,
			}),
			extractionWorkflow({
				name: 'e2e extraction, wrong API key',
				credential: BAD_CREDENTIAL,
				modelId: EXTRACTION_MODEL_ID,
				file: invoicePdf,
			}),
		]);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.cleanup();
	});

	it(
		'loads the package: its node and the node versions the workflow uses are known to n8n',
		async () => {
			const types = await n8n.exportNodeTypes();
			const versionsOf = (name: string) =>
				types
					.filter((t) => t.name === name)
					.flatMap((t) => (Array.isArray(t.version) ? t.version : [t.version]));
			const workflow = extractionWorkflow({
				name: 'probe',
				credential: GOOD_CREDENTIAL,
				modelId: EXTRACTION_MODEL_ID,
				file: invoicePdf,
			});
			for (const node of workflow.nodes) {
				expect({ type: node.type, versions: versionsOf(node.type as string) }).toEqual({
					type: node.type,
					versions: expect.arrayContaining([node.typeVersion]),
				});
			}
			const mindee = types.find((t) => t.name === MINDEE_NODE_TYPE);
			expect(mindee?.credentials).toEqual(
				expect.arrayContaining([expect.objectContaining({ name: 'mindeePlatformApi' })]),
			);
		},
		TEST_TIMEOUT,
	);

	it(
		'enqueues the PDF, polls and returns the extracted fields',
		async () => {
			fake.reset();
			const execution = await n8n.execute(goodWorkflowId);
			if (!execution.ok) {
				throw new Error(
					`execution failed: ${JSON.stringify(execution.error ?? nodeErrorOf(execution.run, NODE_NAMES.mindee))}\n${execution.output.slice(-3000)}`,
				);
			}
			expect(executedNodes(execution.run)).toContain(NODE_NAMES.mindee);

			const input = outputOf(execution.run, NODE_NAMES.toBinary);
			const items = outputOf(execution.run, NODE_NAMES.mindee);
			expect(input).toHaveLength(1);
			expect(items).toHaveLength(input.length);
			const [item] = items;

			// The fake server saw exactly one enqueue: the model, the whole PDF, the raw API key.
			const enqueues = fake.requests.filter(isEnqueue);
			expect(enqueues).toHaveLength(1);
			const [enqueue] = enqueues;
			expect(enqueue.status).toBeLessThan(300);
			expect(enqueue.fields?.model_id).toBe(EXTRACTION_MODEL_ID);
			expect(enqueue.file?.size).toBe(invoicePdf.content.length);
			expect(enqueue.headers.authorization).toBe(fake.apiKey);
			expect(fake.jobs.size).toBe(1);
			const [jobId] = [...fake.jobs.keys()];

			// outputMode 'raw': the item's json is Mindee's inference object itself.
			const inference = item.json as {
				id: string;
				job?: { id: string };
				model?: { id: string };
				result?: { fields: Record<string, MindeeResultField> };
			};
			expect(inference.id).toBe(jobId);
			expect(inference.job?.id).toBe(jobId);
			expect(inference.model?.id).toBe(EXTRACTION_MODEL_ID);
			const fields = inference.result?.fields ?? {};
			expect(fieldValues(fields)).toEqual(fieldValues(expectedFields));
			expect(fields.supplier_name.value).toBe(expectedFields.supplier_name.value);
			expect(fields.total_amount.value).toBe(expectedFields.total_amount.value);

			// One item per input item, linked to it, with the input binary kept.
			expect(item.pairedItem).toEqual(expect.objectContaining({ item: 0 }));
			expect(item.binary?.data).toBeDefined();
			expect(item.binary?.data.mimeType).toBe('application/pdf');
			expect(item.binary?.data.fileName).toBe(invoicePdf.fileName);
			expect(item.binary?.data.fileSize).toBe(`${invoicePdf.content.length} B`);
			if (!item.binary?.data.id) {
				// 1.123's default binary mode keeps the bytes inline (base64) in the run data; 2.x stores
				// them on disk (id "filesystem-v2:…", data "filesystem-v2")
				expect(Buffer.from(item.binary?.data.data ?? '', 'base64').equals(invoicePdf.content)).toBe(
					true,
				);
			}

			process.stdout.write(
				`[e2e n8n ${version}] ${MINDEE_NODE_TYPE} job=${item.json.id} supplier_name=${JSON.stringify(
					fields.supplier_name.value,
				)} total_amount=${fields.total_amount.value} date=${fields.date?.value} line_items=${
					fields.line_items?.items?.length
				} (execute ${Math.round(execution.durationMs / 100) / 10} s)\n`,
			);
		},
		TEST_TIMEOUT,
	);

	it(
		'retries a status check whose connection was reset, and says so when it keeps being reset',
		async () => {
			// n8n 1.x hands the network error's code back in another place than 2.x does.
			try {
				fake.reset();
				fake.configure({ faults: { brokenAnswers: { route: 'job', how: 'reset', count: 1 } } });
				const retried = await n8n.execute(goodWorkflowId);
				expect(retried.ok).toBe(true);
				const polls = fake.requests.filter((request) => request.path.startsWith('/v2/jobs/'));
				expect(polls[0].status).toBe(0);
				expect(polls.some((request) => request.status === 302)).toBe(true);
				expect(outputOf(retried.run, NODE_NAMES.mindee)[0].json.id).toBe([...fake.jobs.keys()][0]);

				fake.reset();
				fake.configure({ faults: { brokenAnswers: { route: 'job', how: 'reset' } } });
				const failed = await n8n.execute(goodWorkflowId);
				expect(failed.ok).toBe(false);
				const error = nodeErrorOf(failed.run, NODE_NAMES.mindee);
				expect(error?.message).toBe(
					`The connection to Mindee at ${fake.url} was closed before an answer (ECONNRESET)`,
				);
				expect(fake.requests.filter((request) => request.path.startsWith('/v2/jobs/')).length).toBeGreaterThan(1);
				process.stdout.write(`[e2e n8n ${version}] status check reset every time -> ${JSON.stringify(error?.message)}\n`);
			} finally {
				fake.configure({ faults: {} });
			}
		},
		TEST_TIMEOUT,
	);

	it(
		'fails with a readable message when the API key is wrong',
		async () => {
			fake.reset();
			const execution = await n8n.execute(badKeyWorkflowId);
			expect(execution.ok).toBe(false);
			expect(execution.exitCode).not.toBe(0);
			const error = execution.error ?? nodeErrorOf(execution.run, NODE_NAMES.mindee);
			expect(error?.message).toContain('API key');
			expect(nodeErrorOf(execution.run, NODE_NAMES.mindee)?.message).toContain('API key');
			expect(fake.jobs.size).toBe(0);
			process.stdout.write(
				`[e2e n8n ${version}] wrong API key -> ${JSON.stringify(error?.message)}${
					error?.description ? ` (${JSON.stringify(error.description)})` : ''
				}\n`,
			);
		},
		TEST_TIMEOUT,
	);
});
