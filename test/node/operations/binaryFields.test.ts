/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Several files per item (email attachments): Input Binary Field as a comma-separated list, a
 * pattern (`attachment_*`) or `*`. Each file is a document of its own: one output item per file,
 * paired to the item it came from, `mindee.binary_field` naming its field; a file that fails the
 * checks gives one error item and the others go on. Also the shipped examples/email-attachments.json.
 */
import { readFileSync } from 'fs';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { join } from 'path';

import { defaultModels } from '../../fake-mindee/fixtures';
import { runMindeeNode, useFakeMindee, type HarnessItem } from '../harness';
import { credentialsOf, enqueues, GIF, jpeg, jsonOf, PDF, PNG, productParams } from './helpers';

const fake = useFakeMindee({ processingMs: 50 }, () => ({ models: defaultModels(), processingMs: 50 }));

type File = { data: Buffer; mimeType: string; fileName: string };
const pdf = (fileName: string): File => ({ data: PDF, mimeType: 'application/pdf', fileName });
const png = (fileName: string): File => ({ data: PNG, mimeType: 'image/png', fileName });
const gif = (fileName: string): File => ({ data: GIF, mimeType: 'image/gif', fileName });

/** An email as n8n's IMAP and Gmail triggers give it: one item, its files as attachment_0, attachment_1, … */
function email(subject: string, files: File[], extra: Record<string, File> = {}): HarnessItem {
	const binary: Record<string, File> = {};
	files.forEach((file, index) => (binary[`attachment_${index}`] = file));
	return { json: { subject }, binary: { ...binary, ...extra } };
}

async function run(parameters: INodeParameters, items: HarnessItem[], options: { continueOnFail?: boolean } = {}) {
	return await runMindeeNode({
		parameters: productParams('extraction', parameters),
		items,
		credentials: credentialsOf(fake),
		...options,
	});
}

const metadataOf = (item: INodeExecutionData) => item.json.mindee as IDataObject;
const uploadedNames = () => enqueues(fake).map((request) => request.file?.filename).sort();
const description = (error: Error | undefined) => String((error as unknown as IDataObject | undefined)?.description ?? '');

describe('which binary fields are sent', () => {
	it('a pattern: every matching field of the item, in its order, one output item each, paired to it', async () => {
		const result = await run({ binaryPropertyName: 'attachment_*' }, [
			email('March invoices', [pdf('invoice.pdf'), png('delivery-note.png'), pdf('credit-note.pdf')], {
				signature: png('logo.png'),
			}),
		]);

		expect(result.error).toBeUndefined();
		const items = result.output[0];
		expect(items.map((item) => metadataOf(item).binary_field)).toEqual(['attachment_0', 'attachment_1', 'attachment_2']);
		expect(items.map((item) => metadataOf(item).file_name)).toEqual(['invoice.pdf', 'delivery-note.png', 'credit-note.pdf']);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
		// Each output item carries its own file only, under its field's name.
		expect(items.map((item) => Object.keys(item.binary ?? {}))).toEqual([['attachment_0'], ['attachment_1'], ['attachment_2']]);
		expect(uploadedNames()).toEqual(['credit-note.pdf', 'delivery-note.png', 'invoice.pdf']);
		expect(items[0].json.supplier_name).toBe('John Smith');
	});

	it('a comma-separated list: exactly those fields, in the order listed', async () => {
		const result = await run({ binaryPropertyName: 'receipt, invoice' }, [
			{ json: {}, binary: { invoice: pdf('a.pdf'), receipt: png('b.png'), other: pdf('c.pdf') } },
		]);

		expect(result.error).toBeUndefined();
		expect(result.output[0].map((item) => metadataOf(item).binary_field)).toEqual(['receipt', 'invoice']);
		expect(uploadedNames()).toEqual(['a.pdf', 'b.png']);
	});

	it('"*": every binary field of every item; outputs keep the input order and pair to their item', async () => {
		const result = await run({ binaryPropertyName: '*' }, [
			email('first', [pdf('1a.pdf'), pdf('1b.pdf')]),
			{ json: { subject: 'second' }, binary: { data: png('2.png') } },
			email('third', [pdf('3a.pdf'), pdf('3b.pdf'), pdf('3c.pdf')]),
		]);

		expect(result.error).toBeUndefined();
		const items = result.output[0];
		expect(items.map((item) => [metadataOf(item).file_name, item.pairedItem])).toEqual([
			['1a.pdf', { item: 0 }],
			['1b.pdf', { item: 0 }],
			['2.png', { item: 1 }],
			['3a.pdf', { item: 2 }],
			['3b.pdf', { item: 2 }],
			['3c.pdf', { item: 2 }],
		]);
		expect(enqueues(fake)).toHaveLength(6);
	});

	it('a single name works as it always has: one item, the input\'s files carried along, no binary_field', async () => {
		const result = await run({ binaryPropertyName: 'data' }, [
			{ json: {}, binary: { data: pdf('invoice.pdf'), extra: png('photo.png') } },
		]);

		expect(result.error).toBeUndefined();
		expect(result.output[0]).toHaveLength(1);
		expect(metadataOf(result.output[0][0])).not.toHaveProperty('binary_field');
		expect(Object.keys(result.output[0][0].binary ?? {}).sort()).toEqual(['data', 'extra']);
		expect(uploadedNames()).toEqual(['invoice.pdf']);
	});

	it('Enqueue sends each file too: one job per file, with mindee.binary_field', async () => {
		const result = await run({ operation: 'enqueue', binaryPropertyName: 'attachment_*' }, [
			email('two files', [pdf('a.pdf'), png('b.png')]),
		]);

		expect(result.error).toBeUndefined();
		expect(result.output[0].map((item) => [item.json.filename, metadataOf(item), item.pairedItem])).toEqual([
			['a.pdf', { binary_field: 'attachment_0' }, { item: 0 }],
			['b.png', { binary_field: 'attachment_1' }, { item: 0 }],
		]);
	});
});

describe('when files are missing or refused', () => {
	it('nothing matches: an error naming the pattern and the fields the item has, saying what to change', async () => {
		const result = await run({ binaryPropertyName: 'attachment_*' }, [{ json: {}, binary: { data: pdf('a.pdf') } }]);

		expect(result.error?.message).toBe('No file to send in this item: none of its binary fields (data) matches "attachment_*"');
		expect(description(result.error)).toMatch(/a pattern such as attachment_\*, or \* for every binary field/);
		expect(enqueues(fake)).toHaveLength(0);
	});

	it('an email without attachments: the error says how to pass such items over', async () => {
		const result = await run({ binaryPropertyName: 'attachment_*' }, [{ json: { subject: 'no files' } }]);

		expect(result.error?.message).toBe('No file to send in this item: it has no binary field to match "attachment_*"');
		expect(description(result.error)).toMatch(/Filter node before this one/);
	});

	it('with Continue On Fail, a refused file gives one error item paired to its email; the other files go on', async () => {
		const result = await run(
			{ binaryPropertyName: 'attachment_*' },
			[email('mixed', [pdf('invoice.pdf'), gif('spacer.gif'), png('receipt.png')]), email('empty', [])],
			{ continueOnFail: true },
		);

		expect(result.error).toBeUndefined();
		const items = result.output[0];
		expect(items).toHaveLength(4);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }, { item: 1 }]);
		expect(metadataOf(items[0]).binary_field).toBe('attachment_0');
		expect(items[1].json.error).toBe('The file in "attachment_1" is a GIF image, which Mindee cannot read');
		expect((items[1].json.details as IDataObject).binary_field).toBe('attachment_1');
		expect(metadataOf(items[2]).binary_field).toBe('attachment_2');
		expect(items[3].json.error).toMatch(/^No file to send in this item/);
		expect(uploadedNames()).toEqual(['invoice.pdf', 'receipt.png']);
	});

	it('without Continue On Fail, a refused file stops the node with its error', async () => {
		const result = await run({ binaryPropertyName: 'attachment_*' }, [email('mixed', [pdf('a.pdf'), gif('b.gif')])]);

		expect(result.error?.message).toBe('The file in "attachment_1" is a GIF image, which Mindee cannot read');
		expect(result.output[0] ?? []).toHaveLength(0);
	});

	it('a listed field the item lacks is an error for that field only', async () => {
		const result = await run({ binaryPropertyName: 'invoice, receipt' }, [{ json: {}, binary: { invoice: pdf('a.pdf') } }], {
			continueOnFail: true,
		});

		expect(jsonOf(result.output[0]).map((json) => json.error ?? (json.mindee as IDataObject).binary_field)).toEqual([
			'invoice',
			'This item has no binary field "receipt"',
		]);
	});
});

describe('examples/email-attachments.json', () => {
	const example = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'email-attachments.json'), 'utf8')) as {
		nodes: Array<{ type: string; parameters: INodeParameters; onError?: string }>;
	};
	const mindeeNode = example.nodes.find((node) => node.type === 'n8n-nodes-mindee.mindee');

	it('its Mindee node turns one email with three attachments into three items paired to that email', async () => {
		expect(mindeeNode?.parameters.binaryPropertyName).toBe('attachment_*');
		const result = await runMindeeNode({
			parameters: { ...mindeeNode!.parameters, pollingOptions: { initialDelaySeconds: 0.1, intervalSeconds: 1 } },
			items: [email('Invoice and delivery notes', [pdf('invoice.pdf'), pdf('delivery-note.pdf'), { data: jpeg(), mimeType: 'image/jpeg', fileName: 'receipt.jpg' }])],
			credentials: credentialsOf(fake),
		});

		expect(result.error).toBeUndefined();
		const items = result.output[0];
		process.stdout.write(
			`email-attachments: 1 item with 3 attachments → ${items.length} items: ${items
				.map((item) => `${metadataOf(item).binary_field}=${metadataOf(item).file_name} (paired to item ${JSON.stringify(item.pairedItem)}, total ${item.json.total_amount})`)
				.join('; ')}\n`,
		);
		expect(items.map((item) => [metadataOf(item).binary_field, metadataOf(item).file_name, item.pairedItem])).toEqual([
			['attachment_0', 'invoice.pdf', { item: 0 }],
			['attachment_1', 'delivery-note.pdf', { item: 0 }],
			['attachment_2', 'receipt.jpg', { item: 0 }],
		]);
	});
});
