/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Proves the node test harness with n8n's own behaviour, independent of the Mindee node: inline node
 * and credential types run through n8n-core's WorkflowExecute, real requests through n8n-core's
 * request helper to a local server, real binary data, cancellation and the node error settings.
 */
import type {
	ICredentialType,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes } from 'n8n-workflow';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	BINARY_DATA_STORAGE_PATH,
	PACKAGE_NAME,
	readBinary,
	runWorkflow,
	START_NODE_NAME,
	type HarnessItem,
	type RunWorkflowOptions,
} from './harness';

// ---------------------------------------------------------------------------------------------
// A tiny local server recording what reached it.

interface Received {
	method: string;
	path: string;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	aborted: boolean;
}

let server: http.Server;
let baseUrl: string;
const received: Received[] = [];
/** Requests to /slow wait until the client goes away. */
const slowRequestClosed: Array<Promise<void>> = [];

beforeAll(async () => {
	server = http.createServer((req, res) => {
		const record: Received = {
			method: req.method ?? '',
			path: req.url ?? '',
			headers: req.headers,
			body: Buffer.alloc(0),
			aborted: false,
		};
		received.push(record);
		if (req.url === '/slow') {
			slowRequestClosed.push(
				new Promise((resolve) =>
					res.on('close', () => {
						record.aborted = !res.writableEnded;
						resolve();
					}),
				),
			);
			return;
		}
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			record.body = Buffer.concat(chunks);
			if (req.headers['x-api-key'] !== 'secret-key') {
				res.writeHead(401, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ detail: 'Invalid API key' }));
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					path: req.url,
					bytes: record.body.length,
					sha256: createHash('sha256').update(record.body).digest('hex'),
				}),
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
	received.length = 0;
	slowRequestClosed.length = 0;
});

// ---------------------------------------------------------------------------------------------
// Inline credential and node types.

const probeCredential: ICredentialType = {
	name: 'harnessProbeApi',
	displayName: 'Harness Probe API',
	properties: [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://default.invalid' },
	],
	authenticate: {
		type: 'generic',
		properties: { headers: { 'X-Api-Key': '={{$credentials.apiKey}}' } },
	},
};

/** The probe credential type with another default Base URL. */
const withDefaultBaseUrl = (url: string): ICredentialType => ({
	...probeCredential,
	properties: probeCredential.properties.map((p) => (p.name === 'baseUrl' ? { ...p, default: url } : p)),
});

const probeDescription = (name: string): INodeTypeDescription => ({
	displayName: name,
	name,
	group: ['transform'],
	version: 1,
	description: 'Harness probe',
	defaults: { name },
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'harnessProbeApi', required: true }],
	properties: [
		{ displayName: 'Path', name: 'path', type: 'string', default: '/echo' },
		{ displayName: 'Upload Binary', name: 'uploadBinary', type: 'boolean', default: false },
	],
});

/** Per item: POSTs to the server with the credential (and the item's binary as the body if asked). */
const httpProbe: INodeType = {
	description: probeDescription('httpProbe'),
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const { baseUrl: credentialBaseUrl } = await this.getCredentials<{ baseUrl: string }>('harnessProbeApi');
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const request: IHttpRequestOptions = {
					method: 'POST',
					url: `${credentialBaseUrl}${this.getNodeParameter('path', i) as string}`,
					json: true,
				};
				let binaryInfo = {};
				if (this.getNodeParameter('uploadBinary', i) as boolean) {
					const binary = this.helpers.assertBinaryData(i, 'data');
					const buffer = await this.helpers.getBinaryDataBuffer(i, 'data');
					request.body = buffer;
					request.headers = { 'content-type': binary.mimeType };
					binaryInfo = { binaryId: binary.id ?? null, inline: binary.id === undefined, bufferBytes: buffer.length };
				}
				const response = await this.helpers.httpRequestWithAuthentication.call(this, 'harnessProbeApi', request);
				out.push({ json: { ...response, ...binaryInfo }, binary: items[i].binary, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error instanceof NodeApiError ? error : new NodeApiError(this.getNode(), error as never, { itemIndex: i });
			}
		}
		return [out];
	},
};

/** Waits for n8n's cancel signal (or 10 s), and reports whether it fired. */
let waitForCancelStarted = false;
let cancelSignalFired: boolean | undefined;
const waitForCancel: INodeType = {
	description: { ...probeDescription('waitForCancel'), credentials: undefined, properties: [] },
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		waitForCancelStarted = true;
		const signal = this.getExecutionCancelSignal();
		cancelSignalFired = await new Promise<boolean>((resolve) => {
			const timer = setTimeout(() => resolve(false), 10_000);
			signal?.addEventListener('abort', () => {
				clearTimeout(timer);
				resolve(true);
			});
		});
		return [[{ json: { cancelSignalFired } }]];
	},
};

const nodeTypes = [httpProbe, waitForCancel];
const credentialTypes = [probeCredential];
const credentials = () => ({ harnessProbeApi: { apiKey: 'secret-key', baseUrl } });

function probeWorkflow(
	parameters: Record<string, unknown>,
	startItems: HarnessItem[],
	extra: Partial<RunWorkflowOptions> & { node?: Record<string, unknown> } = {},
): RunWorkflowOptions {
	const { node, ...rest } = extra;
	return {
		nodeTypes,
		credentialTypes,
		credentials: credentials(),
		startItems,
		nodes: [
			{
				name: 'Probe',
				type: `${PACKAGE_NAME}.httpProbe`,
				parameters: parameters as never,
				credentials: { harnessProbeApi: { id: '1', name: 'Probe account' } },
				...node,
			},
		],
		connections: { [START_NODE_NAME]: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
		...rest,
	};
}

const pdfBytes = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const pdfItem = (data: Buffer = pdfBytes): HarnessItem => ({
	json: { file: 'a.pdf' },
	binary: { data: { data, mimeType: 'application/pdf', fileName: 'a.pdf' } },
});
const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

// ---------------------------------------------------------------------------------------------

describe('node test harness (n8n-core WorkflowExecute)', () => {
	it('sends requests through n8n-core with the generic credential auth applied', async () => {
		const result = await runWorkflow(probeWorkflow({ path: '/echo' }, [{ json: { n: 1 } }, { json: { n: 2 } }]));

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.nodeExecutionOrder).toEqual([START_NODE_NAME, 'Probe']);
		expect(received).toHaveLength(2);
		expect(received.map((r) => r.headers['x-api-key'])).toEqual(['secret-key', 'secret-key']);
		const [items] = result.outputOf('Probe');
		expect(items.map((item) => item.json.path)).toEqual(['/echo', '/echo']);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.executionTimeMs).toBeGreaterThanOrEqual(0);
	});

	it('fills in credential defaults like n8n (baseUrl left out)', async () => {
		const credentialType = withDefaultBaseUrl(baseUrl);
		const result = await runWorkflow({
			...probeWorkflow({ path: '/defaulted' }, [{ json: {} }]),
			credentialTypes: [credentialType],
			credentials: { harnessProbeApi: { apiKey: 'secret-key' } },
		});

		expect(result.error).toBeUndefined();
		expect(received.map((r) => r.path)).toEqual(['/defaulted']);
	});

	it('keeps binary data inline in the default mode', async () => {
		const result = await runWorkflow(probeWorkflow({ uploadBinary: true }, [pdfItem()]));

		expect(result.error).toBeUndefined();
		const [[item]] = result.outputOf('Probe');
		expect(item.json).toMatchObject({ inline: true, binaryId: null, bufferBytes: pdfBytes.length });
		expect(received[0].body.equals(pdfBytes)).toBe(true);
		expect(received[0].headers['content-type']).toBe('application/pdf');
		expect(item.binary?.data).toMatchObject({ mimeType: 'application/pdf', fileName: 'a.pdf', fileExtension: 'pdf' });
		expect((await readBinary(item.binary!.data)).equals(pdfBytes)).toBe(true);
	});

	it('round-trips binary data through the filesystem binary data mode', async () => {
		const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0x5a);
		pdfBytes.copy(big);
		const result = await runWorkflow(probeWorkflow({ uploadBinary: true }, [pdfItem(big)], { binaryMode: 'filesystem' }));

		expect(result.error).toBeUndefined();
		const [[item]] = result.outputOf('Probe');
		const binaryId = item.json.binaryId as string;
		expect(binaryId).toMatch(/^filesystem-v2:/);
		expect(item.binary?.data.id).toBe(binaryId);
		expect(item.binary?.data.data).toBe('filesystem-v2');
		expect(item.binary?.data.bytes).toBe(big.length);
		expect(JSON.stringify(result.run).length).toBeLessThan(big.length / 10);
		expect(received[0].body.length).toBe(big.length);
		expect(item.json.sha256).toBe(sha256(big));
		expect((await readBinary(item.binary!.data)).equals(big)).toBe(true);
		expect(existsSync(BINARY_DATA_STORAGE_PATH)).toBe(true);
	});

	it('streams a start item from a file path in filesystem mode', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'harness-file-'));
		try {
			const path = join(dir, 'scan.pdf');
			writeFileSync(path, pdfBytes);
			const result = await runWorkflow(
				probeWorkflow(
					{ uploadBinary: true },
					[{ json: {}, binary: { data: { filePath: path, mimeType: 'application/pdf', fileName: 'scan.pdf' } } }],
					{ binaryMode: 'filesystem' },
				),
			);
			expect(result.error).toBeUndefined();
			const [[item]] = result.outputOf('Probe');
			expect(item.json.sha256).toBe(sha256(pdfBytes));
			expect(item.binary?.data).toMatchObject({ fileName: 'scan.pdf', bytes: pdfBytes.length });
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it('cancels a running execution: the node sees getExecutionCancelSignal() fire', async () => {
		waitForCancelStarted = false;
		cancelSignalFired = undefined;
		const controller = new AbortController();
		const execution = runWorkflow({
			nodeTypes,
			credentialTypes,
			startItems: [{ json: {} }],
			nodes: [{ name: 'Wait', type: `${PACKAGE_NAME}.waitForCancel` }],
			connections: { [START_NODE_NAME]: { main: [[{ node: 'Wait', type: 'main', index: 0 }]] } },
			signal: controller.signal,
		});
		// Stopped once the node runs, however long a busy machine took to start it.
		while (!waitForCancelStarted) await new Promise((resolve) => setTimeout(resolve, 20));
		controller.abort();
		const result = await execution;

		expect(cancelSignalFired).toBe(true);
		expect(result.cancelled).toBe(true);
		expect(result.status).toBe('canceled');
	});

	it('cancelling through an AbortSignal aborts the in-flight request', async () => {
		const controller = new AbortController();
		const execution = runWorkflow(probeWorkflow({ path: '/slow' }, [{ json: {} }], { signal: controller.signal }));
		while (slowRequestClosed.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
		controller.abort();
		const result = await execution;
		await slowRequestClosed[0];

		expect(received[0].aborted).toBe(true);
		expect(result.cancelled).toBe(true);
		expect(result.status).toBe('canceled');
		// The request helper's abort surfaces as the node's error, which n8n records as cancelled.
		expect(result.error?.message).toMatch(/cancel/i);
		expect(result.outputOf('Probe')).toEqual([]);
	});

	describe('node error settings', () => {
		const wrongKey = () => ({ harnessProbeApi: { apiKey: 'wrong', baseUrl } });

		it('stops the workflow by default, with the node error as the execution error', async () => {
			const result = await runWorkflow(probeWorkflow({}, [{ json: {} }], { credentials: wrongKey() }));

			expect(result.status).toBe('error');
			expect(received[0].headers['x-api-key']).toBe('wrong');
			// n8n stores the node's error as a plain copy of it; the harness hands it back as an Error.
			expect(result.error).toBeInstanceOf(Error);
			expect(result.error).toMatchObject({ name: 'NodeApiError', httpCode: '401' });
			expect(result.taskOf('Probe')?.error).toBeDefined();
		});

		it('continueOnFail gives error items', async () => {
			const result = await runWorkflow(
				probeWorkflow({}, [{ json: {} }, { json: {} }], { credentials: wrongKey(), node: { continueOnFail: true } }),
			);

			expect(result.error).toBeUndefined();
			const [items] = result.outputOf('Probe');
			expect(items).toHaveLength(2);
			expect(items[0].json.error).toBeTruthy();
		});

		it("onError 'continueErrorOutput' routes the failed items to the error output", async () => {
			const result = await runWorkflow(
				probeWorkflow({}, [{ json: { n: 1 } }], { credentials: wrongKey(), node: { onError: 'continueErrorOutput' } }),
			);

			expect(result.error).toBeUndefined();
			const [success, failure] = result.outputOf('Probe');
			expect(success).toEqual([]);
			expect(failure).toHaveLength(1);
			expect(failure[0].json.error).toBeTruthy();
			expect(failure[0].pairedItem).toEqual({ item: 0 });
		});
	});
});
