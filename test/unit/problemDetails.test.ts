import { readFileSync } from 'fs';
import { join } from 'path';
import type { INode } from 'n8n-workflow';

import { describeFieldErrors, jobFailedError, mindeeApiError, toProblem } from '../../nodes/Mindee/shared/errors';
import type { MindeeJob } from '../../nodes/Mindee/shared/types';

const fixture = (path: string) => JSON.parse(readFileSync(join(__dirname, '../fixtures/mindee-v2', path), 'utf8'));
const node: INode = { id: '1', name: 'Mindee', type: 'n8n-nodes-mindee.mindee', typeVersion: 1, position: [0, 0], parameters: {} };

describe('toProblem', () => {
	it('reads Mindee problem details verbatim', () => {
		const problem = toProblem(422, fixture('errors/error_422_invalid_fields.json'));
		expect(problem).toMatchObject({ status: 422, code: '422-009', title: 'Invalid fields in form' });
		expect(describeFieldErrors(problem)).toBe('foo: Foo must not be bar; bar: Bar must not be foo');
	});

	it('synthesises a problem from a body that is not one, like the SDKs do', () => {
		expect(toProblem(502, '<html>Bad gateway</html>')).toMatchObject({ status: 502, code: '502-000', title: 'Unknown Error' });
	});
});

describe('mindeeApiError', () => {
	it('explains a wrong key, and the Bearer prefix when that is the cause', () => {
		const problem = toProblem(401, fixture('errors/error_401_invalid_api_key.json'));
		const plain = mindeeApiError(node, problem, { purpose: 'enqueue' });
		expect(plain.message).toBe('Mindee rejected the API key');
		expect(plain.description).toContain('API Keys');
		expect(plain.description).toContain('401-001');
		const prefixed = mindeeApiError(node, problem, { purpose: 'enqueue', keyHasPrefix: true });
		expect(prefixed.description).toMatch(/starts with "Bearer" or "Token".*remove that prefix/);
	});

	it('names the unknown model on a 404 at enqueue', () => {
		const error = mindeeApiError(node, toProblem(404, { status: 404, code: '404-001', title: 'Not found', detail: 'Model not found' }), {
			purpose: 'enqueue',
			modelId: 'b3274545-bb22-bb22-991e-9ca0639829a3',
		});
		expect(error.message).toBe('Mindee has no model with ID "b3274545-bb22-bb22-991e-9ca0639829a3"');
		expect(error.httpCode).toBe('404');
	});

	it('lists the field pointers of a 422', () => {
		const error = mindeeApiError(node, toProblem(422, fixture('job/fail_422.json').job.error), { purpose: 'enqueue', itemIndex: 3 });
		expect(error.message).toBe('Mindee rejected the request: One or more fields failed validation. (model_id: model_id must be a valid UUID format)');
		expect(error.context.itemIndex).toBe(3);
	});

	it.each([
		[402, /plan/],
		[429, /rate limit/],
		[503, /internal problem/],
	])('gives an actionable message for HTTP %d', (status, pattern) => {
		const error = mindeeApiError(node, toProblem(status, { status, code: `${status}-001`, title: 'T', detail: 'D' }), { purpose: 'enqueue' });
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
