import type {
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, type MindeeContext } from './context';
import { mindeeApiError, type RequestPurpose } from './errors';
import { toProblem } from './problemDetails';
import { isSameOrigin, normaliseBaseUrl, resolveUrl } from './urls';

export interface MindeeRequest {
	method: IHttpRequestMethods;
	/** A path under the base URL ("/v2/jobs/…") or an absolute URL that Mindee returned. */
	url: string;
	purpose: RequestPurpose;
	qs?: IDataObject;
	body?: Buffer;
	headers?: IDataObject;
	itemIndex?: number;
	modelId?: string;
	/** Statuses other than 2xx that the caller reads itself (302 while polling). */
	acceptStatuses?: number[];
}

export interface MindeeResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

/**
 * The one place that talks HTTP to Mindee. It goes through n8n's authenticated request helper
 * (credentials, proxies, SSRF rules and the execution's cancel signal come with it), checks
 * that absolute URLs stay on the credential's origin, and turns Mindee's problem details into
 * errors a user can act on.
 */
export class MindeeTransport {
	private constructor(
		private readonly context: MindeeContext,
		readonly baseUrl: string,
		private readonly keyHasPrefix: boolean,
	) {}

	static async create(context: MindeeContext): Promise<MindeeTransport> {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		const baseUrl = normaliseBaseUrl(credentials.baseUrl, DEFAULT_BASE_URL);
		const keyHasPrefix = /^\s*(bearer|token)\s/i.test(String(credentials.apiKey ?? ''));
		return new MindeeTransport(context, baseUrl, keyHasPrefix);
	}

	async send(request: MindeeRequest): Promise<MindeeResponse> {
		const node = this.context.getNode();
		const url = resolveUrl(this.baseUrl, request.url);
		if (!isSameOrigin(url, this.baseUrl)) {
			throw new NodeOperationError(node, `Mindee returned a URL on another host: ${url}`, {
				itemIndex: request.itemIndex,
				description: `The API key is only sent to ${this.baseUrl}. If Mindee moved its API, update the Base URL in the credential.`,
			});
		}

		const options: IHttpRequestOptions = {
			method: request.method,
			url,
			qs: request.qs,
			body: request.body,
			headers: { Accept: 'application/json', ...request.headers },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
		};

		let response: IN8nHttpFullResponse;
		try {
			response = (await this.context.helpers.httpRequestWithAuthentication.call(
				this.context,
				CREDENTIAL_TYPE,
				options,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			throw this.networkError(error, request);
		}

		const { statusCode } = response;
		const accepted = (statusCode >= 200 && statusCode < 300) || request.acceptStatuses?.includes(statusCode);
		if (!accepted) {
			throw mindeeApiError(node, toProblem(statusCode, response.body), {
				purpose: request.purpose,
				itemIndex: request.itemIndex,
				modelId: request.modelId,
				keyHasPrefix: this.keyHasPrefix,
			});
		}
		return { statusCode, headers: response.headers ?? {}, body: parseBody(response.body) };
	}

	private networkError(error: unknown, request: MindeeRequest): Error {
		const node = this.context.getNode();
		if (isCancellation(error)) {
			return new NodeOperationError(node, 'The execution was cancelled', { itemIndex: request.itemIndex });
		}
		const reason = error instanceof Error ? error.message : String(error);
		return new NodeApiError(node, { message: reason } as JsonObject, {
			message: `Could not reach Mindee at ${this.baseUrl}: ${reason}`,
			description: 'Check the Base URL in the credential and that n8n can reach the internet (proxy settings).',
			itemIndex: request.itemIndex,
		});
	}
}

function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

export function isCancellation(error: unknown): boolean {
	if (!(error instanceof Error)) return false;
	return error.name === 'CanceledError' || error.name === 'AbortError' || (error as { code?: string }).code === 'ERR_CANCELED';
}
