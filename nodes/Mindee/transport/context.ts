import type {
	IExecuteFunctions,
	IHookFunctions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

/** Every n8n context the Mindee HTTP layer is called from. */
export type MindeeContext =
	IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

export const CREDENTIAL_TYPE = 'mindeePlatformApi';

export const DEFAULT_BASE_URL = 'https://api-v2.mindee.net';
