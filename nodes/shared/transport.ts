/**
 * The only place that talks HTTP. `heyGenApiRequest` calls the HeyGen API with the credential's key;
 * `putToStorage` sends bytes to a presigned storage URL with no HeyGen credential at all.
 */
import {
	NodeApiError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type JsonObject,
} from 'n8n-workflow';

import {
	asNodeError,
	connectionError,
	heyGenApiError,
	inputError,
	readErrorEnvelope,
	type HeyGenContext,
} from './errors';
import { isConnectionErrorCode, MAX_RETRIES, retryDelayMs, TRANSIENT_STATUSES } from './retry';
import { StreamedBody } from './streamedBody';

export const CREDENTIAL_TYPE = 'heyGenV3Api';

export const DEFAULT_TIMEOUT_MS = 60_000;

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** path below the base URL, e.g. `/v3/assets` */
	path: string;
	qs?: IDataObject;
	/** a JSON object, or raw bytes (a Buffer, or a StreamedBody sent as it is read) with a `content-type` header */
	body?: IDataObject | Buffer | StreamedBody;
	headers?: Record<string, string>;
	/**
	 * `safe`: re-sending cannot create anything twice (GET, complete, a POST with an
	 * Idempotency-Key), so 5xx, dropped connections and unreadable answers are retried.
	 * `once`: only 429 is retried (HeyGen did not process the request).
	 */
	retry: 'safe' | 'once';
	/** statuses the caller handles itself (returned instead of thrown) */
	passStatuses?: number[];
	/** used in error messages: "Upload of photo.png" */
	what: string;
	itemIndex?: number;
	timeoutMs?: number;
	/** Date.now() after which no attempt or retry wait may run (bounds the whole call, retries included) */
	deadline?: number;
}

export interface ApiResponse {
	status: number;
	body: IDataObject;
	headers: Record<string, string | string[] | undefined>;
}

function cancelSignal(context: HeyGenContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
}

export const LOOPBACK_HOST = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i;

/** 127.x.x.x, localhost or [::1]: the only hosts plain http is allowed to (the local sandbox). */
export function isLoopbackHost(hostname: string): boolean {
	return LOOPBACK_HOST.test(hostname);
}

/**
 * Whether HeyGen may be given `url` to call back: https, or plain http to loopback while the API
 * itself is on loopback (the local sandbox calling a local n8n).
 */
export async function isCallbackTarget(
	context: HeyGenContext,
	url: URL | undefined,
	itemIndex?: number,
): Promise<boolean> {
	if (url?.protocol === 'https:') return true;
	if (url?.protocol !== 'http:' || !isLoopbackHost(url.hostname)) return false;
	return isLoopbackHost(new URL(await getBaseUrl(context, itemIndex)).hostname);
}

/** The credential's base URL, validated: https, or plain http only on loopback. */
export async function getBaseUrl(context: HeyGenContext, itemIndex?: number): Promise<string> {
	const credentials = await context.getCredentials(CREDENTIAL_TYPE);
	const raw = String(credentials.baseUrl ?? '').trim() || 'https://api.heygen.com';
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw inputError(
			context,
			`The HeyGen API credential's Base URL "${raw}" is not a valid URL`,
			'Set it to https://api.heygen.com (the default).',
			itemIndex,
		);
	}
	const secure =
		url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
	if (!secure) {
		throw inputError(
			context,
			`The HeyGen API credential's Base URL "${url.origin}" would send your API key unencrypted`,
			'Use https:// (the default is https://api.heygen.com). Plain http:// is only allowed for 127.0.0.1 or localhost, e.g. the local HeyGen sandbox.',
			itemIndex,
		);
	}
	return raw.replace(/\/+$/, '');
}

/** The network error code of a request that never got a complete answer, if that is what failed. */
export function connectionErrorCode(error: unknown): string | undefined {
	// n8n wraps the HTTP client's error: the code sits on it, its cause, or its errorResponse.
	const wrapped = error as {
		cause?: unknown;
		errorResponse?: unknown;
		context?: { cause?: unknown };
	};
	const candidates = [error, wrapped?.cause, wrapped?.errorResponse, wrapped?.context?.cause];
	for (const candidate of candidates) {
		const code = (candidate as { code?: unknown } | undefined)?.code;
		if (isConnectionErrorCode(code)) return code as string;
	}
	const text = String((error as { message?: unknown })?.message ?? '');
	if (/socket hang up/i.test(text)) return 'ECONNRESET';
	if (/timeout/i.test(text)) return 'ETIMEDOUT';
	return undefined;
}

function isJsonObject(body: unknown): body is IDataObject {
	return (
		typeof body === 'object' && body !== null && !Buffer.isBuffer(body) && !Array.isArray(body)
	);
}

/**
 * Calls the HeyGen API (authenticated by the credential) and returns the parsed answer. Failures
 * become NodeApiErrors with HeyGen's code and message; see retry.ts for what is retried.
 */
export async function heyGenApiRequest(
	this: HeyGenContext,
	request: ApiRequest,
): Promise<ApiResponse> {
	const baseUrl = await getBaseUrl(this, request.itemIndex);
	const signal = cancelSignal(this);
	const isRaw = Buffer.isBuffer(request.body) || request.body instanceof StreamedBody;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		headers: { accept: 'application/json', ...request.headers },
		body: request.body,
		json: !isRaw,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		// With redirects on, n8n's client keeps a copy of the whole body (a StreamedBody too) to
		// re-send it; we never want redirects on the API.
		disableFollowRedirect: true,
	};

	let inProgressWaits = 0;
	let body: IDataObject | undefined;
	const response = await withRetries(
		this,
		{
			what: request.what,
			origin: new URL(baseUrl).host,
			itemIndex: request.itemIndex,
			retryConnectionFailures: request.retry === 'safe',
			callEndsBy: request.deadline,
			signal,
		},
		async () =>
			(await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
				...options,
				// with a deadline, an attempt gets only the time left
				timeout: Math.max(
					1,
					Math.min(
						options.timeout ?? DEFAULT_TIMEOUT_MS,
						(request.deadline ?? Infinity) - Date.now(),
					),
				),
			})) as IN8nHttpFullResponse,
		(answer) => {
			const status = answer.statusCode;
			body = parseBody(answer.body);
			const retryAfter = headerValue(answer.headers, 'retry-after');
			// A re-sent request whose first copy HeyGen is still processing: wait for it to finish,
			// then the same key replays the first answer (heygen-api.md §1.7).
			if (isRequestInProgress(status, body, request) && inProgressWaits < MAX_IN_PROGRESS_WAITS) {
				inProgressWaits++;
				return { retry: 'extra', delayMs: retryDelayMs(inProgressWaits, retryAfter) };
			}
			const retryable =
				status === 429 ||
				(request.retry === 'safe' &&
					(TRANSIENT_STATUSES.includes(status) || (status < 300 && !body)));
			return retryable ? { retry: 'counted', retryAfter } : { retry: false };
		},
	);

	const status = response.statusCode;
	const requestId = headerValue(response.headers, 'x-request-id');
	if (status >= 200 && status < 300) {
		if (!body) {
			throw heyGenApiError(
				this,
				request.what,
				status,
				{
					error: {
						code: 'malformed_response',
						message: 'HeyGen answered with a body that is not JSON',
					},
				},
				request.itemIndex,
				requestId,
			);
		}
		return { status, body, headers: response.headers as ApiResponse['headers'] };
	}
	if (request.passStatuses?.includes(status)) {
		return { status, body: body ?? {}, headers: response.headers as ApiResponse['headers'] };
	}
	throw heyGenApiError(this, request.what, status, body, request.itemIndex, requestId);
}

/** What to do with an answer: keep it, or send again (counted against MAX_RETRIES, or not). */
export type RetryVerdict =
	| { retry: false }
	| { retry: 'counted'; retryAfter?: unknown }
	| { retry: 'extra'; delayMs: number };

export interface RetryLoop {
	/** "Upload of photo.png": used in error messages */
	what: string;
	/** the host named when the connection fails */
	origin: string;
	itemIndex?: number;
	/** whether re-sending after a failed or dropped connection is safe (it cannot create twice) */
	retryConnectionFailures: boolean;
	/** no retry starts after this instant (e.g. the presigned URL expires) */
	deadline?: number;
	/** the whole call must end by this instant: a retry starts only if its wait ends before it */
	callEndsBy?: number;
	signal?: AbortSignal;
}

/**
 * The one retry loop of every HTTP call of the pack (API, storage PUT, download; exported for any
 * further one): `send` makes one attempt; a connection that failed or dropped is retried where
 * `retryConnectionFailures` allows, an answer when `judge` says so, waiting with backoff or
 * Retry-After (retry.ts), at most MAX_RETRIES times and never past `deadline`. Returns the answer
 * to keep; throws the connection error when the retries ran out.
 */
export async function withRetries(
	context: HeyGenContext,
	loop: RetryLoop,
	send: (attempt: number) => Promise<IN8nHttpFullResponse>,
	judge: (response: IN8nHttpFullResponse) => Promise<RetryVerdict> | RetryVerdict,
): Promise<IN8nHttpFullResponse> {
	const waitEndsInTime = (delayMs: number) =>
		loop.callEndsBy === undefined || Date.now() + delayMs < loop.callEndsBy;
	for (let attempt = 1; ; attempt++) {
		const retriesLeft =
			attempt <= MAX_RETRIES && (loop.deadline === undefined || Date.now() < loop.deadline);
		let response: IN8nHttpFullResponse;
		try {
			response = await send(attempt);
		} catch (error) {
			const code = connectionErrorCode(error);
			if (loop.signal?.aborted || !code) throw asNodeError(context, error, loop.itemIndex);
			const delayMs = retryDelayMs(attempt);
			if (loop.retryConnectionFailures && retriesLeft && waitEndsInTime(delayMs)) {
				await sleep(delayMs, loop.signal);
				continue;
			}
			throw connectionError(context, loop.what, loop.origin, code, attempt, loop.itemIndex);
		}
		const verdict = await judge(response);
		if (verdict.retry === 'extra' && waitEndsInTime(verdict.delayMs)) {
			attempt--; // not counted
			await sleep(verdict.delayMs, loop.signal);
			continue;
		}
		const delayMs = retryDelayMs(
			attempt,
			verdict.retry === 'counted' ? verdict.retryAfter : undefined,
		);
		if (verdict.retry === 'counted' && retriesLeft && waitEndsInTime(delayMs)) {
			await sleep(delayMs, loop.signal);
			continue;
		}
		return response;
	}
}

/** How often a 409 `request_in_progress` is waited out (1 + 2 + 4 + 8 + 16 s at most). */
export const MAX_IN_PROGRESS_WAITS = 5;

function isRequestInProgress(status: number, body: IDataObject | undefined, request: ApiRequest) {
	const hasKey = Object.keys(request.headers ?? {}).some(
		(name) => name.toLowerCase() === 'idempotency-key',
	);
	return hasKey && status === 409 && readErrorEnvelope(body)?.code === 'request_in_progress';
}

function parseBody(body: unknown): IDataObject | undefined {
	if (isJsonObject(body)) return body;
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
	if (!text) return undefined;
	try {
		const parsed: unknown = JSON.parse(text);
		return isJsonObject(parsed) ? parsed : undefined;
	} catch {
		return undefined;
	}
}

function headerValue(headers: IDataObject | undefined, name: string): string | undefined {
	const value = headers?.[name];
	return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
}

/** `data` of a single-resource answer (`{"data": {...}}`). */
export function dataOf<T>(response: ApiResponse): T {
	return (response.body.data ?? {}) as T;
}

export type StorageBody =
	Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>> | Buffer;

export interface StoragePut {
	url: string;
	/** the presigned headers, sent verbatim */
	headers: Record<string, string>;
	size: number;
	/** opens the body afresh for each attempt (a stream can be read once) */
	openBody: () => Promise<StorageBody>;
	what: string;
	itemIndex: number;
	timeoutMs?: number;
	/** no retry may start after this instant (the URL expires) */
	deadline: number;
}

export type StoragePutResult = { ok: true } | { ok: false; expired: true };

/**
 * PUTs bytes to a presigned storage URL. Deliberately separate from the API transport: it never
 * reads the credential, so the API key cannot reach the storage origin. Redirects are off — with
 * them n8n's HTTP stack buffers the whole request body in memory — and any 3xx is a failure.
 */
export async function putToStorage(
	this: IExecuteFunctions,
	put: StoragePut,
): Promise<StoragePutResult> {
	const signal = this.getExecutionCancelSignal();
	const origin = new URL(put.url).host;
	const response = await withRetries(
		this,
		{
			what: put.what,
			origin,
			itemIndex: put.itemIndex,
			// The body is reopened for every attempt and a PUT to the same key replaces it.
			retryConnectionFailures: true,
			deadline: put.deadline,
			signal,
		},
		async () => {
			const body = await put.openBody();
			try {
				return (await this.helpers.httpRequest({
					method: 'PUT',
					url: put.url,
					headers: { ...put.headers, 'content-length': String(put.size) },
					body,
					json: false,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					disableFollowRedirect: true,
					timeout: put.timeoutMs ?? DEFAULT_TIMEOUT_MS,
					abortSignal: signal,
				})) as IN8nHttpFullResponse;
			} finally {
				destroy(body);
			}
		},
		(answer) =>
			TRANSIENT_STATUSES.includes(answer.statusCode) || answer.statusCode === 429
				? { retry: 'counted', retryAfter: headerValue(answer.headers, 'retry-after') }
				: { retry: false },
	);
	const status = response.statusCode;
	if (status >= 200 && status < 300) return { ok: true };
	const text = bodyText(response.body);
	if (status === 403 && /expired/i.test(text)) return { ok: false, expired: true };
	throw storageError(this, put, status, text, origin);
}

function destroy(body: StorageBody): void {
	if (!Buffer.isBuffer(body)) body.destroy();
}

function bodyText(body: unknown): string {
	if (Buffer.isBuffer(body)) return body.toString('utf8');
	return typeof body === 'string' ? body : JSON.stringify(body ?? '');
}

function storageError(
	context: IExecuteFunctions,
	put: StoragePut,
	status: number,
	text: string,
	origin: string,
) {
	const s3Code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
	const s3Message = /<Message>([^<]+)<\/Message>/.exec(text)?.[1];
	const redirected = status >= 300 && status < 400;
	const error = heyGenApiError(
		context,
		put.what,
		status,
		{
			error: {
				code: s3Code ?? (redirected ? 'redirect_refused' : `storage_${status}`),
				message: redirected
					? `the storage server at ${origin} redirected the upload; redirects are not followed`
					: `the storage server at ${origin} refused the upload${s3Message ? `: ${s3Message}` : ''}`,
			},
		},
		put.itemIndex,
	);
	// The API's hints (key, permissions) do not apply: the storage server never sees the key.
	if (status === 400 || status === 403) {
		error.description =
			'The storage server checks the signed upload (exact size and headers, an unused and unexpired URL); the API key is never sent there. Run the upload again; if it keeps failing, the file may have changed while it was being sent.';
	}
	return error;
}

// ---- Source downloads (Assets → Upload from URL) ------------------------------------------------
// Self-contained on purpose: like putToStorage it never reads the credential, so the API key
// cannot reach the source. Redirects are followed here, hop by hop and bounded, never by n8n's
// HTTP client (which would also follow them on the storage PUT's buffered path).

/** Redirect hops followed from the URL the user gave to the server that sends the file. */
export const MAX_SOURCE_REDIRECTS = 5;

export type SourceStream = Exclude<StorageBody, Buffer>;

export interface SourceRequest {
	url: string;
	/** used in error messages: "Download of https://…/clip.mp4" */
	what: string;
	itemIndex: number;
	timeoutMs?: number;
}

export interface SourceResponse {
	/** the URL that finally answered 2xx, after redirects */
	url: string;
	/** Content-Length; undefined when the source sent none (chunked) or compressed the body */
	size: number | undefined;
	contentType: string | undefined;
	/** from Content-Disposition, when the source names the file */
	fileName: string | undefined;
	/** the first bytes (up to `headBytes`), read from the body and put back in front of it */
	head: Buffer;
	/** the whole body, still unread (the head included); a Buffer when it was shorter than the head */
	body: StorageBody;
}

/**
 * GETs a file from an http(s) URL as a stream, without the credential. 429, 5xx and dropped
 * connections are retried (a GET is safe); 3xx are followed up to MAX_SOURCE_REDIRECTS hops and
 * never in a loop; any other status fails with the source's host and status. The first
 * `headBytes` bytes are read ahead for type detection and un-read, so `body` still starts at byte 0.
 */
export async function openSource(
	this: IExecuteFunctions,
	request: SourceRequest,
	headBytes: number,
): Promise<SourceResponse> {
	const signal = this.getExecutionCancelSignal();
	const visited = new Set<string>();
	let url = sourceUrl(this, request.url, request);
	for (let hop = 0; ; hop++) {
		visited.add(url.href);
		const response = await getSource(this, url, request, signal);
		const status = response.statusCode;
		const body = response.body as SourceStream;
		if (status >= 300 && status < 400) {
			body.destroy();
			const location = headerValue(response.headers, 'location');
			if (!location) throw sourceError(this, request, url, status, 'redirected without a Location');
			const next = sourceUrl(this, new URL(location, url).href, request);
			if (visited.has(next.href))
				throw sourceError(this, request, url, status, `redirects in a loop (back to ${next.href})`);
			if (hop >= MAX_SOURCE_REDIRECTS)
				throw sourceError(
					this,
					request,
					url,
					status,
					`redirected more than ${MAX_SOURCE_REDIRECTS} times`,
				);
			url = next;
			continue;
		}
		if (status < 200 || status >= 300) {
			body.destroy();
			throw sourceError(this, request, url, status);
		}
		const { head, ended } = await peekHead(body, headBytes);
		const encoding = headerValue(response.headers, 'content-encoding')?.toLowerCase();
		const length = headerValue(response.headers, 'content-length');
		const compressed = encoding !== undefined && encoding !== 'identity';
		return {
			url: url.href,
			size: !compressed && length && /^\d+$/.test(length) ? Number(length) : undefined,
			contentType: headerValue(response.headers, 'content-type'),
			fileName: dispositionFileName(headerValue(response.headers, 'content-disposition')),
			head: head.subarray(0, headBytes),
			body: ended ? head : body,
		};
	}
}

async function getSource(
	context: IExecuteFunctions,
	url: URL,
	request: SourceRequest,
	signal: AbortSignal | undefined,
): Promise<IN8nHttpFullResponse> {
	// An answer that is retried is dropped unread: its stream is closed when the next attempt starts.
	let previous: IN8nHttpFullResponse | undefined;
	return await withRetries(
		context,
		{
			what: request.what,
			origin: url.host,
			itemIndex: request.itemIndex,
			retryConnectionFailures: true, // a GET creates nothing
			signal,
		},
		async () => {
			(previous?.body as SourceStream | undefined)?.destroy();
			previous = (await context.helpers.httpRequest({
				method: 'GET',
				url: url.href,
				// The exact bytes and their length: a decompressed body would not match Content-Length.
				headers: { 'accept-encoding': 'identity' },
				encoding: 'stream',
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
				abortSignal: signal,
			})) as IN8nHttpFullResponse;
			return previous;
		},
		(response) =>
			response.statusCode === 429 || TRANSIENT_STATUSES.includes(response.statusCode)
				? { retry: 'counted', retryAfter: headerValue(response.headers, 'retry-after') }
				: { retry: false },
	);
}

/** Only http(s): n8n's HTTP client would otherwise be asked for file:, ftp: or data: URLs. */
function sourceUrl(context: IExecuteFunctions, raw: string, request: SourceRequest): URL {
	let url: URL | undefined;
	try {
		url = new URL(raw);
	} catch {
		url = undefined;
	}
	if (url && (url.protocol === 'https:' || url.protocol === 'http:')) return url;
	throw inputError(
		context,
		`Item ${request.itemIndex}: ${url ? `"${raw}" is a ${url.protocol} URL` : `"${raw}" is not a valid URL`}; only http:// and https:// URLs can be downloaded`,
		'Enter the full address of the file, starting with https:// (for example https://example.com/video.mp4).',
		request.itemIndex,
	);
}

function sourceError(
	context: IExecuteFunctions,
	request: SourceRequest,
	url: URL,
	status: number,
	problem?: string,
): NodeApiError {
	const answer = problem ?? `answered ${status}`;
	return new NodeApiError(
		context.getNode(),
		{ code: `source_http_${status}`, status } as JsonObject,
		{
			message: `${request.what} failed: the server at ${url.host} ${answer}`,
			description:
				status === 401 || status === 403
					? 'The file is not public. Use a link that downloads without logging in (a public or presigned URL); this node never sends your HeyGen key or any other credential to the source.'
					: status === 404 || status === 410
						? 'Check the URL: the file is not (or no longer) there.'
						: `Check that the URL downloads the file directly (it was requested from ${url.href}).`,
			httpCode: String(status),
			itemIndex: request.itemIndex,
		},
	);
}

/** `attachment; filename="clip.mp4"` → clip.mp4 (also RFC 5987 `filename*=UTF-8''…`). */
function dispositionFileName(value: string | undefined): string | undefined {
	if (!value) return undefined;
	const extended = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(value)?.[1];
	if (extended) {
		try {
			return decodeURIComponent(extended.trim());
		} catch {
			// fall through to the plain form
		}
	}
	const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(value);
	const name = (plain?.[2] ?? plain?.[1])?.trim();
	return name ? name : undefined;
}

/**
 * Reads up to `bytes` from the start of a paused response stream and un-reads them (`unshift`),
 * so whoever consumes the stream next still gets every byte, in order, with nothing buffered twice.
 * A body shorter than that ends while it is read: then `head` is the whole body (`ended`).
 */
async function peekHead(
	stream: SourceStream,
	bytes: number,
): Promise<{ head: Buffer; ended: boolean }> {
	const chunks: Buffer[] = [];
	let length = 0;
	while (length < bytes) {
		const chunk = stream.read() as Buffer | null;
		if (chunk !== null) {
			chunks.push(chunk);
			length += chunk.length;
			continue;
		}
		if (stream.readableEnded || stream.destroyed) break;
		await new Promise<void>((resolve) => {
			const done = () => {
				stream.off('readable', done);
				stream.off('end', done);
				stream.off('close', done);
				resolve();
			};
			stream.once('readable', done);
			stream.once('end', done);
			stream.once('close', done);
		});
	}
	const head = Buffer.concat(chunks, length);
	if (stream.readableEnded) return { head, ended: true };
	if (length > 0 && !stream.destroyed) stream.unshift(head);
	return { head, ended: false };
}
