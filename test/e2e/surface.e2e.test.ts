/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * End-to-end, in real n8n 2.41.1 and 1.123.81 with the packed package: the model search, simplified
 * output split into one item per invoice line, and a 300-document batch under Mindee's rate limits
 * (200 uploads and 1,200 GETs a minute, enforced by the fake server) where nothing may be lost.
 */
import { readFileSync } from 'fs';
import * as path from 'path';

import { isEnqueue, startFakeMindee } from '../fake-mindee/server';
import type { FakeMindee, RecordedRequest } from '../fake-mindee/types';
import { e2eVersions, N8nInstance, nodeErrorOf, outputOf, packPackage } from './harness';
import { fixtureFile, mindeeCredential } from './workflows/extraction';
import { batchWorkflow, modelSearchWorkflow } from './workflows/surface';

const EXTRACTION_MODEL_ID = 'b3274545-bb22-bb22-991e-9ca0639829a3';
const CREDENTIAL = { id: 'mindeeSurfaceCred1', name: 'Mindee (fake server)' };
const BATCH_SIZE = 300;
const SETUP_TIMEOUT = 30 * 60_000;
const invoicePdf = fixtureFile('invoice.pdf', 'application/pdf');
const fixture = JSON.parse(
	readFileSync(path.resolve(__dirname, '../fixtures/mindee-v2/products/extraction/financial_document/complete_with_coordinates.json'), 'utf8'),
).inference.result.fields;
const models = JSON.parse(readFileSync(path.resolve(__dirname, '../fixtures/mindee-v2/search/models.json'), 'utf8')).models as Array<{
	id: string;
	name: string;
	model_type: string;
}>;

/** The most requests of one method the fake received within any 60 s. */
function maxPerMinute(requests: RecordedRequest[], method: string): number {
	const times = requests.filter((request) => request.method === method && request.status !== 429).map((request) => request.at);
	let most = 0;
	for (let start = 0, end = 0; end < times.length; end++) {
		while (times[end] - times[start] >= 60_000) start++;
		most = Math.max(most, end - start + 1);
	}
	return most;
}

let fake: FakeMindee;
let tarball: string;

beforeAll(async () => {
	fake = await startFakeMindee({ host: '127.0.0.1', processingMs: 1500 });
	tarball = await packPackage();
}, SETUP_TIMEOUT);

afterAll(async () => {
	await fake?.stop();
});

describe.each(e2eVersions())('n8n %s: model search, split into items, and a 300-document batch', (version) => {
	let n8n: N8nInstance;
	let searchId: string;
	let splitId: string;
	let batchId: string;

	beforeAll(async () => {
		n8n = await N8nInstance.create({ version });
		await n8n.installPackage(tarball);
		await n8n.importCredentials([mindeeCredential({ ...CREDENTIAL, apiKey: fake.apiKey, baseUrl: fake.url })]);
		const enqueueAndPoll = {
			resource: 'extraction',
			operation: 'enqueueAndPoll',
			modelId: { __rl: true, mode: 'id', value: EXTRACTION_MODEL_ID },
			inputType: 'binary',
			binaryPropertyName: 'data',
			pollingOptions: { initialDelaySeconds: 1, intervalSeconds: 1 },
		};
		[searchId, splitId, batchId] = await n8n.importWorkflows([
			modelSearchWorkflow({ name: 'e2e model search', credential: CREDENTIAL, parameters: { modelType: 'extraction', returnAll: true } }),
			batchWorkflow({
				name: 'e2e split line items',
				count: 2,
				file: invoicePdf,
				credential: CREDENTIAL,
				mindeeParameters: { ...enqueueAndPoll, outputMode: 'simplified', splitListField: 'line_items' },
			}),
			// Simplified output keeps the printed run data small (raw results with polygons are ~30 KB each).
			batchWorkflow({ name: 'e2e batch', count: BATCH_SIZE, file: invoicePdf, credential: CREDENTIAL, mindeeParameters: { ...enqueueAndPoll, outputMode: 'simplified' } }),
		]);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.cleanup();
	});

	it('searches models by type across pages', async () => {
		fake.reset();
		const execution = await n8n.execute(searchId);
		expect(execution.ok).toBe(true);
		const names = outputOf(execution.run, 'Mindee').map((item) => item.json.name);
		expect(names).toEqual(models.filter((model) => model.model_type === 'extraction').map((model) => model.name));
		expect(fake.requests.every((request) => request.path === '/v2/search/models' && request.query.model_type === 'extraction')).toBe(true);
		process.stdout.write(`[e2e n8n ${version}] model search (extraction): ${names.length} models: ${names.join(', ')}\n`);
	}, 240_000);

	it('outputs simplified fields, one item per invoice line, paired to its document', async () => {
		fake.reset();
		const execution = await n8n.execute(splitId);
		if (!execution.ok) throw new Error(JSON.stringify(execution.error ?? nodeErrorOf(execution.run, 'Mindee')));
		const rows = outputOf(execution.run, 'Mindee');
		const lines = fixture.line_items.items as Array<{ fields: Record<string, { value: unknown }> }>;
		expect(rows).toHaveLength(2 * lines.length);
		rows.forEach((row, index) => {
			const line = lines[index % lines.length].fields;
			expect(row.json).toMatchObject({
				supplier_name: fixture.supplier_name.value,
				total_amount: fixture.total_amount.value,
				line_items__description: line.description.value,
				line_items__total_price: line.total_price.value,
			});
			expect(row.pairedItem).toEqual(expect.objectContaining({ item: Math.floor(index / lines.length) }));
		});
		process.stdout.write(
			`[e2e n8n ${version}] simplified + split: 2 invoices -> ${rows.length} rows, e.g. ${JSON.stringify({
				supplier_name: rows[0].json.supplier_name,
				line_items__description: rows[0].json.line_items__description,
				line_items__total_price: rows[0].json.line_items__total_price,
			})}\n`,
		);
	}, 240_000);

	it(`processes ${BATCH_SIZE} documents under Mindee's rate limits, each enqueued once, none lost`, async () => {
		fake.reset();
		fake.configure({ rateLimits: { postPerMinute: 200, getPerMinute: 1200 } });
		try {
			const started = Date.now();
			const execution = await n8n.execute(batchId, { timeoutMs: 6 * 60_000 });
			const seconds = (Date.now() - started) / 1000;
			if (!execution.ok) throw new Error(JSON.stringify(execution.error ?? nodeErrorOf(execution.run, 'Mindee')));
			const items = outputOf(execution.run, 'Mindee');
			expect(items).toHaveLength(BATCH_SIZE);
			expect(items.map((item) => (item.pairedItem as { item: number }).item)).toEqual([...Array(BATCH_SIZE).keys()]);
			const jobIds = new Set([...fake.jobs.keys()]);
			expect(jobIds.size).toBe(BATCH_SIZE);
			expect(new Set(items.map((item) => (item.json.mindee as { inference_id: string }).inference_id))).toEqual(jobIds);
			const accepted = fake.requests.filter((request) => isEnqueue(request) && request.status === 202);
			expect(accepted).toHaveLength(BATCH_SIZE);
			expect(maxPerMinute(fake.requests, 'POST')).toBeLessThanOrEqual(200);
			expect(maxPerMinute(fake.requests, 'GET')).toBeLessThanOrEqual(1200);
			const rejected = fake.requests.filter((request) => request.status === 429).length;
			process.stdout.write(
				`[e2e n8n ${version}] batch: ${items.length}/${BATCH_SIZE} results, ${accepted.length} uploads accepted, ${rejected} × 429, max ${maxPerMinute(fake.requests, 'POST')} POST / ${maxPerMinute(fake.requests, 'GET')} GET in any minute, n8n execute ${seconds.toFixed(1)} s\n`,
			);
		} finally {
			fake.configure({ rateLimits: null });
		}
	}, 8 * 60_000);
});
