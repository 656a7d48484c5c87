/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- starts n8n and the test services as child processes */
/**
 * Child-process plumbing for the e2e harness. Every command runs under a tiny "reaper" (a Node
 * one-liner) that leads its own process group:
 *  - stop()/cleanup() kill the whole group, i.e. n8n together with the task runners it forks;
 *  - the reaper polls its parent and SIGKILLs the group when the test process is gone, so n8n never
 *    outlives jest, even after Ctrl-C, a crash or SIGKILL (jest runs tests in a sandbox whose
 *    `process` gets no 'exit' or signal events, so in-process hooks alone are not enough);
 *  - it ignores SIGTERM/SIGINT itself (n8n, in the same group, gets them and shuts down) and exits
 *    with n8n's exit code, so terminate() waits for n8n's graceful shutdown.
 */
import { ChildProcess, spawn } from 'child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';

const tracked = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	// Synchronous last resort: jest may exit without running afterAll when a test times out.
	const killAll = () => {
		for (const child of tracked) killGroup(child, 'SIGKILL');
	};
	process.on('exit', killAll);
	// Ctrl-C / kill: Node's default handler exits without an 'exit' event, which would leave the
	// detached n8n process groups running. Kill them, then let the signal do what it would have done.
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		const onSignal = () => {
			killAll();
			process.removeListener(signal, onSignal);
			if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
		};
		process.on(signal, onSignal);
	}
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

export function isRunning(child: ChildProcess): boolean {
	return child.exitCode === null && child.signalCode === null;
}

/** SIGTERM the group, then SIGKILL after `graceMs`; resolves once the leader has exited. */
export async function terminate(child: ChildProcess, graceMs = 10_000): Promise<void> {
	if (!isRunning(child)) {
		killGroup(child, 'SIGKILL'); // leftovers of the group (e.g. a task runner) if any
		tracked.delete(child);
		return;
	}
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	killGroup(child, 'SIGTERM');
	const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
	killGroup(child, 'SIGKILL');
	tracked.delete(child);
}

/** A bounded in-memory log: keeps the last `maxChars` characters of everything written to it. */
export class LogBuffer {
	private text = '';
	constructor(private readonly maxChars = 2_000_000) {}
	append(chunk: string): void {
		this.text += chunk;
		if (this.text.length > this.maxChars) this.text = this.text.slice(-this.maxChars);
	}
	toString(): string {
		return this.text;
	}
	tail(lines = 40): string {
		return this.text.split('\n').slice(-lines).join('\n');
	}
}

const REAPER = `
const { spawn } = require('child_process');
const [command, ...args] = process.argv.slice(1);
const parent = process.ppid;
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => {});
const child = spawn(command, args, { stdio: 'inherit' });
const watch = setInterval(() => {
  if (process.ppid !== parent) { try { process.kill(-process.pid, 'SIGKILL'); } catch (e) { process.exit(137); } }
}, 1000);
child.on('error', (e) => { console.error('[reaper] ' + e.message); process.exit(127); });
child.on('exit', (code, signal) => {
  clearInterval(watch);
  process.exit(code !== null ? code : 128 + (require('os').constants.signals[signal] || 1));
});
`;

export interface SpawnOptions {
	cwd?: string;
	env: NodeJS.ProcessEnv;
	/** Called with every chunk of stdout+stderr (already decoded). */
	onOutput?: (chunk: string) => void;
}

export function spawnTracked(
	command: string,
	args: string[],
	options: SpawnOptions,
	output: 'pipe' | [stdoutFd: number, stderrFd: number] = 'pipe',
): ChildProcess {
	installExitHook();
	const child = spawn(process.execPath, ['-e', REAPER, '--', command, ...args], {
		cwd: options.cwd,
		env: options.env,
		detached: true, // own process group, see killGroup
		stdio: ['ignore', ...(output === 'pipe' ? (['pipe', 'pipe'] as const) : output)],
	});
	tracked.add(child);
	child.stdout?.setEncoding('utf8');
	child.stderr?.setEncoding('utf8');
	if (options.onOutput) {
		child.stdout?.on('data', options.onOutput);
		child.stderr?.on('data', options.onOutput);
	}
	return child;
}

export interface CommandResult {
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
	timedOut: boolean;
}

/**
 * Runs a command to completion (killing its whole group after `timeoutMs`). Never rejects on a
 * non-zero exit. Its output goes to files, not pipes: n8n 1.x's `execute` prints a large run and
 * exits at once, and what it wrote to a pipe the reader had not drained yet was lost on a busy
 * machine (a 300-item run cut at item 208); Node writes to files synchronously.
 */
export async function runCommand(
	command: string,
	args: string[],
	options: Omit<SpawnOptions, 'onOutput'> & { timeoutMs?: number },
): Promise<CommandResult> {
	const started = Date.now();
	const folder = mkdtempSync(path.join(os.tmpdir(), 'n8n-mindee-command-'));
	const files = [path.join(folder, 'stdout'), path.join(folder, 'stderr')];
	const fds = files.map((file) => openSync(file, 'w'));
	let child: ChildProcess;
	try {
		child = spawnTracked(command, args, { cwd: options.cwd, env: options.env }, [fds[0], fds[1]]);
	} finally {
		fds.forEach((fd) => closeSync(fd)); // the child holds its own copies
	}
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		killGroup(child, 'SIGKILL');
	}, options.timeoutMs ?? 180_000);
	const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
		(resolve, reject) => {
			child.once('error', reject);
			child.once('close', (code, sig) => resolve([code, sig]));
		},
	);
	clearTimeout(timer);
	killGroup(child, 'SIGKILL'); // children it may have left behind
	tracked.delete(child);
	const [stdout, stderr] = files.map((file) => readFileSync(file, 'utf8'));
	rmSync(folder, { recursive: true, force: true });
	return { exitCode, signal, stdout, stderr, durationMs: Date.now() - started, timedOut };
}

export function lastLines(text: string, n = 30): string {
	return text.trimEnd().split('\n').slice(-n).join('\n');
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Deletes folders `<dir>/<prefix><pid>-…` left behind by test processes that are gone (killed before
 * their cleanup ran). Folders of live processes are never touched.
 */
export function pruneStaleFolders(dir: string, prefix: string): void {
	let entries: string[];
	try {
		entries = readdirSync(dir);
	} catch {
		return;
	}
	for (const entry of entries) {
		if (!entry.startsWith(prefix)) continue;
		const pid = Number(/^(\d+)-/.exec(entry.slice(prefix.length))?.[1]);
		if (!pid || pid === process.pid || pidAlive(pid)) continue;
		rmSync(path.join(dir, entry), { recursive: true, force: true, maxRetries: 2 });
	}
}
