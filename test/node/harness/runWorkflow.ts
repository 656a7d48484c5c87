/**
 * Runs a workflow through n8n's real execution engine, `WorkflowExecute` from n8n-core, the way
 * n8n's own NodeTestHarness (packages/core/nodes-testing) and a manual run in n8n do: a `Workflow`
 * over a node-type registry, lifecycle hooks, additional data with a credentials helper, and
 * `WorkflowExecute.run()` returning a PCancelable that the harness cancels to stop the execution
 * (which aborts the signal nodes get from `this.getExecutionCancelSignal()`).
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	INode,
	INodeExecutionData,
	IPinData,
	IRun,
	IRunData,
	ITaskData,
	IWorkflowBase,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { randomUUID } from 'node:crypto';

import { buildAdditionalData } from './additionalData';
import type { BinaryMode } from './binaryData';
import { useBinaryDataMode } from './binaryData';
import { initN8nContainer } from './container';
import { HarnessCredentialsHelper } from './credentialsHelper';
import type { NodeTypeEntry } from './nodeTypes';
import { HarnessNodeTypes } from './nodeTypes';
import { loadPackageTypes } from './packageTypes';
import type { HarnessItem } from './startNode';
import { START_NODE_NAME, START_NODE_TYPE, startNodeType } from './startNode';

/** A workflow node; id, typeVersion (the type's latest), position and parameters get defaults. */
export type HarnessNode = Pick<INode, 'name' | 'type'> & Partial<INode>;

export interface RunWorkflowOptions {
	nodes: HarnessNode[];
	connections: IConnections;
	/** Credential data by credential type name (what the user typed in n8n's credential form). */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Node types to know. Default: this package's nodes (`packageTypes.ts`). */
	nodeTypes?: NodeTypeEntry[];
	/** Credential types to know. Default: this package's credentials. */
	credentialTypes?: ICredentialType[];
	/**
	 * Items for a start node named `Start` (START_NODE_NAME), added to the workflow unless `nodes`
	 * already has a node of type START_NODE_TYPE. Binary files become real n8n binary data.
	 */
	startItems?: HarnessItem[];
	/** n8n pin data: these nodes' outputs are taken as given instead of running them. */
	pinData?: IPinData;
	/** Node to start from. Default: the harness start node if any, else n8n's own choice. */
	startNode?: string;
	/** n8n's binary data mode for this run. Default 'default' (inline base64). */
	binaryMode?: BinaryMode;
	/** Cancels the execution (as the Stop button does) when aborted. */
	signal?: AbortSignal;
	/** n8n's execution timeout (workflow setting "Timeout Workflow"), in ms from the start. */
	executionTimeoutMs?: number;
	settings?: IWorkflowSettings;
	/** Default 'manual'. */
	mode?: WorkflowExecuteMode;
	/** Extra lifecycle hook handlers (e.g. `hooks.addHandler('nodeExecuteBefore', ...)`). */
	onHooks?: (hooks: ExecutionLifecycleHooks) => void;
}

export interface HarnessRunResult {
	/** The IRun n8n's engine produced (what n8n stores as the execution). */
	run: IRun;
	runData: IRunData;
	status: ExecutionStatus;
	/** The execution's error (n8n's `resultData.error`), if it failed or was cancelled. */
	error?: Error;
	/** A node's output items, per output index, of its last run (or `runIndex`). [] if it did not run. */
	outputOf(nodeName: string, runIndex?: number): INodeExecutionData[][];
	/** A node's task data (last run, or `runIndex`). */
	taskOf(nodeName: string, runIndex?: number): ITaskData | undefined;
	/** Node names in the order they finished. */
	nodeExecutionOrder: string[];
	executionId: string;
	workflowId: string;
	cancelled: boolean;
	executionTimeMs: number;
	credentialsHelper: HarnessCredentialsHelper;
}

let executionCounter = 0;

export async function runWorkflow(options: RunWorkflowOptions): Promise<HarnessRunResult> {
	initN8nContainer();
	await useBinaryDataMode(options.binaryMode ?? 'default');

	const packageTypes =
		options.nodeTypes && options.credentialTypes ? undefined : await loadPackageTypes();
	const nodeTypes = new HarnessNodeTypes(options.nodeTypes ?? packageTypes!.nodeTypes);
	const credentialTypes = options.credentialTypes ?? packageTypes!.credentialTypes;

	if (options.startItems) {
		nodeTypes.register({ typeName: START_NODE_TYPE, nodeType: startNodeType(options.startItems) });
	}
	const nodes = options.nodes.map((node) => completeNode(node, nodeTypes));
	if (options.startItems) {
		if (!nodes.some((node) => node.type === START_NODE_TYPE)) {
			nodes.unshift(completeNode({ name: START_NODE_NAME, type: START_NODE_TYPE }, nodeTypes));
		}
	}

	const executionId = String(++executionCounter);
	const workflowId = 'harness-workflow';
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...options.settings };
	const workflow = new Workflow({
		id: workflowId,
		name: 'Harness workflow',
		nodes,
		connections: options.connections,
		active: false,
		nodeTypes,
		settings,
		pinData: options.pinData,
	});

	const workflowData: IWorkflowBase = {
		id: workflowId,
		name: 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: options.connections,
		settings,
		pinData: options.pinData,
	};
	const mode = options.mode ?? 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const nodeExecutionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		nodeExecutionOrder.push(nodeName);
	});
	options.onHooks?.(hooks);

	const credentialsHelper = new HarnessCredentialsHelper(credentialTypes, options.credentials ?? {});
	const startedAt = Date.now();
	const additionalData = buildAdditionalData({
		credentialsHelper,
		hooks,
		executionId,
		workflowId,
		executionTimeoutTimestamp:
			options.executionTimeoutMs === undefined ? undefined : startedAt + options.executionTimeoutMs,
	});

	const startNodeName =
		options.startNode ?? nodes.find((node) => node.type === START_NODE_TYPE)?.name;
	const startNode = startNodeName ? workflow.getNode(startNodeName) ?? undefined : undefined;
	if (startNodeName && !startNode) throw new Error(`No node named "${startNodeName}" to start from`);

	const workflowExecute = new WorkflowExecute(additionalData, mode);
	const execution = workflowExecute.run({ workflow, startNode, pinData: options.pinData });

	let cancelled = false;
	const cancel = () => {
		if (cancelled) return;
		cancelled = true;
		execution.cancel();
	};
	if (options.signal?.aborted) cancel();
	options.signal?.addEventListener('abort', cancel, { once: true });

	let run: IRun;
	try {
		run = await execution;
	} finally {
		options.signal?.removeEventListener('abort', cancel);
	}
	const executionTimeMs = Date.now() - startedAt;

	const runData = run.data.resultData.runData;
	const taskOf = (nodeName: string, runIndex?: number) => {
		const tasks = runData[nodeName];
		return tasks?.[runIndex ?? tasks.length - 1];
	};
	return {
		run,
		runData,
		status: run.status,
		error: toError(run.data.resultData.error),
		outputOf: (nodeName, runIndex) =>
			(taskOf(nodeName, runIndex)?.data?.main ?? []).map((items) => items ?? []),
		taskOf,
		nodeExecutionOrder,
		executionId,
		workflowId,
		cancelled,
		executionTimeMs,
		credentialsHelper,
	};
}

function completeNode(node: HarnessNode, nodeTypes: HarnessNodeTypes): INode {
	const type = nodeTypes.getByName(node.type);
	const defaultVersion =
		'nodeVersions' in type ? type.currentVersion : Math.max(...[type.description.version].flat());
	return {
		id: randomUUID(),
		typeVersion: defaultVersion,
		position: [0, 0],
		parameters: {},
		...node,
	};
}

/** n8n stores some execution errors as plain objects (`{ ...error, message, stack }`). */
function toError(error: unknown): Error | undefined {
	if (error === undefined || error === null) return undefined;
	if (error instanceof Error) return error;
	const plain = error as { message?: string; name?: string };
	return Object.assign(new Error(plain.message ?? 'Execution failed'), plain);
}
