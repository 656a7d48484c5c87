/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
import { readdirSync } from 'fs';
import * as path from 'path';

/**
 * The n8n versions the end-to-end tests run against: one per install recipe in
 * scripts/n8n-installs/, newest first. `E2E_N8N_VERSIONS=2.41.1` (comma separated) narrows it.
 */
export const ALL_N8N_VERSIONS: readonly string[] = readdirSync(
	path.join(__dirname, '..', '..', '..', 'scripts', 'n8n-installs'),
).sort((a, b) => {
	const [x, y] = [a, b].map((version) => version.split('.').map(Number));
	return y[0] - x[0] || y[1] - x[1] || y[2] - x[2];
});

export function e2eVersions(): string[] {
	const wanted = (process.env.E2E_N8N_VERSIONS ?? '')
		.split(',')
		.map((v) => v.trim())
		.filter(Boolean);
	if (wanted.length === 0) return [...ALL_N8N_VERSIONS];
	return wanted;
}

/** n8n 2.x and 1.x differ in a few CLI commands (publish vs update --active) and in the Node they need. */
export function n8nMajor(version: string): number {
	return Number(version.split('.')[0]);
}
