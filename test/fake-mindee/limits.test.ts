/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Fake Mindee server: rate limits (https://docs.mindee.com/integrations/technical-limitations), fault knobs and the /_fake/ control routes.
 */
import { FormData, request } from 'undici';
import type { MindeeJob, MindeeProblem } from '../../nodes/Mindee/shared/types';
import { Faults } from './faults';
import { startFakeMindee, type FakeMindee } from './server';
import type { FakeJobRecord, RecordedRequest } from './types';

/** A Mindee answer as these tests read it: a job or a problem, whichever the test expects. */
type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: { job: MindeeJob } & MindeeProblem };

const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const MODEL = 'b3274545-bb22-bb22-991e-9ca0639829a3';

let fake: FakeMindee;

async function get(path: string): Promise<Answer> {
  const res = await request(`${fake.url}${path}`, { headers: { authorization: fake.apiKey } });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, body: text ? JSON.parse(text) : null };
}

async function enqueue(): Promise<Answer> {
  const fd = new FormData();
  fd.append('model_id', MODEL);
  fd.append('file', new Blob([PDF]), 'a.pdf');
  const res = await request(`${fake.url}/v2/products/extraction/enqueue`, { method: 'POST', body: fd, headers: { authorization: fake.apiKey } });
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Answer['body'] };
}

async function control<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await request(`${fake.url}/_fake/${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  return { status: res.statusCode, body: (await res.body.json()) as T };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  fake = await startFakeMindee({ processingMs: 100 });
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.configure({ processingMs: 100, processingSpread: 0, processingSeed: 1, processingMsBySize: [], rateLimits: null, rateLimitRetryAfter: false, rateLimitWindowMs: 60_000, faults: {} });
  fake.reset();
});

describe('rate limits', () => {
  it('answers 429-001 over the GET budget, without consuming budget, and recovers after the window', async () => {
    // A 5 s window: wide enough that a busy machine's slow requests still land where the test means.
    fake.configure({ rateLimits: { postPerMinute: 100, getPerMinute: 3 }, rateLimitWindowMs: 5000 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/v2/search/models')).status);
    const t0 = Date.now(); // all three accepted requests are stamped before t0
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await get('/v2/search/models');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ status: 429, code: '429-001', title: 'Too many requests' });
    expect(limited.headers['retry-after']).toBeUndefined();
    // POSTs have their own window.
    expect((await enqueue()).status).toBe(202);
    // Rejected requests do not consume budget: rejections sent ~300 ms later than the accepted ones
    // would still be inside the window when the accepted ones have left it.
    await sleep(Math.max(0, t0 + 300 - Date.now()));
    for (let i = 0; i < 2; i++) expect((await get('/v2/search/models')).status).toBe(429);
    await sleep(Math.max(0, t0 + 5050 - Date.now()));
    for (let i = 0; i < 3; i++) expect((await get('/v2/search/models')).status).toBe(200);
    expect((await get('/v2/search/models')).status).toBe(429);
    expect(fake.requests.filter((r) => r.status === 429)).toHaveLength(4);
  });

  it('counts POSTs separately and sends Retry-After when rateLimitRetryAfter is on', async () => {
    fake.configure({ rateLimits: { postPerMinute: 2, getPerMinute: 100 }, rateLimitWindowMs: 10_000, rateLimitRetryAfter: true });
    expect((await enqueue()).status).toBe(202);
    expect((await enqueue()).status).toBe(202);
    const limited = await enqueue();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(10);
    expect((await get('/v2/search/models')).status).toBe(200);
    expect(fake.jobs.size).toBe(2);
  });

  it('does not count unauthenticated requests or control routes', async () => {
    fake.configure({ rateLimits: { postPerMinute: 1, getPerMinute: 1 } });
    const res = await request(`${fake.url}/v2/search/models`);
    await res.body.dump();
    expect(res.statusCode).toBe(401);
    for (let i = 0; i < 3; i++) expect((await control('GET', 'requests')).status).toBe(200);
    expect((await get('/v2/search/models')).status).toBe(200);
    expect((await get('/v2/search/models')).status).toBe(429);
  });
});

describe('faults', () => {
  it('rateLimitWindow: every request is 429 inside the window, Retry-After only when configured', async () => {
    // Windows a minute wide over HTTP, so that no request of a busy machine lands outside by chance.
    fake.configure({ faults: { rateLimitWindow: { startAfterMs: 60_000, durationMs: 60_000, retryAfterSeconds: 2 } } });
    expect((await get('/v2/search/models')).status).toBe(200);
    fake.configure({ faults: { rateLimitWindow: { durationMs: 60_000, retryAfterSeconds: 2 } } });
    const inside = await get('/v2/search/models');
    expect(inside.status).toBe(429);
    expect(inside.body.code).toBe('429-001');
    expect(inside.headers['retry-after']).toBe('2');
    expect((await enqueue()).status).toBe(429);

    fake.configure({ faults: { rateLimitWindow: { durationMs: 60_000 } } });
    const noHeader = await get('/v2/search/models');
    expect(noHeader.status).toBe(429);
    expect(noHeader.headers['retry-after']).toBeUndefined();

    // With `refusals`, it also closes once it has refused that many requests.
    fake.configure({ faults: { rateLimitWindow: { durationMs: 60_000, refusals: 2 } } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get('/v2/search/models')).status);
    expect(statuses).toEqual([429, 429, 200]);

    // Where the window starts and ends, on the clock it was set by.
    const setAt = 1_000_000;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(setAt);
    const faults = new Faults({ rateLimitWindow: { startAfterMs: 400, durationMs: 600 } });
    clock.mockRestore();
    expect([399, 400, 999, 1000].map((ms) => faults.outage(setAt + ms) !== null)).toEqual([false, true, true, false]);
  });

  it('getErrorRate: job and result GETs answer 502 and 503 alternately, other routes are untouched', async () => {
    const { body } = await enqueue();
    fake.configure({ faults: { getErrorRate: 1 } });
    const a = await get(`/v2/jobs/${body.job.id}`);
    const b = await get(`/v2/products/extraction/results/${body.job.id}`);
    const c = await get(`/v2/jobs/${body.job.id}`);
    expect([a.status, b.status, c.status]).toEqual([502, 503, 502]);
    expect(a.body).toMatchObject({ status: 502, title: expect.any(String), detail: expect.any(String) });
    expect(a.headers['content-type']).toBe('application/json');
    expect((await get('/v2/search/models')).status).toBe(200);
  });

  it('getErrorRate: the choice is deterministic for a seed', async () => {
    fake.configure({ processingMs: 60_000 });
    const { body } = await enqueue();
    const run = async (): Promise<number[]> => {
      fake.configure({ faults: { getErrorRate: 0.5, seed: 42 } });
      const out = [];
      for (let i = 0; i < 16; i++) out.push((await get(`/v2/jobs/${body.job.id}`)).status);
      return out;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first.filter((s) => s !== 200).length).toBeGreaterThan(0);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(0);
  });

  it('jobNotFoundForMs: a new job id answers 404 for a while, polls still counted', async () => {
    fake.configure({ processingMs: 0, faults: { jobNotFoundForMs: 3_000 } });
    const { body } = await enqueue();
    const early = await get(`/v2/jobs/${body.job.id}`);
    expect(early.status).toBe(404);
    expect(early.body.code).toMatch(/^404-/);
    await sleep(Math.max(0, fake.jobs.get(body.job.id)!.enqueuedAt + 3_020 - Date.now()));
    expect((await get(`/v2/jobs/${body.job.id}?redirect=false`)).status).toBe(200);
    expect(fake.jobs.get(body.job.id)!.pollCount).toBe(2);
  });

  it('failRate: a fraction of jobs fail, deterministically for a seed', async () => {
    const run = async (): Promise<string[]> => {
      fake.configure({ processingMs: 0, faults: { failRate: 0.5, seed: 7 } });
      fake.reset();
      for (let i = 0; i < 12; i++) await enqueue();
      for (let i = 0; i < 100 && [...fake.jobs.values()].some((j) => j.status === 'Processing'); i++) await sleep(10);
      return [...fake.jobs.values()].map((j) => j.status); // updated by the lifecycle timers
    };
    const first = await run();
    expect(first.filter((s) => s === 'Failed').length).toBeGreaterThan(0);
    expect(first.filter((s) => s === 'Processed').length).toBeGreaterThan(0);
    expect(await run()).toEqual(first);
  });
});

describe('control routes (/_fake/)', () => {
  it('exposes requests, jobs and deliveries, configures and resets, without being recorded', async () => {
    expect((await control('POST', 'configure', { processingMs: 5000, rateLimits: { postPerMinute: 1, getPerMinute: 100 } })).body).toEqual({ ok: true });
    const { body } = await enqueue();
    expect((await enqueue()).status).toBe(429);
    const jobs = await control<FakeJobRecord[]>('GET', 'jobs');
    expect(jobs.body).toHaveLength(1);
    expect(jobs.body[0]).toMatchObject({ id: body.job.id, status: 'Processing', pollCount: 0 });
    expect(jobs.body[0].readyAt - jobs.body[0].enqueuedAt).toBe(5000);
    const requests = await control<RecordedRequest[]>('GET', 'requests');
    expect(requests.body.map((r) => r.status)).toEqual([202, 429]);
    expect((await control('GET', 'webhook-deliveries')).body).toEqual([]);
    expect((await control('POST', 'reset')).body).toEqual({ ok: true });
    expect((await control('GET', 'jobs')).body).toEqual([]);
    expect((await control('GET', 'requests')).body).toEqual([]);
    expect(fake.jobs.size).toBe(0);
    // reset also cleared the rate windows
    expect((await enqueue()).status).toBe(202);
    expect((await control('POST', 'configure', { rateLimits: null, faults: { getErrorRate: 1 } })).status).toBe(200);
    expect((await get(`/v2/jobs/${body.job.id}`)).status).toBe(502);
  });

  it('rejects a malformed configure body', async () => {
    const res = await request(`${fake.url}/_fake/configure`, { method: 'POST', body: '{nope', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    await res.body.dump();
  });
});

describe('processing times', () => {
  const processingOf = (jobs: FakeMindee['jobs']) => [...jobs.values()].map((job) => job.readyAt - job.enqueuedAt);

  it('processingSpread: each job within ± the fraction of its base, the same draws for a seed', async () => {
    fake.configure({ processingMs: 20_000, processingSpread: 0.3, processingSeed: 5 });
    for (let i = 0; i < 20; i++) await enqueue();
    const first = processingOf(fake.jobs);
    expect(Math.min(...first)).toBeGreaterThanOrEqual(14_000);
    expect(Math.max(...first)).toBeLessThanOrEqual(26_000);
    expect(new Set(first).size).toBeGreaterThan(10);
    fake.reset();
    for (let i = 0; i < 20; i++) await enqueue();
    expect(processingOf(fake.jobs)).toEqual(first);
  });

  it('processingMsBySize: the first size class that holds the file sets its time', async () => {
    fake.configure({ processingMs: 7_000, processingMsBySize: [{ upToBytes: 10, processingMs: 3_000 }, { upToBytes: 1_000, processingMs: 45_000 }] });
    await enqueue(); // PDF of 15 bytes: the second class
    expect(processingOf(fake.jobs)).toEqual([45_000]);
    fake.configure({ processingMsBySize: [{ upToBytes: 10, processingMs: 3_000 }] });
    fake.reset();
    await enqueue(); // larger than every class: the server's time
    expect(processingOf(fake.jobs)).toEqual([7_000]);
  });
});

describe('brokenAnswers', () => {
  it('noAnswer: the request is recorded, and no byte comes back', async () => {
    fake.configure({ faults: { brokenAnswers: { route: 'enqueue', how: 'noAnswer', count: 1 } } });
    const hung = enqueue();
    const outcome = await Promise.race([hung.then(() => 'answered', () => 'failed'), sleep(500).then(() => 'waiting')]);
    expect(outcome).toBe('waiting');
    expect(fake.requests).toEqual([expect.objectContaining({ method: 'POST', status: 0 })]);
    // Only the first: the next upload is answered.
    expect((await enqueue()).status).toBe(202);
    fake.reset(); // the hung request stays open until the server stops; nothing waits for it
    hung.catch(() => undefined);
  });

  it('reset: the connection is cut', async () => {
    fake.configure({ processingMs: 60_000 });
    const { body } = await enqueue();
    fake.configure({ faults: { brokenAnswers: { route: 'job', how: 'reset' } } });
    await expect(get(`/v2/jobs/${body.job.id}`)).rejects.toThrow();
    expect((await get('/v2/search/models')).status).toBe(200);
  });

  it('html500: the upload is enqueued, and a proxy page with 500 comes back instead', async () => {
    fake.configure({ faults: { brokenAnswers: { route: 'enqueue', how: 'html500' } } });
    const fd = new FormData();
    fd.append('model_id', MODEL);
    fd.append('file', new Blob([PDF]), 'a.pdf');
    const res = await request(`${fake.url}/v2/products/extraction/enqueue`, { method: 'POST', body: fd, headers: { authorization: fake.apiKey } });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toBe('text/html');
    expect(await res.body.text()).toContain('<h1>500 Internal Server Error</h1>');
    expect(fake.jobs.size).toBe(1);
    expect(fake.requests).toEqual([expect.objectContaining({ status: 500, mindeeStatus: 202 })]);
  });
});

describe('uploadFaults', () => {
  it('resetAfterAccept: the job is created, the answer never comes, only for the first `count` uploads of that file', async () => {
    fake.configure({ faults: { uploadFaults: [{ fileName: 'a.pdf', fault: 'resetAfterAccept', count: 1 }] } });
    await expect(enqueue()).rejects.toThrow();
    expect(fake.jobs.size).toBe(1);
    expect(fake.requests).toEqual([expect.objectContaining({ method: 'POST', status: 0 })]);
    expect((await enqueue()).status).toBe(202);
    expect(fake.jobs.size).toBe(2);
  });

  it('failJob: the job of that file ends Failed; other files are not touched', async () => {
    fake.configure({ processingMs: 50, faults: { uploadFaults: [{ fileName: 'other.pdf', fault: 'failJob' }, { fileName: 'a.pdf', fault: 'failJob', count: 1 }] } });
    const failed = (await enqueue()).body.job.id;
    const processed = (await enqueue()).body.job.id;
    await sleep(200);
    expect((await get(`/v2/jobs/${failed}`)).body.job.status).toBe('Failed');
    expect((await get(`/v2/jobs/${processed}?redirect=false`)).body.job.status).toBe('Processed');
  });
});
