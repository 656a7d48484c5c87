/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
import { readFileSync } from 'fs';
import { join } from 'path';
import type { INode } from 'n8n-workflow';

import { bodyHint, describeFieldErrors, jobFailedError, mindeeApiError, networkCode, networkError, readProblem } from '../../nodes/Mindee/shared/errors';
import type { MindeeJob } from '../../nodes/Mindee/shared/types';

const fixture = (path: string) => JSON.parse(readFileSync(join(__dirname, '../fixtures/mindee-v2', path), 'utf8'));
const node: INode = { id: '1', name: 'Mindee', type: 'n8n-nodes-mindee.mindee', typeVersion: 1, position: [0, 0], parameters: {} };

describe('readProblem', () => {
	it('reads Mindee problem details verbatim', () => {
		const problem = readProblem(422, fixture('errors/error_422_invalid_fields.json'))!;
		expect(problem).toMatchObject({ status: 422, code: '422-009', title: 'Invalid fields in form' });
		expect(describeFieldErrors(problem)).toBe('foo: Foo must not be bar; bar: Bar must not be foo');
	});

	it('makes up no problem (and no code) for a body that is not one', () => {
		expect(readProblem(502, '<html>Bad gateway</html>')).toBeUndefined();
		expect(readProblem(500, '')).toBeUndefined();
		expect(readProblem(500, { message: 'oops' })).toBeUndefined();
	});
});

const PROXY_PAGE = `<!DOCTYPE html><html><head><title>500 Internal Server Error</title><style>body{color:red}</style></head>
<body><h1>Internal Server Error</h1><p>The proxy server could not handle the request.</p>${'<p>padding text</p>'.repeat(200)}</body></html>`;

describe('an answer that is not Mindee\'s', () => {
	it('gives the status in a short message and a trimmed hint of the body, with no Mindee code', () => {
		const error = mindeeApiError(node, 500, PROXY_PAGE, { purpose: 'job' });
		expect(error.message).toBe('Mindee answered HTTP 500 without Mindee error details');
		expect(error.httpCode).toBe('500');
		expect(error.description).toContain('The answer began: 500 Internal Server Error Internal Server Error The proxy server');
		expect(error.description).not.toMatch(/<|body\{|Mindee error|500-000/);
		expect(error.description!.length).toBeLessThan(400);
		expect(error.description).toContain('Retry later');
	});

	it('does not advise retrying an upload that Mindee may have accepted', () => {
		const error = mindeeApiError(node, 500, PROXY_PAGE, { purpose: 'enqueue' });
		expect(error.description).toContain('may have accepted the document');
		expect(error.description).not.toMatch(/retry later/i);
		// A Mindee problem on an upload gets the same advice.
		const problem = mindeeApiError(node, 502, { status: 502, code: '502-001', title: 'Bad gateway', detail: 'X' }, { purpose: 'enqueue' });
		expect(problem.description).toContain('may have accepted the document');
		expect(problem.description).not.toMatch(/retry later/i);
	});

	it('keeps a 503 upload\'s advice to retry: Mindee did not accept it', () => {
		const error = mindeeApiError(node, 503, 'Service Unavailable', { purpose: 'enqueue' });
		expect(error.description).toContain('Retry later');
	});

	it('trims the hint to a line', () => {
		expect(bodyHint('  a\n\n b  ')).toBe('a b');
		expect(bodyHint('x'.repeat(500))).toHaveLength(161);
	});
});

describe('network errors', () => {
	// The shapes n8n's request helper throws for a reset connection (checked against both installs).
	const n8n2Reset = Object.assign(new Error('The connection to the server was closed unexpectedly'), {
		cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
		httpCode: 'ECONNRESET',
		messages: ['socket hang up'],
	});
	const n8n1Reset = Object.assign(new Error('The connection to the server was closed unexpectedly'), {
		cause: undefined,
		httpCode: 'ECONNRESET',
		messages: ['socket hang up', 'socket hang up'],
	});

	it('finds the code where n8n 1.x and 2.x keep it', () => {
		expect(networkCode(n8n2Reset)).toBe('ECONNRESET');
		expect(networkCode(n8n1Reset)).toBe('ECONNRESET');
		expect(networkCode(Object.assign(new Error('x'), { httpCode: '500' }))).toBeUndefined();
	});

	it('says the connection was closed, not that Mindee could not be reached', () => {
		const error = networkError(node, n8n1Reset, { baseUrl: 'https://api-v2.mindee.net', purpose: 'job' });
		expect(error.message).toBe('The connection to Mindee at https://api-v2.mindee.net was closed before an answer (ECONNRESET)');
		expect(error.description).toContain('socket hang up');
		expect((error.errorResponse as { code?: string }).code).toBe('ECONNRESET');
	});

	it('says how long it waited when Mindee did not answer', () => {
		const timeout = Object.assign(new Error('x'), { httpCode: 'ECONNABORTED', messages: ['timeout of 17000ms exceeded'] });
		const read = networkError(node, timeout, { baseUrl: 'https://h', purpose: 'job', timedOutAfterMs: 17_000 });
		expect(read.message).toBe('Mindee at https://h did not answer within 17 s');
		const upload = networkError(node, timeout, { baseUrl: 'https://h', purpose: 'enqueue', timedOutAfterMs: 17_000 });
		// The advice comes first; the helper's own words ("timeout of …ms exceeded") only after it.
		expect(upload.description).toMatch(/^Mindee may have accepted the document/);
		expect(upload.description).toContain('timeout of 17000ms exceeded');
		expect(String(read.description).indexOf('timeout of')).toBeGreaterThan(0);
	});

	it('keeps "Could not reach" for a connection that never reached Mindee', () => {
		const refused = Object.assign(new Error('x'), { httpCode: 'ECONNREFUSED', messages: ['connect ECONNREFUSED'] });
		expect(networkError(node, refused, { baseUrl: 'https://h', purpose: 'job' }).message).toBe('Could not reach Mindee at https://h (ECONNREFUSED)');
	});
});

describe('mindeeApiError', () => {
	it('explains a wrong key, and the Bearer prefix when that is the cause', () => {
		const body = fixture('errors/error_401_invalid_api_key.json');
		const plain = mindeeApiError(node, 401, body, { purpose: 'enqueue' });
		expect(plain.message).toBe('Mindee rejected the API key');
		expect(plain.description).toContain('API Keys');
		expect(plain.description).toContain('401-001');
		const prefixed = mindeeApiError(node, 401, body, { purpose: 'enqueue', keyHasPrefix: true });
		expect(prefixed.description).toMatch(/starts with "Bearer" or "Token".*remove that prefix/);
	});

	it('names the unknown model on a 404 at enqueue', () => {
		const error = mindeeApiError(node, 404, { status: 404, code: '404-001', title: 'Not found', detail: 'Model not found' }, {
			purpose: 'enqueue',
			modelId: 'b3274545-bb22-bb22-991e-9ca0639829a3',
		});
		expect(error.message).toBe('Mindee has no model with ID "b3274545-bb22-bb22-991e-9ca0639829a3"');
		expect(error.httpCode).toBe('404');
	});

	it('lists the field pointers of a 422', () => {
		const error = mindeeApiError(node, 422, fixture('job/fail_422.json').job.error, { purpose: 'enqueue', itemIndex: 3 });
		expect(error.message).toBe('Mindee rejected the request: One or more fields failed validation. (model_id: model_id must be a valid UUID format)');
		expect(error.context.itemIndex).toBe(3);
	});

	it.each([
		[402, /plan/],
		[429, /rate limit/],
		[503, /internal problem/],
	])('gives an actionable message for HTTP %d', (status, pattern) => {
		const error = mindeeApiError(node, status, { status, code: `${status}-001`, title: 'T', detail: 'D' }, { purpose: 'enqueue' });
		expect(error.message).toMatch(pattern);
	});
});

describe('jobFailedError', () => {
	it('carries Mindee\'s code, detail and the job id', () => {
		const job = fixture('job/fail_422.json').job as MindeeJob;
		const error = jobFailedError(node, job, 0);
		expect(error.message).toBe('Mindee could not process "default_sample.jpg": Invalid fields in form (422-001)');
		expect(error.description).toContain('model_id: model_id must be a valid UUID format');
		expect(error.description).toContain(job.id);
	});
});
