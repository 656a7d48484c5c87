import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as document from './actions/document/document.resource';
import * as job from './actions/job/job.resource';
import * as model from './actions/model/model.resource';
import { outputsExpression, resultOutputProperties } from './actions/operation';
import { route } from './actions/router';
import { getModelWebhooks } from './listSearch/modelWebhooks';
import { searchModels } from './listSearch/searchModels';

const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: [...document.resourceOptions, ...job.resourceOptions, ...model.resourceOptions].sort(
		(a, b) => a.name.localeCompare(b.name),
	),
	default: 'extraction',
};

const properties: INodeProperties[] = [
	resourceProperty,
	...document.description,
	...job.description,
	...model.description,
	...resultOutputProperties,
];

/**
 * The canvas subtitle, e.g. "Enqueue & Poll: Extraction": the names the user picked, looked up in
 * the options above (n8n evaluates the subtitle as an expression over the stored values).
 */
function subtitle(): string {
	const namesOf = (parameter: string) => {
		const names: Record<string, string> = {};
		for (const property of properties.filter((candidate) => candidate.name === parameter)) {
			for (const option of property.options ?? []) {
				if ('value' in option) names[String(option.value)] = option.name;
			}
		}
		return JSON.stringify(names);
	};
	const nameOf = (parameter: string) =>
		`(${namesOf(parameter)}[$parameter["${parameter}"]] || $parameter["${parameter}"])`;
	return `={{ ${nameOf('operation')} + ": " + ${nameOf('resource')} }}`;
}

export class Mindee implements INodeType {
	description: INodeTypeDescription = {
		// n8n's built-in node (Mindee's V1 API) is also "Mindee" in the nodes panel: the version of
		// Mindee's API tells them apart there. Type name and defaults (node names) stay as they were.
		displayName: 'Mindee V2',
		name: 'mindee',
		icon: { light: 'file:../../icons/mindee.svg', dark: 'file:../../icons/mindee.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: subtitle(),
		// Also the default Tool Description an AI agent's model reads (n8n 2.x runs tools with the
		// node's own description, so `usableAsTool.replacements` would show in the editor only).
		description:
			'Extract data from invoices, receipts and any document with Mindee. Input: a file, a public https:// link to the document (PDF or image), or its Base64 content. Output: the extracted fields as JSON (for an invoice e.g. supplier_name, total_amount, date, line_items).',
		defaults: { name: 'Mindee' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: outputsExpression,
		credentials: [{ name: 'mindeePlatformApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchModels }, loadOptions: { getModelWebhooks } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
