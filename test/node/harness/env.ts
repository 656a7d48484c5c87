/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * Process environment for n8n-core inside the node tests. Imported first by the harness, before
 * anything from n8n-core is constructed, because n8n's config classes read the environment when the
 * DI container first builds them.
 *
 * - N8N_USER_FOLDER: InstanceSettings creates `<folder>/.n8n/config` (encryption key) on first use;
 *   keep it in a throw-away folder instead of the developer's home.
 * - N8N_LOG_LEVEL: quiet by default; `N8N_HARNESS_LOG_LEVEL=debug npx jest ...` to see n8n's logs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Root of every temporary file the harness writes (user folder, filesystem binary data). */
export const HARNESS_TMP_ROOT = mkdtempSync(join(tmpdir(), 'n8n-mindee-node-test-'));

process.env.N8N_USER_FOLDER = join(HARNESS_TMP_ROOT, 'user');
process.env.N8N_LOG_LEVEL = process.env.N8N_HARNESS_LOG_LEVEL ?? 'silent';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
// The harness talks to servers on 127.0.0.1: make sure no proxy from the environment gets in the way.
process.env.NO_PROXY = [process.env.NO_PROXY, '127.0.0.1', 'localhost'].filter(Boolean).join(',');

if (typeof afterAll === 'function') {
	afterAll(() => rmSync(HARNESS_TMP_ROOT, { recursive: true, force: true }));
}
