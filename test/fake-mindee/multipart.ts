/**
 * Streaming multipart/form-data parser. File parts are hashed and measured while they stream in and their
 * bytes are dropped (only the first SNIFF_BYTES are kept, for type detection), so 100 MB uploads cost no
 * memory. `file_base64`-style fields are base64-decoded on the fly the same way.
 */
import { createHash, type Hash } from 'node:crypto';
import { SNIFF_BYTES } from './fileSniffing';

export interface UploadSummary {
  /** Form field name of the part. */
  field: string;
  filename?: string;
  contentType?: string;
  /** Decoded size in bytes (counted even past maxFileBytes). */
  size: number;
  /** Hex SHA-256 of the bytes; empty string when tooLarge (hashing stops at the limit). */
  sha256: string;
  /** The first SNIFF_BYTES bytes. */
  head: Buffer;
  tooLarge: boolean;
  /** For base64 text fields: number of base64 characters received, and whether they were not valid base64. */
  base64Chars?: number;
  invalidBase64?: boolean;
}

export interface MultipartResult {
  /** Text fields in arrival order (repeated names appear several times). */
  fields: [string, string][];
  files: UploadSummary[];
  /** A text field exceeded maxFieldBytes (its value is dropped). */
  fieldTooLarge: boolean;
}

export interface MultipartOptions {
  /** Parts with these names are treated as files even without a filename. */
  fileFields: string[];
  /** Text parts with these names are base64-decoded and summarised like files. */
  base64Fields: string[];
  maxFileBytes: number;
  maxFieldBytes: number;
}

export class MultipartError extends Error {}

/** The boundary of a multipart/form-data content type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
  const match = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match ? (match[1] ?? match[2]) : null;
  return boundary && boundary.length <= 200 ? boundary : null;
}

interface Sink {
  write(chunk: Buffer): void;
  end(): void;
}

class FileSink implements Sink {
  private readonly hash: Hash = createHash('sha256');
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;

  constructor(readonly summary: UploadSummary, private readonly maxBytes: number) {}

  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.headLength < SNIFF_BYTES) {
      const take = chunk.subarray(0, SNIFF_BYTES - this.headLength);
      this.headChunks.push(Buffer.from(take)); // copy: do not retain the big chunk
      this.headLength += take.length;
    }
    this.summary.size += chunk.length;
    if (this.summary.size > this.maxBytes) this.summary.tooLarge = true;
    if (!this.summary.tooLarge) this.hash.update(chunk);
  }

  end(): void {
    this.summary.head = Buffer.concat(this.headChunks);
    this.summary.sha256 = this.summary.tooLarge ? '' : this.hash.digest('hex');
  }
}

const BASE64_CHARS = /^[A-Za-z0-9+/=_-]*$/;

/** Decodes base64 text incrementally into a FileSink. */
class Base64Sink implements Sink {
  private pending = '';

  constructor(private readonly inner: FileSink) {
    inner.summary.base64Chars = 0;
    inner.summary.invalidBase64 = false;
  }

  write(chunk: Buffer): void {
    const text = chunk.toString('latin1').replace(/\s+/g, '');
    if (!text) return;
    const summary = this.inner.summary;
    summary.base64Chars! += text.length;
    if (!BASE64_CHARS.test(text)) summary.invalidBase64 = true;
    const all = this.pending + text;
    const usable = all.length - (all.length % 4);
    this.pending = all.slice(usable);
    if (usable > 0) this.inner.write(Buffer.from(all.slice(0, usable), 'base64'));
  }

  end(): void {
    if (this.pending.length === 1) this.inner.summary.invalidBase64 = true;
    if (this.pending) this.inner.write(Buffer.from(this.pending, 'base64'));
    this.inner.end();
  }
}

class TextSink implements Sink {
  private readonly chunks: Buffer[] = [];
  private length = 0;
  tooLarge = false;

  constructor(private readonly name: string, private readonly maxBytes: number, private readonly out: MultipartResult) {}

  write(chunk: Buffer): void {
    this.length += chunk.length;
    if (this.length > this.maxBytes) this.tooLarge = true;
    else this.chunks.push(Buffer.from(chunk));
  }

  end(): void {
    if (this.tooLarge) this.out.fieldTooLarge = true;
    else this.out.fields.push([this.name, Buffer.concat(this.chunks).toString('utf8')]);
  }
}

interface PartHeaders {
  name?: string;
  filename?: string;
  contentType?: string;
}

function parsePartHeaders(block: string): PartHeaders {
  const out: PartHeaders = {};
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-type') out.contentType = value;
    if (key !== 'content-disposition') continue;
    const params: Record<string, string> = {};
    const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(value))) {
      params[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3].trim();
    }
    if (params.name !== undefined) out.name = params.name;
    if (params['filename*'] !== undefined) {
      const ext = /^([^']*)'[^']*'(.*)$/.exec(params['filename*']);
      try {
        out.filename = decodeURIComponent(ext ? ext[2] : params['filename*']);
      } catch {
        out.filename = ext ? ext[2] : params['filename*'];
      }
    } else if (params.filename !== undefined) {
      out.filename = params.filename;
    }
  }
  return out;
}

/** Parses a multipart body from a request stream (any async iterable of chunks). Throws MultipartError on malformed input. */
export async function parseMultipart(req: AsyncIterable<Buffer | string>, boundary: string, options: MultipartOptions): Promise<MultipartResult> {
  const result: MultipartResult = { fields: [], files: [], fieldTooLarge: false };
  const delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
  const headerEnd = Buffer.from('\r\n\r\n', 'latin1');
  // The body starts with "--boundary" (no CRLF); prepending one lets a single delimiter search cover it.
  let buf: Buffer = Buffer.from('\r\n', 'latin1');
  type ParserState = 'preamble' | 'after' | 'headers' | 'body' | 'done';
  let state = 'preamble' as ParserState; // the cast keeps TS from narrowing (consume() mutates it)
  let sink: Sink | null = null;

  const openPart = (headers: PartHeaders): Sink => {
    const name = headers.name ?? '';
    const isBase64 = options.base64Fields.includes(name) && headers.filename === undefined;
    if (isBase64 || headers.filename !== undefined || options.fileFields.includes(name)) {
      const summary: UploadSummary = {
        field: name,
        filename: headers.filename,
        contentType: headers.contentType,
        size: 0,
        sha256: '',
        head: Buffer.alloc(0),
        tooLarge: false,
      };
      result.files.push(summary);
      const fileSink = new FileSink(summary, options.maxFileBytes);
      return isBase64 ? new Base64Sink(fileSink) : fileSink;
    }
    return new TextSink(name, options.maxFieldBytes, result);
  };

  const consume = (): void => {
    for (;;) {
      if (state === 'done') {
        buf = Buffer.alloc(0); // ignore the epilogue
        return;
      }
      if (state === 'preamble') {
        const idx = buf.indexOf(delimiter);
        if (idx < 0) {
          if (buf.length >= delimiter.length) buf = buf.subarray(buf.length - delimiter.length + 1);
          return;
        }
        buf = buf.subarray(idx + delimiter.length);
        state = 'after';
      }
      if (state === 'after') {
        if (buf.length < 2) return;
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = 'done';
          continue;
        }
        let i = 0;
        while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09)) i++; // transport padding
        if (i + 2 > buf.length) {
          if (i > 1024) throw new MultipartError('malformed multipart boundary line');
          return;
        }
        if (buf[i] !== 0x0d || buf[i + 1] !== 0x0a) throw new MultipartError('malformed multipart boundary line');
        buf = buf.subarray(i + 2);
        state = 'headers';
      }
      if (state === 'headers') {
        let headerBlock: string;
        if (buf.length >= 2 && buf[0] === 0x0d && buf[1] === 0x0a) {
          headerBlock = '';
          buf = buf.subarray(2);
        } else {
          const idx = buf.indexOf(headerEnd);
          if (idx < 0) {
            if (buf.length > 16 * 1024) throw new MultipartError('multipart part headers too large');
            return;
          }
          headerBlock = buf.subarray(0, idx).toString('utf8');
          buf = buf.subarray(idx + headerEnd.length);
        }
        sink = openPart(parsePartHeaders(headerBlock));
        state = 'body';
      }
      if (state === 'body') {
        const idx = buf.indexOf(delimiter);
        if (idx < 0) {
          const safe = buf.length - (delimiter.length - 1);
          if (safe > 0) {
            sink!.write(buf.subarray(0, safe));
            buf = buf.subarray(safe);
          }
          return;
        }
        sink!.write(buf.subarray(0, idx));
        sink!.end();
        sink = null;
        buf = buf.subarray(idx + delimiter.length);
        state = 'after';
      }
    }
  };

  // Errors stop the parsing but the body is still drained, so the client can read our answer.
  let failure: MultipartError | null = null;
  for await (const chunk of req) {
    if (state === 'done' || failure) continue;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    buf = buf.length ? Buffer.concat([buf, bytes]) : bytes;
    try {
      consume();
    } catch (err) {
      failure = err instanceof MultipartError ? err : new MultipartError(String(err));
    }
  }
  if (failure) throw failure;
  if (state !== 'done') throw new MultipartError('truncated multipart body');
  return result;
}

/** Summary of a base64 value received whole (urlencoded or JSON bodies). */
export function summarizeBase64Text(field: string, text: string, maxBytes: number): UploadSummary {
  const summary: UploadSummary = { field, size: 0, sha256: '', head: Buffer.alloc(0), tooLarge: false };
  const sink = new Base64Sink(new FileSink(summary, maxBytes));
  for (let i = 0; i < text.length; i += 1 << 20) sink.write(Buffer.from(text.slice(i, i + (1 << 20)), 'latin1'));
  sink.end();
  if (/[\u0100-\uffff]/.test(text)) summary.invalidBase64 = true; // a character beyond Latin-1
  return summary;
}
