/**
 * A server that accepts the connection and then misbehaves (the fake's `brokenAnswers` fault),
 * through n8n's execution engine: a status check never answered, a connection reset, a proxy's
 * HTML page instead of Mindee's answer. What is asserted is what the node decided (the timeout it
 * gave each request, whether it retried), not how long the run took: the machine may be busy.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import * as retryPolicy from '../../../nodes/Mindee/shared/transport/retryPolicy';
import { defaultModels } from '../../fake-mindee/fixtures';
import { runMindeeNode, useFakeMindee } from '../harness';
import { credentialsOf, enqueues, gets, pdfItem, productParams } from './helpers';

jest.setTimeout(60_000);

const fake = useFakeMindee({ processingMs: 100 }, () => ({ models: defaultModels(), processingMs: 100, faults: {} }));

afterEach(() => jest.restoreAllMocks());

const extraction = (pollingOptions: IDataObject) => productParams('extraction', { pollingOptions } as INodeParameters);

async function run(parameters: INodeParameters) {
	return await runMindeeNode({ parameters, items: [pdfItem()], credentials: credentialsOf(fake), continueOnFail: true });
}

/** Every timeout the node chose, with the request it was for and when. */
function watchTimeouts() {
	const chosen: Array<{ method: string; deadline?: number; capMs?: number; at: number; timeoutMs: number }> = [];
	const original = retryPolicy.attemptTimeoutMs;
	jest.spyOn(retryPolicy, 'attemptTimeoutMs').mockImplementation((limits, now = Date.now()) => {
		const timeoutMs = original(limits, now);
		chosen.push({ method: limits.method, deadline: limits.deadline, capMs: limits.capMs, at: now, timeoutMs });
		return timeoutMs;
	});
	return chosen;
}

const errorOf = (result: Awaited<ReturnType<typeof run>>) => result.output[0][0].json as { error: string; details: IDataObject };

describe('a status check whose connection is accepted but never answered', () => {
	it('is given up by Maximum Wait plus a few seconds, and the item names its job', async () => {
		fake.configure({ faults: { brokenAnswers: { route: 'job', how: 'noAnswer' } } });
		const chosen = watchTimeouts();
		const decisions = jest.spyOn(retryPolicy, 'decideRetry');

		const result = await run(extraction({ initialDelaySeconds: 0.2, intervalSeconds: 1, maxWaitSeconds: 3 }));

		const [job] = [...fake.jobs.values()];
		expect(errorOf(result).error).toBe(`Mindee had not finished job ${job.id} after 3 seconds`);
		expect(errorOf(result).details.description).toMatch(/did not answer within \d+ s/);

		const reads = chosen.filter((entry) => entry.method === 'GET');
		expect(reads.length).toBeGreaterThanOrEqual(1);
		for (const read of reads) {
			// Each status check ends by Maximum Wait (counted from the enqueue) plus the grace.
			expect(read.deadline).toBeDefined();
			expect(read.at + read.timeoutMs).toBeLessThanOrEqual(read.deadline! + retryPolicy.DEADLINE_GRACE_MS);
			expect(read.timeoutMs).toBeLessThan(300_000);
		}
		// The unanswered check ended in a timeout, a reason to ask again, but not past Maximum Wait.
		const networkDecisions = decisions.mock.calls.filter(([, failure]) => failure.kind === 'network');
		expect(networkDecisions.length).toBeGreaterThanOrEqual(1);
		for (const [method, failure] of networkDecisions) {
			expect(method).toBe('GET');
			expect(failure).toEqual({ kind: 'network', code: expect.stringMatching(/^(ECONNABORTED|ETIMEDOUT)$/) });
		}
		expect(decisions.mock.results.filter((entry, index) => decisions.mock.calls[index][1].kind === 'network').every((entry) => entry.value.retry)).toBe(true);
		expect(gets(fake).every((request) => request.status === 0)).toBe(true);
	});

	it('is asked again after its timeout, and the result comes', async () => {
		fake.configure({ faults: { brokenAnswers: { route: 'job', how: 'noAnswer', count: 1 } } });
		// A short timeout for the test's sake; the value the node picks is checked above.
		jest.spyOn(retryPolicy, 'attemptTimeoutMs').mockReturnValue(1_000);
		const decisions = jest.spyOn(retryPolicy, 'decideRetry');

		const result = await run(extraction({ initialDelaySeconds: 0.2, intervalSeconds: 1, maxWaitSeconds: 60 }));

		expect(result.output[0][0].json.error).toBeUndefined();
		expect(result.output[0][0].json).toHaveProperty('mindee');
		const [first, ...later] = gets(fake);
		expect(first.status).toBe(0);
		expect(later.some((request) => request.status === 302)).toBe(true);
		expect(decisions.mock.calls[0][1]).toEqual({ kind: 'network', code: expect.stringMatching(/^(ECONNABORTED|ETIMEDOUT)$/) });
		expect(decisions.mock.results[0].value.retry).toBe(true);
	});
});

describe('an upload whose connection is accepted but never answered', () => {
	it('waits at most Maximum Wait plus the grace, and is not sent again: Mindee may have it', async () => {
		fake.configure({ faults: { brokenAnswers: { route: 'enqueue', how: 'noAnswer' } } });
		const chosen = watchTimeouts();

		const result = await run(extraction({ initialDelaySeconds: 0.2, intervalSeconds: 1, maxWaitSeconds: 1 }));

		const upload = chosen.filter((entry) => entry.method === 'POST');
		expect(upload).toEqual([expect.objectContaining({ capMs: 1_000, timeoutMs: 1_000 + retryPolicy.DEADLINE_GRACE_MS })]);
		expect(errorOf(result).error).toMatch(/^Mindee at http:\/\/127\.0\.0\.1:\d+ did not answer within 4 s$/);
		expect(errorOf(result).details.description).toContain('may have accepted the document');
		expect(enqueues(fake)).toHaveLength(1);
	});
});

describe('a status check whose connection is reset', () => {
	it('is retried, and the result comes', async () => {
		fake.configure({ faults: { brokenAnswers: { route: 'job', how: 'reset', count: 1 } } });
		const decisions = jest.spyOn(retryPolicy, 'decideRetry');

		const result = await run(extraction({ initialDelaySeconds: 0.2, intervalSeconds: 1 }));

		expect(result.output[0][0].json.error).toBeUndefined();
		expect(result.output[0][0].json).toHaveProperty('mindee');
		expect(decisions.mock.calls[0][1]).toEqual({ kind: 'network', code: 'ECONNRESET' });
		expect(decisions.mock.results[0].value.retry).toBe(true);
		expect(gets(fake)[0].status).toBe(0);
	});

	it('every time: the message says the connection was closed, with the code, not "Could not reach"', async () => {
		fake.configure({ faults: { brokenAnswers: { route: 'job', how: 'reset' } } });
		// No waiting between attempts: the number of attempts is the policy's, not the test's.
		const original = retryPolicy.decideRetry;
		jest.spyOn(retryPolicy, 'decideRetry').mockImplementation((...args) => ({ ...original(...args), delayMs: 0 }));

		const result = await run(extraction({ initialDelaySeconds: 0.2, intervalSeconds: 1 }));

		const { error, details } = errorOf(result);
		expect(error).toBe(`The connection to Mindee at ${fake.url} was closed before an answer (ECONNRESET)`);
		expect(details.code).toBe('ECONNRESET');
		expect(gets(fake).length).toBeGreaterThan(1);
	});
});

describe('a proxy\'s HTML page with 500 instead of Mindee\'s answer', () => {
	it('on an upload: a short message with the status, a hint of the page, no made-up code, no "retry later", not sent again', async () => {
		fake.configure({ faults: { brokenAnswers: { route: 'enqueue', how: 'html500' } } });

		const result = await run(extraction({ initialDelaySeconds: 0.2, intervalSeconds: 1 }));

		const { error, details } = errorOf(result);
		expect(error).toBe('Mindee answered HTTP 500 without Mindee error details');
		expect(details.httpCode).toBe('500');
		expect(details.code).toBeUndefined();
		const text = String(details.description);
		expect(text).toContain('The answer began: 500 Internal Server Error 500 Internal Server Error nginx');
		expect(text).toContain('may have accepted the document');
		expect(text).not.toMatch(/<html|500-000|Mindee error|retry later/i);
		// Mindee had taken it: the job exists, and the node did not send it twice.
		expect(enqueues(fake)).toEqual([expect.objectContaining({ status: 500, mindeeStatus: 202 })]);
		expect(fake.jobs.size).toBe(1);
	});

	it('on a status check: retried like any 5xx on a read, and the result comes', async () => {
		fake.configure({ faults: { brokenAnswers: { route: 'job', how: 'html500', count: 1 } } });

		const result = await run(extraction({ initialDelaySeconds: 0.2, intervalSeconds: 1 }));

		expect(result.output[0][0].json.error).toBeUndefined();
		expect(gets(fake)[0].status).toBe(500);
	});
});
