/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- runs npm pack --dry-run to list the tarball */
/**
 * The tarball-contents check run before every publish: by .github/workflows/publish.yml (`npm run
 * check:package`), by the end-to-end test that publishes to a local registry
 * (test/e2e/harness/registry.ts), and by the unit test test/unit/packageContents.test.ts.
 *
 * What n8n installs must hold the built nodes, credentials, codex files and icons, the README, the
 * license and package.json, and nothing else (no sources, tests, fixtures or scripts).
 *
 *   npm run check:package [-- <package folder>]     (default: the repository; needs `npm run build`)
 */
import { execFileSync } from 'child_process';
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';

/** Every file a published package may hold. */
export const ALLOWED_FILE = /^(dist\/.+|README\.md|LICENSE|CHANGELOG\.md|package\.json|index\.js)$/;

/** Files that must never ship, even under dist/ (sources, tests, fixtures, the fake server). */
export const FORBIDDEN_FILE = /\.test\.|fixtures|fake-mindee|\.ts$/;

/** The files n8n needs, from the package's own package.json: its nodes and credentials, codex, icons. */
export function requiredFiles(pkg: { n8n: { nodes: string[]; credentials: string[] } }): string[] {
	const codex = pkg.n8n.nodes.map((node) => node.replace(/\.js$/, '.json'));
	return [
		'README.md',
		'LICENSE',
		'package.json',
		...pkg.n8n.nodes,
		...pkg.n8n.credentials,
		...codex,
		'dist/icons/mindee.svg',
		'dist/icons/mindee.dark.svg',
	];
}

/** What is wrong with a list of packed files (empty when it is right). */
export function contentsProblems(
	files: string[],
	pkg: { n8n: { nodes: string[]; credentials: string[] } },
): string[] {
	const problems: string[] = [];
	for (const file of files) {
		if (!ALLOWED_FILE.test(file)) problems.push(`not allowed in the package: ${file}`);
		else if (FORBIDDEN_FILE.test(file) && !file.endsWith('.d.ts'))
			problems.push(`source, test or fixture file in the package: ${file}`);
	}
	for (const file of requiredFiles(pkg)) {
		if (!files.includes(file)) problems.push(`missing from the package: ${file}`);
	}
	return problems;
}

/**
 * The files `npm <command> --dry-run --json` would put in the tarball, sorted. `command` is `pack`
 * or `publish`; `args` adds flags (e.g. `--registry` for publish).
 */
export function dryRunFiles(
	dir: string,
	command: 'pack' | 'publish' = 'pack',
	args: string[] = [],
	env: NodeJS.ProcessEnv = process.env,
): string[] {
	const output = execFileSync(
		'npm',
		[command, '--dry-run', '--json', '--ignore-scripts', ...args],
		{
			cwd: dir,
			encoding: 'utf8',
			env,
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	const parsed = JSON.parse(output.slice(output.search(/[[{]/))) as
		| Array<{ files: Array<{ path: string }> }>
		| Record<string, { files: Array<{ path: string }> }>
		| { files: Array<{ path: string }> };
	// pack prints an array; publish prints one object (npm 10) or one object per package name (npm 11).
	const entry = Array.isArray(parsed)
		? parsed[0]
		: 'files' in parsed
			? (parsed as { files: Array<{ path: string }> })
			: Object.values(parsed)[0];
	return entry.files.map((file) => file.path).sort();
}

/** Runs the check on a package folder; throws with every problem listed. */
export function checkPackageContents(dir: string): string[] {
	if (!existsSync(path.join(dir, 'dist')))
		throw new Error(`${dir} has no dist/: run \`npm run build\` first`);
	const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
	const files = dryRunFiles(dir);
	const problems = contentsProblems(files, pkg);
	if (problems.length > 0)
		throw new Error(`the package in ${dir} is not fit to publish:\n  ${problems.join('\n  ')}`);
	return files;
}

if (require.main === module) {
	const dir = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
	try {
		const files = checkPackageContents(dir);
		process.stdout.write(`package contents OK: ${files.length} files in ${dir}\n`);
	} catch (error) {
		process.stderr.write(`${(error as Error).message}\n`);
		process.exitCode = 1;
	}
}
