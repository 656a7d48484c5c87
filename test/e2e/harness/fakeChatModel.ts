/* eslint-disable @n8n/community-nodes/no-restricted-imports -- Node-side test code: never shipped, needs Node's APIs */
/**
 * A small OpenAI-compatible chat model for end-to-end tests of n8n's AI Agent: it answers
 * `POST /v1/chat/completions` (what n8n's OpenAI Chat Model node calls at its credential's Base URL)
 * from a script, one answer per request, and records every request so a test can read what the
 * agent sent (the tools it offered, the tool results it passed back). Plain JSON answers, or
 * server-sent events when the request asks to stream.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

export interface ChatMessage {
	role: string;
	content?: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
	name?: string;
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: unknown } }>;
	stream?: boolean;
	[key: string]: unknown;
}

/** What the model says next: a call of one of the offered tools, or a final text. */
export type ChatTurn =
	| { toolCall: { name: string; arguments: Record<string, unknown> } }
	| { text: string };

export interface FakeChatModel {
	/** `http://127.0.0.1:<port>/v1`: the OpenAI credential's Base URL. */
	baseUrl: string;
	requests: ChatRequest[];
	stop(): Promise<void>;
}

/** The text of a message, whether sent as a string or as content parts. */
export function messageText(message: ChatMessage): string {
	if (typeof message.content === 'string') return message.content;
	return (message.content ?? []).map((part) => part.text ?? '').join('');
}

/**
 * Starts the model. `script` decides each answer from the request (the first request has no tool
 * message yet, the second carries the tool's result, and so on).
 */
export async function startFakeChatModel(script: (request: ChatRequest) => ChatTurn): Promise<FakeChatModel> {
	const requests: ChatRequest[] = [];
	let callCount = 0;
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			if (req.method === 'GET' && req.url?.startsWith('/v1/models')) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', owned_by: 'test' }] }));
				return;
			}
			if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
				return;
			}
			const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
			requests.push(request);
			const turn = script(request);
			const message: ChatMessage =
				'toolCall' in turn
					? {
							role: 'assistant',
							content: null,
							tool_calls: [
								{
									id: `call_${++callCount}`,
									type: 'function',
									function: { name: turn.toolCall.name, arguments: JSON.stringify(turn.toolCall.arguments) },
								},
							],
						}
					: { role: 'assistant', content: turn.text };
			const finishReason = 'toolCall' in turn ? 'tool_calls' : 'stop';
			const base = { id: `chatcmpl-${requests.length}`, created: Math.floor(Date.now() / 1000), model: request.model };
			const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
			if (request.stream) {
				res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
				const delta = message.tool_calls
					? { role: 'assistant', content: null, tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })) }
					: { role: 'assistant', content: message.content };
				const event = (body: unknown) => res.write(`data: ${JSON.stringify(body)}\n\n`);
				event({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }] });
				event({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: finishReason }], usage });
				res.end('data: [DONE]\n\n');
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(
				JSON.stringify({
					...base,
					object: 'chat.completion',
					choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
					usage,
				}),
			);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
