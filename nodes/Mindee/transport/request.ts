import type {
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { sleepUnlessCancelled } from '../polling/cancellableSleep';
import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, type MindeeContext } from './context';
import { mindeeApiError, type RequestPurpose } from './errors';
import type { BinaryStream } from './multipart';
import { toProblem } from './problemDetails';
import {
	budgetFor,
	DEFAULT_RATE_LIMITS,
	organisationKey,
	type RateBudget,
	type RateLimits,
} from './rateBudget';
import { decideRetry, type Failure } from './retryPolicy';
import { isSameOrigin, normaliseBaseUrl, resolveUrl } from './urls';
import { USER_AGENT } from './userAgent';

export interface MindeeRequest {
	method: IHttpRequestMethods;
	/** A path under the base URL ("/v2/…") or an absolute URL that Mindee returned. */
	url: string;
	purpose: RequestPurpose;
	qs?: IDataObject;
	/** Called for each attempt: a streamed upload cannot be replayed, so it is opened again. */
	body?: () => Promise<Buffer | BinaryStream>;
	headers?: IDataObject;
	itemIndex?: number;
	modelId?: string;
	/** Statuses other than 2xx that the caller reads itself (302 while polling). */
	acceptStatuses?: number[];
	/** Lower goes first when requests wait for the rate budget: the job's age, oldest first. */
	priority?: number;
}

export interface MindeeResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

function readRateLimits(credentials: IDataObject): RateLimits {
	const number = (value: unknown, fallback: number) =>
		typeof value === 'number' && value > 0 ? value : fallback;
	return {
		postsPerMinute: number(credentials.postsPerMinute, DEFAULT_RATE_LIMITS.postsPerMinute),
		getsPerMinute: number(credentials.getsPerMinute, DEFAULT_RATE_LIMITS.getsPerMinute),
		processSharePercent: number(
			credentials.processSharePercent,
			DEFAULT_RATE_LIMITS.processSharePercent,
		),
	};
}

/** Network error code (ECONNREFUSED, …) from n8n's wrapped axios error. */
function networkCode(error: unknown): string | undefined {
	const candidates = [error, (error as { cause?: unknown })?.cause];
	for (const candidate of candidates) {
		const code = (candidate as { code?: unknown })?.code;
		if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return code;
	}
	return undefined;
}

/**
 * The one place that talks HTTP to Mindee. It goes through n8n's authenticated request helper
 * (credentials, proxies, SSRF rules and the execution's cancel signal come with it), sends the
 * key only to the credential's origin, waits for the organisation's rate budget, retries what is
 * safe to retry, and turns Mindee's problem details into errors a user can act on.
 */
export class MindeeTransport {
	private constructor(
		private readonly context: MindeeContext,
		readonly baseUrl: string,
		private readonly keyHasPrefix: boolean,
		private readonly budget: RateBudget,
	) {}

	static async create(context: MindeeContext): Promise<MindeeTransport> {
		const credentials = await context.getCredentials(CREDENTIAL_TYPE);
		const baseUrl = normaliseBaseUrl(credentials.baseUrl, DEFAULT_BASE_URL);
		const apiKey = String(credentials.apiKey ?? '');
		const keyHasPrefix = /^\s*(bearer|token)\s/i.test(apiKey);
		const budget = budgetFor(organisationKey(baseUrl, apiKey), readRateLimits(credentials));
		return new MindeeTransport(context, baseUrl, keyHasPrefix, budget);
	}

	private get signal(): AbortSignal | undefined {
		return 'getExecutionCancelSignal' in this.context
			? this.context.getExecutionCancelSignal()
			: undefined;
	}

	async send(request: MindeeRequest): Promise<MindeeResponse> {
		const url = resolveUrl(this.baseUrl, request.url);
		if (!isSameOrigin(url, this.baseUrl)) {
			throw new NodeOperationError(
				this.context.getNode(),
				`Mindee returned a URL on another host: ${url}`,
				{
					itemIndex: request.itemIndex,
					description: `The API key is only sent to ${this.baseUrl}. If Mindee moved its API, update the Base URL in the credential.`,
				},
			);
		}
		const limiter = request.method === 'POST' ? this.budget.post : this.budget.get;

		for (let attempt = 1; ; attempt++) {
			const slot = await limiter.acquire(request.priority ?? Date.now(), this.signal);
			if (slot === false) throw this.cancelled(request);

			let response: IN8nHttpFullResponse;
			try {
				response = await this.sendOnce(url, request);
				limiter.settle(slot);
			} catch (error) {
				limiter.settle(slot);
				if (this.signal?.aborted) throw this.cancelled(request);
				const decision = decideRetry(
					request.method,
					{ kind: 'network', code: networkCode(error) },
					attempt,
				);
				if (!decision.retry) throw this.networkError(error, request);
				if (!(await sleepUnlessCancelled(decision.delayMs, this.signal)))
					throw this.cancelled(request);
				continue;
			}

			const { statusCode } = response;
			if ((statusCode >= 200 && statusCode < 300) || request.acceptStatuses?.includes(statusCode)) {
				return { statusCode, headers: response.headers ?? {}, body: parseBody(response.body) };
			}
			const failure: Failure = {
				kind: 'status',
				status: statusCode,
				retryAfter: response.headers?.['retry-after'],
			};
			const decision = decideRetry(request.method, failure, attempt);
			if (!decision.retry) {
				throw mindeeApiError(this.context.getNode(), toProblem(statusCode, response.body), {
					purpose: request.purpose,
					itemIndex: request.itemIndex,
					modelId: request.modelId,
					keyHasPrefix: this.keyHasPrefix,
				});
			}
			if (decision.rateLimited) limiter.pauseUntil(Date.now() + decision.delayMs);
			if (!(await sleepUnlessCancelled(decision.delayMs, this.signal)))
				throw this.cancelled(request);
		}
	}

	private async sendOnce(url: string, request: MindeeRequest): Promise<IN8nHttpFullResponse> {
		const options: IHttpRequestOptions = {
			method: request.method,
			url,
			qs: request.qs,
			// n8n hands a stream body to axios as is; its typings only list Buffer and plain values.
			body: (await request.body?.()) as IHttpRequestOptions['body'],
			headers: { Accept: 'application/json', 'User-Agent': USER_AGENT, ...request.headers },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
		};
		return (await this.context.helpers.httpRequestWithAuthentication.call(
			this.context,
			CREDENTIAL_TYPE,
			options,
		)) as IN8nHttpFullResponse;
	}

	/** n8n reports the execution as canceled (not failed) when the message says "canceled". */
	private cancelled(request: MindeeRequest): NodeOperationError {
		return new NodeOperationError(this.context.getNode(), 'The execution was canceled', {
			itemIndex: request.itemIndex,
		});
	}

	private networkError(error: unknown, request: MindeeRequest): NodeApiError {
		const reason = error instanceof Error ? error.message : String(error);
		const code = networkCode(error);
		return new NodeApiError(
			this.context.getNode(),
			{ message: reason, code: code ?? null } as JsonObject,
			{
				message: `Could not reach Mindee at ${this.baseUrl}${code ? ` (${code})` : ''}`,
				description: `${reason}\nCheck the Base URL in the credential and that n8n can reach it (proxy and firewall settings).`,
				itemIndex: request.itemIndex,
			},
		);
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
