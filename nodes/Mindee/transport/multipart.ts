import { randomBytes } from 'crypto';

export interface MultipartFile {
	fieldName: string;
	fileName: string;
	contentType: string;
	data: Buffer;
}

export interface MultipartBody {
	body: Buffer;
	contentType: string;
}

/** Field names and values as Mindee's form expects them (a repeated name sends a list). */
export type FormFields = Array<[name: string, value: string]>;

function quote(value: string): string {
	return value.replace(/["\r\n\\]/g, (char) => encodeURIComponent(char));
}

/**
 * Builds a multipart/form-data body by hand: n8n's scanner allows no form-data package, and a
 * Buffer is sent byte-for-byte by every n8n version.
 */
export function buildMultipartBody(fields: FormFields, file?: MultipartFile): MultipartBody {
	const boundary = `----n8nMindee${randomBytes(12).toString('hex')}`;
	const parts: Buffer[] = [];
	for (const [name, value] of fields) {
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`,
				'utf8',
			),
		);
	}
	if (file) {
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.fieldName)}"; filename="${quote(file.fileName)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
				'utf8',
			),
			file.data,
			Buffer.from('\r\n', 'utf8'),
		);
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
