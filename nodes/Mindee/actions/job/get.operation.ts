import type { INodeProperties } from 'n8n-workflow';

import type { MindeeJob } from '../../shared/types';
import { pairedItem, readIdParameter, type ItemOutputs, type OperationContext } from '../operation';

/** The Job ID parameter, also asked by Get Result when it finds the result by job. */
export function jobIdProperty(show: Record<string, string[]>): INodeProperties {
	return {
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 12345678-abcd-4def-8123-456789abcdef',
		displayOptions: { show },
	};
}

export const description: INodeProperties[] = [
	{
		...jobIdProperty({ resource: ['job'], operation: ['get'] }),
		description: 'The ID of the job returned by Enqueue',
	},
];

/** The job named by the Job ID parameter, as Mindee reports it (not redirected to its result). */
export async function fetchJob(operation: OperationContext): Promise<MindeeJob> {
	const jobId = readIdParameter(operation, 'jobId', 'job ID');
	return await operation.api.getJob(`/v2/jobs/${jobId}?redirect=false`, operation.itemIndex);
}

/** Job → Get Status. */
export async function execute(operation: OperationContext): Promise<ItemOutputs> {
	const { ctx, itemIndex } = operation;
	return [[pairedItem(ctx, itemIndex, await fetchJob(operation))]];
}
