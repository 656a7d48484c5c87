/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * What a user does in the n8n editor with this package, step by step, with what they should see
 * checked at each step. Shared by the browser test (test/e2e/editor.e2e.test.ts, one `it` per step)
 * and `scripts/screenshots.ts` (same steps, screenshots written to docs/).
 *
 *   1. credential()   Create "Mindee Platform API" credential, Save (= Test): wrong key, right key
 *   2. nodePanel()    invoice-intake example → Mindee node → every resource × operation → fields
 *   3. modelPicker()  Model → From List → search → pick a model the fake server listed
 *   4. run()          Execute workflow → output table; Split Into Items = line_items → one item per line
 *   5. trigger()      webhook example → Mindee Webhook Trigger → Production URL + setup notice
 */
import { mkdirSync, readFileSync } from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';

import { triggerProperties } from '../../../nodes/Mindee/trigger/description';
import { isEnqueue } from '../../fake-mindee/server';
import type { MindeeResultField, RecordedRequest } from '../../fake-mindee/types';
import { REPO_ROOT } from '../harness';
import { ConsoleWatch } from './consoleWatch';
import { DEMO_INVOICES, DEMO_MODEL_ID, type DemoInstance } from './demoInstance';
import { Canvas, CredentialsPage, NodePanel, waitUntil } from './pages';
import { madeUpSecret } from '../../madeUpSecret';

export const SCREENSHOTS = {
	credential: 'credential.png',
	nodePanel: 'node-panel.png',
	outputTable: 'output-table.png',
	triggerPanel: 'trigger-panel.png',
	workflowCanvas: 'workflow-canvas.png',
} as const;

/** Toasts ("Credential saved", "Workflow executed successfully") would cover part of a screenshot. */
const SCREENSHOT_CSS = '.el-notification, .el-message { display: none !important; }';

/**
 * n8n adds "Custom API Call" to the Resource and Operation lists of every node whose credential has
 * `authenticate` (n8n's load-nodes-and-credentials.ts injectCustomApiCallOptions): not ours to check.
 */
const N8N_CUSTOM_API_CALL = 'Custom API Call';

const ALWAYS = ['Credential', 'Resource', 'Operation'];
const PRODUCT_INPUT = ['Model', 'Input Type', 'Input Binary Field'];

/** The fields the Mindee node must show, for each resource and operation (display names). */
export const EXPECTED_FIELDS: Array<{ resource: string; operation: string; fields: string[] }> = [
	...['Extraction', 'Classification', 'Crop', 'OCR', 'Split'].flatMap((resource) => {
		const extraction = resource === 'Extraction';
		return [
			{
				resource,
				operation: 'Enqueue & Poll',
				fields: [
					...ALWAYS,
					...PRODUCT_INPUT,
					...(extraction ? ['Extraction Options'] : []),
					'Options',
					'Polling',
					'Output',
					'Split Into Items',
					...(extraction ? ['Route to Review Below Confidence'] : []),
				],
			},
			{
				resource,
				operation: 'Enqueue',
				fields: [
					...ALWAYS,
					...PRODUCT_INPUT,
					...(extraction ? ['Extraction Options'] : []),
					'Options',
				],
			},
		];
	}),
	{
		resource: 'Job',
		operation: 'Get Result',
		fields: [
			...ALWAYS,
			'Find Result By',
			'Job ID',
			'Output',
			'Split Into Items',
			'Route to Review Below Confidence',
		],
	},
	{ resource: 'Job', operation: 'Get Status', fields: [...ALWAYS, 'Job ID'] },
	{
		resource: 'Model',
		operation: 'Search',
		fields: [...ALWAYS, 'Name Contains', 'Model Type', 'Return All', 'Limit'],
	},
];

export const EXPECTED_OPERATIONS: Record<string, string[]> = {
	Extraction: ['Enqueue & Poll', 'Enqueue'],
	Classification: ['Enqueue & Poll', 'Enqueue'],
	Crop: ['Enqueue & Poll', 'Enqueue'],
	OCR: ['Enqueue & Poll', 'Enqueue'],
	Split: ['Enqueue & Poll', 'Enqueue'],
	Job: ['Get Status', 'Get Result'],
	Model: ['Search'],
};

const WRONG_API_KEY = madeUpSecret('md_wrong_key_', 'editor_e2e');
const EXTRACTION_FIXTURE = 'products/extraction/financial_document/complete_with_coordinates.json';

export class AssertionFailure extends Error {}

function check(condition: unknown, message: string): asserts condition {
	if (!condition) throw new AssertionFailure(message);
}

function checkEqual<T>(actual: T, expected: T, what: string): void {
	const a = JSON.stringify(actual);
	const e = JSON.stringify(expected);
	if (a !== e) throw new AssertionFailure(`${what}:\n  expected ${e}\n  actual   ${a}`);
}

const withoutCustomApiCall = (names: string[]) => names.filter((n) => n !== N8N_CUSTOM_API_CALL);

export interface FlowOptions {
	demo: DemoInstance;
	page: Page;
	/** Where the PNGs go (created if missing); none taken when undefined. */
	screenshotsDir?: string;
	log?: (message: string) => void;
}

export class EditorFlow {
	readonly watch: ConsoleWatch;
	readonly credentials: CredentialsPage;
	readonly canvas: Canvas;
	readonly screenshots: string[] = [];
	private readonly log: (message: string) => void;
	private panel?: NodePanel;

	constructor(readonly options: FlowOptions) {
		const { page, demo } = options;
		this.watch = new ConsoleWatch(page, demo.n8n.baseUrl);
		this.credentials = new CredentialsPage(page, demo.n8n.baseUrl);
		this.canvas = new Canvas(page, demo.n8n.baseUrl);
		this.log = options.log ?? (() => undefined);
	}

	get page(): Page {
		return this.options.page;
	}

	get fake() {
		return this.options.demo.fake;
	}

	private async shot(name: string): Promise<void> {
		const dir = this.options.screenshotsDir;
		if (!dir) return;
		mkdirSync(dir, { recursive: true });
		const file = path.join(dir, name);
		// No hover outline, focus ring or caret in the picture (the mouse goes to the empty top edge);
		// let transitions (dropdowns closing, panels sliding) end.
		await this.page.mouse.move(this.page.viewportSize()!.width / 2, 1);
		await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
		await this.page.waitForTimeout(400);
		await this.page.screenshot({ path: file, style: SCREENSHOT_CSS, animations: 'disabled' });
		this.screenshots.push(file);
		this.log(`screenshot ${path.relative(REPO_ROOT, file)}`);
	}

	/** A screenshot of whatever the page shows, for a failed step (not one of the docs/ images). */
	async failureShot(name: string): Promise<string | undefined> {
		const dir = this.options.screenshotsDir ?? path.join(REPO_ROOT, '.tmp', 'editor-e2e');
		mkdirSync(dir, { recursive: true });
		const file = path.join(dir, `failed-${name}.png`);
		try {
			await this.page.screenshot({ path: file });
			return file;
		} catch {
			return undefined;
		}
	}

	private searches(): RecordedRequest[] {
		return this.fake.requests.filter((r) => r.method === 'GET' && r.path === '/v2/search/models');
	}

	// ---------------------------------------------------------------- 1. credential

	async credential(): Promise<{
		listedTypes: string[];
		fields: string[];
		failure: string;
		success: string;
	}> {
		await this.credentials.open();
		return await this.watch.within('credential modal', async () => {
			this.fake.reset();
			const { listed, modal } = await this.credentials.create('Mindee', 'Mindee Platform API');
			check(
				listed.includes('Mindee Platform API'),
				`credential types listed for "Mindee": ${listed}`,
			);
			check(
				listed.includes('Mindee Webhook API'),
				`credential types listed for "Mindee": ${listed}`,
			);
			const fields = await modal.fieldLabels();
			for (const field of [
				'API Key',
				'Base URL',
				'Uploads per Minute',
				'Status Checks per Minute',
				'Share of Limits per n8n Process (%)',
			]) {
				check(
					fields.includes(field),
					`the credential form shows "${field}" (it shows ${JSON.stringify(fields)})`,
				);
			}

			// A wrong key: saved, tested, refused with our message.
			await modal.fill('apiKey', WRONG_API_KEY);
			await modal.fill('baseUrl', this.fake.url);
			await modal.save();
			const failure = await modal.failureDetails();
			check(
				failure.includes('Mindee rejected this API key') &&
					failure.includes('without a "Bearer" or "Token" prefix'),
				`the failed test says why: "${failure}"`,
			);
			const wrongTry = this.searches().find((r) => r.headers.authorization === WRONG_API_KEY);
			check(
				wrongTry?.status === 401,
				`the fake server saw the wrong key and answered 401 (${wrongTry?.status})`,
			);

			// The right key: saved, tested, accepted; Retry tests it once more.
			await modal.fill('apiKey', this.fake.apiKey);
			await modal.save();
			await modal.successBanner().waitFor({ timeout: 60_000 });
			const before = this.searches().length;
			await modal.retest();
			await waitUntil(
				'the Retry to call Mindee again',
				async () => this.searches().length,
				(n) => n > before,
			);
			await modal.successBanner().waitFor({ timeout: 60_000 });
			const success = (await modal.successBanner().innerText()).replace(/\s+/g, ' ').trim();
			check(/Connection tested successfully/.test(success), `the test succeeds: "${success}"`);
			const rightTry = this.searches().filter((r) => r.headers.authorization === this.fake.apiKey);
			check(
				rightTry.length >= 2 && rightTry.every((r) => r.status === 200),
				'the fake server answered 200 to the right key',
			);
			await this.shot(SCREENSHOTS.credential);
			await modal.close();
			return { listedTypes: listed, fields, failure, success };
		});
	}

	// ---------------------------------------------------------------- 2. node panel

	async nodePanel(): Promise<{
		nodes: string[];
		resources: string[];
		seen: typeof EXPECTED_FIELDS;
	}> {
		const example = this.options.demo.example('invoice-intake.json');
		const expectedNodes = example.workflow.nodes.map((n) => String(n.name));
		await this.canvas.openWorkflow(example.id, 'Extract with Mindee');
		const nodes = await this.canvas.nodeNames();
		checkEqual(
			[...nodes].sort(),
			[...expectedNodes].sort(),
			"the example workflow's nodes on the canvas",
		);

		return await this.watch.within('Mindee node panel', async () => {
			const panel = (this.panel = await this.canvas.openNode('Extract with Mindee'));
			checkEqual(await panel.title(), 'Extract with Mindee', 'the panel title');
			const resources = withoutCustomApiCall(await panel.optionsOf('resource'));
			checkEqual(
				resources,
				['Classification', 'Crop', 'Extraction', 'Job', 'Model', 'OCR', 'Split'],
				'the Resource options',
			);

			const seen: typeof EXPECTED_FIELDS = [];
			const problems: string[] = [];
			let current = '';
			for (const { resource, operation, fields } of EXPECTED_FIELDS) {
				if (resource !== current) {
					await panel.choose('resource', resource);
					current = resource;
					const operations = withoutCustomApiCall(await panel.optionsOf('operation'));
					if (JSON.stringify(operations) !== JSON.stringify(EXPECTED_OPERATIONS[resource])) {
						problems.push(
							`${resource}: operations ${JSON.stringify(operations)}, expected ${JSON.stringify(EXPECTED_OPERATIONS[resource])}`,
						);
					}
				}
				await panel.choose('operation', operation);
				const shown = await panel.parameterLabels();
				seen.push({ resource, operation, fields: shown });
				if (JSON.stringify(shown) !== JSON.stringify(fields)) {
					problems.push(
						`${resource} → ${operation}:\n    expected ${JSON.stringify(fields)}\n    shown    ${JSON.stringify(shown)}`,
					);
				}
			}
			check(problems.length === 0, `fields shown by the Mindee node:\n  ${problems.join('\n  ')}`);

			// Back to what the example does; the input field follows Input Type.
			await panel.choose('resource', 'Extraction');
			await panel.choose('operation', 'Enqueue & Poll');
			for (const [type, field, hidden] of [
				['URL', 'URL', 'Input Binary Field'],
				['Base64', 'Base64 Content', 'Input Binary Field'],
				['Binary File', 'Input Binary Field', 'URL'],
			] as const) {
				await panel.choose('inputType', type);
				const shown = await panel.parameterLabels();
				check(
					shown.includes(field) && !shown.includes(hidden),
					`Input Type "${type}" shows "${field}", not "${hidden}": ${JSON.stringify(shown)}`,
				);
			}
			return { nodes, resources, seen };
		});
	}

	// ---------------------------------------------------------------- 3. model picker

	async modelPicker(): Promise<{
		modes: string[];
		listed: string[];
		found: string[];
		picked: string;
	}> {
		const panel = this.panel;
		check(panel, 'the Mindee node panel is open (step 2)');
		return await this.watch.within('Mindee node panel', async () => {
			this.fake.reset();
			const model = panel.resourceLocator('modelId');
			const modes = await model.chooseMode('From list');
			checkEqual(modes, ['From list', 'By ID'], 'the Model modes');
			await model.openList();
			// Only the extraction models of the fake server's listing (search/models.json + 2 added).
			const listed = await model.listed();
			checkEqual(
				listed,
				[
					'Extraction With Webhooks',
					'Extraction Without Webhooks',
					'Extraction Without Webhooks Key',
				],
				'the models listed for Extraction',
			);
			await model.search('without');
			const found = await model.listed(
				(names) => names.length > 0 && names.every((n) => /without/i.test(n)),
			);
			checkEqual(
				found,
				['Extraction Without Webhooks', 'Extraction Without Webhooks Key'],
				'the models found for "without"',
			);
			await model.pick('Extraction Without Webhooks');
			const picked = await waitUntil(
				'the picked model',
				() => model.value(),
				(v) => v === 'Extraction Without Webhooks',
			);

			const searches = this.searches();
			check(
				searches.some((r) => r.query.model_type === 'extraction' && !r.query.name),
				`the list asked Mindee for extraction models: ${JSON.stringify(searches.map((r) => r.query))}`,
			);
			check(
				searches.some((r) => r.query.model_type === 'extraction' && r.query.name === 'without'),
				`the search asked Mindee for "without": ${JSON.stringify(searches.map((r) => r.query))}`,
			);
			await this.shot(SCREENSHOTS.nodePanel);
			return { modes, listed, found, picked };
		});
	}

	// ---------------------------------------------------------------- 4. run

	async run(): Promise<{
		edges: Record<string, string>;
		simplified: { count: string; columns: string[]; rows: Array<Record<string, string>> };
		split: { count: string; columns: string[]; rows: Array<Record<string, string>> };
	}> {
		let panel = this.panel;
		check(panel, 'the Mindee node panel is open (step 3)');
		const fixture = JSON.parse(
			readFileSync(
				path.join(REPO_ROOT, 'test', 'fixtures', 'mindee-v2', EXTRACTION_FIXTURE),
				'utf8',
			),
		).inference.result.fields;
		const descriptions: string[] = fixture.line_items.items.map(
			(item: { fields: Record<string, MindeeResultField> }) => String(item.fields.description.value),
		);

		return await this.watch.within('workflow run', async () => {
			await panel!.close();
			this.fake.reset();
			await this.canvas.executeWorkflow('Invoice fields');
			const enqueues = this.fake.requests.filter(isEnqueue);
			checkEqual(enqueues.length, DEMO_INVOICES.length, 'documents sent to Mindee');
			check(
				enqueues.every((r) => r.fields?.model_id === DEMO_MODEL_ID),
				`every document went to the picked model ${DEMO_MODEL_ID}: ${JSON.stringify(enqueues.map((r) => r.fields?.model_id))}`,
			);
			const edges = await this.canvas.edgeLabels();
			checkEqual(
				edges['Extract with Mindee'],
				`${DEMO_INVOICES.length} items`,
				'the item count after the Mindee node on the canvas',
			);
			await this.shot(SCREENSHOTS.workflowCanvas);

			// Simplified output, one item per document.
			panel = this.panel = await this.canvas.openNode('Extract with Mindee');
			const output = panel.output();
			await output.waitForItemCount(`${DEMO_INVOICES.length} items`);
			await output.showTable();
			const simplified = { count: await output.itemCount(), ...(await output.table()) };
			checkEqual(simplified.rows.length, DEMO_INVOICES.length, 'rows in the output table');
			for (const column of [
				'invoice_number',
				'supplier_name',
				'total_amount',
				'date',
				'locale__currency',
				'mindee',
			]) {
				check(
					simplified.columns.includes(column),
					`the output has a "${column}" column: ${JSON.stringify(simplified.columns)}`,
				);
			}
			for (const raw of ['inference', 'result', 'raw', 'line_items__description']) {
				check(!simplified.columns.includes(raw), `the simplified output has no "${raw}" column`);
			}
			checkEqual(
				simplified.rows.map((r) => [r.invoice_number, r.supplier_name, r.total_amount]),
				DEMO_INVOICES.map(() => [
					fixture.invoice_number.value,
					fixture.supplier_name.value,
					String(fixture.total_amount.value),
				]),
				'invoice_number, supplier_name and total_amount of each item',
			);
			checkEqual(
				simplified.rows.map((r) => DEMO_INVOICES.find((f) => r.mindee.includes(f))),
				DEMO_INVOICES,
				'the file name under "mindee" of each item',
			);

			// Split Into Items = line_items: one item per invoice line.
			this.fake.reset();
			await panel.fill('splitListField', 'line_items');
			await panel.executeStep();
			const rowsExpected = DEMO_INVOICES.length * descriptions.length;
			await output.waitForItemCount(`${rowsExpected} items`);
			await output.showTable();
			const split = { count: await output.itemCount(), ...(await output.table()) };
			checkEqual(
				split.rows.length,
				rowsExpected,
				'rows in the output table with Split Into Items = line_items',
			);
			for (const column of [
				'line_items__description',
				'line_items__quantity',
				'line_items__unit_price',
				'line_items__total_price',
				'invoice_number',
				'supplier_name',
			]) {
				check(
					split.columns.includes(column),
					`the split output has a "${column}" column: ${JSON.stringify(split.columns)}`,
				);
			}
			check(
				!split.columns.includes('line_items'),
				'the split output has no "line_items" list column left',
			);
			checkEqual(
				split.rows.map((r) => [r.invoice_number, r.line_items__description]),
				DEMO_INVOICES.flatMap(() => descriptions.map((d) => [fixture.invoice_number.value, d])),
				'invoice_number and line_items__description of each item',
			);
			checkEqual(
				this.fake.requests.filter(isEnqueue).length,
				DEMO_INVOICES.length,
				'documents sent to Mindee by "Execute step"',
			);

			await panel.widenOutput(560);
			await output.scrollToColumn('line_items__description');
			await this.shot(SCREENSHOTS.outputTable);
			await panel.close();
			return { edges, simplified, split };
		});
	}

	// ---------------------------------------------------------------- 5. trigger

	async trigger(): Promise<{
		productionUrl: string;
		expectedUrl: string;
		notice: string;
		noticeTags: { written: string[]; rendered: string[]; dropped: string[] };
	}> {
		const example = this.options.demo.example('webhook-batch.json');
		const node = example.workflow.nodes.find((n) => n.type === 'n8n-nodes-mindee.mindeeTrigger');
		check(node, 'examples/webhook-batch.json has a Mindee Webhook Trigger');
		const name = String(node.name);
		// Back to n8n's default panel layout (step 4 widened the output panel).
		await this.page.evaluate(() => localStorage.removeItem('N8N_NDV_PANEL_WIDTH_REGULAR'));
		await this.canvas.openWorkflow(example.id, name);

		return await this.watch.within('Mindee Webhook Trigger panel', async () => {
			const panel = await this.canvas.openNode(name);
			const webhooks = panel.root.locator('.webhooks');
			const headline = webhooks.locator('.headline', { hasText: 'Webhook URLs' });
			if (!/expanded/.test((await headline.getAttribute('class')) ?? '')) await headline.click();
			await webhooks.getByTestId('radio-button-production').click();
			const { n8n } = this.options.demo;
			const expectedUrl = `${n8n.protocol}://localhost:${n8n.port}/webhook/${String(node.webhookId)}/webhook`;
			const productionUrl = await waitUntil(
				'the Production URL',
				async () => (await webhooks.locator('.webhook-url').first().innerText()).trim(),
				(url) => url === expectedUrl,
				{ timeoutMs: 10_000 },
			);

			const notice = panel.root.locator('.notice').filter({ hasText: 'Set up in Mindee' });
			const text = (await notice.innerText()).replace(/\s+/g, ' ').trim();
			for (const part of [
				'Set up in Mindee',
				'app.mindee.com',
				'Production URL',
				'Signing Secret',
				'Webhook IDs',
				'Activate this workflow',
			]) {
				check(text.includes(part), `the setup notice mentions "${part}": "${text}"`);
			}
			checkEqual(
				await notice.locator('a').first().getAttribute('href'),
				'https://app.mindee.com',
				"the notice's link",
			);

			// What the notice was written with, against what n8n rendered (see the test's bug check).
			const source = String(
				triggerProperties.find((p) => p.name === 'setupNotice')?.displayName ?? '',
			);
			const tagsOf = (html: string) =>
				[
					...new Set([...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)].map((m) => m[1].toLowerCase())),
				].sort();
			const written = tagsOf(source);
			const rendered = tagsOf(await notice.locator('[role="region"]').first().innerHTML());
			const dropped = written.filter((t) => !rendered.includes(t));

			await this.shot(SCREENSHOTS.triggerPanel);
			await panel.close();
			return {
				productionUrl,
				expectedUrl,
				notice: text,
				noticeTags: { written, rendered, dropped },
			};
		});
	}
}
