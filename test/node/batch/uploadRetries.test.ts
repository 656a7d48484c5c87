/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Retries never duplicate a document: an upload is sent again only when Mindee provably did not
 * accept it (429, 503, connection refused). When the answer is lost after Mindee may have accepted
 * it (a 502 from a gateway, a connection reset), the item fails instead, and its job id can be
 * found on Mindee's side. A loopback proxy in front of the fake server plays the unreliable network.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { startFakeMindee, type FakeMindee } from '../../fake-mindee/server';
import { runMindeeNode } from '../harness';
import {
	batchParameters,
	expectEachDocumentEnqueuedOnce,
	expectOneResultPerItem,
	isEnqueue,
	itemsFor,
	jobsPerDocument,
	makeDocuments,
} from './batchHelpers';

jest.setTimeout(60_000);

/** What the proxy does with the n-th upload it sees (0-based); anything else is passed through. */
type UploadFault = 'pass' | 'refuse503' | 'accept-then-502' | 'accept-then-reset';

interface Proxy {
	url: string;
	port: number;
	uploadsSeen: number;
	close(): Promise<void>;
}

async function startProxy(target: string, faultFor: (uploadIndex: number) => UploadFault, port = 0): Promise<Proxy> {
	const targetUrl = new URL(target);
	let uploadsSeen = 0;
	const server = http.createServer((req, res) => {
		const upload = req.method === 'POST' && /\/enqueue$/.test(req.url ?? '');
		const fault = upload ? faultFor(uploadsSeen++) : 'pass';
		if (fault === 'refuse503') {
			req.resume();
			req.on('end', () => {
				res.writeHead(503, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ status: 503, title: 'Service Unavailable', detail: 'Try again later.', code: '503-000' }));
			});
			return;
		}
		// Forwarded with the proxy's Host header, so Mindee's polling URLs point back at the proxy.
		const forward = http.request(
			{ host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers },
			(answer) => {
				if (fault === 'accept-then-502') {
					answer.resume();
					answer.on('end', () => {
						res.writeHead(502, { 'content-type': 'text/html' });
						res.end('<html><body>502 Bad Gateway</body></html>');
					});
					return;
				}
				if (fault === 'accept-then-reset') {
					answer.resume();
					answer.on('end', () => req.socket.destroy());
					return;
				}
				res.writeHead(answer.statusCode ?? 500, answer.headers);
				answer.pipe(res);
			},
		);
		forward.on('error', () => res.destroy());
		req.pipe(forward);
	});
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	const actualPort = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${actualPort}`,
		port: actualPort,
		get uploadsSeen() {
			return uploadsSeen;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

let fake: FakeMindee;
let proxy: Proxy | undefined;

beforeEach(async () => {
	fake = await startFakeMindee({ processingMs: 200 });
});

afterEach(async () => {
	await proxy?.close();
	proxy = undefined;
	await fake.stop();
});

function run(documents: ReturnType<typeof makeDocuments>, baseUrl: string) {
	return runMindeeNode({
		parameters: batchParameters({ parallelDocuments: 4, initialDelaySeconds: 0.2, intervalSeconds: 1 }),
		items: itemsFor(documents),
		credentials: { apiKey: fake.apiKey, baseUrl },
		continueOnFail: true,
	});
}

it('sends an upload again after a 503 (Mindee did not take it): one job per document', async () => {
	const documents = makeDocuments(4);
	proxy = await startProxy(fake.url, (index) => (index < 4 ? 'refuse503' : 'pass'));
	const result = await run(documents, proxy.url);

	expect(result.status).toBe('success');
	expect(proxy.uploadsSeen).toBe(8);
	expectEachDocumentEnqueuedOnce(fake, documents);
	expect(expectOneResultPerItem(result.output, documents, fake).errors).toEqual([]);
});

it.each([
	['a 502 from a gateway', 'accept-then-502' as const],
	['a connection reset', 'accept-then-reset' as const],
])('does not send an upload again when its answer was lost to %s after Mindee took it', async (_label, fault) => {
	const documents = makeDocuments(4);
	// The first upload reaches Mindee, but the node never sees the 202.
	proxy = await startProxy(fake.url, (index) => (index === 0 ? fault : 'pass'));
	const result = await run(documents, proxy.url);

	expect(result.status).toBe('success');
	expect(proxy.uploadsSeen).toBe(4);
	expect(fake.requests.filter(isEnqueue)).toHaveLength(4);
	// Exactly one job per document, including the one whose answer was lost.
	expect(jobsPerDocument(fake, documents)).toEqual([1, 1, 1, 1]);
	const { errors } = expectOneResultPerItem(result.output, documents, fake);
	expect(errors).toHaveLength(1);
});

it('sends an upload again when the connection was refused (nothing was sent)', async () => {
	const documents = makeDocuments(2);
	// Reserve a port, close it: uploads are refused until the proxy listens there again.
	const reserved = await startProxy(fake.url, () => 'pass');
	await reserved.close();
	const reopen = new Promise<void>((resolve) =>
		setTimeout(() => {
			void startProxy(fake.url, () => 'pass', reserved.port).then((started) => {
				proxy = started;
				resolve();
			});
		}, 700),
	);
	const startedAt = Date.now();
	const result = await run(documents, reserved.url);
	await reopen;

	expect(result.status).toBe('success');
	// The first attempts were refused: the uploads only got through once the port was open again.
	expect(Date.now() - startedAt).toBeGreaterThanOrEqual(700);
	expectEachDocumentEnqueuedOnce(fake, documents);
	expect(expectOneResultPerItem(result.output, documents, fake).errors).toEqual([]);
});
