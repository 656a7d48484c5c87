/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The fake's `fieldConfidence` rules: confidence levels given instead of the fixture's, per
 * document (by file name) and per top-level field, only when confidence scores were asked for.
 */
import { defaultModels } from './fixtures';
import { startFakeMindee, type FakeMindee } from './server';
import type { FieldConfidenceRule } from './types';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const MODEL = 'b3274545-bb22-bb22-991e-9ca0639829a3';

interface ScoredField {
	confidence?: string | null;
	items?: ScoredField[];
	fields?: Record<string, ScoredField>;
}

let fake: FakeMindee;

beforeAll(async () => {
	fake = await startFakeMindee({ processingMs: 0 });
});
afterAll(async () => {
	await fake.stop();
});

/** Enqueues the PDF under `fileName`, waits for the job and returns the result's fields. */
async function fieldsOf(fileName: string, confidence: 'true' | 'false' = 'true'): Promise<Record<string, ScoredField>> {
	const form = new FormData();
	form.append('model_id', MODEL);
	form.append('confidence', confidence);
	form.append('file', new Blob([new Uint8Array(PDF)]), fileName);
	const headers = { authorization: fake.apiKey };
	const enqueued = (await (await fetch(`${fake.url}/v2/products/extraction/enqueue`, { method: 'POST', headers, body: form })).json()) as {
		job: { id: string };
	};
	for (let attempt = 0; attempt < 100; attempt++) {
		const result = await fetch(`${fake.url}/v2/products/extraction/results/${enqueued.job.id}`, { headers });
		if (result.status === 200) {
			const body = (await result.json()) as { inference: { result: { fields: Record<string, ScoredField> } } };
			return body.inference.result.fields;
		}
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error('the job never finished');
}

/** Every confidence level in a field (itself, its items, its subfields). */
function levels(field: ScoredField): Array<string | null | undefined> {
	return [
		...('confidence' in field ? [field.confidence] : []),
		...(field.items ?? []).flatMap(levels),
		...Object.values(field.fields ?? {}).flatMap(levels),
	];
}

const distinct = (fields: Record<string, ScoredField>) => [...new Set(Object.values(fields).flatMap(levels))].sort();

function configure(fieldConfidence: FieldConfidenceRule[]): void {
	fake.reset();
	fake.configure({ models: defaultModels(), fieldConfidence });
}

it("without rules the fixture's own levels come back", async () => {
	configure([]);
	expect(distinct(await fieldsOf('a.pdf'))).toEqual(['High', 'Low', 'Medium']);
});

it('one level for every field of every document, then one field of one document lowered', async () => {
	configure([
		{ confidence: 'High' },
		{ fileName: 'b.pdf', field: 'total_amount', confidence: 'Low' },
	]);

	const a = await fieldsOf('a.pdf');
	const b = await fieldsOf('b.pdf');

	expect(distinct(a)).toEqual(['High']);
	expect(b.total_amount.confidence).toBe('Low');
	const { total_amount: lowered, ...others } = b;
	expect(levels(lowered)).toEqual(['Low']);
	expect(distinct(others)).toEqual(['High']);
	// Lists and objects too, down to their rows and subfields.
	expect(levels(a.line_items).length).toBeGreaterThan(3);
	expect(levels(a.customer_address).length).toBeGreaterThan(3);
});

it('without confidence scores asked for, the rules change nothing (levels stay null)', async () => {
	configure([{ confidence: 'High' }]);
	expect(distinct(await fieldsOf('a.pdf', 'false'))).toEqual([null]);
});
