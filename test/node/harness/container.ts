/**
 * One-time set-up of n8n-core's DI container for this test file (Jest gives each test file its own
 * module registry, hence its own container). n8n-core resolves most services lazily through the
 * container while executing a node; the real classes are used where they construct cleanly:
 * - Logger (`@n8n/backend-common`, n8n-core's copy): built first, silent unless N8N_HARNESS_LOG_LEVEL
 *   is set; it also initialises n8n-workflow's LoggerProxy;
 * - InstanceSettings / Cipher: real, in the harness's throw-away N8N_USER_FOLDER (see env.ts);
 * - OutboundHttp + SSRF services (`@n8n/backend-network`): real, default config (SSRF protection
 *   off, as in n8n by default), so `httpRequestWithAuthentication` sends real requests;
 * - BinaryDataService: built by hand per mode (binaryData.ts), as n8n does at start-up.
 */
import './env';

import { Container, Logger } from './n8nInternals';

let ready = false;

export function initN8nContainer(): void {
	if (ready) return;
	Container.get(Logger);
	ready = true;
}
