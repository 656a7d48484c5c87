/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * End-to-end: examples/email-attachments.json as shipped, in a real n8n with the packed package,
 * on every n8n version of test/e2e/harness/versions.ts. Its IMAP trigger needs a mail server, so a
 * node of the same name stands in for it and gives what n8n's IMAP and Gmail triggers give: one
 * item for the email, its three files as attachment_0..2 (built by n8n's own Set, Convert to File
 * and Merge nodes). The example's Mindee node and rows node run unchanged.
 */
import { readFileSync } from 'fs';
import * as path from 'path';

import { startFakeMindee } from '../fake-mindee/server';
import type { FakeMindee } from '../fake-mindee/types';
import { DEMO_CREDENTIAL } from './editor/demoInstance';
import { e2eVersions, N8nInstance, nodeErrorOf, outputOf, packPackage, type N8nWorkflow } from './harness';
import { fixtureFile, mindeeCredential, type InputFile } from './workflows/extraction';

const EXAMPLE = path.resolve(__dirname, '..', '..', 'examples', 'email-attachments.json');
const EMAIL_NODE = 'Email Trigger (IMAP)';
const MINDEE_NODE = 'Extract every attachment';
const ROWS_NODE = 'Invoice rows';
const ATTACHMENTS: InputFile[] = [
	fixtureFile('invoice.pdf', 'application/pdf'),
	fixtureFile('receipt.png', 'image/png'),
	{ ...fixtureFile('invoice.pdf', 'application/pdf'), fileName: 'credit-note.pdf' },
];
const EMAIL = { subject: 'March invoices', from: 'accounts@supplier.example' };

const SETUP_TIMEOUT = 30 * 60_000;
const TEST_TIMEOUT = 4 * 60_000;

type WorkflowNode = Record<string, unknown> & { name: string; type: string };

/** The example with its trigger replaced by Manual Trigger → an email item with three attachments. */
function exampleWithTestEmail(): N8nWorkflow {
	const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as N8nWorkflow & { nodes: WorkflowNode[] };
	const nodes = example.nodes.filter((node) => node.name !== EMAIL_NODE);
	const mindee = nodes.find((node) => node.name === MINDEE_NODE)!;
	mindee.parameters = {
		...(mindee.parameters as Record<string, unknown>),
		pollingOptions: { initialDelaySeconds: 1, intervalSeconds: 1 },
	};
	const toFile = (index: number) => `attachment_${index} to file`;
	const emailStandIn: WorkflowNode[] = [
		{ id: 'e2e-mail-trigger', name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [-720, 0], parameters: {} },
		{
			id: 'e2e-mail-email',
			name: EMAIL_NODE,
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [-500, 0],
			parameters: {
				mode: 'manual',
				assignments: {
					assignments: [
						{ id: 'subject', name: 'subject', value: EMAIL.subject, type: 'string' },
						{ id: 'from', name: 'from', value: EMAIL.from, type: 'string' },
						...ATTACHMENTS.map((file, index) => ({ id: `file${index}`, name: `file${index}`, value: file.content.toString('base64'), type: 'string' })),
					],
				},
				options: {},
			},
		},
		...ATTACHMENTS.map((file, index) => ({
			id: `e2e-mail-file-${index}`,
			name: toFile(index),
			type: 'n8n-nodes-base.convertToFile',
			typeVersion: 1.1,
			position: [-280, index * 160 - 160],
			parameters: {
				operation: 'toBinary',
				sourceProperty: `file${index}`,
				binaryPropertyName: `attachment_${index}`,
				options: { fileName: file.fileName, mimeType: file.mimeType },
			},
		})),
		{
			id: 'e2e-mail-merge',
			name: 'One email item',
			type: 'n8n-nodes-base.merge',
			typeVersion: 3.2,
			position: [-60, 0],
			parameters: { mode: 'combine', combineBy: 'combineByPosition', numberInputs: 3, options: {} },
		},
	];
	const connections = example.connections as Record<string, unknown>;
	delete connections[EMAIL_NODE];
	return {
		...example,
		name: 'e2e email attachments example',
		nodes: [...emailStandIn, ...nodes],
		connections: {
			...connections,
			'Manual Trigger': { main: [[{ node: EMAIL_NODE, type: 'main', index: 0 }]] },
			[EMAIL_NODE]: { main: [ATTACHMENTS.map((_file, index) => ({ node: toFile(index), type: 'main', index: 0 }))] },
			...Object.fromEntries(
				ATTACHMENTS.map((_file, index) => [toFile(index), { main: [[{ node: 'One email item', type: 'main', index }]] }]),
			),
			'One email item': { main: [[{ node: MINDEE_NODE, type: 'main', index: 0 }]] },
		},
	};
}

let fake: FakeMindee;
let tarball: string;

beforeAll(async () => {
	fake = await startFakeMindee({ host: '127.0.0.1', processingMs: 300 });
	tarball = await packPackage();
}, SETUP_TIMEOUT);

afterAll(async () => {
	await fake?.stop();
});

describe.each(e2eVersions())('n8n %s: examples/email-attachments.json', (version) => {
	let n8n: N8nInstance;
	let workflowId: string;

	beforeAll(async () => {
		n8n = await N8nInstance.create({ version });
		await n8n.installPackage(tarball);
		await n8n.importCredentials([mindeeCredential({ ...DEMO_CREDENTIAL, apiKey: fake.apiKey, baseUrl: fake.url })]);
		workflowId = await n8n.importWorkflow(exampleWithTestEmail());
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.cleanup();
	});

	it(
		'one email with three attachments gives three rows, each paired back to the email',
		async () => {
			fake.reset();
			const execution = await n8n.execute(workflowId);
			if (!execution.ok) {
				throw new Error(`execution failed: ${JSON.stringify(execution.error ?? nodeErrorOf(execution.run, MINDEE_NODE))}\n${execution.output.slice(-4000)}`);
			}

			const email = outputOf(execution.run, 'One email item');
			expect(email).toHaveLength(1);
			expect(Object.keys(email[0].binary ?? {}).sort()).toEqual(['attachment_0', 'attachment_1', 'attachment_2']);

			const extracted = outputOf(execution.run, MINDEE_NODE);
			expect(extracted.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
			expect(outputOf(execution.run, MINDEE_NODE, { outputIndex: 1 })).toHaveLength(0);

			const rows = outputOf(execution.run, ROWS_NODE).map((item) => item.json);
			process.stdout.write(
				`[email e2e, n8n ${version}] 1 email item with 3 attachments → ${extracted.length} Mindee items → rows:\n${rows.map((row) => `  ${JSON.stringify(row)}`).join('\n')}\n`,
			);
			expect(rows).toEqual(
				ATTACHMENTS.map((file, index) => ({
					email_subject: EMAIL.subject,
					email_from: EMAIL.from,
					attachment: `attachment_${index}`,
					file: file.fileName,
					supplier: 'John Smith',
					invoice_number: 'INT-001',
					invoice_date: '2019-02-11',
					total: 204.75,
					currency: 'USD',
				})),
			);
			expect(fake.requests.filter((request) => request.method === 'POST').map((request) => request.file?.filename).sort()).toEqual(
				ATTACHMENTS.map((file) => file.fileName).sort(),
			);
		},
		TEST_TIMEOUT,
	);
});
