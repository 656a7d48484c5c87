/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * A local HTTP "sink" for e2e workflows: an HTTP Request node at the end of a workflow POSTs its items
 * here, so a test sees exactly what a production execution produced, without reading n8n's database.
 *
 *   const sink = await startHttpSink();
 *   // workflow: … → HTTP Request POST `${sink.url}/result` with body {{ JSON.stringify($json) }}
 *   const [hit] = await sink.waitFor((r) => r.path === '/result');
 *   await sink.stop();
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface SinkRequest {
	at: number;
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	body: string;
	/** The body parsed as JSON, when it is a JSON object (n8n's HTTP Request node posts an item's json). */
	json?: Record<string, unknown>;
}

export interface HttpSink {
	/** `http://127.0.0.1:<port>` (no trailing slash). */
	url: string;
	requests: SinkRequest[];
	/**
	 * Resolves with every recorded request matching `predicate` as soon as there are at least `count`
	 * of them; rejects after `timeoutMs` (listing what was received).
	 */
	waitFor(
		predicate: (request: SinkRequest) => boolean,
		options?: { count?: number; timeoutMs?: number },
	): Promise<SinkRequest[]>;
	clear(): void;
	stop(): Promise<void>;
}

export async function startHttpSink(): Promise<HttpSink> {
	const requests: SinkRequest[] = [];
	const waiters = new Set<() => void>();
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			let json: Record<string, unknown> | undefined;
			try {
				const parsed: unknown = body ? JSON.parse(body) : undefined;
				json = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
			} catch {
				json = undefined;
			}
			requests.push({
				at: Date.now(),
				method: req.method ?? '',
				path: new URL(req.url ?? '/', 'http://sink').pathname,
				headers: req.headers,
				body,
				json,
			});
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"ok":true}');
			for (const wake of [...waiters]) wake();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		waitFor(predicate, { count = 1, timeoutMs = 60_000 } = {}) {
			return new Promise((resolve, reject) => {
				const check = (): boolean => {
					const matching = requests.filter(predicate);
					if (matching.length < count) return false;
					finish();
					resolve(matching);
					return true;
				};
				const timer = setTimeout(() => {
					finish();
					reject(
						new Error(
							`sink: ${requests.filter(predicate).length}/${count} matching request(s) after ${timeoutMs} ms; received: ${JSON.stringify(
								requests.map((r) => `${r.method} ${r.path} ${r.body.slice(0, 200)}`),
							)}`,
						),
					);
				}, timeoutMs);
				const wake = () => void check();
				const finish = () => {
					clearTimeout(timer);
					waiters.delete(wake);
				};
				waiters.add(wake);
				check();
			});
		},
		clear() {
			requests.length = 0;
		},
		stop() {
			return new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}
