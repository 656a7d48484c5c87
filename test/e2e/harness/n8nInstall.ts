/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- runs scripts/install-n8n.sh */
/**
 * Locates a real n8n in the cache folder outside the repository, installing it the first time, and
 * says how to run it. scripts/install-n8n.sh alone decides whether the cache can be used (its
 * recipe, its Node, its native modules), so it runs every time; with a good cache it answers in a
 * second. It also chooses the Node n8n runs on (this machine's when n8n supports it, else a Node
 * package of the recipe) and writes its path to `<install>/.node`. n8n 1.123 runs with the legacy
 * expression engine (its isolated-vm does not build for Node 20).
 */
import { spawn } from 'child_process';
import { existsSync, readFileSync } from 'fs';
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

const installs = new Map<string, Promise<N8nInstall>>();

/** Installs n8n `version` unless the cache already holds a working one (several minutes the first time). Memoized. */
export function ensureN8n(version: string): Promise<N8nInstall> {
	let pending = installs.get(version);
	if (!pending) {
		pending = runInstallScript(version).then((dir) => describeInstall(version, dir));
		installs.set(version, pending);
		pending.catch(() => installs.delete(version));
	}
	return pending;
}

function describeInstall(version: string, dir: string): N8nInstall {
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (!existsSync(n8nBin))
		throw new Error(`n8n ${version}: ${n8nBin} is missing (broken install in ${dir}?)`);
	// The Node install-n8n.sh chose: the machine's (absolute) or the recipe's (relative to `dir`).
	const nodeBinary = path.resolve(dir, readFileSync(path.join(dir, '.node'), 'utf8').trim());
	const PATH = `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH ?? ''}`;
	if (n8nMajor(version) >= 2) {
		return {
			version,
			dir,
			n8nBin,
			nodeBinary,
			// isolated-vm 7 (n8n 2.x's expression engine) requires it on Node >= 20 ("🚨" in its README);
			// without it `n8n execute` segfaults at exit (code 139) about one run in four.
			nodeArgs: ['--no-node-snapshot'],
			baseEnv: { PATH },
		};
	}
	return {
		version,
		dir,
		n8nBin,
		nodeBinary,
		nodeArgs: [],
		// isolated-vm@6 of n8n 1.123 does not build for Node 20: use the tournament/legacy engine.
		baseEnv: { PATH, N8N_EXPRESSION_ENGINE: 'legacy' },
	};
}

function runInstallScript(version: string): Promise<string> {
	const script = path.join(REPO_ROOT, 'scripts', 'install-n8n.sh');
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
			if (code === 0 && dir) resolve(dir);
			else
				reject(
					new Error(`scripts/install-n8n.sh ${version} failed (exit ${code}): ${stdout.trim()}`),
				);
		});
	});
}
