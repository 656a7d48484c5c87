/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- repacks the tarball with tar for each published version */
/**
 * A real npm registry on this machine for the end-to-end tests: Verdaccio (a devDependency), started
 * on a free loopback port with its config and storage in a temporary folder, and no uplink at all, so
 * `n8n-nodes-mindee` can only come from what the test published. Publishing authenticates as a user
 * created through Verdaccio's own API (the npm `adduser` route); npm runs with a temporary
 * `--userconfig`, so the user's ~/.npmrc is neither read for the token nor written.
 *
 *   const registry = await startRegistry();
 *   await registry.publishRepository();                 // build, contents check, npm publish
 *   await registry.publishCopy('0.1.1');                // the packed package as a new patch version
 *   await registry.packument('n8n-nodes-mindee');       // { versions: ['0.1.0', '0.1.1'], latest: '0.1.1' }
 *   await registry.stop();
 */
import type { ChildProcess } from 'child_process';
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';

import { getFreePort } from './n8nInstance';
import { REPO_ROOT } from './n8nInstall';
import { packPackage } from './packPackage';
import {
	CommandResult,
	isRunning,
	lastLines,
	LogBuffer,
	pruneStaleFolders,
	runCommand,
	spawnTracked,
	terminate,
} from './processes';
import { madeUpSecret } from '../../madeUpSecret';

const FOLDER_PREFIX = 'n8n-mindee-registry-';
const USER = {
	name: 'e2e-publisher',
	password: madeUpSecret('e2e-publisher-', 'password'),
	email: 'e2e@example.com',
};

export interface PublishResult {
	name: string;
	version: string;
	/** The files npm said it published (`npm publish --json`). */
	files: string[];
	command: CommandResult;
}

export interface Registry {
	/** `http://127.0.0.1:<port>` (no trailing slash: n8n strips it too). */
	url: string;
	folder: string;
	/**
	 * publish.yml's steps, less provenance: `npm run build` (skipped when E2E_SKIP_BUILD=1, as
	 * packPackage does), `npm run check:package`, `npm publish --access public --ignore-scripts` (the
	 * one publish script, `prepublishOnly: n8n-node prerelease`, lets only `npm run release` in
	 * GitHub Actions publish).
	 */
	publishRepository(): Promise<PublishResult>;
	/**
	 * The packed package (`npm pack`) unpacked into a temporary folder, its version set to `version`,
	 * checked with the same contents check, then `npm publish` from there: the repository's
	 * package.json is never touched.
	 */
	publishCopy(version: string): Promise<PublishResult>;
	/** Versions the registry serves for `name`, and its `latest` tag. */
	packument(name: string): Promise<{ versions: string[]; latest?: string }>;
	logs(): string;
	stop(): Promise<void>;
}

/** npm's environment: ours without the npm_* variables `npm test` exports (its userconfig, scripts…). */
function npmEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!/^npm_/i.test(key)) env[key] = value;
	}
	return env;
}

function request(
	method: string,
	url: string,
	body?: unknown,
	headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
	const payload = body === undefined ? undefined : JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{
				method,
				timeout: 30_000,
				headers: {
					...headers,
					...(payload
						? {
								'content-type': 'application/json',
								'content-length': String(Buffer.byteLength(payload)),
							}
						: {}),
				},
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
				);
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
		req.on('error', reject);
		if (payload) req.write(payload);
		req.end();
	});
}

function verdaccioConfig(folder: string): string {
	// YAML, written by hand (no YAML library needed). No `uplinks` and no `proxy`: nothing is fetched
	// from npmjs, and a name the test did not publish is a 404.
	return [
		`storage: ${JSON.stringify(path.join(folder, 'storage'))}`,
		'auth:',
		'  htpasswd:',
		`    file: ${JSON.stringify(path.join(folder, 'htpasswd'))}`,
		'    max_users: 1',
		'web:',
		'  enable: false',
		'packages:',
		"  '**':",
		'    access: $all',
		'    publish: $authenticated',
		'    unpublish: $authenticated',
		'server:',
		'  keepAliveTimeout: 60',
		'log:',
		'  type: stdout',
		'  format: pretty',
		'  level: warn',
		'',
	].join('\n');
}

export async function startRegistry({
	log = () => undefined,
}: { log?: (message: string) => void } = {}): Promise<Registry> {
	if (process.env.E2E_KEEP_N8N_FOLDER !== '1') pruneStaleFolders(os.tmpdir(), FOLDER_PREFIX);
	const folder = mkdtempSync(path.join(os.tmpdir(), `${FOLDER_PREFIX}${process.pid}-`));
	const config = path.join(folder, 'config.yaml');
	writeFileSync(config, verdaccioConfig(folder));
	const port = await getFreePort();
	const url = `http://127.0.0.1:${port}`;
	const output = new LogBuffer();
	const verdaccio = require.resolve('verdaccio/bin/verdaccio', { paths: [REPO_ROOT] });
	let child: ChildProcess | undefined = spawnTracked(
		process.execPath,
		[verdaccio, '--config', config, '--listen', `127.0.0.1:${port}`],
		{ cwd: folder, env: npmEnv(), onOutput: (chunk) => output.append(chunk) },
	);
	const stop = async () => {
		if (child) await terminate(child, 5_000);
		child = undefined;
		if (process.env.E2E_KEEP_N8N_FOLDER === '1')
			process.stderr.write(`[e2e] kept the registry folder ${folder}\n`);
		else rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
	};

	try {
		// Ready when it answers its ping route (a hang guard only: start-up takes seconds).
		const started = Date.now();
		for (;;) {
			if (!isRunning(child)) throw new Error(`Verdaccio exited at start-up:\n${output.tail(30)}`);
			const ping = await request('GET', `${url}/-/ping`).catch(() => undefined);
			if (ping?.status === 200) break;
			if (Date.now() - started > 120_000)
				throw new Error(`Verdaccio did not answer ${url}/-/ping:\n${output.tail(30)}`);
			await new Promise((resolve) => setTimeout(resolve, 300));
		}

		// The publisher: created through the registry's API (what `npm adduser` calls); its token goes
		// into a userconfig of our own.
		const created = await request('PUT', `${url}/-/user/org.couchdb.user:${USER.name}`, {
			_id: `org.couchdb.user:${USER.name}`,
			name: USER.name,
			password: USER.password,
			email: USER.email,
			type: 'user',
			roles: [],
		});
		const token = (JSON.parse(created.body || '{}') as { token?: string }).token;
		if (created.status !== 201 || !token)
			throw new Error(
				`Verdaccio refused to create the publisher (${created.status}): ${created.body}`,
			);
		const npmrc = path.join(folder, 'npmrc');
		const host = url.replace(/^http:/, '');
		writeFileSync(npmrc, `registry=${url}/\n${host}/:_authToken=${token}\n`);
		log(`registry ${url} (Verdaccio, storage in ${folder})`);

		const npm = (args: string[], cwd: string, timeoutMs = 180_000) =>
			runCommand('npm', args, { cwd, env: npmEnv(), timeoutMs });

		const publish = async (cwd: string): Promise<PublishResult> => {
			const result = await npm(
				[
					'publish',
					'--access',
					'public',
					// prepublishOnly (n8n-node prerelease) refuses every publish but n8n-node release's.
					'--ignore-scripts',
					'--json',
					'--userconfig',
					npmrc,
					'--registry',
					`${url}/`,
					'--fetch-retries=0',
				],
				cwd,
			);
			if (result.exitCode !== 0) {
				throw new Error(
					`npm publish in ${cwd} failed (exit ${result.exitCode}):\n${lastLines(result.stdout + result.stderr, 40)}\nVerdaccio:\n${output.tail(20)}`,
				);
			}
			const json = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as Record<
				string,
				unknown
			>;
			const entry = (typeof json.name === 'string' ? json : Object.values(json)[0]) as {
				name: string;
				version: string;
				files: Array<{ path: string }>;
			};
			log(`published ${entry.name}@${entry.version} to ${url}`);
			return {
				name: entry.name,
				version: entry.version,
				files: entry.files.map((f) => f.path).sort(),
				command: result,
			};
		};

		const checkContents = async (dir: string) => {
			// The same command as publish.yml's step, on the folder about to be published.
			const check = await npm(['run', '--silent', 'check:package', '--', dir], REPO_ROOT);
			if (check.exitCode !== 0)
				throw new Error(
					`the tarball-contents check failed:\n${lastLines(check.stdout + check.stderr)}`,
				);
		};

		return {
			url,
			folder,
			async publishRepository() {
				if (process.env.E2E_SKIP_BUILD !== '1') {
					const build = await npm(['run', 'build'], REPO_ROOT, 300_000);
					if (build.exitCode !== 0)
						throw new Error(`npm run build failed:\n${lastLines(build.stdout + build.stderr)}`);
				}
				await checkContents(REPO_ROOT);
				return await publish(REPO_ROOT);
			},
			async publishCopy(version: string) {
				const tarball = await packPackage();
				const dir = path.join(folder, `copy-${version}`);
				mkdirSync(dir, { recursive: true });
				execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
				const manifestPath = path.join(dir, 'package.json');
				const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
				manifest.version = version;
				writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
				await checkContents(dir);
				return await publish(dir);
			},
			async packument(name: string) {
				const res = await request('GET', `${url}/${name}`, undefined, {
					accept: 'application/json',
				});
				if (res.status === 404) return { versions: [] };
				if (res.status !== 200) throw new Error(`GET ${url}/${name} answered ${res.status}`);
				const doc = JSON.parse(res.body) as {
					versions: Record<string, unknown>;
					'dist-tags'?: { latest?: string };
				};
				return { versions: Object.keys(doc.versions).sort(), latest: doc['dist-tags']?.latest };
			},
			logs: () => output.toString(),
			stop,
		};
	} catch (error) {
		await stop();
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error -- no node here: the harness's error, after stopping the registry
		throw error;
	}
}
