import { buildMultipartBody } from '../../nodes/Mindee/transport/multipart';

/** Parses the body back with the platform's own multipart parser, as a server would. */
async function parse(body: Buffer, contentType: string): Promise<FormData> {
	return await new Response(body, { headers: { 'content-type': contentType } }).formData();
}

describe('buildMultipartBody', () => {
	it('produces a body a standard parser reads back: fields, repeated names and the file bytes', async () => {
		const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);
		const { body, contentType } = buildMultipartBody(
			[
				['model_id', 'b3274545-bb22-bb22-991e-9ca0639829a3'],
				['alias', 'Rechnung "März" №1'],
				['webhook_ids', 'a'],
				['webhook_ids', 'b'],
			],
			{ fieldName: 'file', fileName: 'in"voice.pdf', contentType: 'application/pdf', data: bytes },
		);
		expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
		const form = await parse(body, contentType);
		expect(form.get('model_id')).toBe('b3274545-bb22-bb22-991e-9ca0639829a3');
		expect(form.get('alias')).toBe('Rechnung "März" №1');
		expect(form.getAll('webhook_ids')).toEqual(['a', 'b']);
		const file = form.get('file') as File;
		expect(file.type).toBe('application/pdf');
		expect(file.name).toBe('in"voice.pdf');
		expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
	});

	it('uses a fresh boundary each time', () => {
		const first = buildMultipartBody([['a', '1']]);
		const second = buildMultipartBody([['a', '1']]);
		expect(first.contentType).not.toBe(second.contentType);
	});
});
