/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- runs PostgreSQL's tools (pg_isready, psql) and id */
/**
 * Throw-away PostgreSQL and Redis servers for the queue-mode test, from Debian's packages.
 *
 * scripts/services/ensure-postgres-redis.sh installs the packages with apt-get when they are missing
 * (and does nothing when they are there). The servers themselves are ours: a fresh data folder under
 * the temp dir, loopback only, a free port, no system service touched. PostgreSQL refuses to run as
 * root, so as root it runs as the unprivileged `postgres` user (setpriv; the data folder is chowned
 * to it). Both run under the harness's reaper (processes.ts), so they die with the test process.
 */
import { ChildProcess, execFile } from 'child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

import { getFreePort } from '../harness/n8nInstance';
import { REPO_ROOT } from '../harness/n8nInstall';
import {
	isRunning,
	killGroup,
	LogBuffer,
	pruneStaleFolders,
	runCommand,
	spawnTracked,
} from '../harness/processes';
import { madeUpSecret } from '../../madeUpSecret';

export const SERVICES_FOLDER_PREFIX = 'n8n-e2e-queue-';

export interface ServiceBinaries {
	pgBinDir: string;
	redisServer: string;
	/** User to run PostgreSQL as (when we are root), or '' to run it as ourselves. */
	pgRunAs: string;
}

let ensured: Promise<ServiceBinaries> | undefined;

/** Runs scripts/services/ensure-postgres-redis.sh once per test process (apt-get install when missing). */
export function ensureServiceBinaries(): Promise<ServiceBinaries> {
	if (!ensured) {
		ensured = (async () => {
			const script = path.join(REPO_ROOT, 'scripts', 'services', 'ensure-postgres-redis.sh');
			const result = await runCommand('bash', [script], {
				cwd: REPO_ROOT,
				env: process.env,
				timeoutMs: 10 * 60_000,
			});
			if (result.exitCode !== 0) {
				throw new Error(
					`${script} failed (exit ${result.exitCode}):\n${(result.stdout + result.stderr).slice(-4000)}`,
				);
			}
			const values = Object.fromEntries(
				result.stdout
					.split('\n')
					.map((line) => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
					.filter((m): m is RegExpExecArray => !!m)
					.map((m) => [m[1], m[2]]),
			);
			if (!values.PG_BIN_DIR || !values.REDIS_SERVER) {
				throw new Error(`${script} printed no PG_BIN_DIR/REDIS_SERVER:\n${result.stdout}`);
			}
			return {
				pgBinDir: values.PG_BIN_DIR,
				redisServer: values.REDIS_SERVER,
				pgRunAs: values.PG_RUN_AS ?? '',
			};
		})();
		ensured.catch(() => (ensured = undefined));
	}
	return ensured;
}

/** A folder for the servers' data, `<tmp>/n8n-e2e-queue-<pid>-…`, deleted by later runs once we are gone. */
export function makeServicesFolder(): string {
	pruneStaleFolders(os.tmpdir(), SERVICES_FOLDER_PREFIX);
	return mkdtempSync(path.join(os.tmpdir(), `${SERVICES_FOLDER_PREFIX}${process.pid}-`));
}

interface RunningService {
	child: ChildProcess;
	log: LogBuffer;
}

function startService(command: string, args: string[], cwd: string): RunningService {
	const log = new LogBuffer(1_000_000);
	const env = { ...process.env };
	for (const key of Object.keys(env)) if (/^(PG|REDIS|NODE_OPTIONS$)/.test(key)) delete env[key];
	const child = spawnTracked(command, args, { cwd, env, onOutput: (chunk) => log.append(chunk) });
	return { child, log };
}

/** Sends `signal` to the service's process group, waits for it to exit, SIGKILLs after `graceMs`. */
async function stopService(service: RunningService, signal: NodeJS.Signals, graceMs = 10_000) {
	const { child } = service;
	if (!isRunning(child)) {
		killGroup(child, 'SIGKILL');
		return;
	}
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	killGroup(child, signal);
	const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
	killGroup(child, 'SIGKILL');
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

function exec(
	command: string,
	args: string[],
	env: NodeJS.ProcessEnv,
	timeoutMs = 30_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
	return new Promise((resolve) => {
		execFile(
			command,
			args,
			{ env, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 },
			(error, stdout, stderr) => {
				const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
				resolve({ code, stdout: String(stdout), stderr: String(stderr) });
			},
		);
	});
}

// ------------------------------------------------------------------ PostgreSQL

const POSTGRES_PASSWORD = madeUpSecret('n8n-e2e-postgres-', 'password');

export class Postgres {
	readonly host = '127.0.0.1';
	readonly user = 'n8n';
	readonly password = POSTGRES_PASSWORD;
	readonly database = 'n8n';

	private constructor(
		readonly port: number,
		private readonly bins: ServiceBinaries,
		private readonly service: RunningService,
		readonly dataDir: string,
	) {}

	/** initdb into `<folder>/postgres`, start on 127.0.0.1:<free port>, create the database `n8n`. */
	static async start(bins: ServiceBinaries, folder: string): Promise<Postgres> {
		const dataDir = path.join(folder, 'postgres');
		const socketDir = path.join(folder, 'pg-socket');
		mkdirSync(dataDir, { recursive: true });
		mkdirSync(socketDir, { recursive: true });
		const passwordFile = path.join(folder, 'pg-password');
		const self = { user: 'n8n', password: POSTGRES_PASSWORD };
		writeFileSync(passwordFile, `${self.password}\n`);
		chmodSync(passwordFile, 0o644);
		const asUser = (command: string, args: string[]): [string, string[]] => {
			if (!bins.pgRunAs) return [command, args];
			return [
				'setpriv',
				[
					`--reuid=${bins.pgRunAs}`,
					`--regid=${bins.pgRunAs}`,
					'--init-groups',
					'--',
					command,
					...args,
				],
			];
		};
		if (bins.pgRunAs) {
			const { uid, gid } = await userIds(bins.pgRunAs);
			chmodSync(folder, 0o755); // mkdtemp makes it 0700: the postgres user must reach its data folder
			for (const dir of [dataDir, socketDir]) chownSync(dir, uid, gid);
		}
		const [initCommand, initArgs] = asUser(path.join(bins.pgBinDir, 'initdb'), [
			'-D',
			dataDir,
			'-U',
			self.user,
			`--pwfile=${passwordFile}`,
			'--auth-local=trust',
			'--auth-host=scram-sha-256',
			'-E',
			'UTF8',
			'--locale=C.UTF-8',
			'--no-sync',
		]);
		const init = await runCommand(initCommand, initArgs, {
			cwd: folder,
			env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
			timeoutMs: 120_000,
		});
		if (init.exitCode !== 0) {
			throw new Error(`initdb failed (exit ${init.exitCode}):\n${init.stdout}${init.stderr}`);
		}
		const port = await getFreePort();
		const [command, args] = asUser(path.join(bins.pgBinDir, 'postgres'), [
			'-D',
			dataDir,
			'-c',
			`listen_addresses=127.0.0.1`,
			'-c',
			`port=${port}`,
			'-c',
			`unix_socket_directories=${socketDir}`,
			// A test database: durability off, a little more room for 4 n8n processes' pools.
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'max_connections=200',
			'-c',
			'log_min_messages=warning',
		]);
		const service = startService(command, args, folder);
		const pg = new Postgres(port, bins, service, dataDir);
		await pg.waitReady();
		const created = await pg.psql(['-d', 'postgres', '-c', `CREATE DATABASE ${pg.database}`]);
		if (created.code !== 0) throw new Error(`CREATE DATABASE failed: ${created.stderr}`);
		return pg;
	}

	private async waitReady(timeoutMs = 60_000): Promise<void> {
		const started = Date.now();
		let last = '';
		while (Date.now() - started < timeoutMs) {
			if (!isRunning(this.service.child)) {
				throw new Error(`PostgreSQL exited during start-up:\n${this.service.log.tail(30)}`);
			}
			const ready = await exec(
				path.join(this.bins.pgBinDir, 'pg_isready'),
				['-h', this.host, '-p', String(this.port), '-U', this.user, '-d', 'postgres'],
				process.env,
			);
			last = ready.stdout + ready.stderr;
			if (ready.code === 0) return;
			await sleep(250);
		}
		throw new Error(
			`PostgreSQL not ready after ${timeoutMs} ms (${last}):\n${this.service.log.tail(30)}`,
		);
	}

	/** The DB_* environment of every n8n process of the cluster. */
	get n8nEnv(): Record<string, string> {
		return {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: this.host,
			DB_POSTGRESDB_PORT: String(this.port),
			DB_POSTGRESDB_DATABASE: this.database,
			DB_POSTGRESDB_USER: this.user,
			DB_POSTGRESDB_PASSWORD: this.password,
		};
	}

	private psql(args: string[]) {
		return exec(
			path.join(this.bins.pgBinDir, 'psql'),
			[
				'-h',
				this.host,
				'-p',
				String(this.port),
				'-U',
				this.user,
				'-v',
				'ON_ERROR_STOP=1',
				'-Atq',
				...args,
			],
			{ ...process.env, PGPASSWORD: this.password, PGCONNECT_TIMEOUT: '10' },
		);
	}

	/** Rows of a SELECT as JSON objects (psql + json_agg, so column names are kept). */
	async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
		const result = await this.psql([
			'-d',
			this.database,
			'-c',
			`SELECT coalesce(json_agg(q), '[]'::json) FROM (${sql}) q`,
		]);
		if (result.code !== 0) throw new Error(`psql failed for ${sql}:\n${result.stderr}`);
		return JSON.parse(result.stdout.trim() || '[]') as T[];
	}

	/** Fast shutdown (SIGINT: disconnect clients, checkpoint, exit). */
	async stop(): Promise<void> {
		await stopService(this.service, 'SIGINT', 15_000);
	}

	logs(lines = 40): string {
		return this.service.log.tail(lines);
	}
}

async function userIds(user: string): Promise<{ uid: number; gid: number }> {
	const uid = await exec('id', ['-u', user], process.env);
	const gid = await exec('id', ['-g', user], process.env);
	if (uid.code !== 0 || gid.code !== 0)
		throw new Error(`no user ${user}: ${uid.stderr}${gid.stderr}`);
	return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

// ------------------------------------------------------------------ Redis

export class Redis {
	readonly host = '127.0.0.1';

	private constructor(
		readonly port: number,
		private readonly service: RunningService,
	) {}

	/** redis-server on 127.0.0.1:<free port>, no persistence, working folder `<folder>/redis`. */
	static async start(bins: ServiceBinaries, folder: string): Promise<Redis> {
		const dir = path.join(folder, 'redis');
		mkdirSync(dir, { recursive: true });
		const port = await getFreePort();
		const service = startService(
			bins.redisServer,
			[
				'--port',
				String(port),
				'--bind',
				'127.0.0.1',
				'--dir',
				dir,
				'--save',
				'',
				'--appendonly',
				'no',
				'--daemonize',
				'no',
				'--protected-mode',
				'yes',
			],
			dir,
		);
		const redis = new Redis(port, service);
		const started = Date.now();
		while (!/Ready to accept connections/i.test(service.log.toString())) {
			if (!isRunning(service.child)) {
				throw new Error(`redis-server exited during start-up:\n${service.log.tail(30)}`);
			}
			if (Date.now() - started > 30_000) {
				throw new Error(`redis-server not ready after 30 s:\n${service.log.tail(30)}`);
			}
			await sleep(100);
		}
		return redis;
	}

	/** The QUEUE_BULL_REDIS_* environment of every n8n process of the cluster. */
	get n8nEnv(): Record<string, string> {
		return { QUEUE_BULL_REDIS_HOST: this.host, QUEUE_BULL_REDIS_PORT: String(this.port) };
	}

	async stop(): Promise<void> {
		await stopService(this.service, 'SIGTERM', 10_000);
	}

	logs(lines = 40): string {
		return this.service.log.tail(lines);
	}
}

/** Deletes the services folder (the servers must be stopped). */
export function removeServicesFolder(folder: string): void {
	if (process.env.E2E_KEEP_N8N_FOLDER === '1') return;
	rmSync(folder, { recursive: true, force: true, maxRetries: 3 });
}
