export interface DetectedFileType {
	mimeType: string;
	extension: string;
}

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'heif']);

function startsWith(bytes: Buffer, signature: number[], offset = 0): boolean {
	return signature.every((byte, index) => bytes[offset + index] === byte);
}

function ascii(bytes: Buffer, start: number, end: number): string {
	return bytes.subarray(start, end).toString('latin1');
}

/** An animated PNG has an `acTL` chunk before its first `IDAT`. */
function isAnimatedPng(bytes: Buffer): boolean {
	let offset = 8;
	while (offset + 8 <= bytes.length) {
		const length = bytes.readUInt32BE(offset);
		const type = ascii(bytes, offset + 4, offset + 8);
		if (type === 'acTL') return true;
		if (type === 'IDAT' || type === 'IEND') return false;
		offset += 12 + length;
	}
	return false;
}

/**
 * Identifies the file types Mindee accepts from their first bytes (the name and the declared
 * MIME type can lie). Returns undefined for anything else, animated PNGs included.
 */
export function detectAcceptedFileType(bytes: Buffer): DetectedFileType | undefined {
	if (bytes.length < 8) return undefined;
	// PDF readers accept the header anywhere in the first kilobyte.
	if (ascii(bytes, 0, Math.min(bytes.length, 1024)).includes('%PDF-')) {
		return { mimeType: 'application/pdf', extension: 'pdf' };
	}
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { mimeType: 'image/jpeg', extension: 'jpg' };
	if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
		return isAnimatedPng(bytes) ? undefined : { mimeType: 'image/png', extension: 'png' };
	}
	if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') {
		return { mimeType: 'image/webp', extension: 'webp' };
	}
	if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
		return { mimeType: 'image/tiff', extension: 'tiff' };
	}
	if (bytes.length >= 12 && ascii(bytes, 4, 8) === 'ftyp') {
		const brand = ascii(bytes, 8, 12);
		if (HEIC_BRANDS.has(brand)) return { mimeType: 'image/heic', extension: 'heic' };
		if (HEIF_BRANDS.has(brand)) return { mimeType: 'image/heif', extension: 'heif' };
	}
	return undefined;
}

/** A short, human name for what the bytes look like, for error messages. */
export function describeUnacceptedBytes(bytes: Buffer): string {
	if (bytes.length === 0) return 'an empty file';
	if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47])) return 'an animated PNG';
	if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive (or an Office document)';
	if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'a GIF image';
	// "BM", the file size, then four reserved bytes that are zero.
	if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 14 && bytes.readUInt32LE(6) === 0)
		return 'a BMP image';
	const text = ascii(bytes, 0, Math.min(bytes.length, 64)).trimStart();
	if (text.startsWith('<')) return 'an HTML or XML page';
	if (text.startsWith('{') || text.startsWith('[')) return 'JSON text';
	return 'a file of an unsupported type';
}
