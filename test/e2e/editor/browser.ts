/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- runs the Chromium install script */
/**
 * Debian's Chromium driven by playwright-core (no Playwright browser download: only the npm and
 * Debian registries are reachable). `ensureChromium()` installs it with apt-get when missing
 * (scripts/services/ensure-chromium.sh, idempotent); `launchEditor()` opens a page at 1440x900,
 * already signed in to n8n with the owner's session cookie.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { chromium, selectors, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { REPO_ROOT } from '../harness';

/** Flags that work on this kind of machine (container, no GPU, no internet). */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export const VIEWPORT = { width: 1440, height: 900 };

/** Every n8n editor element of interest carries `data-test-id` (n8n's own Playwright tests use it). */
selectors.setTestIdAttribute('data-test-id');

let chromiumPath: string | undefined;

/** Path of the Chromium binary, installing Debian's `chromium` first if needed (root or sudo -n). */
export function ensureChromium(): string {
	if (chromiumPath) return chromiumPath;
	const script = path.join(REPO_ROOT, 'scripts', 'services', 'ensure-chromium.sh');
	let output: string;
	try {
		output = execFileSync('bash', [script], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
			timeout: 15 * 60_000,
		});
	} catch (error) {
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no node here: the harness's error, naming the script
		throw new Error(`${script} failed: ${(error as Error).message}`);
	}
	const found = /^CHROMIUM=(.+)$/m.exec(output)?.[1]?.trim();
	if (!found) throw new Error(`${script} printed no CHROMIUM=<path> line:\n${output}`);
	chromiumPath = found;
	return found;
}

export interface EditorBrowser {
	browser: Browser;
	context: BrowserContext;
	page: Page;
	close(): Promise<void>;
}

/**
 * A fresh browser (playwright-core gives it a fresh temporary --user-data-dir) with one page, the n8n
 * session cookie set for `baseUrl`. Default timeouts are generous: on two busy cores n8n's editor
 * takes 10-20 s to load.
 */
export async function launchEditor(args: {
	baseUrl: string;
	cookie: string;
}): Promise<EditorBrowser> {
	const browser = await chromium.launch({
		executablePath: ensureChromium(),
		headless: true,
		args: CHROMIUM_ARGS,
		timeout: 120_000,
	});
	try {
		const context = await browser.newContext({
			viewport: VIEWPORT,
			deviceScaleFactor: 1,
			locale: 'en-US',
		});
		context.setDefaultTimeout(30_000);
		context.setDefaultNavigationTimeout(120_000);
		const [name, ...rest] = args.cookie.split('=');
		await context.addCookies([{ name, value: rest.join('='), url: args.baseUrl }]);
		const page = await context.newPage();
		// Leaving a workflow with unsaved changes may ask "Leave site?": leaving is what the test wants.
		page.on('dialog', (dialog) => void dialog.accept().catch(() => undefined));
		return {
			browser,
			context,
			page,
			close: async () => {
				await context.close().catch(() => undefined);
				await browser.close().catch(() => undefined);
			},
		};
	} catch (error) {
		await browser.close().catch(() => undefined);
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no node here: the harness's error, after closing the browser
		throw error;
	}
}
