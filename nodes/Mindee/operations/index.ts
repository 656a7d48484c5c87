import { NodeOperationError, type INode } from 'n8n-workflow';

import type { MindeeProduct } from '../transport/types';
import { getJob, getResult } from './jobOperations';
import { searchModels } from './modelOperations';
import { enqueueAndPoll, enqueueOnly } from './productOperations';
import type { Operation } from './types';

const PRODUCT_RESOURCES: MindeeProduct[] = ['extraction', 'classification', 'crop', 'ocr', 'split'];

/** resource → operation → implementation. The parameter values are public: saved workflows use them. */
const operations: Record<string, Record<string, Operation>> = {
	...Object.fromEntries(
		PRODUCT_RESOURCES.map((product) => [
			product,
			{ enqueueAndPoll: enqueueAndPoll(product), enqueue: enqueueOnly(product) },
		]),
	),
	job: { get: getJob, getResult },
	model: { search: searchModels },
};

export function findOperation(node: INode, resource: string, operation: string): Operation {
	const found = operations[resource]?.[operation];
	if (!found) {
		throw new NodeOperationError(
			node,
			`The operation "${operation}" is not known for resource "${resource}"`,
		);
	}
	return found;
}
