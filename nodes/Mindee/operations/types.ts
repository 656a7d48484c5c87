import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { MindeeApi } from '../transport/mindeeApi';

/** Items an operation produced for one input item, per node output (0 = main, 1 = Needs Review). */
export type ItemOutputs = INodeExecutionData[][];

export interface OperationContext {
	ctx: IExecuteFunctions;
	api: MindeeApi;
	itemIndex: number;
	signal?: AbortSignal;
}

export type Operation = (operation: OperationContext) => Promise<ItemOutputs>;
