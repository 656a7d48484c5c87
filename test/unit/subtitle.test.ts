/**
 * The canvas subtitle names what the user picked ("Enqueue & Poll: Extraction"), not the stored
 * values: evaluated here by n8n-workflow's own expression engine, as the editor does.
 */
import { Workflow, type INode, type INodeTypes } from 'n8n-workflow';

import { Mindee } from '../../nodes/Mindee/Mindee.node';

const mindee = new Mindee();
const nodeTypes = {
	getByName: () => mindee,
	getByNameAndVersion: () => mindee,
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

function subtitleFor(resource: string, operation: string): unknown {
	const node: INode = {
		id: 'mindee',
		name: 'Mindee',
		type: 'n8n-nodes-mindee.mindee',
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource, operation },
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(node, mindee.description.subtitle!, 'internal', {});
}

it.each([
	['extraction', 'enqueueAndPoll', 'Enqueue & Poll: Extraction'],
	['ocr', 'enqueue', 'Enqueue: OCR'],
	['classification', 'enqueueAndPoll', 'Enqueue & Poll: Classification'],
	['job', 'get', 'Get Status: Job'],
	['job', 'getResult', 'Get Result: Job'],
	['model', 'search', 'Search: Model'],
])('%s / %s reads "%s"', (resource, operation, expected) => {
	expect(subtitleFor(resource, operation)).toBe(expected);
});

it('falls back to the stored value for one it does not know', () => {
	expect(subtitleFor('extraction', 'somethingNew')).toBe('somethingNew: Extraction');
});
