import { describeUnacceptedBytes, detectAcceptedFileType } from '../../nodes/Mindee/actions/document/fileType';

function pngChunk(type: string, data: Buffer = Buffer.alloc(0)): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	return Buffer.concat([length, Buffer.from(type, 'latin1'), data, Buffer.alloc(4)]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const stillPng = Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', Buffer.alloc(13)), pngChunk('IDAT', Buffer.alloc(4)), pngChunk('IEND')]);
const animatedPng = Buffer.concat([
	PNG_SIGNATURE,
	pngChunk('IHDR', Buffer.alloc(13)),
	pngChunk('acTL', Buffer.alloc(8)),
	pngChunk('IDAT', Buffer.alloc(4)),
	pngChunk('IEND'),
]);

function ftyp(brand: string): Buffer {
	return Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from(`ftyp${brand}`, 'latin1'), Buffer.alloc(12)]);
}

describe('detectAcceptedFileType', () => {
	it.each([
		['PDF', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'application/pdf'],
		['PDF with a preamble', Buffer.concat([Buffer.from('garbage before header\n'), Buffer.from('%PDF-1.4\n')]), 'application/pdf'],
		['JPEG', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]), 'image/jpeg'],
		['PNG', stillPng, 'image/png'],
		['WebP', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]), 'image/webp'],
		['TIFF little endian', Buffer.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]), 'image/tiff'],
		['TIFF big endian', Buffer.from([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8]), 'image/tiff'],
		['HEIC', ftyp('heic'), 'image/heic'],
		['HEIF', ftyp('mif1'), 'image/heif'],
	])('accepts %s', (_name, bytes, mimeType) => {
		expect(detectAcceptedFileType(bytes)?.mimeType).toBe(mimeType);
	});

	it.each([
		['an animated PNG', animatedPng],
		['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')],
		['a ZIP', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0])],
		['HTML', Buffer.from('<!doctype html><html>')],
		['an MP4 (ftyp but not HEIF)', ftyp('isom')],
		['a tiny file', Buffer.from('%PD')],
	])('rejects %s', (_name, bytes) => {
		expect(detectAcceptedFileType(bytes)).toBeUndefined();
	});

	it('names what it rejected, for the error message', () => {
		expect(describeUnacceptedBytes(animatedPng)).toBe('an animated PNG');
		expect(describeUnacceptedBytes(Buffer.from('<html>'))).toBe('an HTML or XML page');
		expect(describeUnacceptedBytes(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toMatch(/ZIP/);
		expect(describeUnacceptedBytes(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toBe('a GIF image');
		// A BMP header: "BM", the file size, four reserved zero bytes, the pixel offset.
		const bmp = Buffer.alloc(54);
		bmp.write('BM', 0, 'latin1');
		bmp.writeUInt32LE(54, 2);
		bmp.writeUInt32LE(54, 10);
		expect(detectAcceptedFileType(bmp)).toBeUndefined();
		expect(describeUnacceptedBytes(bmp)).toBe('a BMP image');
		// "BM" alone (a text file) is not named a BMP.
		expect(describeUnacceptedBytes(Buffer.from('BMW invoices, March 2026'))).toBe('a file of an unsupported type');
	});
});
