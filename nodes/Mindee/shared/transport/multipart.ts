import type { IExecuteFunctions } from 'n8n-workflow';
import { randomBytes } from 'crypto';

/** The stream type n8n's binary helpers return (node:stream's Readable, without importing it). */
export type BinaryStream = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

/** File bytes already in memory, or a way to stream them from n8n's binary store. */
export type FileContent = Buffer | { size: number; open: () => Promise<BinaryStream> };

export function fileSize(content: FileContent): number {
	return Buffer.isBuffer(content) ? content.length : content.size;
}

export interface MultipartFile {
	fieldName: string;
	fileName: string;
	contentType: string;
	content: FileContent;
}

/** A request body that can be produced again for a retry; streams can only be read once. */
export interface MultipartBody {
	contentType: string;
	contentLength: number;
	open: () => Promise<Buffer | BinaryStream>;
}

/** Field names and values as Mindee's form expects them (a repeated name sends a list). */
export type FormFields = Array<[name: string, value: string]>;

function quote(value: string): string {
	return value.replace(/["\r\n\\]/g, (char) => encodeURIComponent(char));
}

/** Node's Readable class, found on the stream n8n gave us: community nodes may not import 'stream'. */
function readableClassOf(
	stream: BinaryStream,
): { from: (source: AsyncIterable<Buffer>) => BinaryStream } | undefined {
	for (let proto = Object.getPrototypeOf(stream); proto; proto = Object.getPrototypeOf(proto)) {
		const candidate = proto.constructor as { name?: string; from?: unknown };
		if (candidate?.name === 'Readable' && typeof candidate.from === 'function') {
			return candidate as { from: (source: AsyncIterable<Buffer>) => BinaryStream };
		}
	}
	return undefined;
}

async function* concatenate(
	head: Buffer,
	file: AsyncIterable<Buffer>,
	tail: Buffer,
): AsyncGenerator<Buffer> {
	yield head;
	for await (const chunk of file) yield chunk;
	yield tail;
}

/**
 * Builds a multipart/form-data body by hand: n8n's scanner allows no form-data package. A file in
 * memory gives one Buffer; a file in n8n's filesystem or S3 store is streamed between the form's
 * head and tail, so a 100 MB PDF is never held in memory.
 */
export function buildMultipartBody(fields: FormFields, file?: MultipartFile): MultipartBody {
	const boundary = `----n8nMindee${randomBytes(12).toString('hex')}`;
	let headText = '';
	for (const [name, value] of fields) {
		headText += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`;
	}
	if (file) {
		headText += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.fieldName)}"; filename="${quote(file.fileName)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`;
	}
	const head = Buffer.from(headText, 'utf8');
	const tail = Buffer.from(`${file ? '\r\n' : ''}--${boundary}--\r\n`, 'utf8');
	const contentType = `multipart/form-data; boundary=${boundary}`;
	const content = file?.content;

	if (!content || Buffer.isBuffer(content)) {
		const body = Buffer.concat(content ? [head, content, tail] : [head, tail]);
		return { contentType, contentLength: body.length, open: async () => body };
	}
	return {
		contentType,
		contentLength: head.length + fileSize(content) + tail.length,
		open: async () => {
			const stream = await content.open();
			const Readable = readableClassOf(stream);
			if (Readable) return Readable.from(concatenate(head, stream, tail));
			// No Readable class to compose with (never seen): fall back to memory.
			const chunks: Buffer[] = [head];
			for await (const chunk of stream) chunks.push(Buffer.from(chunk));
			chunks.push(tail);
			return Buffer.concat(chunks);
		},
	};
}
