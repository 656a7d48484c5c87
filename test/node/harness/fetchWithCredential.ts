/**
 * n8n's `helpers.httpRequestWithAuthentication` for hand-made contexts (the model picker's
 * ILoadOptionsFunctions, the trigger's IHookFunctions), which WorkflowExecute cannot run: a fetch
 * that applies the credential type's own `authenticate` headers, as n8n's request helper does.
 * Every call is recorded in `sent`.
 */
import type { ICredentialDataDecryptedObject, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { MindeePlatformApi } from '../../../credentials/MindeePlatformApi.credentials';

const credentialType = new MindeePlatformApi();

export interface SentRequest {
	credentialType: string;
	options: IHttpRequestOptions;
}

/** The request as the credential type's own `authenticate` makes it (a function, or the generic form). */
async function authenticated(credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	const { authenticate } = credentialType;
	if (typeof authenticate === 'function') return await authenticate(credentials, options);
	if (typeof authenticate !== 'object' || authenticate.type !== 'generic') throw new Error('expected a generic authenticate');
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(authenticate.properties.headers ?? {})) {
		const expression = /^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/.exec(String(value));
		if (!expression) throw new Error(`unsupported credential expression ${String(value)}`);
		headers[name] = String(credentials[expression[1]] ?? '');
	}
	return { ...options, headers: { ...options.headers, ...headers } };
}

export function fetchWithCredential(credentials: ICredentialDataDecryptedObject, sent: SentRequest[] = []) {
	return async function httpRequestWithAuthentication(
		this: unknown,
		type: string,
		options: IHttpRequestOptions,
	): Promise<IN8nHttpFullResponse | unknown> {
		sent.push({ credentialType: type, options });
		options = await authenticated(credentials, options);
		const url = new URL(options.url);
		for (const [key, value] of Object.entries(options.qs ?? {})) url.searchParams.set(key, String(value));
		const response = await fetch(url, {
			method: options.method ?? 'GET',
			headers: options.headers as Record<string, string>,
			redirect: options.disableFollowRedirect ? 'manual' : 'follow',
		});
		if (!response.ok && !options.ignoreHttpStatusErrors) throw new Error(`HTTP ${response.status}`);
		const text = await response.text();
		let body: unknown = text;
		if (options.json) {
			try {
				body = JSON.parse(text);
			} catch {
				body = text;
			}
		}
		if (!options.returnFullResponse) return body;
		const headers: Record<string, string> = {};
		response.headers.forEach((value, name) => {
			headers[name] = value;
		});
		return { statusCode: response.status, headers, body };
	};
}
