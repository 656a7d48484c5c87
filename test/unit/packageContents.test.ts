/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * What n8n installs: `npm pack` and `npm publish` must ship the built nodes, credentials and icons,
 * the README, the license and package.json, and nothing else (no sources, tests, fixtures or
 * scripts). The rules live in scripts/checkPackageContents.ts, which publish.yml and the registry
 * end-to-end test run before publishing.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import { contentsProblems, dryRunFiles, requiredFiles } from '../../scripts/checkPackageContents';

const root = join(__dirname, '..', '..');

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** What n8n loads: every node and credential package.json names. */
const entryPoints: string[] = [...pkg.n8n.nodes, ...pkg.n8n.credentials];

it('lists every node and credential n8n must load', () => {
	expect(entryPoints).toEqual(
		expect.arrayContaining([
			'dist/nodes/Mindee/Mindee.node.js',
			'dist/nodes/Mindee/MindeeTrigger.node.js',
			'dist/credentials/MindeePlatformApi.credentials.js',
			'dist/credentials/MindeeWebhookApi.credentials.js',
		]),
	);
	expect(requiredFiles(pkg)).toEqual(
		expect.arrayContaining([
			...entryPoints,
			'dist/nodes/Mindee/Mindee.node.json',
			'README.md',
			'LICENSE',
			'dist/icons/mindee.svg',
		]),
	);
});

it('the contents check refuses sources, tests, fixtures and scripts, and a missing file', () => {
	const good = requiredFiles(pkg);
	expect(contentsProblems(good, pkg)).toEqual([]);
	expect(
		contentsProblems(
			[
				...good.filter((f) => f !== 'LICENSE'),
				'nodes/Mindee/Mindee.node.ts',
				'test/unit/packageContents.test.ts',
				'dist/test/fake-mindee/server.js',
				'scripts/start.ts',
			],
			pkg,
		),
	).toEqual([
		'not allowed in the package: nodes/Mindee/Mindee.node.ts',
		'not allowed in the package: test/unit/packageContents.test.ts',
		'source, test or fixture file in the package: dist/test/fake-mindee/server.js',
		'not allowed in the package: scripts/start.ts',
		'missing from the package: LICENSE',
	]);
});

// A missing build must fail here, not skip: this is the check that the tarball is usable.
describe.each([
	['npm pack --dry-run', 'pack', []],
	// A registry that answers nothing: a dry run uploads nothing and must not need the internet.
	['npm publish --dry-run', 'publish', ['--registry', 'http://127.0.0.1:9/', '--fetch-retries=0']],
] as const)('%s (needs `npm run build` first)', (_title, command, args) => {
	it('ships dist/, README, LICENSE and package.json only', () => {
		expect({ built: existsSync(join(root, 'dist')) }).toEqual({ built: true });
		const files = dryRunFiles(root, command, [...args]);
		expect(contentsProblems(files, pkg)).toEqual([]);
		expect(files).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
		expect(files.filter((f) => !f.startsWith('dist/'))).toEqual([
			'LICENSE',
			'README.md',
			'index.js',
			'package.json',
		]);
	});
});

it('has no runtime dependencies and only n8n-workflow as a peer', () => {
	expect(pkg.dependencies ?? {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
});

it('sends the package version in the User-Agent', async () => {
	const { PACKAGE_VERSION, USER_AGENT } =
		await import('../../nodes/Mindee/shared/transport/httpClient');
	expect(PACKAGE_VERSION).toBe(pkg.version);
	expect(USER_AGENT).toBe(`mindee-api-n8n-community@v${pkg.version} n8n-nodes-mindee`);
});
