/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Behaviour of the fake Mindee V2 server (test/fake-mindee) against Mindee's documentation:
 * auth, enqueue validation and 202 shape, job lifecycle (200 → 302 + JSON body), rewritten results,
 * model search, request recording.
 */
import { createHash } from 'node:crypto';
import { FormData, request } from 'undici';
import type { MindeeInference, MindeeJob, MindeeProblem, ModelSearchPage } from '../../nodes/Mindee/shared/types';
import { defaultModels } from './fixtures';
import type { DataSchema, MindeeResultField } from './types';
import { isEnqueue, loadFixture, startFakeMindee, type FakeMindee } from './server';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
const MODEL = {
  extraction: 'b3274545-bb22-bb22-991e-9ca0639829a3',
  extractionWithHooks: 'afde5151-aa11-aa11-9289-fa04e50ca3b9',
  split: 'c88c19ba-cc33-cc33-ae83-80253fb7c27d',
  crop: 'd7f3c637-dd44-dd44-8bb0-72ad9d6ea514',
  classification: 'f0c1a551-ff66-4f66-9c1a-5511f1ca7101',
  ocr: '0c70c70c-0077-4077-8077-0c70c70c7001',
} as const;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MICRO_NO_TZ = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const HOOK_A = '11111111-aaaa-4aaa-8aaa-111111111111';
const HOOK_B = '22222222-bbbb-4bbb-8bbb-222222222222';

let fake: FakeMindee;

/** A Mindee answer as these tests read it: each route sends one of a job, an inference, a model
 * listing or a problem, and each test reads the one it expects. */
type ReplyBody = { job: MindeeJob; inference: MindeeInference & { result: { fields: Record<string, MindeeResultField>; raw_text: unknown } } } & ModelSearchPage & MindeeProblem;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: ReplyBody;
}

async function call(method: 'GET' | 'POST', path: string, opts: { auth?: string | null; body?: FormData | string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const auth = opts.auth === undefined ? fake.apiKey : opts.auth;
  if (auth !== null) headers.authorization = auth;
  const res = await request(`${fake.url}${path}`, { method, headers, body: opts.body });
  const text = await res.body.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.statusCode, headers: res.headers, body: body as ReplyBody };
}

function form(fields: Record<string, string | string[]>, file?: { bytes: Buffer; name: string } | null): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) fd.append(k, item);
  if (file) fd.append('file', new Blob([new Uint8Array(file.bytes)]), file.name);
  return fd;
}

async function enqueue(slug: string, fields: Record<string, string | string[]>, file: { bytes: Buffer; name: string } | null = { bytes: PDF, name: 'invoice.pdf' }, path?: string): Promise<Reply> {
  return call('POST', path ?? `/v2/products/${slug}/enqueue`, { body: form(fields, file) });
}

async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitProcessed(id: string): Promise<Reply> {
  return waitFor(async () => {
    const r = await call('GET', `/v2/jobs/${id}`);
    return r.body?.job?.status === 'Processing' ? undefined : r;
  });
}

beforeAll(async () => {
  fake = await startFakeMindee({ processingMs: 150 });
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.configure({ processingMs: 150, rateLimits: null, faults: {}, models: defaultModels(), webhooks: [], maxFileBytes: 100 * 1024 * 1024 });
  fake.reset();
});

describe('auth', () => {
  it('answers 401-008 (fixture body) when the Authorization header is missing', async () => {
    const r = await call('GET', '/v2/search/models', { auth: null });
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body).toEqual(loadFixture('errors/error_401_missing_credentials.json'));
  });

  it.each([['wrong key', 'md_wrong'], ['Bearer prefix', 'Bearer md_fake_local_key'], ['Token prefix', 'Token md_fake_local_key']])(
    'answers 401-001 (fixture body) for a %s',
    async (_label, auth) => {
      const r = await call('GET', '/v2/search/models', { auth });
      expect(r.status).toBe(401);
      expect(r.body).toEqual(loadFixture('errors/error_401_invalid_api_key.json'));
    },
  );

  it('checks auth on enqueue too, and accepts the raw key', async () => {
    const denied = await call('POST', '/v2/products/extraction/enqueue', { auth: `Bearer ${fake.apiKey}`, body: form({ model_id: MODEL.extraction }, { bytes: PDF, name: 'a.pdf' }) });
    expect(denied.status).toBe(401);
    expect(fake.jobs.size).toBe(0);
    expect((await enqueue('extraction', { model_id: MODEL.extraction })).status).toBe(202);
  });

  it('honours a configured apiKey', async () => {
    fake.configure({ apiKey: 'md_other' });
    try {
      expect((await call('GET', '/v2/search/models', { auth: 'md_fake_local_key' })).status).toBe(401);
      expect((await call('GET', '/v2/search/models', { auth: 'md_other' })).status).toBe(200);
    } finally {
      fake.configure({ apiKey: 'md_fake_local_key' });
    }
  });
});

describe('enqueue', () => {
  it.each([
    ['extraction', MODEL.extraction, undefined],
    ['classification', MODEL.classification, undefined],
    ['crop', MODEL.crop, undefined],
    ['ocr', MODEL.ocr, undefined],
    ['split', MODEL.split, undefined],
    ['extraction', MODEL.extraction, '/v2/inferences/enqueue'],
  ])('answers 202 with a job shaped like job/ok_processing.json for %s %s', async (slug, modelId, path) => {
    const r = await enqueue(slug, { model_id: modelId, alias: 'my-alias' }, { bytes: PDF, name: 'invoice.pdf' }, path);
    expect(r.status).toBe(202);
    const fixture = loadFixture<{ job: MindeeJob }>('job/ok_processing.json');
    expect(Object.keys(r.body)).toEqual(['job']);
    expect(Object.keys(r.body.job)).toEqual(Object.keys(fixture.job));
    const job = r.body.job;
    expect(job.id).toMatch(UUID_V4);
    expect(job).toMatchObject({
      model_id: modelId,
      filename: 'invoice.pdf',
      alias: 'my-alias',
      completed_at: null,
      status: 'Processing',
      polling_url: `${fake.url}/v2/jobs/${job.id}`,
      result_url: null,
      webhooks: [],
      error: null,
    });
    expect(job.created_at).toMatch(MICRO_NO_TZ);
    expect(fake.jobs.get(job.id)).toMatchObject({ product: slug, modelId, status: 'Processing', filename: 'invoice.pdf' });
  });

  it('gives alias null when none is sent, and a new id per job', async () => {
    const a = await enqueue('extraction', { model_id: MODEL.extraction });
    const b = await enqueue('extraction', { model_id: MODEL.extraction });
    expect(a.body.job.alias).toBeNull();
    expect(a.body.job.id).not.toBe(b.body.job.id);
  });

  it('takes the filename from the filename field over the part filename', async () => {
    const r = await enqueue('extraction', { model_id: MODEL.extraction, filename: 'renamed.pdf' });
    expect(r.body.job.filename).toBe('renamed.pdf');
  });

  it.each([
    ['not a UUID', 'INVALID MODEL ID', 'model_id must be a valid UUID format'],
    ['the nil UUID', '00000000-0000-0000-0000-000000000000', 'model_id must be a valid UUID format'],
    ['missing', undefined, 'Field required'],
  ])('answers 422-001 with pointer #/model_id when model_id is %s', async (_label, modelId, detail) => {
    const r = await enqueue('extraction', modelId === undefined ? {} : { model_id: modelId });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ status: 422, code: '422-001', title: 'Invalid fields in form' });
    expect(r.body.errors).toEqual([{ pointer: '#/model_id', detail }]);
  });

  it('answers 404 with a 404- code for a well-formed unknown model', async () => {
    const r = await enqueue('extraction', { model_id: 'fc405e37-4ba4-4d03-aeba-533a8d1f0f21' });
    expect(r.status).toBe(404);
    expect(r.body.code).toMatch(/^404-/);
    expect(r.body.title).toEqual(expect.any(String));
    expect(r.body.errors).toEqual([]);
  });

  it('answers 422 for a model of another type than the product', async () => {
    const r = await enqueue('extraction', { model_id: MODEL.split });
    expect(r.status).toBe(422);
    expect(r.body.code).toMatch(/^422-/);
    const deprecated = await enqueue('', { model_id: MODEL.crop }, undefined, '/v2/inferences/enqueue');
    expect(deprecated.status).toBe(422);
  });

  it('requires one input source: none → 400, several → 422', async () => {
    const none = await enqueue('extraction', { model_id: MODEL.extraction }, null);
    expect(none.status).toBe(400);
    expect(none.body.code).toMatch(/^400-/);
    const several = await enqueue('extraction', { model_id: MODEL.extraction, url: 'https://example.com/a.pdf' });
    expect(several.status).toBe(422);
    expect(several.body.errors.map((e) => e.pointer).sort()).toEqual(['#/file', '#/url']);
  });

  it('accepts https URLs only, naming the job after the last path segment', async () => {
    const http = await enqueue('extraction', { model_id: MODEL.extraction, url: 'http://example.com/a.pdf' }, null);
    expect(http.status).toBe(422);
    expect(http.body.errors).toEqual([expect.objectContaining({ pointer: '#/url' })]);
    const ok = await enqueue('extraction', { model_id: MODEL.extraction, url: 'https://example.com/docs/my%20scan.pdf?sig=1' }, null);
    expect(ok.status).toBe(202);
    expect(ok.body.job.filename).toBe('my scan.pdf');
  });

  it('accepts file_base64 and records a summary instead of the content', async () => {
    const b64 = PNG.toString('base64');
    const r = await enqueue('extraction', { model_id: MODEL.extraction, file_base64: b64 }, null);
    expect(r.status).toBe(202);
    const rec = fake.requests.find((q) => q.path === '/v2/products/extraction/enqueue')!;
    expect(rec.fields!.file_base64).toBe(`[base64: ${b64.length} chars]`);
    expect(rec.file).toMatchObject({ size: PNG.length, sha256: createHash('sha256').update(PNG).digest('hex') });
    const short = await enqueue('extraction', { model_id: MODEL.extraction, file_base64: 'AAAA' }, null);
    expect(short.status).toBe(422);
    expect(short.body.errors[0].pointer).toBe('#/file_base64');
  });

  it('rejects empty files and files that are not PDF/JPEG/PNG/WebP/TIFF/HEIC/HEIF with 422', async () => {
    const empty = await enqueue('extraction', { model_id: MODEL.extraction }, { bytes: Buffer.alloc(0), name: 'empty.pdf' });
    expect(empty.status).toBe(422);
    const text = await enqueue('extraction', { model_id: MODEL.extraction }, { bytes: Buffer.from('hello, not a pdf'), name: 'fake.pdf' });
    expect(text.status).toBe(422);
    expect(text.body.errors[0].pointer).toBe('#/file');
    for (const bytes of [
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
      Buffer.concat([Buffer.from('RIFF\x10\0\0\0WEBPVP8 ', 'latin1')]),
      Buffer.from('II*\0\x08\0\0\0', 'latin1'),
      Buffer.from('\0\0\0\x18ftypheic\0\0\0\0', 'latin1'),
      Buffer.from('\0\0\0\x18ftypmif1\0\0\0\0', 'latin1'),
    ]) {
      expect((await enqueue('extraction', { model_id: MODEL.extraction }, { bytes, name: 'doc.bin' })).status).toBe(202);
    }
  });

  it('answers 413 over the file size limit', async () => {
    fake.configure({ maxFileBytes: 1000 });
    const r = await enqueue('extraction', { model_id: MODEL.extraction }, { bytes: Buffer.concat([PDF, Buffer.alloc(2000)]), name: 'big.pdf' });
    expect(r.status).toBe(413);
    expect(fake.jobs.size).toBe(0);
  });

  it('validates and records the extraction options', async () => {
    const bad = await enqueue('extraction', { model_id: MODEL.extraction, rag: 'maybe' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].pointer).toBe('#/rag');
    const badSchema = await enqueue('extraction', { model_id: MODEL.extraction, data_schema: '{not json' });
    expect(badSchema.status).toBe(422);
    expect(badSchema.body.errors[0].pointer).toBe('#/data_schema');
    const fields = { model_id: MODEL.extraction, rag: 'true', raw_text: 'false', polygon: 'true', confidence: 'false', text_context: 'be nice' };
    const ok = await enqueue('extraction', fields);
    expect(ok.status).toBe(202);
    expect(fake.jobs.get(ok.body.job.id)!.fields).toEqual(fields);
  });

  describe('webhook_ids', () => {
    beforeEach(() => {
      fake.configure({
        processingMs: 60_000,
        webhooks: [
          { id: HOOK_A, url: 'http://127.0.0.1:9/a', secret: 's', modelId: MODEL.extraction },
          { id: HOOK_B, url: 'http://127.0.0.1:9/b', secret: 's', modelId: MODEL.extraction },
        ],
      });
    });

    it.each([
      ['one comma-separated field', { webhook_ids: `${HOOK_A},${HOOK_B}` }],
      ['repeated fields', { webhook_ids: [HOOK_A, HOOK_B] }],
      ['webhook_ids[] fields', { 'webhook_ids[]': [HOOK_A, HOOK_B] }],
    ])('accepts %s', async (_label, extra) => {
      const r = await enqueue('extraction', { model_id: MODEL.extraction, ...extra });
      expect(r.status).toBe(202);
      expect(fake.jobs.get(r.body.job.id)!.webhookIds).toEqual([HOOK_A, HOOK_B]);
    });

    it('answers 422 "no matching webhooks" for an id that is not a webhook of the model', async () => {
      const r = await enqueue('extraction', { model_id: MODEL.extraction, webhook_ids: `${HOOK_A},fc405e37-4ba4-4d03-aeba-533a8d1f0f21` });
      expect(r.status).toBe(422);
      expect(r.body.code).toMatch(/^422-/);
      expect(r.body.detail.toLowerCase()).toContain('no matching webhooks');
      // A webhook of another model does not match either.
      const other = await enqueue('split', { model_id: MODEL.split, webhook_ids: HOOK_A });
      expect(other.status).toBe(422);
      expect(other.body.detail.toLowerCase()).toContain('no matching webhooks');
    });

    it('accepts the webhooks listed on a fixture model', async () => {
      const r = await enqueue('extraction', { model_id: MODEL.extractionWithHooks, webhook_ids: 'a2286ed9-aa11-aa11-bdc5-2f8496c5641a' });
      expect(r.status).toBe(202);
    });
  });
});

describe('job lifecycle and results', () => {
  it('polls 200 Processing, then 302 with Location and a JSON job body, then serves the rewritten result', async () => {
    fake.configure({ processingMs: 2_000 });
    const r = await enqueue('extraction', { model_id: MODEL.extraction, alias: 'inv-1', raw_text: 'true', polygon: 'true' });
    const id = r.body.job.id;
    const first = await call('GET', `/v2/jobs/${id}`);
    expect(first.status).toBe(200);
    expect(first.body.job.status).toBe('Processing');

    const done = await waitProcessed(id);
    expect(done.status).toBe(302);
    expect(done.headers['content-type']).toBe('application/json');
    const resultUrl = `${fake.url}/v2/products/extraction/results/${id}`;
    expect(done.headers.location).toBe(resultUrl);
    expect(done.body.job).toMatchObject({ id, status: 'Processed', result_url: resultUrl, error: null, webhooks: [] });
    expect(done.body.job.completed_at).toMatch(MICRO_NO_TZ);
    expect(Object.keys(done.body.job)).toEqual(Object.keys(loadFixture<{ job: MindeeJob }>('job/ok_processed_webhooks_ok.json').job));

    const res = await call('GET', `/v2/products/extraction/results/${id}`);
    expect(res.status).toBe(200);
    const inf = res.body.inference;
    expect(inf.id).toBe(id);
    expect(inf.job).toEqual({ id });
    expect(inf.model).toEqual({ id: MODEL.extraction });
    expect(inf.file).toMatchObject({ name: 'invoice.pdf', alias: 'inv-1', mime_type: 'application/pdf' });
    expect(inf.active_options).toEqual({ raw_text: true, rag: false, polygon: true, confidence: false, text_context: false, data_schema: { replace: false } });
    expect(inf.result.raw_text).toEqual(loadFixture<{ inference: { result: { raw_text: unknown } } }>('products/extraction/raw_texts.json').inference.result.raw_text);
    expect(inf.result.rag).toBeNull();
    expect(inf.result.fields.date.locations?.length).toBeGreaterThan(0);
    expect(inf.result.fields.date.confidence).toBeNull();
    expect(inf.result.fields.date.value).toBe('2019-02-11');

    const rec = fake.jobs.get(id)!;
    expect(rec.pollCount).toBeGreaterThanOrEqual(2);
    expect(rec.resultFetchedAt).toEqual(expect.any(Number));
  });

  it('answers 200 with the same body when redirect=false', async () => {
    fake.configure({ processingMs: 0 });
    const id = (await enqueue('split', { model_id: MODEL.split })).body.job.id;
    await new Promise((r) => setTimeout(r, 20));
    const r = await call('GET', `/v2/jobs/${id}?redirect=false`);
    expect(r.status).toBe(200);
    expect(r.headers.location).toBeUndefined();
    expect(r.body.job).toMatchObject({ status: 'Processed', result_url: `${fake.url}/v2/products/split/results/${id}` });
  });

  it('fills raw_text/rag only when asked and strips polygons and confidences when off', async () => {
    fake.configure({ processingMs: 0 });
    const plain = (await enqueue('extraction', { model_id: MODEL.extraction })).body.job.id;
    const rag = (await enqueue('extraction', { model_id: MODEL.extraction, rag: 'true', confidence: 'true' })).body.job.id;
    await new Promise((r) => setTimeout(r, 20));
    const p = (await call('GET', `/v2/products/extraction/results/${plain}`)).body.inference;
    expect(p.active_options).toMatchObject({ raw_text: false, rag: false, polygon: false, confidence: false });
    expect(p.result.raw_text).toBeNull();
    expect(p.result.rag).toBeNull();
    expect(p.result.fields.date).toEqual({ locations: [], confidence: null, value: '2019-02-11' });
    const g = (await call('GET', `/v2/products/extraction/results/${rag}`)).body.inference;
    expect(g.result.rag).toEqual({ retrieved_document_id: '12345abc-1234-1234-1234-123456789abc' });
    expect(g.result.fields.date.confidence).toBe('Medium');
  });

  it('builds fields from a data_schema replace', async () => {
    fake.configure({ processingMs: 0 });
    const schema = loadFixture<DataSchema>('products/extraction/data_schema_replace_param.json');
    const id = (await enqueue('extraction', { model_id: MODEL.extraction, data_schema: JSON.stringify(schema) })).body.job.id;
    await new Promise((r) => setTimeout(r, 20));
    const inf = (await call('GET', `/v2/products/extraction/results/${id}`)).body.inference;
    expect(inf.active_options?.data_schema).toEqual({ replace: true });
    expect(Object.keys(inf.result.fields)).toEqual(schema.replace.fields.map((f) => f.name));
  });

  it.each(['classification', 'crop', 'ocr', 'split'] as const)('serves the %s fixture with rewritten ids', async (slug) => {
    fake.configure({ processingMs: 0 });
    const id = (await enqueue(slug, { model_id: MODEL[slug] }, { bytes: PNG, name: 'scan.png' })).body.job.id;
    await new Promise((r) => setTimeout(r, 20));
    const r = await call('GET', `/v2/products/${slug}/results/${id}`);
    expect(r.status).toBe(200);
    expect(r.body.inference).toMatchObject({ id, job: { id }, model: { id: MODEL[slug] }, file: { name: 'scan.png', alias: null, mime_type: 'image/png' } });
    expect(r.body.inference.active_options).toBeUndefined();
    const key = { classification: 'classification', crop: 'crops', ocr: 'pages', split: 'splits' }[slug];
    expect(r.body.inference.result[key]).toBeDefined();
  });

  it('uses a model-level resultFixture and processingMs', async () => {
    fake.configure({
      models: [{ id: MODEL.extraction, name: 'Custom', model_type: 'extraction', resultFixture: 'products/extraction/standard_field_types.json', processingMs: 0 }],
      processingMs: 60_000,
    });
    const id = (await enqueue('extraction', { model_id: MODEL.extraction })).body.job.id;
    await new Promise((r) => setTimeout(r, 20));
    const r = await call('GET', `/v2/products/extraction/results/${id}`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.inference.result.fields)).toContain('field_simple_string');
  });

  it('serves the deprecated GET /v2/inferences/{id} for extraction', async () => {
    fake.configure({ processingMs: 0 });
    const id = (await enqueue('extraction', { model_id: MODEL.extraction })).body.job.id;
    await new Promise((r) => setTimeout(r, 20));
    const r = await call('GET', `/v2/inferences/${id}`);
    expect(r.status).toBe(200);
    expect(r.body.inference.id).toBe(id);
  });

  it('answers 404 for results not ready, unknown or under another product, 422 for non-UUIDs', async () => {
    fake.configure({ processingMs: 60_000 });
    const pending = (await enqueue('extraction', { model_id: MODEL.extraction })).body.job.id;
    expect((await call('GET', `/v2/products/extraction/results/${pending}`)).status).toBe(404);
    fake.configure({ processingMs: 0 });
    const id = (await enqueue('extraction', { model_id: MODEL.extraction })).body.job.id;
    expect((await call('GET', '/v2/products/extraction/results/fc405e37-4ba4-4d03-aeba-533a8d1f0f21')).status).toBe(404);
    expect((await call('GET', '/v2/products/extraction/results/not-a-uuid')).status).toBe(422);
    expect((await call('GET', '/v2/products/extraction/results/00000000-0000-0000-0000-000000000000')).status).toBe(422);
    await waitProcessed(id);
    expect((await call('GET', `/v2/products/crop/results/${id}`)).status).toBe(404);
    expect(fake.jobs.get(id)!.resultFetchedAt).toBeUndefined();
  });

  it('answers 404 for unknown jobs and 422 for non-UUID job ids', async () => {
    const unknown = await call('GET', '/v2/jobs/fc405e37-4ba4-4d03-aeba-533a8d1f0f21');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toMatch(/^404-/);
    const bad = await call('GET', '/v2/jobs/nope');
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('422-001');
  });

  it('ends a job Failed with a 500-012 error when failRate says so', async () => {
    fake.configure({ processingMs: 50, faults: { failRate: 1 } });
    const id = (await enqueue('extraction', { model_id: MODEL.extraction })).body.job.id;
    const r = await waitProcessed(id);
    expect(r.status).toBe(200);
    expect(r.body.job).toMatchObject({ status: 'Failed', result_url: null, error: loadFixture<{ error: MindeeProblem }>('errors/webhook_error_500_failed.json').error });
    expect(r.body.job.completed_at).toMatch(MICRO_NO_TZ);
    expect(fake.jobs.get(id)!.status).toBe('Failed');
    expect((await call('GET', `/v2/products/extraction/results/${id}`)).status).toBe(404);
  });
});

describe('GET /v2/search/models', () => {
  it('lists the default models with webhooks but never secrets', async () => {
    fake.configure({ webhooks: [{ id: HOOK_A, name: 'mine', url: 'https://example.com/hook', secret: 'topsecret', modelId: MODEL.split }] });
    const r = await call('GET', '/v2/search/models');
    expect(r.status).toBe(200);
    expect(r.body.pagination).toEqual({ per_page: 50, page: 1, total_items: 7, total_pages: 1, total_items_unfiltered: null });
    const fixture = loadFixture<ModelSearchPage>('search/models.json');
    expect(r.body.models.slice(0, 2)).toEqual(fixture.models.slice(0, 2));
    const split = r.body.models.find((m) => m.id === MODEL.split);
    expect(split?.webhooks).toEqual([{ id: HOOK_A, name: 'mine', url: 'https://example.com/hook' }]);
    expect(JSON.stringify(r.body)).not.toContain('topsecret');
    // The fixture's last model has no webhooks key at all.
    expect(r.body.models.find((m) => m.id === 'e14e0923-ee55-ee55-a335-8d2110917d7b')).not.toHaveProperty('webhooks');
    expect(r.body.models.map((m) => m.model_type).sort()).toEqual(['classification', 'crop', 'extraction', 'extraction', 'extraction', 'ocr', 'split']);
  });

  it('filters by name (case-insensitive substring) and model_type (exact)', async () => {
    const byName = await call('GET', '/v2/search/models?name=WEBHOOKS%20KEY');
    expect(byName.body.models.map((m) => m.id)).toEqual(['e14e0923-ee55-ee55-a335-8d2110917d7b']);
    const byType = await call('GET', '/v2/search/models?model_type=extraction&name=without');
    expect(byType.body.models.map((m) => m.name)).toEqual(['Extraction Without Webhooks', 'Extraction Without Webhooks Key']);
    expect(byType.body.pagination.total_items).toBe(2);
    const partialType = await call('GET', '/v2/search/models?model_type=extract');
    expect(partialType.body.models).toEqual([]);
  });

  it('paginates from page 1 and answers an empty list past the end', async () => {
    const p1 = await call('GET', '/v2/search/models?per_page=3&page=1');
    const p3 = await call('GET', '/v2/search/models?per_page=3&page=3');
    const p4 = await call('GET', '/v2/search/models?per_page=3&page=4');
    expect(p1.body.models).toHaveLength(3);
    expect(p3.body.models).toHaveLength(1);
    expect(p1.body.pagination).toEqual({ per_page: 3, page: 1, total_items: 7, total_pages: 3, total_items_unfiltered: null });
    expect(p4.status).toBe(200);
    expect(p4.body.models).toEqual([]);
    expect(p4.body.pagination.page).toBe(4);
    expect((await call('GET', '/v2/search/models?page=0')).status).toBe(422);
  });

  it('uses perPageDefault', async () => {
    fake.configure({ perPageDefault: 2 });
    try {
      const r = await call('GET', '/v2/search/models');
      expect(r.body.models).toHaveLength(2);
      expect(r.body.pagination).toMatchObject({ per_page: 2, total_pages: 4 });
    } finally {
      fake.configure({ perPageDefault: 50 });
    }
  });
});

describe('routing and recording', () => {
  it('answers unknown routes with a 404 problem body', async () => {
    const r = await call('GET', '/v2/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ status: 404, code: expect.stringMatching(/^404-/), title: expect.any(String), detail: expect.any(String), errors: [] });
    expect((await call('POST', '/v2/products/foo/enqueue', { body: form({ model_id: MODEL.extraction }) })).status).toBe(404);
  });

  it('records API requests with fields and a file summary, but not control routes', async () => {
    await enqueue('extraction', { model_id: MODEL.extraction, alias: 'x' }, { bytes: PDF, name: 'rec.pdf' });
    await call('GET', '/v2/search/models?name=a&name=b');
    await request(`${fake.url}/_fake/jobs`);
    expect(fake.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /v2/products/extraction/enqueue 202',
      'GET /v2/search/models 200',
    ]);
    expect(fake.requests.map(isEnqueue)).toEqual([true, false]);
    const [post, search] = fake.requests;
    expect(post.fields).toEqual({ model_id: MODEL.extraction, alias: 'x' });
    expect(post.file).toEqual({ filename: 'rec.pdf', size: PDF.length, sha256: createHash('sha256').update(PDF).digest('hex'), contentType: 'application/octet-stream' });
    expect(post.headers.authorization).toBe(fake.apiKey);
    expect(post.at).toEqual(expect.any(Number));
    expect(search.query).toEqual({ name: ['a', 'b'] });
  });

  it('counts as uploads (isEnqueue) the POSTs it routes to enqueue, and those only', () => {
    const uploads = [
      ['POST', '/v2/products/extraction/enqueue'],
      ['POST', '/v2/products/crop/enqueue'],
      ['POST', '/v2/inferences/enqueue'],
      ['POST', '/v2/products/foo/enqueue'],
      ['GET', '/v2/products/extraction/enqueue'],
      ['POST', '/v2/search/models'],
    ].map(([method, path]) => isEnqueue({ method, path }));
    expect(uploads).toEqual([true, true, true, false, false, false]);
  });

  // 300 multipart requests are work, not a timing claim: jest's 5 s hang guard is too short for
  // them on a shared 2-core machine, so this test gets a guard of its own.
  it('handles hundreds of concurrent enqueues', async () => {
    fake.configure({ processingMs: 60_000 });
    const replies = await Promise.all(Array.from({ length: 300 }, (_, i) => enqueue('extraction', { model_id: MODEL.extraction, alias: `n${i}` })));
    expect(replies.every((r) => r.status === 202)).toBe(true);
    expect(new Set(replies.map((r) => r.body.job.id)).size).toBe(300);
    expect(fake.jobs.size).toBe(300);
  }, 60_000);
});
