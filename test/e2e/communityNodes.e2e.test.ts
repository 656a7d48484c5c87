/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Installed the way users install it: from an npm registry, through n8n's *Settings → Community
 * nodes* screen, driven in Chromium as the owner (playwright-core, see editor/browser.ts). One
 * `describe` per n8n version, its steps in order:
 *
 *   1. publish to a local registry (Verdaccio, harness/registry.ts) with publish.yml's steps, less
 *      provenance: build, the tarball-contents check (`npm run check:package`), `npm publish`
 *   2. (refused by n8n without the licence feature, see below) Settings → Community nodes → Install →
 *      `n8n-nodes-mindee`, accept the risk → Install: the
 *      package's card; both nodes in the nodes panel for "Mindee"; both credential types offered
 *   3. the "Mindee Platform API" credential created in the credential modal, the invoice-intake
 *      example imported (n8n's REST API, as the owner), run from the editor against the fake Mindee
 *   4. 0.1.1 published: the card offers Update → Confirm update; the saved workflow opens without
 *      warnings and gives the same output
 *   5. ⋯ → Uninstall → Confirm uninstall: the nodes leave the panel, the workflow opens with the nodes
 *      shown as not installed, n8n keeps running; installing again makes the workflow run again
 *
 * n8n only installs from a registry other than registry.npmjs.org with an Enterprise licence
 * (`feat:communityNodes:customRegistry`, checked by CommunityPackagesService.getNpmRegistry in both
 * versions). The test turns that one feature on with n8n's own test hook (E2E_TESTS=true, then PATCH
 * /rest/e2e/feature), which is what n8n's Playwright tests do; see registryEnv() for the rest.
 *
 * Screenshots go to .tmp/community-nodes-e2e/<version>/ (E2E_COMMUNITY_SCREENSHOTS_DIR to change);
 * the 2.41.1 run's community-nodes-installed.png is the one in docs/.
 *
 *   E2E_N8N_VERSIONS=2.41.1 npx jest --selectProjects e2e --runInBand --testPathPatterns communityNodes
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';

import { contentsProblems } from '../../scripts/checkPackageContents';
import { ensureChromium, launchEditor, type EditorBrowser } from './editor/browser';
import { CommunityNodesPage, NodesPanel, type NodeCreatorItem } from './editor/communityNodes';
import { ConsoleWatch, type ConsoleEntry } from './editor/consoleWatch';
import { startDemoInstance, DEMO_INVOICES, type DemoInstance } from './editor/demoInstance';
import { EXPECTED_OPERATIONS } from './editor/flow';
import { Canvas, CredentialsPage, NodePanel } from './editor/pages';
import { e2eVersions, REPO_ROOT } from './harness';
import { startRegistry, type Registry } from './harness/registry';
import { withoutKey } from '../withoutKey';

const PACKAGE = 'n8n-nodes-mindee';
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const FIRST_VERSION: string = pkg.version;
/** The next patch version, published from a copy (the repository's package.json is never touched). */
const NEXT_VERSION = FIRST_VERSION.replace(/\d+$/, (patch) => String(Number(patch) + 1));
const OUR_NODE_TYPES = [`${PACKAGE}.mindee`, `${PACKAGE}.mindeeTrigger`];
const EXAMPLE = 'invoice-intake.json';
const MINDEE_NODE = 'Extract with Mindee';
const LAST_NODE = 'Invoice fields';

const SCREENSHOTS_ROOT =
	process.env.E2E_COMMUNITY_SCREENSHOTS_DIR ?? path.join(REPO_ROOT, '.tmp', 'community-nodes-e2e');
// First run: apt-get install chromium, n8n install (15-30 min, cached afterwards), build.
const SETUP_TIMEOUT = 40 * 60_000;
const STEP_TIMEOUT = 10 * 60_000;

/**
 * What n8n needs to install from the local registry:
 *  - N8N_COMMUNITY_PACKAGES_REGISTRY: the registry n8n's installer passes to `npm pack`/`npm install`
 *    (`--registry`) and queries for the version (documented for private registries; Enterprise);
 *  - npm_config_registry: n8n runs `npm outdated --json` for the update check WITHOUT `--registry`
 *    (community-packages lifecycle service / controller), so npm's own setting must name it too.
 *    n8n 1.x runs that command with only PATH, NODE_PATH, APPDATA and NODE_ENV in its environment
 *    (CommunityPackagesService.executeNpmCommand), so there the registry goes into the nodes
 *    folder's own .npmrc (npm's project config, as that command runs in <n8n folder>/nodes): step 4;
 *  - E2E_TESTS=true: exposes n8n's /rest/e2e/feature, to turn the custom-registry licence feature on;
 *  - N8N_COMMUNITY_PACKAGES_ENABLED / N8N_UNVERIFIED_PACKAGES_ENABLED=true (harness defaults).
 */
function registryEnv(url: string): Record<string, string> {
	return {
		E2E_TESTS: 'true',
		N8N_COMMUNITY_PACKAGES_REGISTRY: url,
		npm_config_registry: `${url}/`,
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
	};
}

/** n8n's E2E mode marks the page (red frame, "E2E MODE" badge): hidden in the README's pictures. */
const SCREENSHOT_CSS = [
	'.el-notification, .el-message { display: none !important; }',
	'[data-test-id="e2e-test-mode-marker"] { display: none !important; }',
	'body, #app, #app > div { outline: none !important; border: none !important; box-shadow: none !important; }',
].join('\n');

/** Resources × operations of our Mindee node: the actions n8n lists for it in the nodes panel. */
const OPERATION_COUNT = Object.values(EXPECTED_OPERATIONS).flat().length;

const describeItems = (items: NodeCreatorItem[]) =>
	JSON.stringify(items.map((i) => `${i.name} (${i.description}) [${i.iconPackage}]`));

const say = (message: string) => process.stdout.write(`[community nodes e2e] ${message}\n`);

interface InstalledPackage {
	packageName: string;
	installedVersion: string;
	installedNodes: Array<{ type: string; name: string }>;
	updateAvailable?: string;
}

for (const version of e2eVersions()) {
	describe(`n8n ${version}: installed from an npm registry through Settings → Community nodes (Chromium)`, () => {
		const screenshots = path.join(SCREENSHOTS_ROOT, version);
		let registry: Registry | undefined;
		let demo: DemoInstance | undefined;
		let browser: EditorBrowser | undefined;
		let watch: ConsoleWatch;
		let cookie = '';
		let community: CommunityNodesPage;
		let panel: NodesPanel;
		let credentials: CredentialsPage;
		let canvas: Canvas;
		let searchBefore: NodeCreatorItem[] = [];
		let workflowId = '';
		let firstOutput: Array<Record<string, string>> | undefined;
		const done: string[] = [];

		beforeAll(async () => {
			say(`chromium: ${ensureChromium()}`);
			registry = await startRegistry({ log: say });
			demo = await startDemoInstance({
				version,
				log: say,
				installPackage: false,
				credentials: false,
				examples: false,
				env: registryEnv(registry.url),
			});
			cookie = await demo.login();
			browser = await launchEditor({ baseUrl: demo.n8n.baseUrl, cookie });
			watch = new ConsoleWatch(browser.page, demo.n8n.baseUrl);
			community = new CommunityNodesPage(browser.page, demo.n8n.baseUrl);
			panel = new NodesPanel(browser.page, demo.n8n.baseUrl);
			credentials = new CredentialsPage(browser.page, demo.n8n.baseUrl);
			canvas = new Canvas(browser.page, demo.n8n.baseUrl);
			say(`n8n ${version} at ${demo.n8n.baseUrl}, registry at ${registry.url}`);
		}, SETUP_TIMEOUT);

		afterAll(async () => {
			const notes = watch?.notes() ?? [];
			if (notes.length > 0)
				say(`console messages that did not fail the test:\n  ${notes.join('\n  ')}`);
			await browser?.close();
			await demo?.stop();
			await registry?.stop();
		}, 120_000);

		/** Steps run in order: a step whose predecessor failed fails at once, saying so. */
		function step(index: number, title: string, body: () => Promise<void>): void {
			it(
				`${index}. ${title}`,
				async () => {
					if (!demo || !registry || !browser) throw new Error('set-up failed (see beforeAll)');
					if (done.length !== index - 1) throw new Error(`step ${done.length + 1} did not pass`);
					const before = new Set<ConsoleEntry>(watch.failures());
					try {
						await body();
					} catch (error) {
						const file = path.join(screenshots, `failed-step-${index}.png`);
						mkdirSync(screenshots, { recursive: true });
						await browser.page.screenshot({ path: file }).catch(() => undefined);
						(error as Error).message +=
							`\n(page at the failure: ${file})\nn8n:\n${demo.n8n.serverLogs(30)}`;
						// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no node here: the test's own error, with the screenshot and n8n's log added
						throw error;
					}
					const fresh = watch.failures().filter((entry) => !before.has(entry));
					if (fresh.length > 0)
						throw new Error(`console errors during this step:\n${watch.report(fresh)}`);
					done.push(title);
				},
				STEP_TIMEOUT,
			);
		}

		const page = () => browser!.page;
		const n8n = () => demo!.n8n;

		async function shot(name: string): Promise<void> {
			mkdirSync(screenshots, { recursive: true });
			await page().mouse.move(page().viewportSize()!.width / 2, 1);
			await page().waitForTimeout(400);
			await page().screenshot({
				path: path.join(screenshots, name),
				style: SCREENSHOT_CSS,
				animations: 'disabled',
			});
			say(`screenshot ${path.relative(REPO_ROOT, path.join(screenshots, name))}`);
		}

		/** n8n's REST API as the signed-in owner (`data` unwrapped). */
		async function rest<T>(method: string, urlPath: string, body?: unknown): Promise<T> {
			const res = await n8n().request(method, urlPath, {
				headers: { cookie, 'content-type': 'application/json', 'browser-id': 'e2e' },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			if (res.status >= 300)
				throw new Error(`${method} ${urlPath} answered ${res.status}: ${res.body.slice(0, 500)}`);
			return (JSON.parse(res.body) as { data: T }).data;
		}

		const installedPackages = () => rest<InstalledPackage[]>('GET', '/rest/community-packages');

		/** package.json of the package as n8n's installer left it in <user folder>/.n8n/nodes. */
		function onDisk(): { version: string } | undefined {
			const file = path.join(n8n().n8nFolder, 'nodes', 'node_modules', PACKAGE, 'package.json');
			return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
		}

		async function searchNodes(): Promise<NodeCreatorItem[]> {
			await panel.openOnNewWorkflow();
			const items = await panel.search('Mindee');
			await panel.close();
			return items;
		}

		/** Canvas nodes showing n8n's issue/warning mark (a missing credential, an unknown node type…). */
		async function nodesWithWarnings(): Promise<string[]> {
			return await page()
				.locator('[data-test-id="canvas-node"]')
				.filter({
					has: page().locator(
						'[data-test-id="node-issues"], [data-test-id="canvas-node-status-warning"], [data-test-id="canvas-node-status-error"]',
					),
				})
				.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node-name') ?? ''));
		}

		/** Opens the saved workflow, runs it from the editor, returns the last node's output table. */
		async function runSavedWorkflow(): Promise<Array<Record<string, string>>> {
			return await watch.within('workflow run', async () => {
				demo!.fake.reset();
				await canvas.openWorkflow(workflowId, MINDEE_NODE);
				expect({ nodesWithWarnings: await nodesWithWarnings() }).toEqual({ nodesWithWarnings: [] });
				await canvas.executeWorkflow(LAST_NODE);
				const enqueues = demo!.fake.requests.filter(
					(r) => r.method === 'POST' && /\/enqueue$/.test(r.path),
				);
				expect(enqueues).toHaveLength(DEMO_INVOICES.length);
				expect((await canvas.edgeLabels())[MINDEE_NODE]).toBe(`${DEMO_INVOICES.length} items`);
				const node = await canvas.openNode(LAST_NODE);
				const output = node.output();
				await output.waitForItemCount(`${DEMO_INVOICES.length} items`);
				await output.showTable();
				const { rows } = await output.table();
				await node.close();
				// The table's unnamed first column (row controls) carries no data.
				return rows.map((row) => withoutKey(row, ''));
			});
		}

		step(
			1,
			`publishes ${PACKAGE} to a local registry with publish.yml's steps (build, contents check, npm publish)`,
			async () => {
				const published = await registry!.publishRepository();
				expect({ name: published.name, version: published.version }).toEqual({
					name: PACKAGE,
					version: FIRST_VERSION,
				});
				expect(contentsProblems(published.files, pkg)).toEqual([]);
				expect(await registry!.packument(PACKAGE)).toEqual({
					versions: [FIRST_VERSION],
					latest: FIRST_VERSION,
				});
				// No uplink: a package we did not publish is unknown to this registry.
				expect(await registry!.packument('left-pad')).toEqual({ versions: [] });
			},
		);

		step(
			2,
			'installs it from Settings → Community nodes; both nodes in the nodes panel, both credential types offered',
			async () => {
				// Without the licence feature n8n refuses a registry other than npmjs, before downloading
				// anything; with it (n8n's test hook), the same install goes through below.
				const refused = await n8n().request('POST', '/rest/community-packages', {
					headers: { cookie, 'content-type': 'application/json', 'browser-id': 'e2e' },
					body: JSON.stringify({ name: PACKAGE }),
				});
				say(`install without the licence feature: ${refused.status} ${refused.body.slice(0, 300)}`);
				expect(refused.status).toBeGreaterThanOrEqual(400);
				expect(refused.body).toMatch(/licen[cs]/i);
				expect(onDisk()).toBeUndefined();
				const feature = await n8n().request('PATCH', '/rest/e2e/feature', {
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ feature: 'feat:communityNodes:customRegistry', enabled: true }),
				});
				expect(feature.status).toBe(200);

				searchBefore = await searchNodes();
				expect(searchBefore.filter((i) => i.iconPackage === PACKAGE)).toEqual([]);

				await community.open();
				expect(await community.listed()).toEqual([]);
				const { installEnabledBeforeConsent } = await community.fillInstall(PACKAGE);
				expect(installEnabledBeforeConsent).toBe(false);
				if (version === '2.41.1') await shot('community-nodes-install-dialog.png');
				await community.confirmInstall(PACKAGE);
				const cards = await community.listed();
				expect(cards.map((c) => c.name)).toEqual([PACKAGE]);
				expect(cards[0].text).toContain(`v${FIRST_VERSION}`);
				expect(cards[0].text).toMatch(/Mindee V2\s*,\s*Mindee Webhook Trigger/);
				await shot('community-nodes-installed.png');

				// What n8n's installer did: fetched 0.1.0 from the registry into .n8n/nodes, recorded both nodes.
				expect(onDisk()?.version).toBe(FIRST_VERSION);
				const [installed] = await installedPackages();
				expect(installed.packageName).toBe(PACKAGE);
				expect(installed.installedVersion).toBe(FIRST_VERSION);
				expect(installed.installedNodes.map((n) => n.type).sort()).toEqual(OUR_NODE_TYPES);

				// The nodes panel: one more item for "Mindee", with our icon and named "Mindee V2", so that it is
				// told apart from n8n's built-in "Mindee" (Mindee's V1 API); opened, it lists our trigger and
				// every operation of our Mindee node as actions.
				await panel.openOnNewWorkflow();
				const searchAfter = await panel.search('Mindee');
				say(
					`nodes panel for "Mindee": before ${describeItems(searchBefore)}, after ${describeItems(searchAfter)}`,
				);
				expect(searchAfter.filter((i) => i.iconPackage !== PACKAGE)).toEqual(searchBefore);
				const ours = searchAfter.filter((i) => i.iconPackage === PACKAGE);
				expect(ours.map((i) => i.name)).toEqual(['Mindee V2']);
				expect(searchBefore.map((i) => i.name)).not.toContain('Mindee V2');
				const opened = await panel.openItem(searchAfter.indexOf(ours[0]));
				say(`our "Mindee V2" opened: ${opened.text}`);
				await panel.close();
				expect(opened.text).toContain('Triggers (1)');
				expect(opened.names).toContain('On new Mindee Webhook event');
				expect(opened.text).toContain(`Actions (${OPERATION_COUNT})`);

				await credentials.open();
				const offered = await watch.within('credential type list', () =>
					credentials.offeredTypes('Mindee'),
				);
				say(`credential types offered for "Mindee": ${JSON.stringify(offered)}`);
				expect(offered).toEqual(
					expect.arrayContaining(['Mindee Platform API', 'Mindee Webhook API']),
				);
			},
		);

		step(
			3,
			'creates the credential in the UI, imports the invoice-intake example and runs it: items appear',
			async () => {
				const fake = demo!.fake;
				await credentials.open();
				await watch.within('credential modal', async () => {
					const { modal } = await credentials.create('Mindee', 'Mindee Platform API');
					await modal.fill('apiKey', fake.apiKey);
					await modal.fill('baseUrl', fake.url);
					await modal.save();
					await modal.successBanner().waitFor({ timeout: 60_000 });
					await modal.close();
				});
				const saved = (
					await rest<Array<{ id: string; name: string; type: string }>>('GET', '/rest/credentials')
				).filter((c) => c.type === 'mindeePlatformApi');
				expect(saved).toHaveLength(1);

				// The example as shipped, its Mindee node pointed at the credential just created.
				const example = demo!.example(EXAMPLE).workflow;
				const nodes = example.nodes.map((node) =>
					node.credentials
						? {
								...node,
								credentials: { mindeePlatformApi: { id: saved[0].id, name: saved[0].name } },
							}
						: node,
				);
				const { id: _id, ...withoutId } = example;
				void _id;
				const created = await rest<{ id: string }>('POST', '/rest/workflows', {
					// n8n 1.123 requires it (NOT NULL column); 2.41 defaults it.
					active: false,
					...withoutId,
					nodes,
				});
				workflowId = created.id;

				// The warning check below sees warnings: the same example without its credential opens with
				// one on the Mindee node.
				const control = await rest<{ id: string }>('POST', '/rest/workflows', {
					// n8n 1.123 requires it (NOT NULL column); 2.41 defaults it.
					active: false,
					...withoutId,
					name: `${example.name} (no credential)`,
					nodes: example.nodes.map((node) => withoutKey(node, 'credentials')),
				});
				await canvas.openWorkflow(control.id, MINDEE_NODE);
				expect(await nodesWithWarnings()).toEqual([MINDEE_NODE]);

				firstOutput = await runSavedWorkflow();
				say(`first run: ${JSON.stringify(firstOutput)}`);
				expect(firstOutput).toHaveLength(DEMO_INVOICES.length);
				expect(firstOutput.map((r) => r.file).sort()).toEqual([...DEMO_INVOICES].sort());
				expect(firstOutput.every((r) => r.invoice_number && r.supplier)).toBe(true);
				await shot('workflow-run-before-update.png');
			},
		);

		step(
			4,
			`publishes ${NEXT_VERSION}; the screen offers the update, it applies, and the saved workflow runs the same`,
			async () => {
				const published = await registry!.publishCopy(NEXT_VERSION);
				expect(published.version).toBe(NEXT_VERSION);
				expect(await registry!.packument(PACKAGE)).toEqual({
					versions: [FIRST_VERSION, NEXT_VERSION],
					latest: NEXT_VERSION,
				});

				if (n8n().major < 2) {
					// n8n 1.x's update check (`npm outdated`) sees no environment: see registryEnv().
					writeFileSync(
						path.join(n8n().n8nFolder, 'nodes', '.npmrc'),
						`registry=${registry!.url}/\n`,
					);
				}

				await community.open();
				await community.updateButton(PACKAGE).waitFor({ timeout: 60_000 });
				expect((await installedPackages())[0].updateAvailable).toBe(NEXT_VERSION);
				await shot('community-nodes-update-offered.png');
				await community.update(PACKAGE, NEXT_VERSION);
				expect(await community.updateButton(PACKAGE).count()).toBe(0);
				expect(onDisk()?.version).toBe(NEXT_VERSION);
				const [installed] = await installedPackages();
				expect(installed.installedVersion).toBe(NEXT_VERSION);
				expect(installed.installedNodes.map((n) => n.type).sort()).toEqual(OUR_NODE_TYPES);

				const output = await runSavedWorkflow();
				expect(output).toEqual(firstOutput);
			},
		);

		step(
			5,
			'uninstalls from the screen: nodes leave the panel, the workflow shows them missing, n8n keeps running; reinstalling brings it back',
			async () => {
				await community.open();
				await community.uninstall(PACKAGE);
				expect(await community.listed()).toEqual([]);
				expect(await installedPackages()).toEqual([]);
				expect(onDisk()).toBeUndefined();

				expect(await searchNodes()).toEqual(searchBefore);

				// The saved workflow still opens; the Mindee node is there, shown as not installed.
				await canvas.openWorkflow(workflowId, MINDEE_NODE);
				expect((await canvas.nodeNames()).sort()).toEqual(
					demo!
						.example(EXAMPLE)
						.workflow.nodes.map((n) => String(n.name))
						.sort(),
				);
				// n8n's normal behaviour for a node whose package is gone: its panel says so and offers to
				// install it (no parameters).
				await canvas.node(MINDEE_NODE).dblclick();
				const ndv = page().getByTestId('ndv');
				await ndv.getByText(/not currently installed/).waitFor();
				const text = (await ndv.innerText()).replace(/\s+/g, ' ');
				say(`the uninstalled node's panel says: ${text.slice(0, 300)}`);
				expect(text).toContain('This node is not currently installed');
				expect(text).toContain(`part of the ${PACKAGE} community package`);
				expect(await ndv.getByTestId('node-parameters').count()).toBe(0);
				await shot('workflow-node-not-installed.png');
				await new NodePanel(page()).close();

				// n8n itself is fine.
				expect(() => process.kill(n8n().serverPid!, 0)).not.toThrow();
				expect((await n8n().request('GET', '/healthz')).status).toBe(200);

				// Installing again (the latest version) makes the workflow work again.
				await community.open();
				await community.fillInstall(PACKAGE);
				await community.confirmInstall(PACKAGE);
				expect((await installedPackages())[0].installedVersion).toBe(NEXT_VERSION);
				const output = await runSavedWorkflow();
				expect(output).toEqual(firstOutput);
			},
		);

		it('no console errors from our panels during the whole run', () => {
			if (!watch) throw new Error('set-up failed (see beforeAll)');
			expect(watch.report()).toBe('');
		});
	});
}
