/* eslint-disable @n8n/community-nodes/no-restricted-globals -- Node-side test code: never shipped, needs Node's APIs */
/**
 * End-to-end: n8n's AI Agent calls the Mindee node as its tool, inside a real n8n with the packed
 * package installed, on every n8n version of test/e2e/harness/versions.ts. n8n's OpenAI Chat Model
 * node talks to a fake OpenAI-compatible model (its credential's Base URL), which first calls the
 * Mindee tool with a document URL, then answers from the tool's result. No environment variable for
 * community tools is set: the tested versions offer usable-as-tool community nodes by default.
 */
import { startFakeMindee } from '../fake-mindee/server';
import type { FakeMindee } from '../fake-mindee/types';
import { Mindee } from '../../nodes/Mindee/Mindee.node';
import {
	e2eVersions,
	messageText,
	N8nInstance,
	nodeErrorOf,
	outputOf,
	packPackage,
	startFakeChatModel,
	type ChatMessage,
	type ChatRequest,
	type FakeChatModel,
} from './harness';
import { agentWorkflow, AGENT_NODE_NAMES, openAiCredential } from './workflows/agent';
import { mindeeCredential } from './workflows/extraction';

const EXTRACTION_MODEL_ID = 'b3274545-bb22-bb22-991e-9ca0639829a3';
/** The fake Mindee does not download URLs: it records the `url` field and serves its invoice fixture. */
const DOCUMENT_URL = 'https://documents.example.com/invoices/invoice-2019-02-11.pdf';
const MINDEE_CREDENTIAL = { id: 'mindeeAgentCred01', name: 'Mindee (fake server)' };
const OPENAI_CREDENTIAL = { id: 'openAiAgentCred01', name: 'OpenAI (fake model)' };
const TOOL_RESULT_LIMIT_BYTES = 4096;

const SETUP_TIMEOUT = 30 * 60_000;
const TEST_TIMEOUT = 5 * 60_000;

/** The default Tool Description: the node's description (see Mindee.node.ts). */
const toolDescription = new Mindee().description.description;

/** The tool's answer as the agent passed it back: the content of the last `tool` message. */
function toolMessageOf(request: ChatRequest): ChatMessage | undefined {
	return [...request.messages].reverse().find((message) => message.role === 'tool');
}

/** The first value under `key` anywhere in a JSON value (the tool result is a list of items). */
function findValue(value: unknown, key: string): unknown {
	if (Array.isArray(value)) {
		for (const entry of value) {
			const found = findValue(entry, key);
			if (found !== undefined) return found;
		}
	} else if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		if (key in record) return record[key];
		return findValue(Object.values(record), key);
	}
	return undefined;
}

/** The model's script: call the one tool it was offered with the document URL, then sum up its result. */
function modelScript(request: ChatRequest) {
	const toolMessage = toolMessageOf(request);
	if (!toolMessage) {
		const name = request.tools?.[0]?.function.name ?? 'no tool offered';
		return { toolCall: { name, arguments: { url: DOCUMENT_URL } } };
	}
	const result: unknown = JSON.parse(messageText(toolMessage));
	return {
		text: `The invoice from ${String(findValue(result, 'supplier_name'))} totals ${String(findValue(result, 'total_amount'))} ${String(findValue(result, 'locale__currency'))}.`,
	};
}

let fake: FakeMindee;
let chatModel: FakeChatModel;
let tarball: string;

beforeAll(async () => {
	fake = await startFakeMindee({ host: '127.0.0.1', processingMs: 300 });
	chatModel = await startFakeChatModel(modelScript);
	tarball = await packPackage();
}, SETUP_TIMEOUT);

afterAll(async () => {
	await fake?.stop();
	await chatModel?.stop();
});

describe.each(e2eVersions())('n8n %s: the AI Agent with the Mindee node as its tool', (version) => {
	let n8n: N8nInstance;
	let workflowId: string;

	beforeAll(async () => {
		n8n = await N8nInstance.create({ version });
		await n8n.installPackage(tarball);
		await n8n.importCredentials([
			mindeeCredential({ ...MINDEE_CREDENTIAL, apiKey: fake.apiKey, baseUrl: fake.url }),
			openAiCredential({ ...OPENAI_CREDENTIAL, baseUrl: chatModel.baseUrl }),
		]);
		workflowId = await n8n.importWorkflow(
			agentWorkflow({
				name: 'e2e agent with the Mindee tool',
				prompt: `What is the total of the invoice at ${DOCUMENT_URL}, and who sent it?`,
				modelId: EXTRACTION_MODEL_ID,
				mindeeCredential: MINDEE_CREDENTIAL,
				openAiCredential: OPENAI_CREDENTIAL,
				// Scores and polygons asked for, so the compact output has something to leave out.
				toolParameters: { extractionOptions: { confidence: 'true', polygon: 'true' } },
			}),
		);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.cleanup();
	});

	it(
		'calls the tool with the URL, gets back a compact result under 4 KB, and answers from it',
		async () => {
			fake.reset();
			chatModel.requests.length = 0;
			const execution = await n8n.execute(workflowId);
			if (!execution.ok) {
				throw new Error(
					`execution failed: ${JSON.stringify(execution.error ?? nodeErrorOf(execution.run, AGENT_NODE_NAMES.agent))}\n${execution.output.slice(-4000)}`,
				);
			}

			// The model was offered the Mindee tool, described by the node's text, taking a URL.
			const [first, second] = chatModel.requests;
			expect(chatModel.requests).toHaveLength(2);
			expect(first.tools).toHaveLength(1);
			const offered = first.tools![0].function;
			expect(offered.description).toBe(toolDescription);
			expect(JSON.stringify(offered.parameters)).toContain('"url"');

			// The model's call reached Mindee with the URL, as a URL enqueue (Mindee downloads it).
			const enqueues = fake.requests.filter((request) => request.method === 'POST');
			expect(enqueues.map((request) => [request.path, request.fields?.url])).toEqual([
				['/v2/products/extraction/enqueue', DOCUMENT_URL],
			]);

			// What the agent sent back to the model: the extracted fields, compact.
			const toolMessage = toolMessageOf(second);
			expect(toolMessage).toBeDefined();
			const toolResult = messageText(toolMessage!);
			const toolResultBytes = Buffer.byteLength(toolResult);
			const parsed: unknown = JSON.parse(toolResult);
			expect(findValue(parsed, 'supplier_name')).toBe('John Smith');
			expect(findValue(parsed, 'total_amount')).toBe(204.75);
			expect(toolResult).not.toContain('__confidence');
			expect(toolResult).not.toContain('polygon');
			expect(toolResultBytes).toBeLessThan(TOOL_RESULT_LIMIT_BYTES);

			const [answer] = outputOf(execution.run, AGENT_NODE_NAMES.agent);
			expect(answer?.json.output).toBe('The invoice from John Smith totals 204.75 USD.');

			// The model's tool call, as the agent replayed it in the conversation.
			const call = second.messages.find((message) => message.tool_calls?.length)?.tool_calls?.[0].function;
			expect(call && JSON.parse(call.arguments)).toMatchObject({ url: DOCUMENT_URL });
			process.stdout.write(
				[
					`[agent e2e, n8n ${version}] tool call: ${call?.name}(${call?.arguments})`,
					`[agent e2e, n8n ${version}] tool result sent back to the model: ${toolResultBytes} bytes`,
					`[agent e2e, n8n ${version}] final answer: ${String(answer?.json.output)}`,
				].join('\n') + '\n',
			);
		},
		TEST_TIMEOUT,
	);
});
