/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/* eslint-disable @n8n/community-nodes/no-dangerous-functions -- runs openssl for a throw-away certificate */
/**
 * What the benchmark needs on disk, in one throw-away folder: a self-signed certificate for the
 * fake server (Mindee's SDK only speaks HTTPS), distinct small PDFs, and one large valid PDF.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SAMPLE_PDF_PATH = join(__dirname, '..', 'test', 'fixtures', 'files', 'invoice.pdf');

export interface BenchDocument {
	path: string;
	name: string;
	sha256: string;
	size: number;
}

export interface Workspace {
	dir: string;
	cert: { keyPath: string; certPath: string; key: Buffer; cert: Buffer };
	/** `count` distinct PDFs (written on first use, then reused). */
	documents(count: number): BenchDocument[];
	/** `count` distinct PDFs of about `bytes` bytes each (the sample, padded after its end), for
	 * processing times that depend on the file's size. */
	sizedDocuments(count: number, bytes: number): BenchDocument[];
	/** A valid PDF of exactly `bytes` bytes, padded with a large content stream. */
	largePdf(bytes: number): BenchDocument;
	remove(): void;
}

export function createWorkspace(): Workspace {
	const dir = mkdtempSync(join(tmpdir(), 'n8n-mindee-bench-'));
	const cert = selfSignedCertificate(dir);
	const sample = readFileSync(SAMPLE_PDF_PATH);
	const written: BenchDocument[] = [];
	let large: BenchDocument | undefined;
	return {
		dir,
		cert,
		documents(count) {
			while (written.length < count) {
				const index = written.length;
				const bytes = Buffer.concat([sample, Buffer.from(`\n%bench-doc-${index}\n`, 'latin1')]);
				const name = `doc-${String(index).padStart(3, '0')}.pdf`;
				const path = join(dir, name);
				writeFileSync(path, bytes);
				written.push({ path, name, sha256: sha256(bytes), size: bytes.length });
			}
			return written.slice(0, count);
		},
		sizedDocuments(count, bytes) {
			return Array.from({ length: count }, (_, index) => {
				const label = Buffer.from(`\n%bench-sized-${bytes}-${index}\n`, 'latin1');
				const padding = Buffer.alloc(Math.max(0, bytes - sample.length - label.length), 0x20);
				const content = Buffer.concat([sample, label, padding]);
				const name = `sized-${bytes}-${String(index).padStart(3, '0')}.pdf`;
				const path = join(dir, name);
				writeFileSync(path, content);
				return { path, name, sha256: sha256(content), size: content.length };
			});
		},
		largePdf(bytes) {
			if (!large || large.size !== bytes) large = writeLargePdf(join(dir, 'large.pdf'), bytes);
			return large;
		},
		remove() {
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

function sha256(bytes: Buffer): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** A throw-away certificate for 127.0.0.1 (openssl), valid for a day. */
function selfSignedCertificate(dir: string) {
	const keyPath = join(dir, 'key.pem');
	const certPath = join(dir, 'cert.pem');
	execFileSync(
		'openssl',
		[
			'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '1',
			'-subj', '/CN=127.0.0.1',
			'-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
			'-keyout', keyPath, '-out', certPath,
		],
		{ stdio: 'ignore' },
	);
	return { keyPath, certPath, key: readFileSync(keyPath), cert: readFileSync(certPath) };
}

/**
 * A one-page PDF whose page content stream is `bytes` minus the structure long: spaces, which a
 * PDF reader skips as whitespace. Written in 1 MiB slices, with a correct cross-reference table.
 */
function writeLargePdf(path: string, bytes: number): BenchDocument {
	const objects = [
		'1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n',
		'2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n',
		'3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>\nendobj\n',
	];
	const header = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
	const streamEnd = '\nendstream\nendobj\n';
	// The xref and trailer lengths depend on the offsets' digits only through fixed-width fields.
	const xrefFor = (offsets: number[], xrefAt: number) =>
		`xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n` +
		offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('') +
		`trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;

	const fixedBeforeStream = Buffer.byteLength(header, 'latin1') + objects.reduce((sum, object) => sum + object.length, 0);
	// Solve for the padding length: the stream header holds the length itself, so iterate.
	let padding = bytes - fixedBeforeStream;
	for (let round = 0; round < 5; round++) {
		const streamHeader = `4 0 obj\n<< /Length ${padding} >>\nstream\n`;
		const xrefAt = fixedBeforeStream + streamHeader.length + padding + streamEnd.length;
		const xref = xrefFor([0, 0, 0, 0], xrefAt);
		padding = bytes - fixedBeforeStream - streamHeader.length - streamEnd.length - xref.length;
	}

	const fd = openSync(path, 'w');
	const hash = createHash('sha256');
	let offset = 0;
	const offsets: number[] = [];
	const write = (chunk: Buffer) => {
		writeSync(fd, chunk);
		hash.update(chunk);
		offset += chunk.length;
	};
	try {
		write(Buffer.from(header, 'latin1'));
		for (const object of objects) {
			offsets.push(offset);
			write(Buffer.from(object, 'latin1'));
		}
		offsets.push(offset);
		write(Buffer.from(`4 0 obj\n<< /Length ${padding} >>\nstream\n`, 'latin1'));
		const slice = Buffer.alloc(1024 * 1024, 0x20);
		for (let left = padding; left > 0; left -= slice.length) write(left >= slice.length ? slice : slice.subarray(0, left));
		write(Buffer.from(streamEnd, 'latin1'));
		write(Buffer.from(xrefFor(offsets, offset), 'latin1'));
	} finally {
		closeSync(fd);
	}
	if (offset !== bytes) throw new Error(`largePdf: wrote ${offset} bytes instead of ${bytes}`);
	return { path, name: 'large.pdf', sha256: hash.digest('hex'), size: offset };
}
