/**
 * Node test harness: runs this package's nodes through n8n-core's real execution engine
 * (WorkflowExecute), with real HTTP through n8n-core's request helpers and the credential type's
 * own `authenticate`, and real n8n binary data.
 *
 *   runWorkflow({ nodes, connections, credentials, startItems | pinData, binaryMode, signal })
 *   runMindeeNode({ parameters, items, credentials: { apiKey, baseUrl }, continueOnFail, onError, signal })
 *
 * Files: env.ts (process env, temp root), n8nInternals.ts (n8n-core's own @n8n/di and Logger),
 * container.ts (DI set-up), binaryData.ts (BinaryDataService per mode), nodeTypes.ts (registry),
 * credentialsHelper.ts, additionalData.ts, startNode.ts (items in, binary prepared), packageTypes.ts
 * (this package's types), runWorkflow.ts, runMindeeNode.ts, fakeMindee.ts (one fake Mindee server
 * per test file), fetchWithCredential.ts and loadOptionsContext.ts (hand-made contexts for what
 * WorkflowExecute cannot run: the list methods, the trigger's activation).
 * Logs: silent; set N8N_HARNESS_LOG_LEVEL=debug (or info, warn...) to see n8n's.
 */
import './env';

export { INSTANCE_BASE_URL } from './additionalData';
export type { BinaryMode } from './binaryData';
export { BINARY_DATA_STORAGE_PATH, readBinary, readBinaryStream } from './binaryData';
export { HarnessCredentialsHelper } from './credentialsHelper';
export type { AnyNodeType, NodeTypeEntry } from './nodeTypes';
export { fullTypeName, HarnessNodeTypes, PACKAGE_NAME } from './nodeTypes';
export { loadPackageTypes, MINDEE_CREDENTIAL_TYPE, MINDEE_NODE_TYPE } from './packageTypes';
export type { HarnessBinaryInput, HarnessItem } from './startNode';
export { START_NODE_NAME, START_NODE_TYPE } from './startNode';
export type { HarnessNode, HarnessRunResult, RunWorkflowOptions } from './runWorkflow';
export { runWorkflow } from './runWorkflow';
export type { RunMindeeNodeOptions } from './runMindeeNode';
export { MINDEE_NODE_NAME, runMindeeNode } from './runMindeeNode';
export { useFakeMindee } from './fakeMindee';
