/**
 * `IWorkflowExecuteAdditionalData` for one execution: what n8n's CLI builds in
 * `WorkflowExecuteAdditionalData.getBase()`, reduced to an in-process run: the test's credentials
 * helper, the execution's lifecycle hooks, and stubs for the server-side features (sub-workflows,
 * task runners, external secrets) a node under test must not reach.
 */
import type { ExecutionLifecycleHooks } from 'n8n-core';
import { ExternalSecretsProxy } from 'n8n-core';
import type { ICredentialsHelper, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { UnexpectedError } from 'n8n-workflow';

/** Where the fake n8n instance "lives" (only used to build URLs, e.g. webhook URLs). */
export const INSTANCE_BASE_URL = 'http://localhost:5678/';

function unsupported(feature: string): () => never {
	return () => {
		throw new UnexpectedError(`${feature} is not available in the node test harness`);
	};
}

export function buildAdditionalData(args: {
	credentialsHelper: ICredentialsHelper;
	hooks: ExecutionLifecycleHooks;
	executionId: string;
	workflowId: string;
	executionTimeoutTimestamp?: number;
}): IWorkflowExecuteAdditionalData {
	const base = INSTANCE_BASE_URL;
	return {
		credentialsHelper: args.credentialsHelper,
		hooks: args.hooks,
		executionId: args.executionId,
		workflowId: args.workflowId,
		executionTimeoutTimestamp: args.executionTimeoutTimestamp,
		currentNodeExecutionIndex: 0,
		restApiUrl: `${base}rest`,
		instanceBaseUrl: base,
		formBaseUrl: `${base}form`,
		formWaitingBaseUrl: `${base}form-waiting`,
		formTestBaseUrl: `${base}form-test`,
		webhookBaseUrl: `${base}webhook`,
		webhookWaitingBaseUrl: `${base}webhook-waiting`,
		webhookTestBaseUrl: `${base}webhook-test`,
		mcpBaseUrl: `${base}mcp`,
		mcpTestBaseUrl: `${base}mcp-test`,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: unsupported('Executing a sub-workflow'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: unsupported('The task runner (Code node)'),
	};
}
