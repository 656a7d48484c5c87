/**
 * What the node gives back in tight places: the Selected Fields output, and the node run as an AI
 * agent's tool. n8n runs a node that is usable as a tool under the twin type `<package>.mindeeTool`
 * with the model's arguments as the input item (n8n-core's create-node-as-tool); here that twin is
 * registered by hand and fed such an item. The real agent is in test/e2e/agentTool.e2e.test.ts.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { Mindee } from '../../../nodes/Mindee/Mindee.node';
import { defaultModels } from '../../fake-mindee/fixtures';
import { loadPackageTypes, MINDEE_CREDENTIAL_TYPE, runMindeeNode, runWorkflow, START_NODE_NAME, useFakeMindee } from '../harness';
import { credentialsOf, enqueues, pdfItem, productParams } from './helpers';

const fake = useFakeMindee({ processingMs: 50 }, () => ({ models: defaultModels(), processingMs: 50 }));

const TOOL_TYPE = 'n8n-nodes-mindee.mindeeTool';
const DOCUMENT_URL = 'https://files.example.com/invoices/march.pdf';

/** Runs the node as its tool twin, on one item holding what the model passed. */
async function runAsTool(parameters: INodeParameters, toolArguments: IDataObject = { url: DOCUMENT_URL }) {
	const { nodeTypes, credentialTypes } = await loadPackageTypes();
	const result = await runWorkflow({
		nodeTypes: [...nodeTypes, { typeName: TOOL_TYPE, nodeType: new Mindee() }],
		credentialTypes,
		startItems: [{ json: toolArguments }],
		nodes: [
			{
				name: 'Mindee Tool',
				type: TOOL_TYPE,
				parameters: productParams('extraction', parameters),
				credentials: { [MINDEE_CREDENTIAL_TYPE]: { id: '1', name: 'Mindee account' } },
			},
		],
		connections: { [START_NODE_NAME]: { main: [[{ node: 'Mindee Tool', type: 'main', index: 0 }]] } },
		credentials: { [MINDEE_CREDENTIAL_TYPE]: credentialsOf(fake) },
	});
	return { ...result, output: result.outputOf('Mindee Tool') };
}

const byUrl = { inputType: 'url', url: '={{ $json.url }}' };
const withConfidence = { extractionOptions: { confidence: 'true', polygon: 'true' } };
const keysOf = (json: IDataObject) => Object.keys(json);

describe('as an AI tool', () => {
	it('the default output is compact: the fields and metadata, no confidence column, well under 4 KB', async () => {
		const asTool = await runAsTool({ ...byUrl, ...withConfidence });
		const asNode = await runMindeeNode({
			parameters: productParams('extraction', { ...byUrl, ...withConfidence }),
			items: [{ json: { url: DOCUMENT_URL } }],
			credentials: credentialsOf(fake),
		});

		expect(asTool.error).toBeUndefined();
		const [compact] = asTool.output[0];
		const [full] = asNode.output[0];
		expect(enqueues(fake).map((request) => request.fields?.url)).toEqual([DOCUMENT_URL, DOCUMENT_URL]);
		expect(compact.json).toMatchObject({ supplier_name: 'John Smith', total_amount: 204.75 });
		expect(keysOf(full.json).filter((key) => key.endsWith('__confidence')).length).toBeGreaterThan(5);
		expect(JSON.stringify(compact.json)).not.toContain('__confidence');
		expect(keysOf(compact.json)).toEqual(keysOf(full.json).filter((key) => !key.endsWith('__confidence')));
		expect(Buffer.byteLength(JSON.stringify(compact.json))).toBeLessThan(4096);
	});

	it('Selected Fields still decides when chosen', async () => {
		const result = await runAsTool({ ...byUrl, outputMode: 'selectedFields', selectedFields: 'supplier_name, total_amount' });

		expect(result.output[0].map((item) => item.json)).toEqual([{ supplier_name: 'John Smith', total_amount: 204.75 }]);
	});

	it('left on binary input, the error tells how to let the model pass the document', async () => {
		const result = await runAsTool({ inputType: 'binary' });

		expect(result.error?.message).toBe('This item has no binary field "data"');
		expect(String((result.error as unknown as IDataObject).description)).toBe(
			'Files do not reach a node used as an AI tool. Set Input Type to URL or Base64 and let the model fill it in.',
		);
	});

	it("the tool's default description (the node's) says what to pass and what comes back", () => {
		const { description, usableAsTool } = new Mindee().description;
		expect(usableAsTool).toBe(true);
		expect(description).toMatch(/https:\/\/ link to the document/);
		expect(description).toMatch(/Base64/);
		expect(description).toMatch(/Output: the extracted fields as JSON .*supplier_name, total_amount/);
	});
});

describe('Selected Fields', () => {
	it('outputs exactly the listed paths, lists included, paired to the input item', async () => {
		const result = await runMindeeNode({
			parameters: productParams('extraction', {
				outputMode: 'selectedFields',
				selectedFields: 'invoice_number, total_amount, line_items.description',
			}),
			items: [pdfItem()],
			credentials: credentialsOf(fake),
		});

		expect(result.error).toBeUndefined();
		const [item] = result.output[0];
		expect(keysOf(item.json)).toEqual(['invoice_number', 'total_amount', 'line_items']);
		expect(item.json.invoice_number).toBe('INT-001');
		expect((item.json.line_items as IDataObject[])[0]).toEqual({ description: 'Front and rear brake cables' });
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('a list with no field in it (n8n itself refuses an empty one) is an error saying what to write', async () => {
		const result = await runMindeeNode({
			parameters: productParams('extraction', { outputMode: 'selectedFields', selectedFields: ' , ' }),
			items: [pdfItem()],
			credentials: credentialsOf(fake),
		});

		expect(result.error?.message).toBe('Output is "Selected Fields" but no field is listed');
		expect(String((result.error as unknown as IDataObject).description)).toMatch(/^List the fields to keep in "Fields to Keep"/);
	});
});
