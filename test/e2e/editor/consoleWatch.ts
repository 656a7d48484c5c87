/**
 * Collects what the page reports on its console (errors and warnings) and its uncaught exceptions,
 * each tagged with the panel of ours that was open at that moment (`within('Mindee node panel', …)`).
 *
 * A message FAILS the test when it is an error (console.error or an uncaught exception) and either
 *  - occurred while one of our panels was open (credential modal, Mindee node panel, a run of the
 *    workflow, trigger panel), or
 *  - mentions our package anywhere (node, credential, package or type names),
 * unless it matches IGNORED below. Errors elsewhere that do not mention us (n8n's own pages) are
 * reported but do not fail: they are n8n's, not this package's.
 */
import type { ConsoleMessage, Page } from 'playwright-core';

export interface ConsoleEntry {
	kind: 'error' | 'warning' | 'pageerror';
	text: string;
	/** Source URL of the message, when the browser gives one. */
	url?: string;
	/** The panel of ours that was open, or null. */
	panel: string | null;
}

/** Anything naming this package, its nodes or credentials. */
const MENTIONS_US = /mindee/i;

/**
 * Known noise, unrelated to our panels. Each entry says why it is safe to ignore.
 * Keep this list short: a new entry needs a reason that holds whatever our nodes do.
 */
export const IGNORED: Array<{
	reason: string;
	test: (entry: ConsoleEntry, origin: string) => boolean;
}> = [
	{
		reason:
			'a resource on another host failed to load: this machine has no internet, and the editor may ' +
			'reach for n8n.io / telemetry / CDN hosts; our nodes and credentials only load from the n8n origin',
		test: (entry, origin) =>
			entry.kind === 'error' &&
			/^Failed to load resource/.test(entry.text) &&
			!!entry.url &&
			!entry.url.startsWith(origin),
	},
	{
		reason:
			"n8n's editor asks for a community node's optional output schema " +
			"(/schemas/<node type>/<version>/<resource>/<operation>.json, the package's __schema__ files " +
			'used for the schema preview) and gets 404 when the package ships none, as this one does; ' +
			'the editor then works without a preview',
		test: (entry, origin) =>
			entry.kind === 'error' &&
			/status of 404/.test(entry.text) &&
			!!entry.url &&
			entry.url.startsWith(`${origin}/schemas/`),
	},
	{
		reason:
			"n8n 1.123's credential type list asks its own /rest/external-secrets/secrets (an Enterprise " +
			'feature) and gets 404 when unlicensed; n8n then lists the types without secrets',
		test: (entry, origin) =>
			entry.kind === 'error' &&
			/status of 404/.test(entry.text) &&
			entry.url === `${origin}/rest/external-secrets/secrets`,
	},
	{
		reason:
			"n8n 1.123's editor asks its own /rest/ai/sessions/metadata (the AI workflow builder's chat " +
			'history, licence feature aiBuilder) whenever a workflow opens, whatever the licence, and logs ' +
			'the 403 and "Failed to fetch sessions metadata" when unlicensed (n8n issue GHC-5776, fixed ' +
			'in 2.x); no feature switch stops the request, and it concerns no node',
		test: (entry, origin) =>
			entry.kind === 'error' &&
			((/status of 403/.test(entry.text) && entry.url === `${origin}/rest/ai/sessions/metadata`) ||
				/^Failed to fetch sessions metadata:/.test(entry.text)),
	},
	{
		reason:
			"n8n 1.123's editor asks its own /rest/workflows/<id>/executions/last-successful whenever a " +
			'workflow opens or its run data is cleared, and the answer is 404 until the workflow has run ' +
			'successfully once; n8n catches it (nothing shown) and the run goes on',
		test: (entry, origin) =>
			entry.kind === 'error' &&
			/status of 404/.test(entry.text) &&
			!!entry.url &&
			/^\/rest\/workflows\/[^/]+\/executions\/last-successful$/.test(
				entry.url.startsWith(origin) ? entry.url.slice(origin.length) : entry.url,
			),
	},
];

export class ConsoleWatch {
	readonly entries: ConsoleEntry[] = [];
	private panel: string | null = null;

	constructor(
		readonly page: Page,
		/** The n8n origin, e.g. http://127.0.0.1:5678 (resources from it are never ignored). */
		readonly origin: string,
	) {
		page.on('console', (message: ConsoleMessage) => {
			const type = message.type();
			if (type !== 'error' && type !== 'warning') return;
			this.entries.push({
				kind: type === 'error' ? 'error' : 'warning',
				text: message.text(),
				url: message.location()?.url || undefined,
				panel: this.panel,
			});
		});
		page.on('pageerror', (error: Error) => {
			this.entries.push({
				kind: 'pageerror',
				text: error.stack || `${error.name}: ${error.message}`,
				panel: this.panel,
			});
		});
	}

	/** Runs `action` with `panel` marked open; whatever the page reports meanwhile is ours. */
	async within<T>(panel: string, action: () => Promise<T>): Promise<T> {
		const previous = this.panel;
		this.panel = panel;
		try {
			return await action();
		} finally {
			// Late messages (a request answered after the panel closed) are still attributed to it.
			await this.page.waitForTimeout(300).catch(() => undefined);
			this.panel = previous;
		}
	}

	private ignoredBy(entry: ConsoleEntry) {
		return IGNORED.find((rule) => rule.test(entry, this.origin));
	}

	/** Errors that fail the test (see the header). */
	failures(): ConsoleEntry[] {
		return this.entries.filter(
			(entry) =>
				entry.kind !== 'warning' &&
				(entry.panel !== null || MENTIONS_US.test(`${entry.text} ${entry.url ?? ''}`)) &&
				!this.ignoredBy(entry),
		);
	}

	/** Everything else worth printing: n8n's own errors elsewhere, warnings, ignored noise. */
	notes(): string[] {
		const failing = new Set(this.failures());
		return this.entries
			.filter((entry) => !failing.has(entry))
			.map((entry) => {
				const rule = this.ignoredBy(entry);
				return `${format(entry)}${rule ? `  [ignored: ${rule.reason}]` : ''}`;
			});
	}

	report(entries = this.failures()): string {
		return entries.map(format).join('\n');
	}
}

function format(entry: ConsoleEntry): string {
	return `[${entry.kind}${entry.panel ? ` while "${entry.panel}" was open` : ''}] ${entry.text}${
		entry.url ? ` (${entry.url})` : ''
	}`;
}
