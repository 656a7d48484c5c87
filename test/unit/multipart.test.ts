/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
import { Readable } from 'stream';

import { buildMultipartBody, type BinaryStream, type MultipartBody } from '../../nodes/Mindee/shared/transport/multipart';

async function bytesOf(body: MultipartBody): Promise<Buffer> {
	const opened = await body.open();
	if (Buffer.isBuffer(opened)) return opened;
	const chunks: Buffer[] = [];
	for await (const chunk of opened) chunks.push(Buffer.from(chunk));
	return Buffer.concat(chunks);
}

/** Parses the body back with the platform's own multipart parser, as a server would. */
async function parse(body: MultipartBody): Promise<FormData> {
	const bytes = await bytesOf(body);
	expect(bytes.length).toBe(body.contentLength);
	return await new Response(new Uint8Array(bytes), { headers: { 'content-type': body.contentType } }).formData();
}

const fileBytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);
const fields: Array<[string, string]> = [
	['model_id', 'b3274545-bb22-bb22-991e-9ca0639829a3'],
	['alias', 'Rechnung "März" №1'],
	['webhook_ids', 'a'],
	['webhook_ids', 'b'],
];

describe('buildMultipartBody', () => {
	it('produces a body a standard parser reads back: fields, repeated names and the file bytes', async () => {
		const body = buildMultipartBody(fields, {
			fieldName: 'file',
			fileName: 'in"voice.pdf',
			contentType: 'application/pdf',
			content: fileBytes,
		});
		expect(body.contentType).toMatch(/^multipart\/form-data; boundary=/);
		const form = await parse(body);
		expect(form.get('model_id')).toBe('b3274545-bb22-bb22-991e-9ca0639829a3');
		expect(form.get('alias')).toBe('Rechnung "März" №1');
		expect(form.getAll('webhook_ids')).toEqual(['a', 'b']);
		const file = form.get('file') as File;
		expect(file.type).toBe('application/pdf');
		expect(file.name).toBe('in"voice.pdf');
		expect(Buffer.from(await file.arrayBuffer())).toEqual(fileBytes);
	});

	it('streams a stored file between the form head and tail, and can open it again for a retry', async () => {
		const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0x41);
		let opened = 0;
		const body = buildMultipartBody(fields, {
			fieldName: 'file',
			fileName: 'big.pdf',
			contentType: 'application/pdf',
			content: {
				size: big.length,
				open: async () => {
					opened++;
					return Readable.from([big.subarray(0, 1000), big.subarray(1000)]) as BinaryStream;
				},
			},
		});
		const first = await body.open();
		expect(Buffer.isBuffer(first)).toBe(false);
		for (let attempt = 0; attempt < 2; attempt++) {
			const form = await parse(body);
			const file = form.get('file') as File;
			expect(Buffer.from(await file.arrayBuffer()).equals(big)).toBe(true);
		}
		expect(opened).toBe(3);
	});

	it('uses a fresh boundary each time', () => {
		expect(buildMultipartBody([['a', '1']]).contentType).not.toBe(buildMultipartBody([['a', '1']]).contentType);
	});
});
