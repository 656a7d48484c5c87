/** The benchmark's one table: printed aligned on the console and written as Markdown. */

export interface Row {
	case: string;
	goal: string;
	ours: string;
	sdk: string;
	ratio: string;
	/** true/false for goals, undefined for figures shown for information. */
	met?: boolean;
}

const HEADERS = ['case', 'goal', 'ours', 'SDK baseline', 'ratio', 'met?'];

function cells(row: Row): string[] {
	return [row.case, row.goal, row.ours, row.sdk, row.ratio, row.met === undefined ? '—' : row.met ? 'yes' : 'NO'];
}

export function consoleTable(rows: Row[]): string {
	const table = [HEADERS, ...rows.map(cells)];
	const widths = HEADERS.map((_, column) => Math.max(...table.map((line) => line[column].length)));
	const line = (values: string[]) => values.map((value, column) => value.padEnd(widths[column])).join(' | ');
	const rule = widths.map((width) => '-'.repeat(width)).join('-+-');
	return [line(HEADERS), rule, ...rows.map((row) => line(cells(row)))].join('\n');
}

export function markdownTable(rows: Row[]): string {
	const escape = (value: string) => value.replace(/\|/g, '\\|');
	return [
		`| ${HEADERS.join(' | ')} |`,
		`|${HEADERS.map(() => '---').join('|')}|`,
		...rows.map((row) => `| ${cells(row).map(escape).join(' | ')} |`),
	].join('\n');
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
export const millis = (ms: number) => (Number.isFinite(ms) ? `${Math.round(ms)} ms` : 'n/a');
export const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

export function ratio(ours: number, sdk: number): string {
	if (!Number.isFinite(ours) || !Number.isFinite(sdk) || sdk === 0) return 'n/a';
	return `${(ours / sdk).toFixed(2)}×`;
}
