/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The node at its defaults (no Parallel Documents): documents already uploaded count against no
 * limit, so a batch larger than the old default of 50 has all its documents in flight at once,
 * while only a few uploads send bytes at the same time. Asserted on what the node did (how many
 * uploads were open at the same time at the proxy, how many jobs waited at once), not on timing.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { UPLOADS_AT_ONCE } from '../../../nodes/Mindee/shared/transport/mindeeApi';
import { startFakeMindee, type FakeMindee } from '../../fake-mindee/server';
import { runMindeeNode } from '../harness';
import { batchParameters, expectEachDocumentEnqueuedOnce, expectOneResultPerItem, itemsFor, makeDocuments } from './batchHelpers';

jest.setTimeout(120_000);

let fake: FakeMindee;

afterEach(async () => {
	await fake?.stop();
});

/** A loopback proxy that holds each upload a moment and counts the uploads open at once. */
async function startCountingProxy(target: string, holdUploadMs: number) {
	const targetUrl = new URL(target);
	let open = 0;
	let mostOpen = 0;
	const server = http.createServer((req, res) => {
		const upload = req.method === 'POST';
		if (upload) mostOpen = Math.max(mostOpen, ++open);
		req.pause();
		setTimeout(() => {
			const forward = http.request(
				{ host: targetUrl.hostname, port: targetUrl.port, method: req.method, path: req.url, headers: req.headers },
				(answer) => {
					res.writeHead(answer.statusCode ?? 500, answer.headers);
					answer.pipe(res);
					answer.on('end', () => {
						if (upload) open--;
					});
				},
			);
			forward.on('error', () => res.destroy());
			req.pipe(forward);
			req.resume();
		}, upload ? holdUploadMs : 0);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		mostOpenUploads: () => mostOpen,
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/** The most jobs the fake held at once between their enqueue and their result's fetch. */
function mostJobsInFlight(): number {
	const events = [...fake.jobs.values()].flatMap((job) => [
		{ at: job.enqueuedAt, change: 1 },
		{ at: job.resultFetchedAt ?? Infinity, change: -1 },
	]);
	events.sort((a, b) => a.at - b.at || a.change - b.change);
	let inFlight = 0;
	let most = 0;
	for (const event of events) most = Math.max(most, (inFlight += event.change));
	return most;
}

it('keeps every document of a batch in flight at once, with only a few uploads sending at the same time', async () => {
	// Long enough that no job is done before the last upload, even on a busy machine.
	fake = await startFakeMindee({ processingMs: 8_000 });
	const proxy = await startCountingProxy(fake.url, 50);
	try {
		const documents = makeDocuments(80);
		const result = await runMindeeNode({
			parameters: batchParameters(),
			items: itemsFor(documents),
			credentials: { apiKey: fake.apiKey, baseUrl: proxy.url },
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(expectOneResultPerItem(result.output, documents, fake).errors).toEqual([]);
		expectEachDocumentEnqueuedOnce(fake, documents);
		expect(proxy.mostOpenUploads()).toBeLessThanOrEqual(UPLOADS_AT_ONCE);
		expect(proxy.mostOpenUploads()).toBeGreaterThan(1);
		// The old default capped documents in progress at 50.
		expect(mostJobsInFlight()).toBeGreaterThan(50);
	} finally {
		await proxy.close();
	}
});

it('still caps the documents in progress at Parallel Documents when a saved workflow sets it', async () => {
	fake = await startFakeMindee({ processingMs: 300 });
	const documents = makeDocuments(12);
	const result = await runMindeeNode({
		parameters: batchParameters({ parallelDocuments: 3, initialDelaySeconds: 0.2, intervalSeconds: 1 }),
		items: itemsFor(documents),
		credentials: { apiKey: fake.apiKey, baseUrl: fake.url },
		continueOnFail: true,
	});
	expect(result.status).toBe('success');
	expect(expectOneResultPerItem(result.output, documents, fake).errors).toEqual([]);
	expect(mostJobsInFlight()).toBeLessThanOrEqual(3);
});
