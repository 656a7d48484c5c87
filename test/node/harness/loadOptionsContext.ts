/**
 * The ILoadOptionsFunctions the Mindee node's list methods (the model picker's `searchModels`, the
 * Webhook IDs option's `getModelWebhooks`) are called with in the tests. n8n's WorkflowExecute has
 * no path for them (the editor calls them through the REST API's LoadOptionsService), so this is
 * the least they use: getNode, getCredentials (the Mindee Platform API credential only),
 * getCurrentNodeParameter, getInstanceBaseUrl and helpers.httpRequestWithAuthentication (real HTTP
 * with the credential's own `authenticate`, each call recorded in `sent`).
 */
import type { ICredentialDataDecryptedObject, ILoadOptionsFunctions, INode, INodeParameters } from 'n8n-workflow';

import { fetchWithCredential, type SentRequest } from './fetchWithCredential';
import { MINDEE_CREDENTIAL_TYPE, MINDEE_NODE_TYPE } from './packageTypes';

export interface LoadOptionsContextOptions {
	/** The node's current parameters, as getCurrentNodeParameter reads them. */
	parameters: INodeParameters;
	credentials: ICredentialDataDecryptedObject;
	/** This n8n's base URL (the editor's). */
	instanceBaseUrl?: string;
}

export function loadOptionsContext(options: LoadOptionsContextOptions): { context: ILoadOptionsFunctions; sent: SentRequest[] } {
	const sent: SentRequest[] = [];
	const node: INode = {
		id: 'mindee-node',
		name: 'Mindee',
		type: MINDEE_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { [MINDEE_CREDENTIAL_TYPE]: { id: '1', name: 'Mindee account' } },
	};
	const context = {
		getNode: () => node,
		getCredentials: async (type: string) => {
			if (type !== MINDEE_CREDENTIAL_TYPE) throw new Error(`unexpected credential type ${type}`);
			return options.credentials;
		},
		getCurrentNodeParameter: (name: string) => options.parameters[name],
		getInstanceBaseUrl: () => options.instanceBaseUrl ?? 'http://localhost:5678/',
		helpers: { httpRequestWithAuthentication: fetchWithCredential(options.credentials, sent) },
	} as unknown as ILoadOptionsFunctions;
	return { context, sent };
}
