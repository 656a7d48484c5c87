import { createHash } from 'crypto';
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BinaryStream, FileContent, MultipartFile } from '../../shared/transport/multipart';
import { describeUnacceptedBytes, detectAcceptedFileType, type DetectedFileType } from './fileType';

/** Mindee's limit on every plan. */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
const MAX_URL_LENGTH = 2048;
const ACCEPTED = 'PDF, JPEG, PNG (not animated), WebP, TIFF, HEIC or HEIF';

export type InputType = 'binary' | 'url' | 'base64';

/**
 * What goes into the enqueue form: a file part, or a `url` field Mindee fetches itself. `identity`
 * tells documents apart for the memory of accepted jobs (acceptedJobs.ts): the SHA-256 of bytes in
 * memory; for a file streamed from n8n's filesystem or S3 store, its binary ID and size (n8n never
 * rewrites a stored file under the same ID, and hashing would read a 100 MB file once more before
 * the upload reads it again); the URL itself for Mindee's downloads.
 */
export type DocumentSource =
	| { kind: 'file'; file: MultipartFile; fileName: string; identity: string }
	| { kind: 'url'; url: string; fileName: string; identity: string };

/** Enough of the file's start to recognise its type. */
const SNIFF_BYTES = 1024;

/**
 * Checks what Mindee would refuse (empty, over 100 MB, not a document type) from the size and
 * the first bytes, so a bad file fails here with a clear message instead of after an upload.
 */
function checkFile(node: INode, size: number, head: Buffer, origin: string, itemIndex: number) {
	if (size === 0) {
		throw new NodeOperationError(node, `${origin} is empty`, {
			itemIndex,
			description: 'The file has no content. Check the node that produced it.',
		});
	}
	if (size > MAX_FILE_BYTES) {
		const megabytes = (size / 1024 / 1024).toFixed(2);
		throw new NodeOperationError(
			node,
			`${origin} is over Mindee's 100 MB limit (${megabytes} MB)`,
			{
				itemIndex,
				description: 'Split or compress the document before sending it.',
			},
		);
	}
	const type = detectAcceptedFileType(head);
	if (!type) {
		throw new NodeOperationError(
			node,
			`${origin} is ${describeUnacceptedBytes(head)}, which Mindee cannot read`,
			{
				itemIndex,
				description: `Mindee accepts ${ACCEPTED}. The type is judged from the file's content, not its name.`,
			},
		);
	}
	return type;
}

/** A file sent as is; one without a name is sent as `document.<its type's extension>`. */
function fileSource(
	name: string,
	type: DetectedFileType,
	content: FileContent,
	identity: string,
): DocumentSource {
	const fileName = name || `document.${type.extension}`;
	const contentType = type.mimeType;
	return {
		kind: 'file',
		fileName,
		file: { fieldName: 'file', fileName, contentType, content },
		identity,
	};
}

function fileFromBytes(
	node: INode,
	bytes: Buffer,
	fileName: string,
	origin: string,
	itemIndex: number,
): DocumentSource {
	const type = checkFile(node, bytes.length, bytes.subarray(0, SNIFF_BYTES), origin, itemIndex);
	const identity = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
	return fileSource(fileName, type, bytes, identity);
}

async function readHead(stream: BinaryStream): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let length = 0;
	for await (const chunk of stream) {
		chunks.push(Buffer.from(chunk));
		length += chunk.length;
		if (length >= SNIFF_BYTES) break;
	}
	stream.destroy();
	return Buffer.concat(chunks).subarray(0, SNIFF_BYTES);
}

/** Wildcard of Input Binary Field patterns: `attachment_*`, or `*` alone for every binary field. */
const WILDCARD = '*';

/** What to do when an item has no file where Input Binary Field points. */
function noFileAdvice(available: string[], asTool: boolean): string {
	if (available.length) return `Set "Input Binary Field" to one of: ${available.join(', ')}.`;
	if (asTool) {
		return 'Files do not reach a node used as an AI tool. Set Input Type to URL or Base64 and let the model fill it in.';
	}
	return 'The item carries no file. Put a node that reads or downloads the file (for example Read/Write Files from Disk or HTTP Request) before this one, or choose the URL input.';
}

function patternToRegExp(pattern: string): RegExp {
	const escaped = pattern.split(WILDCARD).map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
	return new RegExp(`^${escaped.join('.*')}$`);
}

/**
 * The binary fields whose files an item sends, one document each, when Input Binary Field lists
 * several names (`data, invoice`) or holds a pattern (`attachment_*`, `*` for all); undefined for a
 * single name, which reads that one field as always. Named fields are kept even when missing, so
 * each gets its own error; patterns take the item's fields in their order.
 */
export function selectBinaryFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	asTool = false,
): string[] | undefined {
	if (!parameter.includes(',') && !parameter.includes(WILDCARD)) return undefined;

	const available = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
	const selected = new Set<string>();
	for (const entry of parameter.split(',').map((part) => part.trim())) {
		if (!entry) continue;
		const pattern = patternToRegExp(entry);
		const names = entry.includes(WILDCARD)
			? available.filter((name) => pattern.test(name))
			: [entry];
		names.forEach((name) => selected.add(name));
	}
	if (selected.size === 0) {
		const what = available.length
			? `none of its binary fields (${available.join(', ')}) matches`
			: 'it has no binary field to match';
		throw new NodeOperationError(
			ctx.getNode(),
			`No file to send in this item: ${what} "${parameter.trim()}"`,
			{
				itemIndex,
				description: available.length
					? `Change "Input Binary Field" to match them: a name, names separated by commas, a pattern such as attachment_*, or * for every binary field.`
					: `${noFileAdvice(available, asTool)} To pass over emails without attachments, put a Filter node before this one that keeps items where {{ Object.keys($binary).length }} is above 0.`,
			},
		);
	}
	return [...selected];
}

export async function binarySource(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	asTool = false,
): Promise<DocumentSource> {
	const node = ctx.getNode();
	const item = ctx.getInputData()[itemIndex];
	if (!item.binary?.[propertyName]) {
		const available = Object.keys(item.binary ?? {});
		throw new NodeOperationError(node, `This item has no binary field "${propertyName}"`, {
			itemIndex,
			description: noFileAdvice(available, asTool),
		});
	}
	const metadata = ctx.helpers.assertBinaryData(itemIndex, propertyName);
	const origin = `The file in "${propertyName}"`;
	const binaryId = metadata.id;
	if (!binaryId) {
		const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, propertyName);
		return fileFromBytes(node, bytes, metadata.fileName ?? '', origin, itemIndex);
	}
	// Stored on disk or in S3: stream it instead of loading it, checked from its size and first bytes.
	const { fileSize } = await ctx.helpers.getBinaryMetadata(binaryId);
	const head = await readHead(await ctx.helpers.getBinaryStream(binaryId));
	const type = checkFile(node, fileSize, head, origin, itemIndex);
	const open = async () => await ctx.helpers.getBinaryStream(binaryId);
	return fileSource(
		metadata.fileName ?? '',
		type,
		{ size: fileSize, open },
		`binary:${binaryId}:${fileSize}`,
	);
}

export function base64Source(
	node: INode,
	itemIndex: number,
	base64: string,
	fileName: string,
): DocumentSource {
	const cleaned = base64.replace(/^data:[^,]*;base64,/i, '').replace(/\s+/g, '');
	if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(cleaned)) {
		throw new NodeOperationError(node, 'The Base64 input is not valid Base64', {
			itemIndex,
			description: 'Pass the file content encoded as Base64 (a data: URL prefix is fine).',
		});
	}
	return fileFromBytes(
		node,
		Buffer.from(cleaned, 'base64'),
		fileName,
		'The Base64 document',
		itemIndex,
	);
}

export function urlSource(node: INode, itemIndex: number, rawUrl: string): DocumentSource {
	const url = rawUrl.trim();
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	if (!parsed || parsed.protocol !== 'https:') {
		throw new NodeOperationError(
			node,
			`The document URL must start with https:// (got "${url.slice(0, 100)}")`,
			{
				itemIndex,
				description:
					'Mindee only downloads public https:// links without redirects or login. Otherwise download the file first and send it as binary.',
			},
		);
	}
	if (url.length > MAX_URL_LENGTH) {
		throw new NodeOperationError(
			node,
			`The document URL is ${url.length} characters; Mindee accepts up to ${MAX_URL_LENGTH}`,
			{
				itemIndex,
				description: 'Use a shorter link, or download the file first and send it as binary.',
			},
		);
	}
	return { kind: 'url', url, fileName: fileNameOfUrl(parsed), identity: `url:${url}` };
}

/** The URL's last path segment, decoded when it is UTF-8 percent-encoding, else as written. */
function fileNameOfUrl(url: URL): string {
	const segment = url.pathname.split('/').pop() ?? '';
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}
