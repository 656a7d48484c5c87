/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * n8n-core ships its own copies of some `@n8n/*` packages (node_modules/n8n-core/node_modules/@n8n),
 * which differ from the ones at the top of node_modules. The DI container in particular must be the
 * very instance n8n-core uses, so these modules are loaded from n8n-core's point of view. They go
 * through Jest's own `require` (not `createRequire`) so the test and n8n-core share one module registry.
 */
import './env';

import { dirname } from 'node:path';

const coreDir = dirname(require.resolve('n8n-core'));

function fromCore<T>(moduleName: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- Jest's own require, see above
	return require(require.resolve(moduleName, { paths: [coreDir] })) as T;
}

/** Minimal shape of `@n8n/di`'s container (the types of the top-level copy may be a version behind). */
export interface DiContainer {
	get<T>(type: abstract new (...args: never[]) => T): T;
	set<T>(type: abstract new (...args: never[]) => T, instance: T): void;
	has(type: unknown): boolean;
	reset(): void;
}

export const { Container } = fromCore<{ Container: DiContainer }>('@n8n/di');

/** `@n8n/backend-common`'s Logger class (n8n-core's copy): the token n8n-core asks the container for. */
export const { Logger } = fromCore<{ Logger: abstract new (...args: never[]) => unknown }>(
	'@n8n/backend-common',
);
