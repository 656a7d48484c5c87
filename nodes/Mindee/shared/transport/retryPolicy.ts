import type { IHttpRequestMethods } from 'n8n-workflow';

/**
 * Which failures are worth another try. The rule for uploads: retry only when Mindee provably
 * did not accept the document (429, 503, or a connection refused before anything was sent), so a
 * retry can never enqueue the same document twice.
 */

const MAX_ATTEMPTS = { rateLimited: 12, serverError: 6, network: 4 } as const;
const BASE_BACKOFF_MS = 1_000;
/**
 * Reads that failed on a gateway error or the network go again sooner: repeating a read is safe,
 * such errors rarely last, and a ready result should not wait seconds for its fetch. (The poll
 * scheduler still never checks a job less than a second after its last answer.)
 */
const READ_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 30_000;

/** Network errors where the request never reached Mindee (a wrong host name is not retried). */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN']);
/** Network errors where a GET can safely be repeated. */
const TRANSIENT_CODES = new Set([
	...NOT_SENT_CODES,
	'ECONNRESET',
	'ETIMEDOUT',
	'EPIPE',
	'ECONNABORTED',
	'UND_ERR_SOCKET',
]);

/** What failed: an HTTP status (with Mindee's Retry-After as `parseRetryAfter` read it), or a network error. */
export type Failure =
	{ kind: 'status'; status: number; retryAfterMs?: number } | { kind: 'network'; code?: string };

export interface RetryDecision {
	retry: boolean;
	delayMs: number;
	/** A 429: every request of this kind should hold off, not only this one. */
	rateLimited: boolean;
}

const NO_RETRY: RetryDecision = { retry: false, delayMs: 0, rateLimited: false };

/** Exponential backoff with full jitter between half and all of the step. */
export function backoffMs(
	attempt: number,
	random: () => number = Math.random,
	baseMs = BASE_BACKOFF_MS,
): number {
	const step = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(step / 2 + (random() * step) / 2);
}

/** `Retry-After` as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const seconds = Number(text);
	if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 5 * 60_000);
	const date = Date.parse(String(text));
	return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now), 5 * 60_000);
}

export function decideRetry(
	method: IHttpRequestMethods,
	failure: Failure,
	attempt: number,
	random: () => number = Math.random,
): RetryDecision {
	const isGet = method === 'GET';
	const baseMs = isGet ? READ_BACKOFF_MS : BASE_BACKOFF_MS;
	if (failure.kind === 'status') {
		if (failure.status === 429) {
			if (attempt >= MAX_ATTEMPTS.rateLimited) return NO_RETRY;
			const delayMs = failure.retryAfterMs ?? backoffMs(attempt, random);
			return { retry: true, delayMs, rateLimited: true };
		}
		const retryable = isGet ? failure.status >= 500 : failure.status === 503;
		if (!retryable || attempt >= MAX_ATTEMPTS.serverError) return NO_RETRY;
		return {
			retry: true,
			delayMs: failure.retryAfterMs ?? backoffMs(attempt, random, baseMs),
			rateLimited: false,
		};
	}
	const code = failure.code ?? '';
	const retryable = isGet ? TRANSIENT_CODES.has(code) : NOT_SENT_CODES.has(code);
	if (!retryable || attempt >= MAX_ATTEMPTS.network) return NO_RETRY;
	return { retry: true, delayMs: backoffMs(attempt, random, baseMs), rateLimited: false };
}

/**
 * How long one attempt waits for its answer. Without a limit n8n waits 300 s, so a request whose
 * connection was accepted but never answered would hold its item that long.
 */
export const READ_TIMEOUT_MS = 30_000;
/** Uploads: a floor, plus the time the file takes at a slow uplink (about 2 Mbit/s). */
const UPLOAD_TIMEOUT_FLOOR_MS = 60_000;
const SLOW_UPLINK_BYTES_PER_SECOND = 256 * 1024;
/** Short enough to end a stuck request quickly, long enough for a busy server to answer. */
export const MIN_ATTEMPT_TIMEOUT_MS = 2_000;
/** A request may run this far past its caller's deadline, so an answer on its way is not lost. */
export const DEADLINE_GRACE_MS = 3_000;

export interface AttemptLimits {
	method: IHttpRequestMethods;
	/** Size of the upload's body, when known. */
	bodyBytes?: number;
	/** Longest wait for one attempt, whatever its size (the user's Maximum Wait). */
	capMs?: number;
	/** The caller wants no answer after this time (epoch ms). */
	deadline?: number;
}

export function attemptTimeoutMs(limits: AttemptLimits, now = Date.now()): number {
	let timeout =
		limits.method === 'POST'
			? UPLOAD_TIMEOUT_FLOOR_MS + ((limits.bodyBytes ?? 0) / SLOW_UPLINK_BYTES_PER_SECOND) * 1000
			: READ_TIMEOUT_MS;
	if (limits.capMs !== undefined) timeout = Math.min(timeout, limits.capMs + DEADLINE_GRACE_MS);
	if (limits.deadline !== undefined)
		timeout = Math.min(timeout, limits.deadline + DEADLINE_GRACE_MS - now);
	return Math.round(Math.max(MIN_ATTEMPT_TIMEOUT_MS, timeout));
}

/** Whether another attempt, after `delayMs`, would still start before the caller's deadline. */
export function fitsBeforeDeadline(delayMs: number, deadline?: number, now = Date.now()): boolean {
	return deadline === undefined || now + delayMs < deadline;
}
