/** The n8n versions the end-to-end tests run against. `E2E_N8N_VERSIONS=2.41.1` (comma separated) narrows it. */
export const ALL_N8N_VERSIONS = ['2.41.1', '1.123.81'] as const;

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
