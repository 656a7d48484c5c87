/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Files kept in n8n's filesystem binary store are streamed to Mindee, not loaded: the fake must
 * receive the exact bytes, and a retried upload (429) must send them again in full.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runMindeeNode, useFakeMindee } from './harness';

const EXTRACTION_MODEL_ID = 'b3274545-bb22-bb22-991e-9ca0639829a3';

const fake = useFakeMindee({ processingMs: 200 });
let folder: string;
let pdfPath: string;
let pdf: Buffer;

beforeAll(() => {
	folder = mkdtempSync(join(tmpdir(), 'mindee-stream-'));
	pdfPath = join(folder, 'big.pdf');
	// A valid PDF header followed by 8 MB of padding in a comment: big enough to arrive in many chunks.
	pdf = Buffer.concat([Buffer.from('%PDF-1.4\n%'), Buffer.alloc(8 * 1024 * 1024, 0x61), Buffer.from('\n%%EOF\n')]);
	writeFileSync(pdfPath, pdf);
});

afterAll(() => {
	rmSync(folder, { recursive: true, force: true });
});

const parameters = {
	resource: 'extraction',
	operation: 'enqueue',
	modelId: { __rl: true, mode: 'id', value: EXTRACTION_MODEL_ID },
	inputType: 'binary',
	binaryPropertyName: 'data',
};

function enqueues() {
	return fake.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/enqueue'));
}

it('streams a file from the filesystem store byte for byte', async () => {
	const result = await runMindeeNode({
		parameters,
		binaryMode: 'filesystem',
		items: [{ json: {}, binary: { data: { filePath: pdfPath, mimeType: 'application/pdf', fileName: 'big.pdf' } } }],
		credentials: { apiKey: fake.apiKey, baseUrl: fake.url },
	});
	expect(result.error).toBeUndefined();
	const [upload] = enqueues();
	expect(upload.status).toBe(202);
	expect(upload.file).toMatchObject({ filename: 'big.pdf', size: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex') });
});

it('sends the whole stream again when Mindee answered 429', async () => {
	// The 429 window closes once Mindee has refused a request, however long the upload took to arrive.
	fake.configure({ faults: { rateLimitWindow: { durationMs: 60_000, retryAfterSeconds: 1, refusals: 1 } } });
	const result = await runMindeeNode({
		parameters,
		binaryMode: 'filesystem',
		items: [{ json: {}, binary: { data: { filePath: pdfPath, mimeType: 'application/pdf', fileName: 'big.pdf' } } }],
		credentials: { apiKey: fake.apiKey, baseUrl: fake.url },
	});
	expect(result.error).toBeUndefined();
	const attempts = enqueues();
	const statuses = attempts.map((request) => request.status);
	expect(statuses.length).toBeGreaterThanOrEqual(2);
	expect(statuses).toEqual([...statuses.slice(0, -1).map(() => 429), 202]);
	expect(attempts.at(-1)!.file).toMatchObject({ size: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex') });
	expect(fake.jobs.size).toBe(1);
});
