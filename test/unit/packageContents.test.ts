/**
 * What n8n installs: `npm pack` must ship the built nodes, credentials and icons, the README, the
 * license and package.json, and nothing else (no sources, tests, fixtures or scripts).
 */
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

const root = join(__dirname, '..', '..');

interface PackedFile {
	path: string;
}

function packedFiles(): string[] {
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
	const [packed] = JSON.parse(output) as Array<{ files: PackedFile[] }>;
	return packed.files.map((file) => file.path).sort();
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** What n8n loads: every node and credential package.json names, each node with its codex file. */
const entryPoints: string[] = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
const codexFiles = (pkg.n8n.nodes as string[]).map((node) => node.replace(/\.js$/, '.json'));

it('ships dist/, README, LICENSE and package.json only (needs `npm run build` first)', () => {
	// A missing build must fail here, not skip: this is the check that the tarball is usable.
	expect({ built: existsSync(join(root, 'dist')) }).toEqual({ built: true });
	const files = packedFiles();
	const allowed = /^(dist\/.+|README\.md|LICENSE|CHANGELOG\.md|package\.json|index\.js)$/;
	expect(files.filter((file) => !allowed.test(file))).toEqual([]);
	expect(entryPoints).toEqual(
		expect.arrayContaining([
			'dist/nodes/Mindee/Mindee.node.js',
			'dist/nodes/Mindee/MindeeTrigger.node.js',
			'dist/credentials/MindeePlatformApi.credentials.js',
			'dist/credentials/MindeeWebhookApi.credentials.js',
		]),
	);
	expect(files).toEqual(
		expect.arrayContaining([
			'README.md',
			'LICENSE',
			'package.json',
			...entryPoints,
			...codexFiles,
			'dist/icons/mindee.svg',
			'dist/icons/mindee.dark.svg',
		]),
	);
	expect(files.some((file) => /\.test\.|fixtures|fake-mindee|\.ts$/.test(file) && !file.endsWith('.d.ts'))).toBe(false);
});

it('has no runtime dependencies and only n8n-workflow as a peer', () => {
	expect(pkg.dependencies ?? {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
});

it('sends the package version in the User-Agent', async () => {
	const { PACKAGE_VERSION, USER_AGENT } = await import('../../nodes/Mindee/shared/transport/httpClient');
	expect(PACKAGE_VERSION).toBe(pkg.version);
	expect(USER_AGENT).toBe(`mindee-api-n8n-community@v${pkg.version} n8n-nodes-mindee`);
});
