/**
 * The common case: a start node feeding items (with binary files) into one Mindee node.
 *
 *   const result = await runMindeeNode({
 *     parameters: { resource: 'extraction', operation: 'enqueueAndPoll', ... },
 *     items: [{ json: {}, binary: { data: { data: pdfBytes, mimeType: 'application/pdf', fileName: 'a.pdf' } } }],
 *     credentials: { apiKey: fake.apiKey, baseUrl: fake.url },
 *   });
 *   result.output[0] // the Mindee node's first output
 */
import type { INodeExecutionData, INodeParameters, OnError, WorkflowExecuteMode } from 'n8n-workflow';

import type { BinaryMode } from './binaryData';
import { MINDEE_CREDENTIAL_TYPE, MINDEE_NODE_TYPE } from './packageTypes';
import type { HarnessRunResult } from './runWorkflow';
import { runWorkflow } from './runWorkflow';
import type { HarnessItem } from './startNode';
import { START_NODE_NAME } from './startNode';

export const MINDEE_NODE_NAME = 'Mindee';

export interface RunMindeeNodeOptions {
	parameters: INodeParameters;
	/** Default: one empty item. */
	items?: HarnessItem[];
	/** The credential form's fields. Omitted: the node has a credential set but no data behind it. */
	credentials?: { apiKey: string; baseUrl?: string; postsPerMinute?: number };
	/** The node setting "On Error: Continue" of older n8n versions. */
	continueOnFail?: boolean;
	/** The node setting "On Error". */
	onError?: OnError;
	/** Cancels the execution when aborted. */
	signal?: AbortSignal;
	binaryMode?: BinaryMode;
	typeVersion?: number;
	/** n8n's execution mode (default 'manual'); 'retry' is what Executions → Retry runs in. */
	mode?: WorkflowExecuteMode;
	/** Node settings "Retry On Fail" etc. */
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
}

export interface MindeeRunResult extends HarnessRunResult {
	/** The Mindee node's output items, per output index ([] if it did not finish). */
	output: INodeExecutionData[][];
}

export async function runMindeeNode(options: RunMindeeNodeOptions): Promise<MindeeRunResult> {
	const result = await runWorkflow({
		startItems: options.items ?? [{ json: {} }],
		nodes: [
			{
				name: MINDEE_NODE_NAME,
				type: MINDEE_NODE_TYPE,
				parameters: options.parameters,
				credentials: { [MINDEE_CREDENTIAL_TYPE]: { id: '1', name: 'Mindee account' } },
				...(options.typeVersion === undefined ? {} : { typeVersion: options.typeVersion }),
				...(options.continueOnFail === undefined ? {} : { continueOnFail: options.continueOnFail }),
				...(options.onError === undefined ? {} : { onError: options.onError }),
				...(options.retryOnFail === undefined ? {} : { retryOnFail: options.retryOnFail }),
				...(options.maxTries === undefined ? {} : { maxTries: options.maxTries }),
				...(options.waitBetweenTries === undefined ? {} : { waitBetweenTries: options.waitBetweenTries }),
			},
		],
		connections: {
			[START_NODE_NAME]: { main: [[{ node: MINDEE_NODE_NAME, type: 'main', index: 0 }]] },
		},
		credentials: options.credentials ? { [MINDEE_CREDENTIAL_TYPE]: { ...options.credentials } } : {},
		signal: options.signal,
		binaryMode: options.binaryMode,
		mode: options.mode,
	});
	return { ...result, output: result.outputOf(MINDEE_NODE_NAME) };
}
