import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { baseUrlRefusal } from '../nodes/Mindee/shared/errors';
import { DEFAULT_BASE_URL } from '../nodes/Mindee/shared/transport/httpClient';

export class MindeePlatformApi implements ICredentialType {
	name = 'mindeePlatformApi';

	displayName = 'Mindee Platform API';

	icon: Icon = { light: 'file:../icons/mindee.svg', dark: 'file:../icons/mindee.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-mindee/n8n-nodes-mindee#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'md_...',
			description:
				'Your Mindee V2 API key, from app.mindee.com → API Keys. Paste the key alone: no "Bearer" or "Token" in front.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			description:
				'Where the Mindee V2 API lives. Keep the default unless Mindee gave you another address (a local test server may use http://).',
		},
		{
			displayName: 'Uploads per Minute',
			name: 'postsPerMinute',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 200,
			description:
				"Your plan's limit on documents sent per minute (Mindee's default: 200). The nodes wait instead of exceeding it.",
		},
		{
			displayName: 'Status Checks per Minute',
			name: 'getsPerMinute',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1200,
			description: "Your plan's limit on GET requests per minute (Mindee's default: 1,200)",
		},
		{
			displayName: 'Share of Limits per n8n Process (%)',
			name: 'processSharePercent',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 100 },
			default: 100,
			description:
				"Optional cap per n8n process. Queue-mode workers share the limits by themselves (they learn their part from Mindee's 429s); lower it only when other clients use the same API key, e.g. 50 to leave them half",
		},
	];

	/**
	 * Mindee V2 takes the key as-is: "API keys are not JWTs: do not include Bearer". n8n calls this
	 * for every request that carries the key, the Test button's included, so a Base URL that would
	 * send it in clear text is refused here, before anything leaves.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const target = requestTarget(requestOptions) ?? String(credentials.baseUrl ?? DEFAULT_BASE_URL);
		const refusal = baseUrlRefusal(target);
		if (refusal) throw new Error(`${refusal.message}. ${refusal.description}`);
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: String(credentials.apiKey ?? '') },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v2/search/models',
			method: 'GET',
			qs: { per_page: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						'Mindee rejected this API key. Copy it again from app.mindee.com → API Keys (V2 keys start with "md_") and paste it alone, without a "Bearer" or "Token" prefix.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'No Mindee V2 API answered at this Base URL. Keep the default https://api-v2.mindee.net unless Mindee gave you another address.',
				},
			},
		],
	};
}

/** Where a request goes: its URL, or its path under `baseURL` (the Test button's request). */
function requestTarget(options: IHttpRequestOptions): string | undefined {
	try {
		return new URL(options.url, options.baseURL || undefined).href;
	} catch {
		return options.baseURL || undefined;
	}
}
