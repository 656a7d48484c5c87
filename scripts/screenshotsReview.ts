/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * `npm run screenshots:review`: the README's pictures of the review example and the two pickers,
 * from the same local n8n as `npm start` (1440x900, Debian's Chromium):
 *
 *   docs/review-form.png          the form a person opens from the review example's link
 *   docs/webhook-picker.png       Options → Webhook Names or IDs, the model's webhooks listed
 *   docs/data-schema-fields.png   Extraction Options → Data Schema (Fields), a nested object open
 *
 * SCREENSHOTS_DIR=<dir> writes elsewhere than docs/; N8N_VERSION picks the n8n (default 2.41.1).
 */
import * as os from 'os';
import * as path from 'path';
import type { Page } from 'playwright-core';

import { launchEditor, type EditorBrowser } from '../test/e2e/editor/browser';
import { DEMO_CREDENTIAL, startDemoInstance, type DemoInstance } from '../test/e2e/editor/demoInstance';
import { Canvas, waitUntil } from '../test/e2e/editor/pages';
import { defaultModels } from '../test/fake-mindee/fixtures';
import { REPO_ROOT } from '../test/e2e/harness';
import { allOutputs, savedRun, waitForExecution } from '../test/e2e/workflows/review';

const say = (message: string) => process.stdout.write(`[screenshots:review] ${message}\n`);
const HIDE_TOASTS = '.el-notification, .el-message { display: none !important; }';
const WEBHOOK_MODEL = { id: 'afde5151-aa11-aa11-9289-fa04e50ca3b9', name: 'Extraction With Webhooks' };

/** A workflow that shows the two pickers: a Mindee node with webhooks picked and a schema entered field by field. */
function pickerWorkflow() {
	return {
		name: 'Pickers (screenshots)',
		nodes: [
			{ id: 'p1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'p2',
				name: 'Mindee',
				type: 'n8n-nodes-mindee.mindee',
				typeVersion: 1,
				position: [240, 0],
				credentials: { mindeePlatformApi: DEMO_CREDENTIAL },
				parameters: {
					resource: 'extraction',
					operation: 'enqueue',
					modelId: { __rl: true, mode: 'list', value: WEBHOOK_MODEL.id, cachedResultName: WEBHOOK_MODEL.name },
					extractionOptions: {
						dataSchemaFields: {
							fields: [
								{ name: 'invoice_number', title: 'Invoice Number', type: 'string', isArray: false, description: '', guidelines: '' },
								{
									name: 'supplier',
									title: 'Supplier',
									type: 'nested_object',
									isArray: false,
									description: 'The company that issued the invoice',
									guidelines: '',
									nestedFields: {
										fields: [
											{ name: 'name', title: 'Name', type: 'string', isArray: false, description: '', guidelines: '' },
											{ name: 'vat_number', title: 'VAT Number', type: 'string', isArray: false, description: '', guidelines: 'Starts with a country code' },
										],
									},
								},
								{ name: 'document_kind', title: 'Document Kind', type: 'classification', isArray: false, classificationValues: 'invoice, credit note, receipt', description: '', guidelines: '' },
							],
						},
					},
					options: { webhookIds: [] },
				},
			},
		],
		connections: { Start: { main: [[{ node: 'Mindee', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

async function shot(page: Page, dir: string, file: string, fullPage = false): Promise<string> {
	await page.addStyleTag({ content: HIDE_TOASTS });
	const target = path.join(dir, file);
	await page.screenshot({ path: target, fullPage });
	say(`wrote ${path.relative(REPO_ROOT, target)}`);
	return target;
}

async function main(): Promise<void> {
	const dir = path.resolve(process.env.SCREENSHOTS_DIR ?? path.join(REPO_ROOT, 'docs'));
	let demo: DemoInstance | undefined;
	let browser: EditorBrowser | undefined;
	try {
		demo = await startDemoInstance({ version: process.env.N8N_VERSION ?? '2.41.1', log: say });
		const { n8n, fake } = demo;
		const batch = demo.example('webhook-batch.json');
		const trigger = batch.workflow.nodes.find((node) => node.type === 'n8n-nodes-mindee.mindeeTrigger') as { webhookId?: string };
		const triggerUrl = `${n8n.protocol}://localhost:${n8n.port}/webhook/${String(trigger.webhookId)}/webhook`;
		// The demo's doubtful invoice, and this n8n's trigger among the webhook model's webhooks.
		fake.configure({
			fieldConfidence: [{ confidence: 'High' }, { fileName: 'invoice-002.pdf', field: 'total_amount', confidence: 'Low' }],
			models: defaultModels().map((model) =>
				model.id === WEBHOOK_MODEL.id
					? { ...model, webhooks: [...(model.webhooks ?? []), { id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b', name: 'n8n: collect results', url: triggerUrl }] }
					: model,
			),
		});
		const cookie = await demo.login();
		browser = await launchEditor({ baseUrl: n8n.baseUrl, cookie });
		const { page } = browser;
		const canvas = new Canvas(page, n8n.baseUrl);

		// 1. The review form: run the example from the editor; it stops at the form for invoice-002.pdf.
		const review = demo.example('invoice-review-by-a-person.json');
		await canvas.openWorkflow(review.id, 'Extract invoices');
		await page.getByTestId('execute-workflow-button').click();
		const executionId = await waitForExecution(n8n, review.id, ['waiting']);
		const link = new URL(String(allOutputs(await savedRun(n8n, executionId), 'Link for the reviewer')[0].json.review_link));
		const formPage = await browser.context.newPage();
		await formPage.goto(`${n8n.baseUrl}${link.pathname}${link.search}`, { waitUntil: 'networkidle' });
		await formPage.getByText('Corrected values').waitFor();
		await shot(formPage, dir, 'review-form.png', true);
		await formPage.close();

		// 2 and 3. The pickers, in a workflow of their own.
		const created = await n8n.request('POST', '/rest/workflows', {
			headers: { 'content-type': 'application/json', cookie },
			body: JSON.stringify(pickerWorkflow()),
		});
		if (created.status >= 300) throw new Error(`creating the pickers' workflow answered ${created.status}: ${created.body.slice(0, 300)}`);
		const pickersId = String((JSON.parse(created.body) as { data: { id: string } }).data.id);
		await canvas.openWorkflow(pickersId, 'Mindee');
		const panel = await canvas.openNode('Mindee');
		const webhooks = panel.root.getByTestId('parameter-input-webhookIds');
		await webhooks.scrollIntoViewIfNeeded();
		await webhooks.click();
		await waitUntil(
			'the webhook list',
			async () => (await page.locator('.el-popper[aria-hidden="false"] .el-select-dropdown__item').allInnerTexts()).map((t) => t.trim()),
			(names) => names.some((name) => name.includes('FAILURE')),
			{ timeoutMs: 30_000 },
		);
		await shot(page, dir, 'webhook-picker.png');
		await webhooks.click();
		const nested = panel.root.getByText('Nested Fields').first();
		await nested.scrollIntoViewIfNeeded();
		await shot(page, dir, 'data-schema-fields.png');
		await panel.close();

		// A saved workflow whose Webhook IDs are typed text (webhook-batch.json): what the panel shows.
		await canvas.openWorkflow(batch.id, 'Enqueue for webhook');
		const saved = await canvas.openNode('Enqueue for webhook');
		const typed = saved.root.getByTestId('parameter-input-webhookIds');
		await typed.scrollIntoViewIfNeeded();
		say(`saved text in Webhook Names or IDs shows as: ${JSON.stringify((await typed.innerText()).trim())}`);
		await page.screenshot({ path: path.join(os.tmpdir(), 'webhook-ids-saved-text.png') });
	} catch (error) {
		process.stderr.write(`[screenshots:review] failed: ${(error as Error).stack ?? String(error)}\n`);
		process.exitCode = 1;
	} finally {
		await browser?.close();
		await demo?.stop();
	}
}

void main();
