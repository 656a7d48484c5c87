/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- runs openssl for a throw-away certificate */
/**
 * Fake Mindee server: signed webhook delivery (https://docs.mindee.com/integrations/webhooks), the SDK's HMAC test vector, and HTTPS
 * (the fake served over TLS, webhooks to a self-signed receiver).
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Agent, FormData, request } from 'undici';
import type { MindeeJob, MindeeProblem } from '../../nodes/Mindee/shared/types';
import { signatureTestVector } from './fixtures';
import { loadFixture, loadFixtureText, signBody, startFakeMindee, type FakeMindee } from './server';

const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const MODEL = 'b3274545-bb22-bb22-991e-9ca0639829a3';
const HOOK = '33333333-cccc-4ccc-8ccc-333333333333';
const SECRET = 'whsec_fake_test_secret';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A local receiver answering with the queued statuses (then 200). */
class Receiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  server!: http.Server | https.Server;
  url = '';

  async start(tls?: { key: Buffer; cert: Buffer }): Promise<this> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
        const status = this.statuses.shift() ?? 200;
        res.writeHead(status, status >= 300 && status < 400 ? { location: '/elsewhere' } : {});
        res.end('ok');
      });
    };
    this.server = tls ? https.createServer(tls, handler) : http.createServer(handler);
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

let fake: FakeMindee;
let receiver: Receiver;

async function enqueue(fields: Record<string, string>): Promise<MindeeJob> {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([PDF]), 'hooked.pdf');
  const res = await request(`${fake.url}/v2/products/extraction/enqueue`, { method: 'POST', body: fd, headers: { authorization: fake.apiKey } });
  const body = (await res.body.json()) as { job: MindeeJob };
  expect(res.statusCode).toBe(202);
  return body.job;
}

async function waitFor(fn: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  fake = await startFakeMindee({ processingMs: 50, webhookRetryDelaysMs: [40, 40] });
  receiver = await new Receiver().start();
});

afterAll(async () => {
  await fake.stop();
  await receiver.stop();
});

beforeEach(() => {
  fake.configure({
    processingMs: 50,
    faults: {},
    webhookRetryDelaysMs: [40, 40],
    webhookTlsRejectUnauthorized: false,
    webhooks: [{ id: HOOK, url: `${receiver.url}/hook?token=abc`, secret: SECRET, modelId: MODEL }],
  });
  fake.reset();
  receiver.received.length = 0;
  receiver.statuses = [];
});

describe('HMAC signature', () => {
  it('signs the SDK test vector: standard_field_types.json without \\r\\n', () => {
    const vector = signatureTestVector();
    expect(vector.fixture).toBe('products/extraction/standard_field_types.json');
    const body = loadFixtureText(vector.fixture).replace(/[\r\n]/g, '');
    expect(signBody(vector.key, body)).toBe(vector.signature);
    expect(signBody(vector.key, Buffer.from(body))).toBe(vector.signature);
  });
});

describe('webhook delivery', () => {
  it('POSTs the compact result body, signed, on its own timer, and reports it in job.webhooks', async () => {
    const job = await enqueue({ model_id: MODEL, webhook_ids: HOOK, alias: 'hooked' });
    await waitFor(() => receiver.received.length === 1);
    expect(fake.jobs.get(job.id)!.pollCount).toBe(0); // nobody polled: delivery is not lazy

    const got = receiver.received[0];
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/hook?token=abc');
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['x-signature']).toBe(createHmac('sha256', SECRET).update(got.body).digest('hex'));
    const text = got.body.toString('utf8');
    expect(text).not.toMatch(/[\r\n]/);
    const parsed = JSON.parse(text);
    expect(parsed.inference).toMatchObject({ id: job.id, job: { id: job.id }, model: { id: MODEL }, file: { name: 'hooked.pdf', alias: 'hooked' } });

    // Byte-identical to what the result route returns.
    const res = await request(`${fake.url}/v2/products/extraction/results/${job.id}`, { headers: { authorization: fake.apiKey } });
    expect(await res.body.text()).toBe(text);

    await waitFor(() => fake.webhookDeliveries.length === 1);
    expect(fake.webhookDeliveries[0]).toMatchObject({ webhookId: HOOK, url: `${receiver.url}/hook?token=abc`, status: 200, body: text, signature: got.headers['x-signature'] });

    const polled = await request(`${fake.url}/v2/jobs/${job.id}?redirect=false`, { headers: { authorization: fake.apiKey } });
    const polledJob = ((await polled.body.json()) as { job: MindeeJob }).job;
    expect(polledJob.webhooks).toEqual([{ id: HOOK, created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/), status: 'Processed', error: null }]);
    expect(Object.keys(polledJob.webhooks[0])).toEqual(Object.keys(loadFixture<{ job: MindeeJob }>('job/ok_processed_webhooks_ok.json').job.webhooks[0]));
  });

  it('sends the failure payload for a failed job', async () => {
    fake.configure({ faults: { failRate: 1 } });
    const job = await enqueue({ model_id: MODEL, webhook_ids: HOOK });
    await waitFor(() => receiver.received.length === 1);
    const got = receiver.received[0];
    expect(got.headers['x-signature']).toBe(createHmac('sha256', SECRET).update(got.body).digest('hex'));
    const payload = JSON.parse(got.body.toString('utf8'));
    const fixture = loadFixture<{ error: MindeeProblem }>('errors/webhook_error_500_failed.json');
    expect(Object.keys(payload)).toEqual(Object.keys(fixture));
    expect(payload).toMatchObject({ inference_id: job.id, model_id: MODEL, file_name: 'hooked.pdf', file_alias: null, error: fixture.error });
    expect(payload.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('retries non-2xx answers and records each attempt', async () => {
    receiver.statuses = [500, 503];
    const job = await enqueue({ model_id: MODEL, webhook_ids: HOOK });
    await waitFor(() => fake.webhookDeliveries.length === 3);
    expect(fake.webhookDeliveries.map((d) => d.status)).toEqual([500, 503, 200]);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.body.toString())).size).toBe(1);
    const polled = await request(`${fake.url}/v2/jobs/${job.id}?redirect=false`, { headers: { authorization: fake.apiKey } });
    expect(((await polled.body.json()) as { job: MindeeJob }).job.webhooks[0]).toMatchObject({ status: 'Processed', error: null });
  });

  it('gives up after the last attempt, does not follow redirects, and marks the webhook Failed', async () => {
    receiver.statuses = [302, 500, 500];
    const job = await enqueue({ model_id: MODEL, webhook_ids: HOOK });
    await waitFor(() => fake.webhookDeliveries.length === 3);
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.webhookDeliveries.map((d) => d.status)).toEqual([302, 500, 500]);
    expect(receiver.received.map((r) => r.url)).toEqual(['/hook?token=abc', '/hook?token=abc', '/hook?token=abc']);
    const polled = await request(`${fake.url}/v2/jobs/${job.id}`, { headers: { authorization: fake.apiKey } });
    expect(polled.statusCode).toBe(302);
    const entry = ((await polled.body.json()) as { job: MindeeJob }).job.webhooks[0];
    expect(entry).toMatchObject({ id: HOOK, status: 'Failed', error: { status: expect.any(Number), code: expect.any(String), title: expect.any(String) } });
  });

  it('records network errors with a null status', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    fake.configure({ webhookRetryDelaysMs: [], webhooks: [{ id: HOOK, url: `http://127.0.0.1:${port}/x`, secret: SECRET, modelId: MODEL }] });
    await enqueue({ model_id: MODEL, webhook_ids: HOOK });
    await waitFor(() => fake.webhookDeliveries.length === 1);
    expect(fake.webhookDeliveries[0]).toMatchObject({ status: null, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('never contacts the URL of a webhook that is only listed on a model (no secret)', async () => {
    const hookOnModel = 'a2286ed9-aa11-aa11-bdc5-2f8496c5641a';
    await enqueue({ model_id: 'afde5151-aa11-aa11-9289-fa04e50ca3b9', webhook_ids: hookOnModel });
    await waitFor(() => fake.webhookDeliveries.length === 1);
    expect(fake.webhookDeliveries[0]).toMatchObject({ webhookId: hookOnModel, url: 'https://failure.mindee.com', status: null, error: expect.stringContaining('not delivered') });
  });

  it('delivers to several webhooks of a job', async () => {
    const other = '44444444-dddd-4ddd-8ddd-444444444444';
    fake.configure({
      webhooks: [
        { id: HOOK, url: `${receiver.url}/one`, secret: 'one', modelId: MODEL },
        { id: other, url: `${receiver.url}/two`, secret: 'two', modelId: MODEL },
      ],
    });
    await enqueue({ model_id: MODEL, webhook_ids: `${HOOK},${other}` });
    await waitFor(() => receiver.received.length === 2);
    const byPath = Object.fromEntries(receiver.received.map((r) => [r.url, r]));
    expect(byPath['/one'].headers['x-signature']).toBe(signBody('one', byPath['/one'].body));
    expect(byPath['/two'].headers['x-signature']).toBe(signBody('two', byPath['/two'].body));
  });
});

/** Whether openssl (which makes the throw-away certificate) is installed: without it the HTTPS tests
 * are reported as skipped. */
const opensslAvailable = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const itWithOpenssl = opensslAvailable ? it : it.skip;

describe('HTTPS', () => {
  let dir: string;
  let tls: { key: Buffer; cert: Buffer };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fake-mindee-tls-'));
    if (!opensslAvailable) return;
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    tls = { key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(path.join(dir, 'cert.pem')) };
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  itWithOpenssl('delivers to a self-signed HTTPS receiver unless webhookTlsRejectUnauthorized', async () => {
    const secure = await new Receiver().start(tls);
    try {
      fake.configure({ webhookRetryDelaysMs: [], webhooks: [{ id: HOOK, url: `${secure.url}/tls`, secret: SECRET, modelId: MODEL }] });
      await enqueue({ model_id: MODEL, webhook_ids: HOOK });
      await waitFor(() => fake.webhookDeliveries.length === 1);
      expect(fake.webhookDeliveries[0].status).toBe(200);
      expect(secure.received[0].headers['x-signature']).toBe(signBody(SECRET, secure.received[0].body));

      fake.configure({ webhookTlsRejectUnauthorized: true });
      await enqueue({ model_id: MODEL, webhook_ids: HOOK });
      await waitFor(() => fake.webhookDeliveries.length === 2);
      expect(fake.webhookDeliveries[1].status).toBeNull();
      expect(fake.webhookDeliveries[1].error).toMatch(/self[- ]signed|certificate/i);
    } finally {
      await secure.stop();
    }
  });

  itWithOpenssl('serves the API over HTTPS when given tls', async () => {
    const secureFake = await startFakeMindee({ tls, processingMs: 10 });
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    try {
      expect(secureFake.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const fd = new FormData();
      fd.append('model_id', MODEL);
      fd.append('file', new Blob([PDF]), 'a.pdf');
      const res = await request(`${secureFake.url}/v2/products/extraction/enqueue`, { method: 'POST', body: fd, headers: { authorization: secureFake.apiKey }, dispatcher });
      expect(res.statusCode).toBe(202);
      const job = ((await res.body.json()) as { job: MindeeJob }).job;
      expect(job.polling_url).toBe(`${secureFake.url}/v2/jobs/${job.id}`);
    } finally {
      await dispatcher.close();
      await secureFake.stop();
    }
  });
});
