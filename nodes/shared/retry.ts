/**
 * The retry policy of every HeyGen call, in one place (used by the transport):
 * - 429 is retried on any request, waiting for Retry-After (seconds or an HTTP date), capped;
 * - 5xx, connection failures and unreadable answers only where re-sending cannot create a second
 *   resource: GET, complete, storage PUTs with a reopened stream, POSTs carrying an Idempotency-Key;
 * - at most MAX_RETRIES retries, and every wait is cut short when the execution is cancelled.
 */
export const MAX_RETRIES = 2;

/** Upper bound for one wait, whatever Retry-After says. */
export const MAX_RETRY_WAIT_MS = 30_000;

/** First backoff when the server gave no Retry-After; doubles each retry, plus up to 25 % jitter. */
export const BASE_BACKOFF_MS = 1_000;

export const TRANSIENT_STATUSES = [500, 502, 503, 504];

/** Error codes of connections that failed or dropped before a complete answer arrived. */
const CONNECTION_ERROR_CODES = [
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'EPIPE',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EAI_AGAIN',
	'ERR_STREAM_PREMATURE_CLOSE',
];

export function isConnectionErrorCode(code: unknown): boolean {
	return typeof code === 'string' && CONNECTION_ERROR_CODES.includes(code);
}

/** Parses Retry-After as delta-seconds or an HTTP date into milliseconds from `now`. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' && typeof value !== 'number') return undefined;
	const text = String(value).trim();
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** How long to wait before retry number `retry` (1-based). */
export function retryDelayMs(retry: number, retryAfter?: unknown, random = Math.random): number {
	const fromHeader = parseRetryAfter(retryAfter);
	const backoff = BASE_BACKOFF_MS * 2 ** (retry - 1) * (1 + random() * 0.25);
	return Math.min(fromHeader ?? backoff, MAX_RETRY_WAIT_MS);
}
