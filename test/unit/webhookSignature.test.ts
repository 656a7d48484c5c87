/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
import { readFileSync } from 'fs';
import { join } from 'path';

import { computeSignature, failureItem, filteredOutReason, isValidSignature, parsePayload } from '../../nodes/Mindee/trigger/delivery';
import { signatureTestVector } from '../fake-mindee/fixtures';

const fixtures = join(__dirname, '../fixtures/mindee-v2');

describe('X-Signature', () => {
	// Mindee's own test vector (fixtures SOURCES.md, from mindee-api-nodejs localResponse.spec.ts).
	const vector = signatureTestVector();
	const secret = vector.key;
	const body = Buffer.from(readFileSync(join(fixtures, vector.fixture), 'utf8').replace(/[\r\n]/g, ''));
	const expected = vector.signature;

	it('matches Mindee\'s published test vector', () => {
		expect(computeSignature(secret, body)).toBe(expected);
		expect(isValidSignature(secret, body, expected)).toBe(true);
	});

	it('accepts upper-case hex and surrounding spaces', () => {
		expect(isValidSignature(secret, body, ` ${expected.toUpperCase()} `)).toBe(true);
	});

	it('rejects a wrong secret, a changed body, and missing or malformed headers', () => {
		expect(isValidSignature('another-secret', body, expected)).toBe(false);
		expect(isValidSignature(secret, Buffer.concat([body, Buffer.from(' ')]), expected)).toBe(false);
		expect(isValidSignature(secret, body, undefined)).toBe(false);
		expect(isValidSignature(secret, body, ['x'])).toBe(false);
		expect(isValidSignature(secret, body, expected.slice(0, 63))).toBe(false);
		expect(isValidSignature(secret, body, `${expected}00`)).toBe(false);
		expect(isValidSignature(secret, body, 'z'.repeat(64))).toBe(false);
	});
});

describe('parsePayload', () => {
	it('recognises a result', () => {
		const raw = readFileSync(join(fixtures, 'products/extraction/standard_field_types.json'));
		const payload = parsePayload(raw);
		expect(payload.kind).toBe('result');
	});

	it('recognises Mindee\'s failure notice and flattens it for IF/Switch nodes', () => {
		const raw = readFileSync(join(fixtures, 'errors/webhook_error_500_failed.json'));
		const payload = parsePayload(raw);
		if (payload.kind !== 'failure') throw new Error(`expected a failure, got ${payload.kind}`);
		expect(failureItem(payload.failure)).toMatchObject({
			status: 'failed',
			inference_id: '12345678-1234-1234-1234-123456789ABC',
			alias: 'dummy-alias.jpg',
			error_code: '500-012',
			error_title: 'Inference failed',
			error_detail: 'The inference failed due to an internal error.',
		});
	});

	it.each([
		['not JSON', 'hello'],
		['a JSON array', '[1,2]'],
		['another JSON object', '{"event":"ping"}'],
		['an inference without a result', '{"inference":{"id":"x"}}'],
	])('refuses %s', (_name, text) => {
		expect(parsePayload(Buffer.from(text)).kind).toBe('invalid');
	});
});

describe('filteredOutReason', () => {
	it('passes everything without filters', () => {
		expect(filteredOutReason({}, 'm1', null)).toBeUndefined();
	});

	it('filters by model id, case-insensitively, from a comma list', () => {
		expect(filteredOutReason({ modelIds: 'AAA, bbb' }, 'aaa', null)).toBeUndefined();
		expect(filteredOutReason({ modelIds: 'aaa,bbb' }, 'ccc', null)).toMatch(/model ccc/);
	});

	it('filters by exact alias or by a prefix ending in *', () => {
		expect(filteredOutReason({ alias: 'inv-1' }, 'm', 'inv-1')).toBeUndefined();
		expect(filteredOutReason({ alias: 'inv-1' }, 'm', 'inv-12')).toMatch(/alias/);
		expect(filteredOutReason({ alias: 'inv-*' }, 'm', 'inv-12')).toBeUndefined();
		expect(filteredOutReason({ alias: 'inv-*' }, 'm', null)).toMatch(/alias/);
	});
});
