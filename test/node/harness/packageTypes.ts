/**
 * This package's node and credential types, imported from source (ts-jest compiles them). Loaded
 * lazily so harness tests that bring their own inline types don't depend on the package compiling.
 * Add new nodes here (e.g. the Mindee Trigger) so runWorkflow knows them by default.
 */
import type { ICredentialType } from 'n8n-workflow';

import type { NodeTypeEntry } from './nodeTypes';

export const MINDEE_NODE_TYPE = 'n8n-nodes-mindee.mindee';
export const MINDEE_CREDENTIAL_TYPE = 'mindeePlatformApi';

export interface PackageTypes {
	nodeTypes: NodeTypeEntry[];
	credentialTypes: ICredentialType[];
}

let loaded: Promise<PackageTypes> | undefined;

export function loadPackageTypes(): Promise<PackageTypes> {
	loaded ??= (async () => {
		const [{ Mindee }, { MindeePlatformApi }] = await Promise.all([
			import('../../../nodes/Mindee/Mindee.node'),
			import('../../../credentials/MindeePlatformApi.credentials'),
		]);
		return { nodeTypes: [new Mindee()], credentialTypes: [new MindeePlatformApi()] };
	})();
	return loaded;
}
