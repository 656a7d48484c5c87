/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * What the review example's tests and screenshots need from a running n8n: its saved executions'
 * run data (read from its database, as harness/executions.ts reads their status), and a form
 * submission encoded as n8n's form page sends it.
 */
import * as path from 'path';

import type { N8nInstance, N8nItem, N8nRun } from '../harness';
import { waitForExecutions, type SavedExecution } from '../harness/executions';
import { runCommand } from '../harness/processes';

/** n8n keeps a run's data as flatted JSON: an array whose first entry is the root, strings standing for indexes. */
export function unflatten(text: string): unknown {
	const entries = JSON.parse(text) as unknown[];
	const revived = new Set<object>();
	const resolve = (value: unknown): unknown => {
		if (typeof value !== 'object' || value === null || revived.has(value)) return value;
		revived.add(value);
		const record = value as Record<string, unknown>;
		for (const key of Object.keys(record)) {
			const entry = record[key];
			record[key] = typeof entry === 'string' ? resolve(entries[Number(entry)]) : resolve(entry);
		}
		return value;
	};
	return resolve(entries[0]);
}

const READ_DATA_SCRIPT = `
const [sqlitePath, dbPath, executionId] = process.argv.slice(1);
const sqlite3 = require(sqlitePath);
const db = new sqlite3.Database(dbPath, sqlite3.OPEN_READONLY, (openError) => {
  if (openError) { console.error(openError.message); process.exit(2); }
  db.configure('busyTimeout', 10000);
  db.get('SELECT data FROM execution_data WHERE executionId = ?', [executionId], (error, row) => {
    if (error) { console.error(error.message); process.exit(3); }
    process.stdout.write(row ? row.data : '');
    db.close();
  });
});
`;

/** The run data n8n saved for an execution (waiting or finished), read from its database. */
export async function savedRun(n8n: N8nInstance, executionId: string): Promise<N8nRun['data']> {
	const result = await runCommand(
		n8n.install.nodeBinary,
		['-e', READ_DATA_SCRIPT, path.join(n8n.install.dir, 'node_modules', 'sqlite3'), path.join(n8n.n8nFolder, 'database.sqlite'), executionId],
		{ env: { PATH: process.env.PATH ?? '' }, timeoutMs: 30_000 },
	);
	if (result.exitCode !== 0 || !result.stdout) throw new Error(`no data for execution ${executionId}: ${result.stderr}`);
	return unflatten(result.stdout) as N8nRun['data'];
}

/** Every item a node emitted on its first output, over all its runs. */
export function allOutputs(data: N8nRun['data'], nodeName: string): N8nItem[] {
	return (data.resultData.runData[nodeName] ?? []).flatMap((task) => task.data?.main?.[0] ?? []);
}

/** The id of the first saved execution of `workflowId` in one of these statuses, once there is one. */
export async function waitForExecution(n8n: N8nInstance, workflowId: string, status: string[]): Promise<string> {
	const isWanted = (execution: SavedExecution) => status.includes(execution.status);
	const executions = await waitForExecutions(n8n, workflowId, (all) => all.some(isWanted));
	return executions.find(isWanted)!.id;
}

/** n8n's form page posts multipart/form-data with one `field-<index>` per form field. */
export async function multipart(fields: Record<string, string>): Promise<{ body: Buffer; contentType: string }> {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) form.append(name, value);
	const encoded = new Response(form);
	return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? '' };
}
