/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * `npm run screenshots`: regenerates the README's screenshots (docs/*.png, 1440x900) by running the
 * browser test's user flow (test/e2e/editor/flow.ts) against the same local n8n as `npm start`:
 *
 *   docs/credential.png       the "Mindee Platform API" credential, tested successfully
 *   docs/node-panel.png       the Mindee node's panel, a model picked from the list
 *   docs/workflow-canvas.png  the invoice-intake example after a run from the editor
 *   docs/output-table.png     the Mindee node's output table, one item per invoice line
 *   docs/trigger-panel.png    the Mindee Webhook Trigger: production URL and setup instructions
 *
 * Installs Debian's chromium first if missing (scripts/services/ensure-chromium.sh). Every check of
 * the flow applies: a failing step stops the script with a non-zero exit and writes nothing more.
 * SCREENSHOTS_DIR=<dir> writes elsewhere than docs/.
 */
import * as path from 'path';

import { ensureChromium, launchEditor, type EditorBrowser } from '../test/e2e/editor/browser';
import { startDemoInstance, type DemoInstance } from '../test/e2e/editor/demoInstance';
import { EditorFlow } from '../test/e2e/editor/flow';
import { REPO_ROOT } from '../test/e2e/harness';

const say = (message: string) => process.stdout.write(`[screenshots] ${message}\n`);

async function main(): Promise<void> {
	const dir = path.resolve(process.env.SCREENSHOTS_DIR ?? path.join(REPO_ROOT, 'docs'));
	say(`chromium: ${ensureChromium()}`);
	let demo: DemoInstance | undefined;
	let browser: EditorBrowser | undefined;
	let flow: EditorFlow | undefined;
	let step = 'set-up';
	try {
		demo = await startDemoInstance({ version: process.env.N8N_VERSION ?? '2.41.1', log: say });
		browser = await launchEditor({ baseUrl: demo.n8n.baseUrl, cookie: await demo.login() });
		flow = new EditorFlow({ demo, page: browser.page, screenshotsDir: dir, log: say });
		for (const name of ['credential', 'nodePanel', 'modelPicker', 'run', 'trigger'] as const) {
			step = name;
			say(`step: ${name}`);
			const result = await flow[name]();
			if (name === 'trigger') {
				const { dropped } = (result as Awaited<ReturnType<EditorFlow['trigger']>>).noticeTags;
				if (dropped.length > 0)
					say(`note: n8n dropped <${dropped.join('>, <')}> from the trigger's setup notice`);
			}
		}
		const errors = flow.watch.failures();
		if (errors.length > 0)
			throw new Error(`console errors from our panels:\n${flow.watch.report(errors)}`);
		say(`done: ${flow.screenshots.map((f) => path.relative(REPO_ROOT, f)).join(', ')}`);
	} catch (error) {
		const shot = await flow?.failureShot(step);
		process.stderr.write(
			`[screenshots] failed at step "${step}": ${(error as Error).stack ?? error}${shot ? `\n(page at the failure: ${shot})` : ''}\n`,
		);
		process.exitCode = 1;
	} finally {
		await browser?.close();
		await demo?.stop();
	}
}

void main();
