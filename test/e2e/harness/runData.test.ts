/** Pure checks of how the harness reads `n8n execute --rawOutput` (no n8n needed). */
import { extractJsonBlocks, outputOf, nodeErrorOf, parseRunOutput, runErrorOf } from './runData';

const run = {
	data: {
		resultData: {
			runData: {
				Trigger: [{ executionStatus: 'success', data: { main: [[{ json: {} }]] } }],
				Mindee: [{ executionStatus: 'error', error: { message: 'Mindee rejected the API key' } }],
			},
			error: { message: 'Mindee rejected the API key', description: 'Open the credential…' },
			lastNodeExecuted: 'Mindee',
		},
	},
	status: 'error',
};

describe('parseRunOutput', () => {
	it('finds the run among log lines, with colours and a trailing error', () => {
		const printed = JSON.stringify(run, null, 2);
		const output = [
			'n8n Task Broker ready on 127.0.0.1, port 5679',
			'\u001b[33mSome deprecation warning {not json}\u001b[39m',
			'Execution was NOT successful. See log message for details.',
			'====================================',
			printed,
			'Error executing workflow. See log messages for details.',
			'{ "single": "line" }',
			'Mindee rejected the API key',
		].join('\n');
		const parsed = parseRunOutput(output);
		expect(parsed).toEqual(run);
		expect(runErrorOf(parsed!)?.message).toBe('Mindee rejected the API key');
		expect(nodeErrorOf(parsed!, 'Mindee')?.message).toBe('Mindee rejected the API key');
		expect(outputOf(parsed!, 'Trigger')).toEqual([{ json: {} }]);
		expect(() => outputOf(parsed!, 'Nope')).toThrow(/did not run.*Trigger, Mindee/);
		expect(extractJsonBlocks(output)).toHaveLength(2);
	});

	it('survives a brace-only line inside a string value and CRLF output', () => {
		const tricky = { data: { resultData: { runData: {} } }, text: '}\n{' };
		const output = `log line\r\n${JSON.stringify(tricky, null, 2).replace(/\n/g, '\r\n')}\r\nbye`;
		expect(parseRunOutput(output)).toEqual(tricky);
	});

	it('returns undefined when nothing run-shaped was printed', () => {
		expect(parseRunOutput('Migrations in progress\n{\n  "a": 1\n}\n')).toBeUndefined();
	});
});
