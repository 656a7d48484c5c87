/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The real n8n editor, driven the way a user would with Playwright (playwright-core and Debian's
 * chromium, installed by scripts/services/ensure-chromium.sh when missing): the same local n8n as
 * `npm start` (packed package, fake Mindee server, "Mindee (demo)" credential, the examples), owner
 * set up through n8n's API, then one `it` per step of test/e2e/editor/flow.ts:
 *
 *   1. a "Mindee Platform API" credential created and tested in the UI (wrong key, right key)
 *   2. the invoice-intake example's Mindee node: every resource and operation shows its own fields
 *   3. the model picker's list mode: search, pick a model the fake server listed
 *   4. the workflow run from the editor: simplified output table, one item per line when splitting
 *   5. the Mindee Webhook Trigger: production URL and setup instructions
 *
 * Any console error while our panels are open, or mentioning us anywhere, fails the step (and the
 * last test lists them all); see editor/consoleWatch.ts for what is ignored and why. Screenshots of
 * the run go to .tmp/editor-e2e/ (E2E_EDITOR_SCREENSHOTS_DIR to change); `npm run screenshots`
 * writes the README's to docs/. Runs against n8n 2.41.1 (the `npm start` version) unless
 * E2E_N8N_VERSIONS excludes it.
 *
 *   npx jest --selectProjects e2e --runInBand --testPathPatterns editor
 */
import * as path from 'path';

import { launchEditor, ensureChromium, type EditorBrowser } from './editor/browser';
import type { ConsoleEntry } from './editor/consoleWatch';
import { startDemoInstance, type DemoInstance } from './editor/demoInstance';
import { EditorFlow, EXPECTED_FIELDS } from './editor/flow';
import { e2eVersions, REPO_ROOT } from './harness';

const VERSION = '2.41.1';
const SCREENSHOTS_DIR =
	process.env.E2E_EDITOR_SCREENSHOTS_DIR ?? path.join(REPO_ROOT, '.tmp', 'editor-e2e');
// First run: apt-get install chromium (~2 min), n8n install (10-15 min, cached afterwards), build.
const SETUP_TIMEOUT = 30 * 60_000;
const STEP_TIMEOUT = 4 * 60_000;

const say = (message: string) => process.stdout.write(`[editor e2e] ${message}\n`);

const maybe = e2eVersions().includes(VERSION) ? describe : describe.skip;

maybe(`n8n ${VERSION} editor, as a user would (Playwright + chromium)`, () => {
	let demo: DemoInstance | undefined;
	let browser: EditorBrowser | undefined;
	let flow: EditorFlow;
	let trigger: Awaited<ReturnType<EditorFlow['trigger']>> | undefined;

	beforeAll(async () => {
		say(`chromium: ${ensureChromium()}`);
		demo = await startDemoInstance({ version: VERSION, log: say });
		browser = await launchEditor({ baseUrl: demo.n8n.baseUrl, cookie: await demo.login() });
		flow = new EditorFlow({ demo, page: browser.page, screenshotsDir: SCREENSHOTS_DIR, log: say });
		say(`editor at ${demo.n8n.baseUrl}, signed in as the owner`);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		const notes = flow?.watch.notes() ?? [];
		if (notes.length > 0)
			say(`console messages that did not fail the test:\n  ${notes.join('\n  ')}`);
		await browser?.close();
		await demo?.stop();
	}, 120_000);

	/** A step: its console errors (see consoleWatch.ts) fail it; a screenshot is kept on failure. */
	function step(title: string, slug: string, body: () => Promise<void>): void {
		it(
			title,
			async () => {
				if (!flow) throw new Error('set-up failed (see beforeAll)');
				const before = new Set<ConsoleEntry>(flow.watch.failures());
				try {
					await body();
				} catch (error) {
					const shot = await flow.failureShot(slug);
					if (shot) (error as Error).message += `\n(page at the failure: ${shot})`;
					// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no node here: the test's own error, with the screenshot added
					throw error;
				}
				const fresh = flow.watch.failures().filter((entry) => !before.has(entry));
				if (fresh.length > 0)
					throw new Error(`console errors during this step:\n${flow.watch.report(fresh)}`);
			},
			STEP_TIMEOUT,
		);
	}

	step(
		'1. creates a "Mindee Platform API" credential in the UI; Test fails readably with a wrong key and succeeds with the right one',
		'credential',
		async () => {
			const result = await flow.credential();
			expect(result.listedTypes).toEqual(
				expect.arrayContaining(['Mindee Platform API', 'Mindee Webhook API']),
			);
			expect(result.failure).toContain('Mindee rejected this API key');
			expect(result.success).toContain('Connection tested successfully');
			say(`credential test with a wrong key: ${JSON.stringify(result.failure)}`);
		},
	);

	step(
		'2. opens the invoice-intake example and its Mindee node; each resource and operation shows its own fields',
		'node-panel',
		async () => {
			// flow.nodePanel() compares every resource × operation with EXPECTED_FIELDS and lists all
			// differences at once; here, the rule of the issue in one line each.
			const result = await flow.nodePanel();
			expect(result.resources).toEqual([
				'Classification',
				'Crop',
				'Extraction',
				'Job',
				'Model',
				'OCR',
				'Split',
			]);
			expect(result.seen).toEqual(EXPECTED_FIELDS);
			const withField = (field: string) =>
				result.seen
					.filter((s) => s.fields.includes(field))
					.map((s) => `${s.resource} → ${s.operation}`);
			expect(withField('Extraction Options')).toEqual([
				'Extraction → Enqueue & Poll',
				'Extraction → Enqueue',
			]);
			expect(withField('Polling')).toEqual(
				['Extraction', 'Classification', 'Crop', 'OCR', 'Split'].map(
					(r) => `${r} → Enqueue & Poll`,
				),
			);
		},
	);

	step(
		"3. the model picker lists the fake server's extraction models, searches, and picks one",
		'model-picker',
		async () => {
			const result = await flow.modelPicker();
			expect(result.modes).toEqual(['From list', 'By ID']);
			expect(result.found).toEqual([
				'Extraction Without Webhooks',
				'Extraction Without Webhooks Key',
			]);
			expect(result.picked).toBe('Extraction Without Webhooks');
		},
	);

	step(
		'4. runs the workflow from the editor: simplified fields per invoice, then one item per line with Split Into Items',
		'run',
		async () => {
			const result = await flow.run();
			expect(result.simplified.count).toBe('3 items');
			expect(result.simplified.rows.map((r) => r.supplier_name)).toEqual([
				'John Smith',
				'John Smith',
				'John Smith',
			]);
			expect(result.split.count).toBe('9 items');
			expect(new Set(result.split.rows.map((r) => r.line_items__description))).toEqual(
				new Set(['Front and rear brake cables', 'New set of pedal arms', 'Labor 3hrs']),
			);
		},
	);

	step(
		'5. opens the Mindee Webhook Trigger: its production URL and the setup instructions',
		'trigger',
		async () => {
			trigger = await flow.trigger();
			expect(trigger.productionUrl).toBe(trigger.expectedUrl);
			expect(trigger.notice).toContain('Set up in Mindee');
			say(`trigger production URL: ${trigger.productionUrl}`);
		},
	);

	// Bug (nodes/Mindee/trigger/description.ts, setupNotice): n8n 2.x renders notices through
	// sanitize-html with only <a>, <ul> and <li> allowed (design-system N8nNotice), so the notice's
	// <b> and <i> are dropped and its <ol> is lost: the steps are no longer numbered and the heading
	// "Set up in Mindee" runs into the first step. n8n 1.123 kept them (sanitize-html defaults).
	it("5b. the trigger's setup notice is shown as written (no markup dropped by n8n 2.x)", () => {
		if (!trigger) throw new Error('step 5 did not run');
		expect({
			droppedTags: trigger.noticeTags.dropped,
			written: trigger.noticeTags.written,
		}).toEqual({
			droppedTags: [],
			written: trigger.noticeTags.written,
		});
	});

	it('no console errors from our panels during the whole run', () => {
		if (!flow) throw new Error('set-up failed (see beforeAll)');
		expect(flow.watch.report()).toBe('');
	});
});
