/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Fake Mindee server: the streaming multipart parser (chunk boundaries, filename*, base64 fields,
 * limits) and large uploads through the server (hashed, not kept; size limit answered 413).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { FormData, request } from 'undici';
import type { MindeeJob, MindeeProblem } from '../../nodes/Mindee/shared/types';
import { MultipartError, parseMultipart, type MultipartOptions } from './multipart';
import { sniffMime } from './fileSniffing';
import { startFakeMindee, type FakeMindee } from './server';

const BOUNDARY = 'XyZ--boundary-123';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const OPTIONS: MultipartOptions = { fileFields: ['file'], base64Fields: ['file_base64'], maxFileBytes: 1 << 20, maxFieldBytes: 1 << 16 };

// File bytes that contain near-misses of the delimiter, to catch off-by-one carry bugs.
const FILE = Buffer.concat([
  Buffer.from('%PDF-1.7\r\n'),
  Buffer.from(`\r\n--${BOUNDARY.slice(0, -1)}\r\n--XyZ`),
  randomBytes(3000),
  Buffer.from('\r\n-'),
]);
const B64_SOURCE = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(500)]);

function body(): Buffer {
  const b64 = B64_SOURCE.toString('base64').replace(/(.{76})/g, '$1\r\n'); // MIME-style line breaks are tolerated
  return Buffer.concat([
    Buffer.from('preamble to ignore\r\n'),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="model_id"\r\n\r\nabc\r\n`),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="alias"\r\n\r\nété ✓\r\n`),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="webhook_ids"\r\n\r\na\r\n`),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="webhook_ids"\r\n\r\nb\r\n`),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="empty"\r\n\r\n\r\n`),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="x.pdf"; filename*=UTF-8''%C3%A9t%C3%A9.pdf\r\nContent-Type: application/pdf\r\n\r\n`),
    FILE,
    Buffer.from(`\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file_base64"\r\n\r\n${b64}\r\n`),
    Buffer.from(`--${BOUNDARY}--\r\nepilogue`),
  ]);
}

function chunked(buf: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  return Readable.from(chunks);
}

describe('streaming multipart parser', () => {
  it.each([1, 2, 7, 64, 1 << 20])('parses the same result with %i-byte chunks', async (size) => {
    const result = await parseMultipart(chunked(body(), size), BOUNDARY, OPTIONS);
    expect(result.fields).toEqual([
      ['model_id', 'abc'],
      ['alias', 'été ✓'],
      ['webhook_ids', 'a'],
      ['webhook_ids', 'b'],
      ['empty', ''],
    ]);
    expect(result.fieldTooLarge).toBe(false);
    const [file, b64] = result.files;
    expect(file).toMatchObject({ field: 'file', filename: 'été.pdf', contentType: 'application/pdf', size: FILE.length, sha256: sha(FILE), tooLarge: false });
    expect(sniffMime(file.head)).toBe('application/pdf');
    expect(b64).toMatchObject({ field: 'file_base64', size: B64_SOURCE.length, sha256: sha(B64_SOURCE), invalidBase64: false });
    expect(sniffMime(b64.head)).toBe('image/jpeg');
  });

  it('marks files over the limit but keeps counting their size', async () => {
    const result = await parseMultipart(chunked(body(), 100), BOUNDARY, { ...OPTIONS, maxFileBytes: 1000 });
    expect(result.files[0]).toMatchObject({ tooLarge: true, size: FILE.length, sha256: '' });
  });

  it('rejects a truncated body', async () => {
    const truncated = body().subarray(0, 400);
    await expect(parseMultipart(chunked(truncated, 50), BOUNDARY, OPTIONS)).rejects.toBeInstanceOf(MultipartError);
  });
});

describe('uploads through the server', () => {
  let fake: FakeMindee;
  const MODEL = 'b3274545-bb22-bb22-991e-9ca0639829a3';

  beforeAll(async () => {
    fake = await startFakeMindee({ processingMs: 60_000 });
  });

  afterAll(async () => {
    await fake.stop();
  });

  it('answers 400 to a malformed multipart body', async () => {
    const res = await request(`${fake.url}/v2/products/extraction/enqueue`, {
      method: 'POST',
      headers: { authorization: fake.apiKey, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="model_id"\r\n\r\n${MODEL}`,
    });
    expect(res.statusCode).toBe(400);
    expect(((await res.body.json()) as MindeeProblem).code).toMatch(/^400-/);
  });

  it('accepts urlencoded and JSON bodies with url / file_base64 (FastAPI forms; OAS JSON body)', async () => {
    const urlencoded = await request(`${fake.url}/v2/products/extraction/enqueue`, {
      method: 'POST',
      headers: { authorization: fake.apiKey, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ model_id: MODEL, url: 'https://example.com/x/scan.jpg' }).toString(),
    });
    expect(urlencoded.statusCode).toBe(202);
    expect(((await urlencoded.body.json()) as { job: MindeeJob }).job.filename).toBe('scan.jpg');
    const json = await request(`${fake.url}/v2/products/extraction/enqueue`, {
      method: 'POST',
      headers: { authorization: fake.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ model_id: MODEL, file_base64: B64_SOURCE.toString('base64'), webhook_ids: [], rag: false }),
    });
    expect(json.statusCode).toBe(202);
    expect(((await json.body.json()) as { job: MindeeJob }).job.filename).toBe('document.jpg');
  });

  it('hashes an 8 MB upload while streaming it', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(8 * 1024 * 1024)]);
    const fd = new FormData();
    fd.append('model_id', MODEL);
    fd.append('file', new Blob([big]), 'big.pdf');
    const res = await request(`${fake.url}/v2/products/extraction/enqueue`, { method: 'POST', body: fd, headers: { authorization: fake.apiKey } });
    expect(res.statusCode).toBe(202);
    await res.body.dump();
    expect(fake.requests.at(-1)!.file).toMatchObject({ filename: 'big.pdf', size: big.length, sha256: sha(big) });
  }, 30_000); // moving 8 MB is work, not a timing claim: jest's 5 s hang guard is too short on a busy machine

  // The limit is an option (default 100 MiB, Mindee's): a 1 MiB limit exercises the same code path
  // without pushing 100 MiB through a shared machine's loopback.
  it('answers 413 to a file over the size limit after reading the whole body', async () => {
    const limit = 1024 * 1024;
    fake.configure({ maxFileBytes: limit });
    try {
      const huge = Buffer.alloc(limit + 1, 0x20);
      huge.write('%PDF-1.7\n');
      const fd = new FormData();
      fd.append('model_id', MODEL);
      fd.append('file', new Blob([huge]), 'huge.pdf');
      const res = await request(`${fake.url}/v2/products/extraction/enqueue`, { method: 'POST', body: fd, headers: { authorization: fake.apiKey } });
      expect(res.statusCode).toBe(413);
      expect(await res.body.json()).toMatchObject({ status: 413, detail: expect.stringContaining(String(limit)) });
      expect(fake.requests.at(-1)!.file).toMatchObject({ size: huge.length, sha256: '' });
    } finally {
      fake.configure({ maxFileBytes: 100 * 1024 * 1024 });
    }
  });
});
