/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * n8n-core's BinaryDataService, as n8n sets it up at start-up, in one of two modes:
 * - 'default': binary data stays in the item (base64 in `data`), n8n's default;
 * - 'filesystem': n8n-core's filesystem manager (`N8N_DEFAULT_BINARY_DATA_MODE=filesystem`) writes
 *   each file under a temp folder and items carry only an id (`filesystem-v2:workflows/...`).
 * One service per mode for the whole test file, sharing one storage folder, so binary data from
 * an earlier run stays readable. Runs in different modes must not overlap in time: the mode is a
 * process-wide setting in n8n as well.
 */
import { BinaryDataConfig, BinaryDataService, ErrorReporter } from 'n8n-core';
import type { IBinaryData } from 'n8n-workflow';
import { BINARY_ENCODING } from 'n8n-workflow';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

import { HARNESS_TMP_ROOT } from './env';
import { Container, Logger } from './n8nInternals';
import { madeUpSecret } from '../../madeUpSecret';

export type BinaryMode = 'default' | 'filesystem';

/** Where filesystem-mode binary data is written. */
export const BINARY_DATA_STORAGE_PATH = join(HARNESS_TMP_ROOT, 'binary-data');

const services = new Map<BinaryMode, Promise<BinaryDataService>>();

async function createService(mode: BinaryMode): Promise<BinaryDataService> {
	// The real config class reads the instance's encryption key and storage config; only these
	// fields are used by the service.
	const config = {
		mode,
		availableModes: ['filesystem'],
		localStoragePath: BINARY_DATA_STORAGE_PATH,
		signingSecret: madeUpSecret('n8n-mindee-node-test-', 'signing-secret'),
		dbMaxFileSize: 512,
	} as unknown as BinaryDataConfig;
	const service = new BinaryDataService(
		config,
		Container.get(ErrorReporter),
		Container.get(Logger) as ConstructorParameters<typeof BinaryDataService>[2],
	);
	await service.init();
	return service;
}

/** Makes `mode` the binary data mode of the next executions (what the execution's helpers get from the container). */
export async function useBinaryDataMode(mode: BinaryMode): Promise<BinaryDataService> {
	let service = services.get(mode);
	if (!service) {
		service = createService(mode);
		services.set(mode, service);
	}
	const ready = await service;
	Container.set(BinaryDataService, ready);
	return ready;
}

/** The bytes of a binary property from any run of this test file, whatever mode it was stored in. */
export async function readBinary(binary: IBinaryData): Promise<Buffer> {
	if (!binary.id) return Buffer.from(binary.data, BINARY_ENCODING);
	return await (await useBinaryDataModeReadOnly()).getAsBuffer(binary);
}

/** A stream of a binary property's bytes (filesystem mode). */
export async function readBinaryStream(binary: IBinaryData): Promise<Readable> {
	if (!binary.id) throw new Error('readBinaryStream: binary data is inline (default mode)');
	return await (await useBinaryDataModeReadOnly()).getAsStream(binary.id);
}

async function useBinaryDataModeReadOnly(): Promise<BinaryDataService> {
	// Either service reads any stored id: the id names its manager ('filesystem-v2:...').
	return await (services.get('filesystem') ?? services.get('default') ?? createService('filesystem'));
}
