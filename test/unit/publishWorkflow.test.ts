/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- runs n8n-node (@n8n/node-cli) with a stand-in npm */
/**
 * The publish workflow follows n8n's release flow for verified community nodes: npm publishing from
 * GitHub Actions with a provenance statement (required since 1 May 2026). Read from
 * .github/workflows/publish.yml and package.json, and the release itself run with n8n's own CLI
 * against a stand-in `npm` that records what it was asked to do.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');
const workflow = readFileSync(join(root, '.github', 'workflows', 'publish.yml'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	scripts: Record<string, string>;
	n8n: { strict?: boolean };
};

/** The lines of a top-level key's block (`key:` at column 0 up to the next top-level key), comments dropped. */
function topLevelBlock(key: string): string[] {
	const lines = workflow.split('\n');
	const start = lines.findIndex((line) => line === `${key}:`);
	if (start < 0) return [];
	const block: string[] = [];
	for (const line of lines.slice(start + 1)) {
		if (/^\S/.test(line)) break;
		if (line.trim() && !line.trim().startsWith('#')) block.push(line.trim());
	}
	return block;
}

/** What each step runs (`run:` lines, a multi-line `run: |` joined), in order. */
function runSteps(): string[] {
	const steps: string[] = [];
	const lines = workflow.split('\n');
	for (let index = 0; index < lines.length; index++) {
		const match = /^\s*(?:- )?run: (.*)$/.exec(lines[index]);
		if (!match) continue;
		if (match[1] !== '|') {
			steps.push(match[1].trim());
			continue;
		}
		const keyColumn = lines[index].indexOf('run:');
		const body: string[] = [];
		while (index + 1 < lines.length && /^\s+\S/.test(lines[index + 1]) && lines[index + 1].search(/\S/) > keyColumn) {
			body.push(lines[++index].trim());
		}
		steps.push(body.join('\n'));
	}
	return steps;
}

describe('.github/workflows/publish.yml', () => {
	it('runs on version tags only', () => {
		expect(topLevelBlock('on')).toEqual(['push:', "tags: ['v*.*.*']"]);
	});

	it('may mint the OIDC token that signs the provenance statement, and only reads the repository', () => {
		expect(topLevelBlock('permissions').sort()).toEqual(['contents: read', 'id-token: write']);
		// No job widens or narrows them.
		expect(topLevelBlock('jobs').filter((line) => line.startsWith('permissions'))).toEqual([]);
	});

	it('publishes only through `npm run release`, after the tests, the build, the contents check and the tag check', () => {
		const steps = runSteps();
		expect(steps.filter((step) => /\bnpm (publish|release)\b|npm run release/.test(step))).toEqual([
			expect.stringMatching(/(^|\n)npm run release$/),
		]);
		const position = (pattern: RegExp) => steps.findIndex((step) => pattern.test(step));
		const order = [
			position(/^npm ci$/),
			position(/^npx jest --selectProjects unit node$/),
			position(/^npm run build$/),
			position(/^npm run check:package$/),
			position(/GITHUB_REF_NAME/),
			position(/npm run release/),
		];
		expect(order).not.toContain(-1);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
	});

	it('uses a Node whose npm can publish as a trusted publisher (npm 11.5.1+, Node 24)', () => {
		const nodeVersion = /node-version: ['"]?(\d+)/.exec(workflow)?.[1];
		expect(Number(nodeVersion)).toBeGreaterThanOrEqual(24);
	});
});

describe('package.json: the release scripts of n8n-node', () => {
	it('releases with n8n-node, which refuses any other npm publish', () => {
		expect(pkg.scripts.release).toBe('n8n-node release');
		expect(pkg.scripts.prepublishOnly).toBe('n8n-node prerelease');
	});

	it('is in strict mode (n8n Cloud verification)', () => {
		expect(pkg.n8n.strict).toBe(true);
	});
});

describe('`npm run release` inside GitHub Actions (n8n-node release, with a stand-in npm)', () => {
	const cliPackage = join(root, 'node_modules', '@n8n', 'node-cli', 'package.json');
	const cli = join(dirname(cliPackage), (JSON.parse(readFileSync(cliPackage, 'utf8')) as { bin: Record<string, string> }).bin['n8n-node']);
	let folder: string;

	beforeEach(() => {
		folder = mkdtempSync(join(tmpdir(), 'n8n-mindee-release-'));
		copyFileSync(join(root, 'package.json'), join(folder, 'package.json'));
		writeFileSync(join(folder, 'package-lock.json'), '{}');
		// Records each call with the two variables n8n-node sets for the publish.
		writeFileSync(
			join(folder, 'npm'),
			'#!/bin/sh\nprintf \'%s|RELEASE_MODE=%s|NPM_CONFIG_PROVENANCE=%s\\n\' "$*" "${RELEASE_MODE:-}" "${NPM_CONFIG_PROVENANCE:-}" >> "$NPM_CALLS"\n',
		);
		chmodSync(join(folder, 'npm'), 0o755);
	});

	afterEach(() => rmSync(folder, { recursive: true, force: true }));

	const n8nNode = (args: string[], env: NodeJS.ProcessEnv) => {
		// What the test runner's own environment would decide for n8n-node is left out.
		const inherited = { ...process.env };
		for (const name of ['npm_config_user_agent', 'RELEASE_MODE', 'GITHUB_ACTIONS']) delete inherited[name];
		return spawnSync(process.execPath, [cli, ...args], {
			cwd: folder,
			env: { ...inherited, PATH: `${folder}:${process.env.PATH}`, NPM_CALLS: join(folder, 'calls.log'), ...env },
			encoding: 'utf8',
			timeout: 60_000,
		});
	};

	it('lints, builds, then runs npm publish with provenance', () => {
		const run = n8nNode(['release'], { GITHUB_ACTIONS: 'true' });
		expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
		expect(readFileSync(join(folder, 'calls.log'), 'utf8').trim().split('\n')).toEqual([
			'run lint|RELEASE_MODE=|NPM_CONFIG_PROVENANCE=',
			'run build|RELEASE_MODE=|NPM_CONFIG_PROVENANCE=',
			'publish|RELEASE_MODE=true|NPM_CONFIG_PROVENANCE=true',
		]);
	}, 60_000);

	it('lets npm publish run only in release mode (prepublishOnly)', () => {
		expect(n8nNode(['prerelease'], {}).status).toBe(1);
		expect(n8nNode(['prerelease'], { RELEASE_MODE: 'true' }).status).toBe(0);
	}, 60_000);
});
