/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The executions n8n saved (table `execution_entity` of `<userFolder>/.n8n/database.sqlite`), read
 * while the server runs. Uses the `sqlite3` npm module of the n8n install itself, run by the Node
 * that n8n runs on (its native binding is built for that Node: 24 for 2.x, this machine's for 1.123),
 * so it needs neither a sqlite3 binary nor a dependency of this repository. Read-only; retried while
 * the server holds a write lock.
 */
import { existsSync } from 'fs';
import * as path from 'path';

import type { N8nInstance } from './n8nInstance';
import { lastLines, runCommand } from './processes';

export interface SavedExecution {
	id: string;
	workflowId: string;
	mode: string;
	status: string;
	finished: boolean;
}

const READ_SCRIPT = `
const [sqlitePath, dbPath] = process.argv.slice(1);
const sqlite3 = require(sqlitePath);
const db = new sqlite3.Database(dbPath, sqlite3.OPEN_READONLY, (openError) => {
  if (openError) { console.error(openError.message); process.exit(2); }
  db.configure('busyTimeout', 10000);
  db.all('SELECT id, workflowId, mode, status, finished FROM execution_entity ORDER BY id', (error, rows) => {
    if (error) { console.error(error.message); process.exit(3); }
    process.stdout.write(JSON.stringify(rows));
    db.close();
  });
});
`;

/** Every saved execution, oldest first; only those of `workflowId` when given. */
export async function savedExecutions(
	n8n: N8nInstance,
	workflowId?: string,
): Promise<SavedExecution[]> {
	const sqliteModule = path.join(n8n.install.dir, 'node_modules', 'sqlite3');
	const dbPath = path.join(n8n.n8nFolder, 'database.sqlite');
	if (!existsSync(sqliteModule)) throw new Error(`n8n ${n8n.version}: no ${sqliteModule}`);
	if (!existsSync(dbPath)) return [];
	let last = '';
	for (let attempt = 0; attempt < 5; attempt++) {
		const result = await runCommand(
			n8n.install.nodeBinary,
			['-e', READ_SCRIPT, sqliteModule, dbPath],
			{ env: { PATH: process.env.PATH ?? '' }, timeoutMs: 30_000 },
		);
		if (result.exitCode === 0) {
			const rows = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
			return rows
				.map((row) => ({
					id: String(row.id),
					workflowId: String(row.workflowId),
					mode: String(row.mode),
					status: String(row.status),
					finished: Boolean(row.finished),
				}))
				.filter((row) => workflowId === undefined || row.workflowId === workflowId);
		}
		last = lastLines(result.stdout + result.stderr, 10);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(`n8n ${n8n.version}: could not read ${dbPath}: ${last}`);
}

/**
 * The saved executions of `workflowId` once `done` holds for them, read every second; after
 * `timeoutMs`, an error with the executions seen and n8n's last log lines.
 */
export async function waitForExecutions(
	n8n: N8nInstance,
	workflowId: string,
	done: (executions: SavedExecution[]) => boolean,
	timeoutMs = 120_000,
): Promise<SavedExecution[]> {
	const started = Date.now();
	for (;;) {
		const executions = await savedExecutions(n8n, workflowId);
		if (done(executions)) return executions;
		if (Date.now() - started > timeoutMs) {
			const seen = executions.map((e) => `${e.id} ${e.mode} ${e.status}`).join(', ') || 'none';
			throw new Error(
				`executions of workflow ${workflowId} after ${timeoutMs / 1000} s (saw: ${seen}):\n${n8n.serverLogs(40)}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 1_000));
	}
}
