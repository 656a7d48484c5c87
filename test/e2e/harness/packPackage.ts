/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Builds the package and packs it with `npm pack`, exactly what n8n's community-nodes installer
 * downloads. Once per test process (memoized). `E2E_PACKAGE_TARBALL=<path>` skips both steps and uses
 * a tarball packed beforehand (e.g. by CI, once for all e2e test files); `E2E_SKIP_BUILD=1` packs the
 * current dist/ without rebuilding (when the caller has just run `npm run build`).
 */
import { existsSync, mkdtempSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

import { REPO_ROOT } from './n8nInstall';
import { lastLines, pruneStaleFolders, runCommand } from './processes';

const PACK_PREFIX = 'n8n-nodes-mindee-pack-';

let packed: Promise<string> | undefined;

export function packPackage(): Promise<string> {
	if (!packed) {
		packed = doPack();
		packed.catch(() => (packed = undefined));
	}
	return packed;
}

async function doPack(): Promise<string> {
	const prebuilt = process.env.E2E_PACKAGE_TARBALL;
	if (prebuilt) {
		const tarball = path.resolve(prebuilt);
		if (!existsSync(tarball)) throw new Error(`E2E_PACKAGE_TARBALL=${prebuilt} does not exist`);
		return tarball;
	}
	const env = { ...process.env };
	const build =
		process.env.E2E_SKIP_BUILD === '1'
			? undefined
			: await runCommand('npm', ['run', 'build'], { cwd: REPO_ROOT, env, timeoutMs: 300_000 });
	if (build && build.exitCode !== 0) {
		throw new Error(
			`npm run build failed (exit ${build.exitCode}):\n${lastLines(build.stdout + build.stderr, 40)}`,
		);
	}
	// One folder per test process, named after its pid so that later runs can delete it once that
	// process is gone (jest's sandboxed `process` gets no 'exit' event to clean up on).
	pruneStaleFolders(os.tmpdir(), PACK_PREFIX);
	const destination = mkdtempSync(path.join(os.tmpdir(), `${PACK_PREFIX}${process.pid}-`));
	const pack = await runCommand('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: REPO_ROOT,
		env,
		timeoutMs: 120_000,
	});
	if (pack.exitCode !== 0) {
		throw new Error(
			`npm pack failed (exit ${pack.exitCode}):\n${lastLines(pack.stdout + pack.stderr, 40)}`,
		);
	}
	// --json prints an array with one entry per packed package; its `filename` is the tarball's name.
	const jsonStart = pack.stdout.indexOf('[');
	const info = JSON.parse(pack.stdout.slice(jsonStart)) as Array<{
		filename: string;
		files: Array<{ path: string }>;
	}>;
	const tarball = path.join(destination, info[0].filename);
	if (!existsSync(tarball))
		throw new Error(`npm pack reported ${info[0].filename} but ${tarball} is missing`);
	return tarball;
}
