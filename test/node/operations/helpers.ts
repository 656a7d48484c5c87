/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Shared helpers of the operation tests: the fake's model ids, node parameters, sample files
 * (generated here rather than committed), and what the fake server received.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

import type { FakeMindee, FakeModel, RecordedRequest } from '../../fake-mindee/server';
import type { HarnessItem } from '../harness';

// ---------------------------------------------------------------------------------------------
// The fake's default models (test/fixtures/mindee-v2/search/models.json plus two added in
// test/fake-mindee/fixtures.ts).

export const MODELS = {
	extraction: 'b3274545-bb22-bb22-991e-9ca0639829a3',
	extractionWithWebhooks: 'afde5151-aa11-aa11-9289-fa04e50ca3b9',
	split: 'c88c19ba-cc33-cc33-ae83-80253fb7c27d',
	crop: 'd7f3c637-dd44-dd44-8bb0-72ad9d6ea514',
	classification: 'f0c1a551-ff66-4f66-9c1a-5511f1ca7101',
	ocr: '0c70c70c-0077-4077-8077-0c70c70c7001',
} as const;

/** Webhooks listed on MODELS.extractionWithWebhooks (no secret: the fake never calls them). */
export const MODEL_WEBHOOKS = ['a2286ed9-aa11-aa11-bdc5-2f8496c5641a', 'aa0d88be-aa11-aa11-a019-9d2e16e2d3b9'];

/** A well-formed UUID no model has. */
export const UNKNOWN_MODEL = '12345678-abcd-4def-8123-456789abcdef';

export const FAST_POLLING = { initialDelaySeconds: 0.1, intervalSeconds: 1 };

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

/** Enqueue & Poll (or another operation) of a product with a binary input, fast polling. */
export function productParams(resource: string, overrides: INodeParameters = {}): INodeParameters {
	const modelId = (MODELS as Record<string, string>)[resource] ?? MODELS.extraction;
	return {
		resource,
		operation: 'enqueueAndPoll',
		modelId: byId(modelId),
		inputType: 'binary',
		binaryPropertyName: 'data',
		pollingOptions: FAST_POLLING,
		...overrides,
	};
}

export const credentialsOf = (fake: FakeMindee, apiKey = fake.apiKey) => ({ apiKey, baseUrl: fake.url });

// ---------------------------------------------------------------------------------------------
// Sample files.

const FILES_DIR = join(__dirname, '..', '..', 'fixtures', 'files');
export const PDF = readFileSync(join(FILES_DIR, 'invoice.pdf'));
export const PNG = readFileSync(join(FILES_DIR, 'receipt.png'));

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
function crc32(bytes: Buffer): number {
	let c = 0xffffffff;
	for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}
function pngChunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(typeAndData));
	return Buffer.concat([length, typeAndData, crc]);
}

/** A 2x2 RGB animated PNG (APNG): an `acTL` chunk before the first `IDAT`, two frames. */
export function animatedPng(): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(2, 0);
	ihdr.writeUInt32BE(2, 4);
	ihdr[8] = 8;
	ihdr[9] = 2;
	const actl = Buffer.alloc(8);
	actl.writeUInt32BE(2, 0); // frames
	actl.writeUInt32BE(0, 4); // loop forever
	const fctl = (sequence: number) => {
		const data = Buffer.alloc(26);
		data.writeUInt32BE(sequence, 0);
		data.writeUInt32BE(2, 4);
		data.writeUInt32BE(2, 8);
		data.writeUInt16BE(1, 20); // delay 1/10 s
		data.writeUInt16BE(10, 22);
		return data;
	};
	const raw = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
	const frame2 = Buffer.concat([Buffer.from([0, 0, 0, 2]), deflateSync(raw)]);
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', ihdr),
		pngChunk('acTL', actl),
		pngChunk('fcTL', fctl(0)),
		pngChunk('IDAT', deflateSync(raw)),
		pngChunk('fcTL', fctl(1)),
		pngChunk('fdAT', frame2),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

/** A 1x1 GIF89a. */
export const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

export const HTML = Buffer.from('<!DOCTYPE html>\n<html><head><title>Login</title></head><body>Please log in</body></html>\n');

/** A header-valid baseline JPEG: SOI, JFIF APP0, a comment, EOI (Mindee sniffs the first bytes). */
export function jpeg(): Buffer {
	const app0 = Buffer.from([
		0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
	]);
	const text = Buffer.from('n8n-nodes-mindee test', 'ascii');
	const comment = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, text.length + 2]), text]);
	return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, comment, Buffer.from([0xff, 0xd9])]);
}

export function binaryItem(
	bytes: Buffer,
	fileName: string,
	mimeType: string,
	json: IDataObject = {},
	property = 'data',
): HarnessItem {
	return { json, binary: { [property]: { data: bytes, mimeType, fileName } } };
}

export const pdfItem = (json: IDataObject = {}) => binaryItem(PDF, 'invoice.pdf', 'application/pdf', json);

// ---------------------------------------------------------------------------------------------
// What the fake received.

export const enqueues = (fake: FakeMindee): RecordedRequest[] => fake.requests.filter((r) => r.method === 'POST');
export const gets = (fake: FakeMindee): RecordedRequest[] => fake.requests.filter((r) => r.method === 'GET');

/** Form fields of the only enqueue the fake received. */
export function onlyEnqueue(fake: FakeMindee): RecordedRequest {
	const posts = enqueues(fake);
	expect(posts).toHaveLength(1);
	return posts[0];
}

export const EXTRACTION_ONLY_FIELDS = ['rag', 'raw_text', 'polygon', 'confidence', 'text_context', 'data_schema'];

export const jsonOf = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);

/** `count` generated models, names "Generated <type> NNN", cycling through the types given. */
export function generatedModels(count: number, types: FakeModel['model_type'][] = ['extraction']): FakeModel[] {
	return Array.from({ length: count }, (_, i) => {
		const type = types[i % types.length];
		const hex = (i + 1).toString(16).padStart(12, '0');
		return {
			id: `9e9e9e9e-0000-4000-8000-${hex}`,
			name: `Generated ${type} ${String(i + 1).padStart(3, '0')}`,
			model_type: type,
		};
	});
}

// ---------------------------------------------------------------------------------------------
// Another host: records anything that reaches it.

export interface OtherHost {
	url: string;
	received: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders }>;
	stop(): Promise<void>;
}

export async function startOtherHost(): Promise<OtherHost> {
	const received: OtherHost['received'] = [];
	const server = http.createServer((req, res) => {
		received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ inference: { id: 'stolen' } }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		received,
		stop: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
