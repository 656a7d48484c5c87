import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import {
	baseUrlRefusal,
	canceledError,
	mindeeApiError,
	networkCode,
	networkError,
	noRoomBeforeDeadlineError,
	ensureNodeError,
	stoppedAfterOtherFailure,
	StoppedAfterOtherFailureError,
	type RequestPurpose,
} from '../errors';
import type { BinaryStream } from './multipart';
import {
	budgetFor,
	DEFAULT_RATE_LIMITS,
	organisationKey,
	type RateBudget,
	type RateLimits,
} from './rateBudget';
import {
	attemptTimeoutMs,
	DEADLINE_GRACE_MS,
	decideRetry,
	fitsBeforeDeadline,
	parseRetryAfter,
	type Failure,
} from './retryPolicy';

/** Every n8n context that talks to Mindee: executions, the model picker, activation, webhooks. */
export type MindeeContext =
	IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

export const PLATFORM_CREDENTIAL_TYPE = 'mindeePlatformApi';

export const DEFAULT_BASE_URL = 'https://api-v2.mindee.net';

/**
 * Sent with every request so Mindee can tell this integration's traffic apart, as its SDKs and
 * its Zapier app do. A unit test keeps the version equal to package.json's.
 */
export const PACKAGE_VERSION = '0.1.0';

export const USER_AGENT = `mindee-api-n8n-community@v${PACKAGE_VERSION} n8n-nodes-mindee`;

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
	/** Lower goes first when requests wait for the rate budget. */
	priority?: number;
	/** Size of the upload's body, for its timeout. */
	bodyBytes?: number;
	/** Longest wait for one attempt's answer (the user's Maximum Wait, for an upload). */
	answerWithinMs?: number;
	/** No answer is wanted after this time (epoch ms): attempts are cut short and not retried past it. */
	deadline?: number;
	/** One attempt, bar 429s: the caller repeats the request itself, when it sees fit (polls). */
	once?: boolean;
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

/**
 * A request waits for the rate budget until the execution is cancelled or, when it has a deadline,
 * a little past it: a poll queued behind other jobs must not hold its item beyond Maximum Wait.
 */
function queueSignal(cancel: AbortSignal | undefined, deadline: number | undefined) {
	if (deadline === undefined) return cancel;
	const giveUp = AbortSignal.timeout(Math.max(0, deadline + DEADLINE_GRACE_MS - Date.now()));
	return cancel ? AbortSignal.any([cancel, giveUp]) : giveUp;
}

/**
 * The one place that talks HTTP to Mindee. It goes through n8n's authenticated request helper
 * (credentials, proxies, SSRF rules and the execution's cancel signal come with it), sends the
 * key only to the credential's origin, waits for the organisation's rate budget, retries what is
 * safe to retry, and turns Mindee's problem details into errors a user can act on.
 */
export class MindeeHttpClient {
	/** Aborted once no new upload may start (another item failed and the node will fail). */
	private readonly uploadsStopped = new AbortController();

	private constructor(
		private readonly context: MindeeContext,
		readonly baseUrl: string,
		/** The credential's Mindee account: its base URL and a hash of its key. */
		readonly account: string,
		private readonly keyHasPrefix: boolean,
		readonly budget: RateBudget,
		/**
		 * The credential as read once for this client, handed to n8n's helper with each request:
		 * without it the helper reads and decrypts it again every time (a database read in n8n).
		 */
		private readonly credential: ICredentialsDecrypted,
	) {}

	static async create(context: MindeeContext): Promise<MindeeHttpClient> {
		const credentials = await context.getCredentials(PLATFORM_CREDENTIAL_TYPE);
		const baseUrl = normaliseBaseUrl(credentials.baseUrl, DEFAULT_BASE_URL);
		// Before any request: the credential's authenticate() refuses too, this says it in the node.
		const refusal = baseUrlRefusal(baseUrl);
		if (refusal) throw new NodeOperationError(context.getNode(), refusal.message, refusal);
		const apiKey = String(credentials.apiKey ?? '');
		const keyHasPrefix = /^\s*(bearer|token)\s/i.test(apiKey);
		const account = organisationKey(baseUrl, apiKey);
		const budget = budgetFor(account, readRateLimits(credentials));
		const { id, name } = context.getNode().credentials?.[PLATFORM_CREDENTIAL_TYPE] ?? {};
		const credential = {
			id: id ?? '',
			name: name ?? '',
			type: PLATFORM_CREDENTIAL_TYPE,
			data: credentials,
		};
		return new MindeeHttpClient(context, baseUrl, account, keyHasPrefix, budget, credential);
	}

	/**
	 * From now on no upload starts: one waiting for the rate budget, or about to send, throws
	 * `StoppedAfterOtherFailureError`. Uploads already sending go on, so their jobs are known.
	 */
	stopNewUploads(): void {
		this.uploadsStopped.abort();
	}

	/** The execution's cancel signal (load-options and hook contexts have none). */
	get signal(): AbortSignal | undefined {
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
		const upload = request.method === 'POST';
		const limiter = upload ? this.budget.post : this.budget.get;
		const canceled = () => canceledError(this.context.getNode(), request.itemIndex);
		const stopped = () => stoppedAfterOtherFailure(this.context.getNode(), request.itemIndex);
		const waitSignal = (signal: AbortSignal | undefined) =>
			!upload
				? signal
				: signal
					? AbortSignal.any([signal, this.uploadsStopped.signal])
					: this.uploadsStopped.signal;

		for (let attempt = 1; ; attempt++) {
			const slot = await limiter.acquire(
				request.priority ?? Date.now(),
				waitSignal(queueSignal(this.signal, request.deadline)),
			);
			if (slot === false) {
				if (this.signal?.aborted) throw canceled();
				if (upload && this.uploadsStopped.signal.aborted) throw stopped();
				if (request.deadline === undefined) throw canceled();
				throw noRoomBeforeDeadlineError(this.context.getNode(), request.itemIndex);
			}

			const timeoutMs = attemptTimeoutMs({
				method: request.method,
				bodyBytes: request.bodyBytes,
				capMs: request.answerWithinMs,
				deadline: request.deadline,
			});
			let response: IN8nHttpFullResponse;
			let retryAfterMs: number | undefined;
			try {
				response = await this.sendOnce(url, request, timeoutMs, upload ? stopped : undefined);
				retryAfterMs = parseRetryAfter(response.headers?.['retry-after']);
				// A 429 was not taken by Mindee, and tells the limiter the organisation is at its limit.
				if (response.statusCode === 429) limiter.refuse(slot, Date.now(), retryAfterMs);
				else limiter.settle(slot);
			} catch (error) {
				limiter.settle(slot);
				if (this.signal?.aborted) throw canceled();
				if (error instanceof StoppedAfterOtherFailureError)
					throw ensureNodeError(this.context.getNode(), error);
				const code = networkCode(error);
				const decision = decideRetry(request.method, { kind: 'network', code }, attempt);
				if (
					!decision.retry ||
					request.once ||
					!fitsBeforeDeadline(decision.delayMs, request.deadline)
				) {
					throw networkError(this.context.getNode(), error, {
						baseUrl: this.baseUrl,
						purpose: request.purpose,
						itemIndex: request.itemIndex,
						timedOutAfterMs: code && TIMEOUT_CODES.has(code) ? timeoutMs : undefined,
					});
				}
				if (!(await sleepUnlessCancelled(decision.delayMs, this.signal))) throw canceled();
				continue;
			}

			const { statusCode } = response;
			if ((statusCode >= 200 && statusCode < 300) || request.acceptStatuses?.includes(statusCode)) {
				return { statusCode, headers: response.headers ?? {}, body: parseBody(response.body) };
			}
			const failure: Failure = {
				kind: 'status',
				status: statusCode,
				retryAfterMs,
			};
			const decision = decideRetry(request.method, failure, attempt);
			const repeatedByCaller = request.once && !decision.rateLimited;
			if (
				!decision.retry ||
				repeatedByCaller ||
				!fitsBeforeDeadline(decision.delayMs, request.deadline)
			) {
				throw mindeeApiError(this.context.getNode(), statusCode, response.body, {
					purpose: request.purpose,
					itemIndex: request.itemIndex,
					modelId: request.modelId,
					keyHasPrefix: this.keyHasPrefix,
				});
			}
			if (decision.rateLimited) limiter.pauseUntil(Date.now() + decision.delayMs);
			if (!(await sleepUnlessCancelled(decision.delayMs, this.signal))) throw canceled();
		}
	}

	private async sendOnce(
		url: string,
		request: MindeeRequest,
		timeoutMs: number,
		stopped?: () => StoppedAfterOtherFailureError,
	): Promise<IN8nHttpFullResponse> {
		const body = await request.body?.();
		// The last moment an upload can still be held back: nothing of it has left yet.
		if (stopped && this.uploadsStopped.signal.aborted) {
			if (body && !Buffer.isBuffer(body)) body.destroy();
			throw stopped();
		}
		const options: IHttpRequestOptions = {
			method: request.method,
			url,
			qs: request.qs,
			// n8n hands a stream body to axios as is; its typings only list Buffer and plain values.
			body: body as IHttpRequestOptions['body'],
			headers: { Accept: 'application/json', 'User-Agent': USER_AGENT, ...request.headers },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			timeout: timeoutMs,
		};
		const answer = this.context.helpers.httpRequestWithAuthentication.call(
			this.context,
			PLATFORM_CREDENTIAL_TYPE,
			options,
			{ credentialsDecrypted: this.credential },
		) as Promise<IN8nHttpFullResponse>;
		return await answerInTime(answer, timeoutMs + HARD_STOP_SLACK_MS);
	}
}

/** Codes of an attempt given up for lack of an answer: axios's own timeout, and `answerInTime`'s. */
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/**
 * n8n's `timeout` becomes axios's, which restarts whenever a byte arrives: a server that trickles
 * its answer would never trip it. This bound is absolute; the request it abandons is left to
 * n8n's timeout.
 */
const HARD_STOP_SLACK_MS = 1_000;

async function answerInTime<T>(answer: Promise<T>, limitMs: number): Promise<T> {
	const answered = new AbortController();
	const expired = sleep(limitMs, answered.signal).then(
		() => {
			throw Object.assign(new Error(`no answer within ${limitMs} ms`), { code: 'ETIMEDOUT' });
		},
		// Woken because the answer came: this branch lost the race and must stay silent.
		() => new Promise<never>(() => undefined),
	);
	// An abandoned request that fails later must not surface as an unhandled rejection.
	answer.catch(() => undefined);
	try {
		return await Promise.race([answer, expired]);
	} finally {
		answered.abort();
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

/** Base URL from the credential, without trailing slashes. */
export function normaliseBaseUrl(baseUrl: unknown, fallback: string): string {
	const text = typeof baseUrl === 'string' && baseUrl.trim() !== '' ? baseUrl.trim() : fallback;
	return text.replace(/\/+$/, '');
}

/** Absolute URL for a path ("/v2/…") or an absolute URL Mindee gave us. */
export function resolveUrl(baseUrl: string, pathOrUrl: string): string {
	return /^https?:\/\//i.test(pathOrUrl)
		? pathOrUrl
		: `${baseUrl}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
}

/**
 * Mindee hands out absolute polling and result URLs. The API key is only ever sent to the
 * credential's own origin, so a tampered or unexpected URL cannot collect it.
 */
export function isSameOrigin(url: string, baseUrl: string): boolean {
	try {
		return new URL(url).origin === new URL(baseUrl).origin;
	} catch {
		return false;
	}
}

/** Longest single wait, so hosts whose `sleep` ignores the signal (n8n 1.x) still stop quickly. */
const SLEEP_SLICE_MS = 200;

/**
 * Waits `ms` unless the execution is cancelled; resolves to false when it was. n8n-workflow ≥ 2.35
 * honours the signal itself; older hosts ignore it, hence the short slices.
 */
export async function sleepUnlessCancelled(ms: number, signal?: AbortSignal): Promise<boolean> {
	const end = Date.now() + ms;
	for (;;) {
		if (signal?.aborted) return false;
		const remaining = end - Date.now();
		if (remaining <= 0) return true;
		try {
			await sleep(Math.min(remaining, SLEEP_SLICE_MS), signal);
		} catch {
			return false;
		}
	}
}
