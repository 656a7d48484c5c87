import type { INodeProperties } from 'n8n-workflow';

import { pairedItem, readIdParameter, type ItemOutputs, type OperationContext } from '../operation';

export const description: INodeProperties[] = [
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 12345678-abcd-4def-8123-456789abcdef',
		displayOptions: { show: { resource: ['job'], operation: ['get'] } },
		description: 'The ID of the job returned by Enqueue',
	},
];

/** Job → Get Status: the job as Mindee reports it, without following it to the result. */
export async function execute(operation: OperationContext): Promise<ItemOutputs> {
	const { ctx, api, itemIndex } = operation;
	const jobId = readIdParameter(operation, 'jobId', 'job ID');
	const job = await api.getJob(`/v2/jobs/${jobId}?redirect=false`, itemIndex);
	return [[pairedItem(ctx, itemIndex, job)]];
}
