/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * The extraction workflow of the e2e tests, as n8n workflow JSON built in TypeScript (the input
 * file is embedded as base64, so templating beats a static file):
 *
 *   Manual Trigger → "File as base64" (Set 3.4) → "To binary" (Convert to File 1.1, toBinary) → "Mindee"
 *
 * No node touches the filesystem (n8n 2.x restricts file access). Every node type version here exists
 * on both n8n 2.41.1 and 1.123.81 (checked with `n8n export:nodes`).
 */
import { readFileSync } from 'fs';
import * as path from 'path';

import type { N8nCredential, N8nWorkflow } from '../harness';

export const MINDEE_NODE_TYPE = 'n8n-nodes-mindee.mindee';
export const MINDEE_CREDENTIAL_TYPE = 'mindeePlatformApi';
export const FILES_DIR = path.resolve(__dirname, '..', '..', 'fixtures', 'files');

export interface InputFile {
	fileName: string;
	mimeType: string;
	content: Buffer;
}

export function fixtureFile(fileName: string, mimeType: string): InputFile {
	return { fileName, mimeType, content: readFileSync(path.join(FILES_DIR, fileName)) };
}

export function mindeeCredential(args: {
	id: string;
	name: string;
	apiKey: string;
	baseUrl: string;
}): N8nCredential {
	return {
		id: args.id,
		name: args.name,
		type: MINDEE_CREDENTIAL_TYPE,
		data: { apiKey: args.apiKey, baseUrl: args.baseUrl },
	};
}

export interface ExtractionWorkflowOptions {
	name: string;
	credential: Pick<N8nCredential, 'id' | 'name'>;
	modelId: string;
	file: InputFile;
	/** Extra Mindee node parameters (win over the defaults below). */
	mindeeParameters?: Record<string, unknown>;
}

export const NODE_NAMES = {
	trigger: 'Manual Trigger',
	setFile: 'File as base64',
	toBinary: 'To binary',
	mindee: 'Mindee',
} as const;

export function extractionWorkflow(options: ExtractionWorkflowOptions): N8nWorkflow {
	const { trigger, setFile, toBinary, mindee } = NODE_NAMES;
	return {
		name: options.name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'e2e-0000-trigger',
				name: trigger,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'e2e-0001-set-file',
				name: setFile,
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [220, 0],
				parameters: {
					mode: 'manual',
					assignments: {
						assignments: [
							{
								id: 'e2e-assign-file',
								name: 'file_base64',
								value: options.file.content.toString('base64'),
								type: 'string',
							},
						],
					},
					options: {},
				},
			},
			{
				id: 'e2e-0002-to-binary',
				name: toBinary,
				type: 'n8n-nodes-base.convertToFile',
				typeVersion: 1.1,
				position: [440, 0],
				parameters: {
					operation: 'toBinary',
					sourceProperty: 'file_base64',
					binaryPropertyName: 'data',
					options: { fileName: options.file.fileName, mimeType: options.file.mimeType },
				},
			},
			{
				id: 'e2e-0003-mindee',
				name: mindee,
				type: MINDEE_NODE_TYPE,
				typeVersion: 1,
				position: [660, 0],
				parameters: {
					resource: 'extraction',
					operation: 'enqueueAndPoll',
					modelId: { __rl: true, mode: 'id', value: options.modelId },
					inputType: 'binary',
					binaryPropertyName: 'data',
					outputMode: 'raw',
					pollingOptions: { initialDelaySeconds: 1, intervalSeconds: 1 },
					...options.mindeeParameters,
				},
				credentials: {
					[MINDEE_CREDENTIAL_TYPE]: { id: options.credential.id, name: options.credential.name },
				},
			},
		],
		connections: {
			[trigger]: { main: [[{ node: setFile, type: 'main', index: 0 }]] },
			[setFile]: { main: [[{ node: toBinary, type: 'main', index: 0 }]] },
			[toBinary]: { main: [[{ node: mindee, type: 'main', index: 0 }]] },
		},
	};
}
