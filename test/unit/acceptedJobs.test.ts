/**
 * The memory of accepted jobs on its own: what it keeps, for how long, and the reuse rule.
 */
import { MindeePlatformApi } from '../../credentials/MindeePlatformApi.credentials';
import {
	decideReuse,
	MAX_FAILED_JOBS_PER_DOCUMENT,
	NodeRunJobs,
	RememberedJobs,
	REUSE_WINDOW_MS,
	type DocumentParts,
} from '../../nodes/Mindee/actions/document/acceptedJobs';
import { baseUrlRefusal, isLoopbackHost } from '../../nodes/Mindee/shared/errors';
import type { MindeeJob } from '../../nodes/Mindee/shared/types';

function job(id: string): MindeeJob {
	return {
		id,
		model_id: 'b3274545-bb22-bb22-991e-9ca0639829a3',
		filename: `${id}.pdf`,
		alias: null,
		created_at: '2026-01-01T00:00:00Z',
		completed_at: null,
		status: 'Processing',
		polling_url: `https://api-v2.mindee.net/v2/jobs/${id}`,
		result_url: null,
		webhooks: [],
		error: null,
	};
}

const scope = { workflowId: 'wf1', nodeName: 'Mindee', executionId: '41', mode: 'trigger', account: 'acct' };
const parts: DocumentParts = {
	itemIndex: 3,
	product: 'extraction',
	fields: [['model_id', 'b3274545-bb22-bb22-991e-9ca0639829a3']],
	content: 'sha256:abc',
};
const entry = (overrides: Partial<{ executionId: string; failed: boolean; failedJobs: number }> = {}) => ({
	job: job('j1'),
	executionId: '41',
	acceptedAt: Date.now(),
	failedJobs: 0,
	failed: false,
	...overrides,
});

describe('the reuse rule', () => {
	it('reuses a job of the same execution (Retry On Fail), whatever the mode', () => {
		expect(decideReuse(entry(), { executionId: '41', mode: 'trigger' })).toMatchObject({
			kind: 'poll',
			reusedJob: { job_id: 'j1', execution_id: '41', from_earlier_execution: false },
		});
	});

	it('reuses a job of another execution only when n8n runs an Executions → Retry', () => {
		expect(decideReuse(entry(), { executionId: '42', mode: 'manual' })).toEqual({ kind: 'send', failedJobs: 0 });
		expect(decideReuse(entry(), { executionId: '42', mode: 'webhook' })).toEqual({ kind: 'send', failedJobs: 0 });
		expect(decideReuse(entry(), { executionId: '42', mode: 'retry' })).toMatchObject({
			kind: 'poll',
			reusedJob: { execution_id: '41', from_earlier_execution: true },
		});
	});

	it('sends a document whose job Failed again, until Mindee has failed it twice', () => {
		expect(decideReuse(entry({ failed: true, failedJobs: 1 }), { executionId: '41', mode: 'manual' })).toEqual({
			kind: 'send',
			failedJobs: 1,
		});
		expect(
			decideReuse(entry({ failed: true, failedJobs: MAX_FAILED_JOBS_PER_DOCUMENT }), { executionId: '41', mode: 'manual' }),
		).toMatchObject({ kind: 'failedAgain', failedJobs: MAX_FAILED_JOBS_PER_DOCUMENT });
	});

	it('sends when nothing is remembered', () => {
		expect(decideReuse(undefined, { executionId: '41', mode: 'retry' })).toEqual({ kind: 'send', failedJobs: 0 });
	});
});

describe('RememberedJobs', () => {
	it('forgets the least recently used entry past its bound', () => {
		const memory = new RememberedJobs(2);
		memory.set('a', entry());
		memory.set('b', entry());
		memory.get('a');
		memory.set('c', entry());
		expect([memory.get('a'), memory.get('b'), memory.get('c')].map(Boolean)).toEqual([true, false, true]);
		expect(memory.size).toBe(2);
	});

	it('drops entries older than the window', () => {
		const memory = new RememberedJobs(10);
		const acceptedAt = Date.now();
		memory.set('a', { ...entry(), acceptedAt });
		expect(memory.get('a', acceptedAt + REUSE_WINDOW_MS)).toBeDefined();
		expect(memory.get('a', acceptedAt + REUSE_WINDOW_MS + 1)).toBeUndefined();
		expect(memory.size).toBe(0);
	});
});

describe('NodeRunJobs', () => {
	it('keys documents so that two different items, files, fields or accounts never share a job', () => {
		const run = new NodeRunJobs(scope, new RememberedJobs());
		const key = run.keyOf(parts);
		expect(run.keyOf({ ...parts })).toBe(key);
		const variants: DocumentParts[] = [
			{ ...parts, itemIndex: 4 },
			{ ...parts, binaryField: 'attachment_0' },
			{ ...parts, content: 'sha256:abd' },
			{ ...parts, product: 'ocr' },
			{ ...parts, fields: [...parts.fields, ['alias', 'order-7']] },
		];
		for (const variant of variants) expect(run.keyOf(variant)).not.toBe(key);
		expect(new NodeRunJobs({ ...scope, account: 'other' }, new RememberedJobs()).keyOf(parts)).not.toBe(key);
		expect(new NodeRunJobs({ ...scope, nodeName: 'Mindee1' }, new RememberedJobs()).keyOf(parts)).not.toBe(key);
		expect(new NodeRunJobs({ ...scope, workflowId: 'wf2' }, new RememberedJobs()).keyOf(parts)).not.toBe(key);
	});

	it('remembers what a try sent, for the next try, and forgets it once the node output its items', () => {
		const memory = new RememberedJobs();
		const first = new NodeRunJobs(scope, memory);
		const key = first.keyOf(parts);
		expect(first.find(key).kind).toBe('send');
		first.noteSent(key, job('j1'), { itemIndex: 3 });

		const second = new NodeRunJobs(scope, memory);
		expect(second.find(key)).toMatchObject({ kind: 'poll', job: { id: 'j1' } });
		second.forgetAll();
		expect(new NodeRunJobs(scope, memory).find(key).kind).toBe('send');
	});

	it('counts failed jobs across tries', () => {
		const memory = new RememberedJobs();
		const run = new NodeRunJobs(scope, memory);
		const key = run.keyOf(parts);
		run.noteSent(key, job('j1'), { itemIndex: 3 });
		run.noteFailed(key, { ...job('j1'), status: 'Failed' });
		run.noteFailed(key, { ...job('j1'), status: 'Failed' }); // the same job told twice counts once
		expect(run.find(key)).toEqual({ kind: 'send', failedJobs: 1 });
		run.noteSent(key, job('j2'), { itemIndex: 3 }, 1);
		run.noteFailed(key, { ...job('j2'), status: 'Failed' });
		expect(run.find(key)).toMatchObject({ kind: 'failedAgain', failedJobs: 2, job: { id: 'j2' } });
	});

	it('lists the accepted jobs for the error, and says how to find those past the list', () => {
		const run = new NodeRunJobs(scope, new RememberedJobs());
		expect(run.describeAcceptedJobs()).toBe('');
		for (let index = 0; index < 35; index++) {
			run.noteSent(run.keyOf({ ...parts, itemIndex: index }), job(`job-${index}`), { itemIndex: index });
		}
		const text = run.describeAcceptedJobs();
		expect(text).toContain('Mindee accepted 35 documents');
		expect(text).toContain('item 0: job job-0, "job-0.pdf"');
		expect(text).toContain('item 29: job job-29');
		expect(text).not.toContain('job-30');
		expect(text).toContain('…and 5 more');
		expect(text).toContain('Job → Get Result');
	});
});

describe('Base URL: plain http:// only on this machine', () => {
	it.each(['localhost', '127.0.0.1', '127.8.9.10', '[::1]'])('treats %s as loopback', (host) => {
		expect(isLoopbackHost(host)).toBe(true);
	});

	it.each(['api-v2.mindee.net', '10.0.0.1', '127.evil.example', '127.0.0.1.example', '0.0.0.0', '[::]', '127.0.0.300'])(
		'does not treat %s as loopback',
		(host) => {
			expect(isLoopbackHost(host)).toBe(false);
		},
	);

	it('refuses http:// elsewhere and anything that is not a web address, with the reason', () => {
		expect(baseUrlRefusal('https://api-v2.mindee.net')).toBeUndefined();
		expect(baseUrlRefusal('http://127.0.0.1:8787')).toBeUndefined();
		expect(baseUrlRefusal('http://api-v2.mindee.net')?.message).toBe(
			'The Base URL http://api-v2.mindee.net is not https://: the API key would travel unencrypted',
		);
		expect(baseUrlRefusal('ftp://api-v2.mindee.net')?.message).toContain('not https://');
		expect(baseUrlRefusal('api-v2.mindee.net')?.message).toContain('is not a web address');
	});

	it("is enforced by the credential's authenticate(), which n8n runs for every request with the key (Test button included)", async () => {
		const credential = new MindeePlatformApi();
		const apiKey = ['md', 'unit', 'key'].join('_');
		// The Test button's request: a path under the Base URL.
		const testRequest = { baseURL: 'http://api-v2.mindee.net', url: '/v2/search/models', method: 'GET' as const };
		await expect(credential.authenticate({ apiKey, baseUrl: 'http://api-v2.mindee.net' }, testRequest)).rejects.toThrow(
			/not https:\/\/: the API key would travel unencrypted/,
		);
		// The node's requests: absolute URLs.
		await expect(
			credential.authenticate({ apiKey, baseUrl: 'https://api-v2.mindee.net' }, { url: 'http://api-v2.mindee.net/v2/jobs/x' }),
		).rejects.toThrow(/unencrypted/);
		const local = await credential.authenticate(
			{ apiKey, baseUrl: 'http://127.0.0.1:8787' },
			{ baseURL: 'http://127.0.0.1:8787', url: '/v2/search/models', headers: { Accept: 'application/json' } },
		);
		expect(local.headers).toEqual({ Accept: 'application/json', Authorization: apiKey });
		const remote = await credential.authenticate({ apiKey, baseUrl: 'https://api-v2.mindee.net' }, { url: 'https://api-v2.mindee.net/v2/jobs/x' });
		expect(remote.headers).toEqual({ Authorization: apiKey });
	});
});
