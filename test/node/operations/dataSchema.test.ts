/**
 * Extraction Options → Data Schema, as JSON (`dataSchema`) and as fields entered in the panel
 * (`dataSchemaFields`), through n8n's execution engine against the fake Mindee server: both send
 * the same `data_schema` string (checked against Mindee's fixture
 * products/extraction/data_schema_replace_param.json), and a bad field stops the item before
 * anything is uploaded, with a message that names it.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { defaultModels, loadFixture } from '../../fake-mindee/fixtures';
import { runMindeeNode, useFakeMindee } from '../harness';
import { credentialsOf, enqueues, MODELS, onlyEnqueue, pdfItem, productParams } from './helpers';

const REPLACE_FIXTURE = 'products/extraction/data_schema_replace_param.json';
const REPLACE_RESULT = 'products/extraction/data_schema_replace.json';

const fake = useFakeMindee({ processingMs: 100 }, () => ({
	models: defaultModels().map((model) =>
		model.id === MODELS.extraction ? { ...model, resultFixture: REPLACE_RESULT } : model,
	),
}));

const extraction = (extractionOptions: IDataObject) =>
	productParams('extraction', { extractionOptions: extractionOptions as INodeParameters });

async function run(parameters: INodeParameters) {
	return await runMindeeNode({ parameters, items: [pdfItem()], credentials: credentialsOf(fake) });
}

/** The data_schema form field Mindee received for one run. */
async function sentSchema(extractionOptions: IDataObject): Promise<string> {
	fake.reset();
	const result = await run(extraction(extractionOptions));
	expect(result.error).toBeUndefined();
	const schema = onlyEnqueue(fake).fields?.data_schema;
	expect(typeof schema).toBe('string');
	return schema as string;
}

/** A panel entry as n8n stores it: every value of the entry, defaults included. */
function panelField(values: IDataObject): IDataObject {
	return {
		name: '',
		title: '',
		type: 'string',
		isArray: false,
		description: '',
		guidelines: '',
		...values,
	};
}

const panel = (...fields: IDataObject[]) => ({ dataSchemaFields: { fields } });

describe('the same request body from the panel and from JSON', () => {
	it("Mindee's own example (data_schema_replace_param.json), entered as one panel field", async () => {
		const fixture = loadFixture<{ replace: { fields: IDataObject[] } }>(REPLACE_FIXTURE);
		const [field] = fixture.replace.fields;
		const fromPanel = await sentSchema(
			panel(
				panelField({
					name: field.name,
					title: field.title,
					type: field.type,
					isArray: field.is_array,
					description: field.description,
					guidelines: field.guidelines,
				}),
			),
		);
		const fromJson = await sentSchema({ dataSchema: JSON.stringify(fixture, null, 2) });

		expect(fromPanel).toBe(JSON.stringify(fixture));
		expect(fromJson).toBe(fromPanel);
	});

	it('the result has the schema\'s fields (the fake answers with data_schema_replace.json)', async () => {
		const fixture = loadFixture<IDataObject>(REPLACE_FIXTURE);
		const result = await run(extraction({ dataSchema: JSON.stringify(fixture) }));

		expect(result.error).toBeUndefined();
		const { mindee, ...fields } = result.output[0][0].json;
		expect(fields).toEqual({ test_replace: 'a test value' });
		expect(mindee).toMatchObject({ product: 'extraction' });
	});

	it('every kind of field: a list with unique values, a classification, a nested object with a list inside', async () => {
		const json = {
			replace: {
				fields: [
					{ name: 'invoice_number', title: 'Invoice Number', is_array: false, type: 'string' },
					{
						name: 'references',
						title: 'References',
						is_array: true,
						type: 'string',
						unique_values: true,
						description: 'Order and delivery references',
					},
					{
						name: 'document_kind',
						title: 'Document Kind',
						is_array: false,
						type: 'classification',
						classification_values: ['invoice', 'credit note', 'receipt'],
					},
					{
						name: 'supplier',
						title: 'Supplier',
						is_array: false,
						type: 'nested_object',
						guidelines: 'The company that issued the document',
						nested_fields: [
							{ name: 'name', title: 'Name', is_array: false, type: 'string' },
							{ name: 'phone_numbers', title: 'Phone Numbers', is_array: true, type: 'string' },
							{ name: 'logo', title: 'Logo', is_array: false, type: 'object_detection' },
						],
					},
					{ name: 'is_paid', title: 'Is Paid', is_array: false, type: 'boolean' },
					{ name: 'total', title: 'Total', is_array: false, type: 'number' },
					{ name: 'issued_on', title: 'Issued On', is_array: false, type: 'date' },
					{ name: 'payment_code', title: 'Payment Code', is_array: false, type: 'barcode' },
				],
			},
		};
		const fromPanel = await sentSchema(
			panel(
				panelField({ name: 'invoice_number', title: 'Invoice Number' }),
				panelField({
					name: 'references',
					title: 'References',
					isArray: true,
					uniqueValues: true,
					description: 'Order and delivery references',
				}),
				panelField({
					name: 'document_kind',
					title: 'Document Kind',
					type: 'classification',
					classificationValues: 'invoice, credit note ,receipt',
				}),
				panelField({
					name: 'supplier',
					title: 'Supplier',
					type: 'nested_object',
					guidelines: 'The company that issued the document',
					nestedFields: {
						fields: [
							panelField({ name: 'name', title: 'Name' }),
							panelField({ name: 'phone_numbers', title: 'Phone Numbers', isArray: true }),
							panelField({ name: 'logo', title: 'Logo', type: 'object_detection' }),
						],
					},
				}),
				panelField({ name: 'is_paid', title: 'Is Paid', type: 'boolean' }),
				panelField({ name: 'total', title: 'Total', type: 'number' }),
				panelField({ name: 'issued_on', title: 'Issued On', type: 'date' }),
				panelField({ name: 'payment_code', title: 'Payment Code', type: 'barcode' }),
			),
		);

		expect(JSON.parse(fromPanel)).toEqual(json);
		expect(fromPanel).toBe(await sentSchema({ dataSchema: JSON.stringify(json) }));
	});

	it('values the panel hides for the chosen type are not sent (classification values of a text field, unique values of a single value)', async () => {
		const sent = await sentSchema(
			panel(
				panelField({
					name: 'total',
					title: 'Total',
					type: 'number',
					classificationValues: 'left over, from before',
					uniqueValues: true,
					nestedFields: { fields: [panelField({ name: 'left_over', title: 'Left Over' })] },
				}),
			),
		);

		expect(JSON.parse(sent)).toEqual({
			replace: { fields: [{ name: 'total', title: 'Total', is_array: false, type: 'number' }] },
		});
	});
});

describe('a bad field stops the item before upload, with its name in the message', () => {
	it.each<[string, IDataObject, RegExp]>([
		[
			'a name Mindee refuses (panel)',
			panel(panelField({ name: 'Total Amount', title: 'Total' })),
			/^Data Schema field "Total Amount": the name "Total Amount" is not allowed$/,
		],
		[
			'a name ending with an underscore (JSON)',
			{ dataSchema: '{"replace": {"fields": [{"name": "total_", "title": "Total", "is_array": false, "type": "number"}]}}' },
			/^Data Schema field "total_": the name "total_" is not allowed$/,
		],
		[
			'no name (panel): named by its position',
			panel(panelField({ name: 'total', title: 'Total' }), panelField({ title: 'Date' })),
			/^Data Schema field "#2": has no name$/,
		],
		[
			'a type Mindee does not have (JSON)',
			{ dataSchema: '{"replace": {"fields": [{"name": "total", "title": "Total", "is_array": false, "type": "integer"}]}}' },
			/^Data Schema field "total": the type "integer" is not a Mindee field type$/,
		],
		[
			'a misspelt property (JSON)',
			{ dataSchema: '{"replace": {"fields": [{"name": "total", "titel": "Total", "is_array": false, "type": "number"}]}}' },
			/^Data Schema field "total": unknown property "titel"$/,
		],
		[
			'no title (panel)',
			panel(panelField({ name: 'total' })),
			/^Data Schema field "total": has no title$/,
		],
		[
			'a classification without values (panel)',
			panel(panelField({ name: 'kind', title: 'Kind', type: 'classification', classificationValues: ' , ' })),
			/^Data Schema field "kind": a classification needs its values$/,
		],
		[
			'a nested object without nested fields (panel)',
			panel(panelField({ name: 'supplier', title: 'Supplier', type: 'nested_object' })),
			/^Data Schema field "supplier" is a nested object without nested fields$/,
		],
		[
			'a bad nested field (panel): named with its parent',
			panel(
				panelField({
					name: 'supplier',
					title: 'Supplier',
					type: 'nested_object',
					nestedFields: { fields: [panelField({ name: 'name', title: 'Name' }), panelField({ name: 'Phone', title: 'Phone' })] },
				}),
			),
			/^Data Schema field "supplier.Phone": the name "Phone" is not allowed$/,
		],
		[
			'a nested object inside a nested object (JSON)',
			{
				dataSchema: JSON.stringify({
					replace: {
						fields: [
							{
								name: 'supplier',
								title: 'Supplier',
								is_array: false,
								type: 'nested_object',
								nested_fields: [{ name: 'address', title: 'Address', is_array: false, type: 'nested_object', nested_fields: [] }],
							},
						],
					},
				}),
			},
			/^Data Schema field "supplier.address": a nested field cannot be a nested object$/,
		],
		[
			'the same name twice (panel)',
			panel(panelField({ name: 'total', title: 'Total' }), panelField({ name: 'total', title: 'Total again' })),
			/^Data Schema field "total": the name is used twice$/,
		],
		[
			'is_array as text (JSON)',
			{ dataSchema: '{"replace": {"fields": [{"name": "total", "title": "Total", "is_array": "false", "type": "number"}]}}' },
			/^Data Schema field "total": is_array must be true or false$/,
		],
		[
			'no fields at all (JSON)',
			{ dataSchema: '{"replace": {"fields": []}}' },
			/^The Data Schema has no fields$/,
		],
		[
			'both the JSON and the panel',
			{ dataSchema: '{"replace": {"fields": []}}', ...panel(panelField({ name: 'total', title: 'Total' })) },
			/^The Data Schema is given twice, as JSON and as fields$/,
		],
	])('%s', async (_case, extractionOptions, message) => {
		const result = await run(extraction(extractionOptions));

		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		expect((result.error as { description?: unknown } | undefined)?.description).toEqual(expect.any(String));
		expect(enqueues(fake)).toHaveLength(0);
		expect(fake.requests).toHaveLength(0);
	});

	it('with Continue On Fail, only the item with the bad schema fails; the others are sent', async () => {
		const result = await runMindeeNode({
			parameters: extraction({ dataSchema: '={{ $json.schema }}' }),
			items: [
				pdfItem({ schema: { replace: { fields: [{ name: 'total', title: 'Total', is_array: false, type: 'number' }] } } }),
				pdfItem({ schema: { replace: { fields: [{ name: 'Total', title: 'Total', is_array: false, type: 'number' }] } } }),
			],
			credentials: credentialsOf(fake),
			continueOnFail: true,
		});

		const items = result.output[0];
		expect(items).toHaveLength(2);
		expect(items[0].json).toHaveProperty('total');
		expect(items[1].json.error).toBe('Data Schema field "Total": the name "Total" is not allowed');
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(enqueues(fake)).toHaveLength(1);
	});
});
