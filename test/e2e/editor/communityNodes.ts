/**
 * Page helpers for n8n's *Settings → Community nodes* screen and the nodes panel (node creator), built
 * on the `data-test-id` attributes n8n's own Playwright tests use
 * (packages/testing/playwright/pages/CommunityNodesPage.ts in n8n-io/n8n): the install modal, the
 * package cards with their update button and actions menu, the confirm modal. Same ids in 1.123 and 2.41.
 */
import type { Locator, Page } from 'playwright-core';

import { escapeRegExp, exactly, waitUntil } from './pages';

export interface PackageCard {
	name: string;
	/** The card's text, whitespace collapsed (name, version, node names, update notice). */
	text: string;
}

export class CommunityNodesPage {
	constructor(
		readonly page: Page,
		readonly baseUrl: string,
	) {}

	async open(): Promise<void> {
		await this.page.goto(`${this.baseUrl}/settings/community-nodes`, {
			waitUntil: 'domcontentloaded',
		});
		// Either the empty state ("Install a community node") or the list of installed packages.
		await this.page
			.getByTestId('action-box')
			.or(this.page.getByTestId('empty-state'))
			.or(this.cards().first())
			.first()
			.waitFor({ timeout: 120_000 });
	}

	cards(): Locator {
		return this.page.getByTestId('community-package-card');
	}

	card(name: string): Locator {
		return this.cards().filter({ hasText: name });
	}

	async listed(): Promise<PackageCard[]> {
		const texts = await this.cards().allInnerTexts();
		return texts.map((text) => {
			const clean = text.replace(/\s+/g, ' ').trim();
			return { name: /^(\S+)/.exec(clean)?.[1] ?? '', text: clean };
		});
	}

	installModal(): Locator {
		return this.page.getByTestId('communityPackageInstall-modal');
	}

	confirmModal(): Locator {
		return this.page.getByTestId('communityPackageManageConfirm-modal');
	}

	/** The "Install" button: in the empty state's box, else in the page header. */
	installButton(): Locator {
		const inEmptyState = this.page
			.getByTestId('action-box')
			.or(this.page.getByTestId('empty-state'))
			.getByRole('button');
		const inHeader = this.page.getByRole('button', { name: exactly('Install') });
		return inEmptyState.or(inHeader).first();
	}

	/** Opens the install modal, types the package name and ticks the risk checkbox (not Install yet). */
	async fillInstall(packageName: string): Promise<{ installEnabledBeforeConsent: boolean }> {
		await this.installButton().click();
		const modal = this.installModal();
		await modal.waitFor();
		await modal.locator('input').first().fill(packageName);
		const button = this.page.getByTestId('install-community-package-button');
		const installEnabledBeforeConsent = await button.isEnabled();
		await this.page.getByTestId('user-agreement-checkbox').click();
		return { installEnabledBeforeConsent };
	}

	/** Install in the modal; waits until the modal closes and the package's card is listed. */
	async confirmInstall(packageName: string, { timeoutMs = 300_000 } = {}): Promise<void> {
		await this.page.getByTestId('install-community-package-button').click();
		await this.installModal().waitFor({ state: 'hidden', timeout: timeoutMs });
		await this.card(packageName).waitFor({ timeout: 60_000 });
	}

	/** The card's update button ("Update"), present only when the registry has a newer version. */
	updateButton(packageName: string): Locator {
		return this.card(packageName).getByRole('button', { name: /update/i });
	}

	/** Update → "Confirm update"; waits until the card shows `version` and no update button. */
	async update(packageName: string, version: string, { timeoutMs = 300_000 } = {}): Promise<void> {
		await this.updateButton(packageName).click();
		const confirm = this.confirmModal();
		await confirm.waitFor();
		await confirm.getByRole('button', { name: /Confirm update/i }).click();
		await confirm.waitFor({ state: 'hidden', timeout: timeoutMs });
		await waitUntil(
			`the card of ${packageName} to show ${version}`,
			async () => (await this.card(packageName).innerText()).replace(/\s+/g, ' '),
			(text) => text.includes(version),
			{ timeoutMs: 60_000 },
		);
	}

	/** Actions menu (⋯) → Uninstall package → "Confirm uninstall"; waits until the card is gone. */
	async uninstall(packageName: string, { timeoutMs = 300_000 } = {}): Promise<void> {
		await this.card(packageName).getByTestId('action-toggle').click();
		await this.page.getByTestId('action-uninstall').filter({ visible: true }).first().click();
		const confirm = this.confirmModal();
		await confirm.waitFor();
		await confirm.getByRole('button', { name: /Confirm uninstall/i }).click();
		await confirm.waitFor({ state: 'hidden', timeout: timeoutMs });
		await this.card(packageName).waitFor({ state: 'detached', timeout: 60_000 });
	}
}

export interface NodeCreatorItem {
	name: string;
	/** The item's description line, if shown. */
	description: string;
	/** The package whose icon the item shows (`n8n-nodes-base`, `n8n-nodes-mindee`…), from its URL. */
	iconPackage: string | null;
}

/** The nodes panel of a new, empty workflow: opened from the canvas's "+" button. */
export class NodesPanel {
	constructor(
		readonly page: Page,
		readonly baseUrl: string,
	) {}

	async openOnNewWorkflow(): Promise<void> {
		await this.page.goto(`${this.baseUrl}/workflow/new`, { waitUntil: 'domcontentloaded' });
		const add = this.page
			.getByTestId('canvas-add-button')
			.or(this.page.getByTestId('canvas-plus-button'));
		await add.first().waitFor({ timeout: 120_000 });
		await add.first().click();
		await this.page.getByTestId('node-creator').waitFor();
		await this.page.getByTestId('item-iterator-item').first().waitFor();
	}

	/**
	 * Types `text` into the panel's search and returns the items it lists once the list shows search
	 * results (an item whose name contains `text`: n8n's built-in Mindee node always matches "Mindee").
	 */
	async search(text: string): Promise<NodeCreatorItem[]> {
		const before = JSON.stringify(await this.items());
		await this.page.getByTestId('node-creator-search-bar').fill(text);
		const pattern = new RegExp(escapeRegExp(text), 'i');
		return await waitUntil(
			`the nodes panel to list results for "${text}"`,
			() => this.items(),
			(items) => JSON.stringify(items) !== before && items.some((item) => pattern.test(item.name)),
			{ timeoutMs: 30_000 },
		);
	}

	async items(): Promise<NodeCreatorItem[]> {
		return await this.page
			.getByTestId('node-creator')
			.getByTestId('item-iterator-item')
			.evaluateAll((elements) =>
				elements.map((el) => {
					const text = (s: Element | null) => (s?.textContent ?? '').replace(/\s+/g, ' ').trim();
					return {
						name: text(el.querySelector('[data-test-id="node-creator-item-name"]')),
						description: text(el.querySelector('[data-test-id="node-creator-item-description"]')),
						// n8n serves a node's icon from /icons/<package>/…: whose node this item is.
						iconPackage:
							/\/icons\/((?:@[^/]+\/)?[^/]+)\//.exec(
								el.querySelector('img')?.getAttribute('src') ?? '',
							)?.[1] ?? null,
					};
				}),
			);
	}

	/**
	 * Clicks the listed item at `index` (as items() lists them) and returns what the panel shows then:
	 * for an app, its triggers and actions (item names) and the whole panel text.
	 */
	async openItem(index: number): Promise<{ names: string[]; text: string }> {
		const before = JSON.stringify(await this.items());
		await this.page
			.getByTestId('node-creator')
			.getByTestId('item-iterator-item')
			.nth(index)
			.click();
		await waitUntil(
			'the nodes panel to open the item',
			async () => JSON.stringify(await this.items()),
			(now) => now !== before,
			{ timeoutMs: 30_000 },
		);
		const items = await this.items();
		const text = (await this.page.getByTestId('node-creator').innerText()).replace(/\s+/g, ' ');
		return { names: items.map((i) => i.name), text };
	}

	async close(): Promise<void> {
		await this.page.keyboard.press('Escape');
	}
}
