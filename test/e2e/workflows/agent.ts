/**
 * The AI-agent workflow of the e2e tests: n8n's AI Agent, with n8n's OpenAI Chat Model (its
 * credential's Base URL pointing at the test's fake model) and the Mindee node as its tool, the
 * document URL left for the model to fill in ($fromAI):
 *
 *   Manual Trigger → AI Agent ← OpenAI Chat Model (ai_languageModel), Mindee tool (ai_tool)
 *
 * Node type versions exist on n8n 2.41.1 and 1.123.81; the chat model at 1.2 calls
 * /chat/completions (1.3 defaults to the Responses API).
 */
import type { N8nCredential, N8nWorkflow } from '../harness';
import { MINDEE_CREDENTIAL_TYPE } from './extraction';
import { madeUpSecret } from '../../madeUpSecret';

/** n8n names the AI-tool twin of a node that is usable as a tool `<type>Tool`. */
export const MINDEE_TOOL_TYPE = 'n8n-nodes-mindee.mindeeTool';
export const OPENAI_CREDENTIAL_TYPE = 'openAiApi';

export const AGENT_NODE_NAMES = {
	trigger: 'Manual Trigger',
	agent: 'AI Agent',
	model: 'OpenAI Chat Model',
	tool: 'Mindee',
} as const;

export function openAiCredential(args: { id: string; name: string; baseUrl: string }): N8nCredential {
	return {
		id: args.id,
		name: args.name,
		type: OPENAI_CREDENTIAL_TYPE,
		data: { apiKey: madeUpSecret('sk-e2e-', 'fake-model'), url: args.baseUrl },
	};
}

export interface AgentWorkflowOptions {
	name: string;
	prompt: string;
	modelId: string;
	mindeeCredential: Pick<N8nCredential, 'id' | 'name'>;
	openAiCredential: Pick<N8nCredential, 'id' | 'name'>;
	/** Extra parameters of the Mindee tool (win over the defaults below). */
	toolParameters?: Record<string, unknown>;
}

export function agentWorkflow(options: AgentWorkflowOptions): N8nWorkflow {
	const { trigger, agent, model, tool } = AGENT_NODE_NAMES;
	return {
		name: options.name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: 'e2e-agent-trigger',
				name: trigger,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'e2e-agent-agent',
				name: agent,
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3,
				position: [240, 0],
				parameters: { promptType: 'define', text: options.prompt, options: {} },
			},
			{
				id: 'e2e-agent-model',
				name: model,
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: [160, 220],
				parameters: { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
				credentials: {
					[OPENAI_CREDENTIAL_TYPE]: { id: options.openAiCredential.id, name: options.openAiCredential.name },
				},
			},
			{
				id: 'e2e-agent-mindee',
				name: tool,
				type: MINDEE_TOOL_TYPE,
				typeVersion: 1,
				position: [360, 220],
				parameters: {
					// Manually set, and left at its default: the node's description.
					descriptionType: 'manual',
					resource: 'extraction',
					operation: 'enqueueAndPoll',
					modelId: { __rl: true, mode: 'id', value: options.modelId },
					inputType: 'url',
					url: "={{ $fromAI('url', 'A public https:// link to the document (PDF or image)', 'string') }}",
					pollingOptions: { initialDelaySeconds: 1, intervalSeconds: 1 },
					...options.toolParameters,
				},
				credentials: {
					[MINDEE_CREDENTIAL_TYPE]: { id: options.mindeeCredential.id, name: options.mindeeCredential.name },
				},
			},
		],
		connections: {
			[trigger]: { main: [[{ node: agent, type: 'main', index: 0 }]] },
			[model]: { ai_languageModel: [[{ node: agent, type: 'ai_languageModel', index: 0 }]] },
			[tool]: { ai_tool: [[{ node: agent, type: 'ai_tool', index: 0 }]] },
		},
	};
}
