/**
 * Reading what `n8n execute --rawOutput` prints. The run JSON (`JSON.stringify(run, null, 2)`) is only
 * printed at log level info or more verbose, and it shares stdout with n8n's log lines (startup
 * warnings, "Execution was NOT successful…", the error message after it, …). On success n8n prints it
 * with `this.log`, on failure with `logger.info` right before it throws; both write the JSON as one
 * multi-line block starting with a line `{` and ending with a line `}` (nested lines are indented).
 * We scan for such blocks, parse them, and keep the last one that looks like a run.
 */

export interface N8nItem {
	json: Record<string, unknown>;
	binary?: Record<string, N8nBinary>;
	pairedItem?: { item: number; input?: number } | Array<{ item: number; input?: number }> | number;
	error?: unknown;
	[key: string]: unknown;
}

export interface N8nBinary {
	data?: string;
	id?: string;
	mimeType?: string;
	fileName?: string;
	fileExtension?: string;
	fileSize?: string;
	[key: string]: unknown;
}

export interface N8nError {
	message?: string;
	description?: string | null;
	name?: string;
	httpCode?: string | number | null;
	node?: { name?: string; type?: string };
	[key: string]: unknown;
}

export interface N8nTaskData {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	data?: { main?: Array<N8nItem[] | null> };
	error?: N8nError;
	source?: unknown;
}

export interface N8nRun {
	status?: string;
	finished?: boolean;
	mode?: string;
	startedAt?: string;
	stoppedAt?: string;
	data: {
		resultData: {
			runData: Record<string, N8nTaskData[]>;
			error?: N8nError;
			lastNodeExecuted?: string;
		};
		[key: string]: unknown;
	};
	[key: string]: unknown;
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes start with the ESC control character
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
	return text.replace(ANSI, '');
}

export function isRun(value: unknown): value is N8nRun {
	const v = value as N8nRun | null;
	return (
		!!v && typeof v === 'object' && !!v.data && typeof v.data === 'object' && !!v.data.resultData
	);
}

/** Every top-level JSON object printed as a `{` … `}` block of lines (or on a single line) in `output`. */
export function extractJsonBlocks(output: string): unknown[] {
	const lines = stripAnsi(output).replace(/\r\n/g, '\n').split('\n');
	const found: unknown[] = [];
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i];
		if (line.startsWith('{') && line.trimEnd().endsWith('}')) {
			const single = tryParse(line);
			if (single !== undefined) {
				found.push(single);
				continue;
			}
		}
		if (line.trimEnd() !== '{') continue;
		// The block ends at the first column-0 `}` that makes the slice parse (a log line interleaved
		// inside the block would make every candidate fail; then we move on).
		for (let j = i + 1; j < lines.length; j++) {
			if (!lines[j].startsWith('}')) continue;
			const parsed = tryParse(lines.slice(i, j + 1).join('\n'));
			if (parsed !== undefined) {
				found.push(parsed);
				i = j;
				break;
			}
		}
	}
	return found;
}

function tryParse(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** The last run-shaped JSON block printed by `n8n execute`, or undefined. */
export function parseRunOutput(output: string): N8nRun | undefined {
	const runs = extractJsonBlocks(output).filter(isRun);
	return runs[runs.length - 1];
}

function taskData(run: N8nRun, nodeName: string, runIndex = 0): N8nTaskData | undefined {
	return run.data.resultData.runData[nodeName]?.[runIndex];
}

/** Names of the nodes that ran, in the order n8n recorded them. */
export function executedNodes(run: N8nRun): string[] {
	return Object.keys(run.data.resultData.runData);
}

/** The items a node emitted on `outputIndex` (0 = main output). Throws if the node did not run. */
export function outputOf(
	run: N8nRun,
	nodeName: string,
	{ outputIndex = 0, runIndex = 0 }: { outputIndex?: number; runIndex?: number } = {},
): N8nItem[] {
	const task = taskData(run, nodeName, runIndex);
	if (!task) {
		throw new Error(
			`node "${nodeName}" did not run (run ${runIndex}); nodes that ran: ${executedNodes(run).join(', ') || 'none'}`,
		);
	}
	return task.data?.main?.[outputIndex] ?? [];
}

/** The error a node ended with (undefined when it succeeded or did not run). */
export function nodeErrorOf(run: N8nRun, nodeName: string, runIndex = 0): N8nError | undefined {
	return taskData(run, nodeName, runIndex)?.error;
}

/** The workflow-level error (set when the execution failed). */
export function runErrorOf(run: N8nRun): N8nError | undefined {
	return run.data.resultData.error;
}
