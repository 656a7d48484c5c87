/**
 * One-time set-up of n8n-core's DI container for this test file (Jest gives each test file its own
 * module registry, hence its own container). n8n-core resolves most services lazily through the
 * container while executing a node; the real classes are used where they construct cleanly:
 * - Logger (`@n8n/backend-common`, n8n-core's copy): built first, silent unless N8N_HARNESS_LOG_LEVEL
 *   is set; it also initialises n8n-workflow's LoggerProxy;
 * - InstanceSettings / Cipher: real, in the harness's throw-away N8N_USER_FOLDER (see env.ts);
 * - OutboundHttp + SSRF services (`@n8n/backend-network`): real, default config (SSRF protection
 *   off, as in n8n by default), so `httpRequestWithAuthentication` sends real requests;
 * - BinaryDataService: built by hand per mode (binaryData.ts), as n8n does at start-up;
 * - n8n-workflow's safe-regex engine: the native one (see below).
 */
import './env';

import { setSafeRegexEngine, type RegexEngine } from 'n8n-workflow';

import { Container, Logger } from './n8nInternals';

/**
 * n8n-workflow runs parameter regexes (the Model ID's UUID pattern, checked before every run) in a
 * vm with a 250 ms wall-clock limit. On a shared 2-core machine a test process can wait longer than
 * that for the CPU, and n8n then fails the run with "Regular expression execution timed out" on a
 * trivial pattern. These tests check this package's nodes, not n8n's guard against slow regexes.
 */
const nativeRegexEngine: RegexEngine = {
	exec: (pattern, input, flags) => new RegExp(pattern, flags).exec(input),
	test: (pattern, input, flags) => new RegExp(pattern, flags).test(input),
	replace: (pattern, input, flags, replacement) => input.replace(new RegExp(pattern, flags), replacement),
	matchAll: (pattern, input, flags = '') =>
		Array.from(input.matchAll(new RegExp(pattern, flags.includes('g') ? flags : `${flags}g`))),
	split: (pattern, input, flags) => input.split(new RegExp(pattern, flags)),
};

let ready = false;

export function initN8nContainer(): void {
	if (ready) return;
	Container.get(Logger);
	setSafeRegexEngine(nativeRegexEngine);
	ready = true;
}
