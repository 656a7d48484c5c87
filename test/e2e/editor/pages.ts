/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Page helpers for n8n 2.41's editor, built on the `data-test-id` attributes n8n's own Playwright
 * tests use (packages/testing/playwright/pages in n8n-io/n8n): credentials list and modal, canvas,
 * node details view (NDV) with its parameters, resource locator and output table.
 */
import type { Locator, Page } from 'playwright-core';

export function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function exactly(text: string): RegExp {
	return new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);
}

/** Polls `read` until `accept` holds (or throws with the last value seen). */
export async function waitUntil<T>(
	what: string,
	read: () => Promise<T>,
	accept: (value: T) => boolean,
	{ timeoutMs = 30_000, intervalMs = 250 } = {},
): Promise<T> {
	const started = Date.now();
	let last: T | undefined;
	let lastError: unknown;
	while (Date.now() - started < timeoutMs) {
		try {
			last = await read();
			if (accept(last)) return last;
		} catch (error) {
			lastError = error;
		}
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
	throw new Error(
		`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}; last seen: ${JSON.stringify(last)}${
			lastError ? ` (last error: ${(lastError as Error).message})` : ''
		}`,
	);
}

// ------------------------------------------------------------------ credentials

/**
 * Types into a filterable select key by key: n8n 1.123's credential-type select filters on key
 * events only (fill() leaves the whole list), 2.41's on either.
 */
async function typeSearch(input: Locator, text: string): Promise<void> {
	await input.click();
	await input.fill('');
	await input.pressSequentially(text, { delay: 30 });
}

export class CredentialsPage {
	constructor(
		readonly page: Page,
		readonly baseUrl: string,
	) {}

	async open(): Promise<void> {
		await this.page.goto(`${this.baseUrl}/home/credentials`, { waitUntil: 'domcontentloaded' });
		// The list, or (no credential yet) the "Create credential" button of the empty page.
		await this.page
			.getByTestId('resources-list')
			.or(this.page.getByTestId('add-resource-credential'))
			.first()
			.waitFor({ timeout: 120_000 });
	}

	/**
	 * Create credential → search the type: the type names listed, then the selector closed again
	 * (nothing created).
	 */
	async offeredTypes(search: string): Promise<string[]> {
		await this.page.getByTestId('add-resource-credential').click();
		const select = this.page.getByTestId('new-credential-type-select');
		await typeSearch(select.locator('input').first(), search);
		// n8n 1.123 keeps filtered-out options in the page, hidden.
		const options = this.page
			.getByTestId('new-credential-type-select-option')
			.filter({ visible: true });
		const pattern = new RegExp(escapeRegExp(search), 'i');
		const listed = await waitUntil(
			`credential types listed for "${search}"`,
			async () => (await options.allInnerTexts()).map((t) => t.trim()),
			(names) => names.length > 0 && names.every((n) => pattern.test(n)),
		);
		for (let i = 0; i < 3 && (await select.isVisible()); i++) {
			await this.page.keyboard.press('Escape');
			await this.page.waitForTimeout(300);
		}
		await select.waitFor({ state: 'hidden' });
		return listed;
	}

	/** Create credential → search the type → pick it → Continue. Returns the types the search listed. */
	async create(
		search: string,
		typeName: string,
	): Promise<{ listed: string[]; modal: CredentialModal }> {
		await this.page.getByTestId('add-resource-credential').click();
		const select = this.page.getByTestId('new-credential-type-select');
		await typeSearch(select.locator('input').first(), search);
		const options = this.page.getByTestId('new-credential-type-select-option');
		await options.filter({ hasText: exactly(typeName) }).waitFor();
		const listed = (await options.allInnerTexts()).map((t) => t.trim());
		await options.filter({ hasText: exactly(typeName) }).click();
		await this.page.getByTestId('new-credential-type-button').click();
		const modal = new CredentialModal(this.page.getByTestId('editCredential-modal'));
		await modal.root.waitFor();
		return { listed, modal };
	}
}

export class CredentialModal {
	constructor(readonly root: Locator) {}

	async title(): Promise<string> {
		return (await this.root.getByTestId('credential-name').innerText()).trim();
	}

	/** The labels of the credential's fields, in order. */
	async fieldLabels(): Promise<string[]> {
		return await visibleLabels(
			this.root.getByTestId('credential-connection-parameter').first().locator('..'),
		);
	}

	async fill(field: string, value: string): Promise<void> {
		const input = this.root
			.getByTestId(`parameter-input-${field}`)
			.locator('input, textarea')
			.first();
		await input.fill(value);
	}

	/** Save: n8n saves, then runs the credential's test (there is no separate Test button). */
	async save(): Promise<void> {
		await this.root.getByTestId('credential-save-button').click();
	}

	/** "Retry" on the test banner runs the credential's test again. */
	async retest(): Promise<void> {
		await this.root.getByRole('button', { name: 'Retry' }).click();
	}

	successBanner(): Locator {
		return this.root.getByTestId('credentials-config-container-test-success');
	}

	failureBanner(): Locator {
		return this.root.getByText(/Couldn.t connect with these settings/);
	}

	/** Waits for the failure banner, opens "More details" and returns the whole banner text. */
	async failureDetails(): Promise<string> {
		await this.failureBanner().waitFor({ timeout: 60_000 });
		const more = this.root.getByText('More details', { exact: true });
		if (await more.isVisible()) await more.click();
		const container = this.root.getByTestId('node-credentials-config-container');
		return await waitUntil(
			'the credential test error details',
			async () => (await container.innerText()).replace(/\s+/g, ' '),
			(text) => !/More details/.test(text) && /Retry/.test(text),
			{ timeoutMs: 10_000 },
		);
	}

	async close(): Promise<void> {
		await this.root.locator('.el-dialog__headerbtn, .el-dialog__close').first().click();
		await this.root.waitFor({ state: 'hidden' });
	}
}

// ------------------------------------------------------------------ canvas

export class Canvas {
	constructor(
		readonly page: Page,
		readonly baseUrl: string,
	) {}

	async openWorkflow(id: string, firstNode: string): Promise<void> {
		await this.page.goto(`${this.baseUrl}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
		await this.node(firstNode).waitFor({ timeout: 120_000 });
	}

	node(name: string): Locator {
		return this.page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
	}

	async nodeNames(): Promise<string[]> {
		return await this.page
			.getByTestId('canvas-node')
			.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node-name') ?? ''));
	}

	async openNode(name: string): Promise<NodePanel> {
		await this.node(name).dblclick();
		const panel = new NodePanel(this.page);
		await panel.root.waitFor();
		await panel.root.getByTestId('node-parameters').waitFor();
		return panel;
	}

	/** "Execute workflow", then waits until `lastNode` shows success (or any node an error). */
	async executeWorkflow(lastNode: string, { timeoutMs = 120_000 } = {}): Promise<void> {
		await this.page.getByTestId('execute-workflow-button').click();
		const status = await waitUntil(
			`"${lastNode}" to finish`,
			async () => {
				if ((await this.page.getByTestId('canvas-node-status-error').count()) > 0) return 'error';
				return (await this.node(lastNode).getByTestId('canvas-node-status-success').count()) > 0
					? 'success'
					: 'running';
			},
			(s) => s !== 'running',
			{ timeoutMs },
		);
		if (status === 'error') {
			const failed = await this.page
				.locator('[data-test-id="canvas-node"]:has([data-test-id="canvas-node-status-error"])')
				.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-node-name')));
			throw new Error(`the workflow run failed at ${JSON.stringify(failed)}`);
		}
	}

	/** The "N items" labels on the connections, by source node. */
	async edgeLabels(): Promise<Record<string, string>> {
		return await this.page
			.locator('[data-test-id="edge-label"]')
			.evaluateAll((labels) =>
				Object.fromEntries(
					labels.map((l) => [
						l.getAttribute('data-source-node-name') ?? '?',
						(l.textContent ?? '').trim(),
					]),
				),
			);
	}
}

// ------------------------------------------------------------------ node details view

export class NodePanel {
	readonly root: Locator;

	constructor(readonly page: Page) {
		this.root = page.getByTestId('ndv');
	}

	async title(): Promise<string> {
		return (await this.root.getByTestId('node-title-container').innerText()).trim();
	}

	/** Labels of the parameters the Parameters tab shows, top to bottom (what the user sees). */
	async parameterLabels(): Promise<string[]> {
		return await visibleLabels(this.root.getByTestId('node-parameters'));
	}

	/** Opens a dropdown parameter and returns the option names it lists (then closes it again). */
	async optionsOf(parameter: string): Promise<string[]> {
		const input = this.root.getByTestId(`parameter-input-${parameter}`);
		const items = await openDropdown(this.page, input);
		const names = (await items.locator('.option-headline').allInnerTexts()).map((t) => t.trim());
		await input.click(); // toggles the dropdown closed (Escape could close the whole panel)
		await dropdownsClosed(this.page);
		return names;
	}

	/** Picks `option` in a dropdown parameter. */
	async choose(parameter: string, option: string): Promise<void> {
		const input = this.root.getByTestId(`parameter-input-${parameter}`);
		const items = await openDropdown(this.page, input);
		await items
			.filter({ has: this.page.locator('.option-headline', { hasText: exactly(option) }) })
			.click();
		await dropdownsClosed(this.page);
		await waitUntil(
			`${parameter} to show "${option}"`,
			() => input.locator('input').first().inputValue(),
			(value) => value.trim() === option,
			{ timeoutMs: 10_000 },
		);
	}

	async fill(parameter: string, value: string): Promise<void> {
		const input = this.root
			.getByTestId(`parameter-input-${parameter}`)
			.locator('input, textarea')
			.first();
		await input.scrollIntoViewIfNeeded();
		await input.fill(value);
		await input.press('Tab');
	}

	// ---- resource locator (the model picker)

	resourceLocator(parameter: string): ResourceLocator {
		return new ResourceLocator(this.page, this.root.getByTestId(`resource-locator-${parameter}`));
	}

	// ---- running and output

	async executeStep(): Promise<void> {
		await this.root.getByTestId('node-execute-button').first().click();
	}

	output(): OutputPanel {
		return new OutputPanel(this.root.getByTestId('output-panel'));
	}

	/**
	 * Drags the parameters panel towards the left edge so the output panel gets most of the width
	 * (as a user does to read a wide table). n8n remembers this layout in localStorage.
	 */
	async widenOutput(byPixels: number): Promise<void> {
		const handle = this.root.getByTestId('panel-drag-button');
		const box = await handle.boundingBox();
		if (!box) return;
		const y = box.y + box.height / 2;
		await this.page.mouse.move(box.x + box.width / 2, y);
		await this.page.mouse.down();
		await this.page.mouse.move(box.x + box.width / 2 - byPixels / 2, y, { steps: 8 });
		await this.page.mouse.move(box.x + box.width / 2 - byPixels, y, { steps: 8 });
		await this.page.mouse.up();
	}

	/**
	 * Closes the panel with its own control: 2.41's close button (`ndv-close-button`), or n8n 1.123's
	 * "Back to canvas" link (`back-to-canvas`, its NodeDetailsView has no close button).
	 */
	async close(): Promise<void> {
		await this.root
			.getByTestId('ndv-close-button')
			.or(this.root.getByTestId('back-to-canvas'))
			.first()
			.click();
		await this.root.waitFor({ state: 'hidden' });
	}
}

export class ResourceLocator {
	constructor(
		readonly page: Page,
		readonly root: Locator,
	) {}

	async mode(): Promise<string> {
		return (
			await this.root.getByTestId('rlc-mode-selector').locator('input').first().inputValue()
		).trim();
	}

	/** Opens the mode dropdown, returns its modes and picks `mode`. */
	async chooseMode(mode: string): Promise<string[]> {
		const items = await openDropdown(this.page, this.root.getByTestId('rlc-mode-selector'));
		const modes = (await items.allInnerTexts()).map((t) => t.trim());
		await items.filter({ hasText: exactly(mode) }).click();
		await dropdownsClosed(this.page);
		return modes;
	}

	/** The value shown in the locator's input (a model's name once picked from the list). */
	async value(): Promise<string> {
		return (await this.root.getByTestId('rlc-input').inputValue()).trim();
	}

	async openList(): Promise<void> {
		await this.root.getByTestId('rlc-input').click();
		await this.page.getByTestId('rlc-search').waitFor();
	}

	/** The names the open list shows, once it has settled (loading done). */
	async listed(accept: (names: string[]) => boolean = (n) => n.length > 0): Promise<string[]> {
		return await waitUntil(
			'the model list',
			async () => (await this.page.getByTestId('rlc-item').allInnerTexts()).map((t) => t.trim()),
			accept,
			{ timeoutMs: 30_000 },
		);
	}

	async search(text: string): Promise<void> {
		await this.page.getByTestId('rlc-search').fill(text);
	}

	async pick(name: string): Promise<void> {
		await this.page
			.getByTestId('rlc-item')
			.filter({ hasText: exactly(name) })
			.click();
	}
}

export class OutputPanel {
	constructor(readonly root: Locator) {}

	async showTable(): Promise<void> {
		await this.root.getByTestId('radio-button-table').click();
		await this.root.getByTestId('ndv-data-container').locator('table').first().waitFor();
	}

	async itemCount(): Promise<string> {
		return (await this.root.getByTestId('ndv-items-count').innerText()).trim();
	}

	async waitForItemCount(expected: string, timeoutMs = 120_000): Promise<void> {
		await waitUntil(
			`the output to show "${expected}"`,
			() => this.itemCount(),
			(c) => c === expected,
			{
				timeoutMs,
			},
		);
	}

	/** The table as rows of {column: cell text}; columns n8n hides (too many) are absent. */
	async table(): Promise<{ columns: string[]; rows: Array<Record<string, string>> }> {
		const table = this.root.getByTestId('ndv-data-container').locator('table').first();
		return await table.evaluate((el) => {
			const clean = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
			const columns = Array.from(el.querySelectorAll('thead th')).map((th) =>
				clean(th.textContent),
			);
			const rows = Array.from(el.querySelectorAll('tbody > tr')).map((tr) => {
				const cells = Array.from(tr.children).map((td) => clean(td.textContent));
				return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
			});
			return { columns, rows };
		});
	}

	/** Scrolls the table so that `column` is the first one in view. */
	async scrollToColumn(column: string): Promise<void> {
		const table = this.root.getByTestId('ndv-data-container').locator('table').first();
		await table.evaluate((el, name) => {
			const th = Array.from(el.querySelectorAll('thead th')).find(
				(h) => (h.textContent ?? '').trim() === name,
			);
			if (!th) return;
			let scroller: HTMLElement | null = el.parentElement;
			while (scroller && scroller.scrollWidth <= scroller.clientWidth)
				scroller = scroller.parentElement;
			if (scroller) scroller.scrollLeft = (th as HTMLElement).offsetLeft;
		}, column);
	}
}

/** Items of element-plus select dropdowns currently shown (closing ones fade out for a while). */
const OPEN_DROPDOWN_ITEMS = '.el-popper[aria-hidden="false"] .el-select-dropdown__item';

async function dropdownsClosed(page: Page): Promise<void> {
	await waitUntil(
		'open dropdowns to close',
		() => page.locator('.el-select-dropdown__item:visible').count(),
		(n) => n === 0,
		{
			timeoutMs: 5_000,
		},
	).catch(() => undefined);
}

/** Clicks `trigger` once no other dropdown is showing, and returns the items of the one it opens. */
async function openDropdown(page: Page, trigger: Locator): Promise<Locator> {
	await dropdownsClosed(page);
	await trigger.click();
	const items = page.locator(OPEN_DROPDOWN_ITEMS).filter({ visible: true });
	await items.first().waitFor();
	return items;
}

/** Visible `label.n8n-input-label` titles under `root`, in document order. */
async function visibleLabels(root: Locator): Promise<string[]> {
	return await root.evaluate((el) =>
		Array.from(el.querySelectorAll('label.n8n-input-label'))
			.filter((label) => (label as HTMLElement).offsetParent !== null)
			.map((label) =>
				(label.querySelector('[class*="_title"]')?.textContent ?? label.textContent ?? '')
					.replace(/\s+/g, ' ')
					.replace(/\s*\*$/, '')
					.trim(),
			),
	);
}
