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

/** The request as the credential type's own `authenticate()` makes it (it adds the key, or refuses the URL). */
async function authenticated(credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions): Promise<IHttpRequestOptions> {
	return await credentialType.authenticate(credentials, options);
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
