/**
 * The only place that talks HTTP. `heyGenApiRequest` calls the HeyGen API with the credential's key;
 * `putToStorage` sends bytes to a presigned storage URL with no HeyGen credential at all.
 */
import {
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
} from 'n8n-workflow';

import {
	asNodeError,
	connectionError,
	heyGenApiError,
	inputError,
	type HeyGenContext,
} from './errors';
import { isConnectionErrorCode, MAX_RETRIES, retryDelayMs, TRANSIENT_STATUSES } from './retry';

export const CREDENTIAL_TYPE = 'heyGenV3Api';

export const DEFAULT_TIMEOUT_MS = 60_000;

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** path below the base URL, e.g. `/v3/assets` */
	path: string;
	qs?: IDataObject;
	/** a JSON object, or raw bytes together with a `content-type` header */
	body?: IDataObject | Buffer;
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
		url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname));
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

function errorCode(error: unknown): string | undefined {
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
	const isRaw = Buffer.isBuffer(request.body);
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
		// A Buffer body is re-sent on redirect by copying it; we never want redirects on the API.
		disableFollowRedirect: true,
	};

	for (let attempt = 1; ; attempt++) {
		let response: IN8nHttpFullResponse;
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
				...options,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			const code = errorCode(error);
			if (signal?.aborted || !code) throw asNodeError(this, error, request.itemIndex);
			if (request.retry === 'safe' && attempt <= MAX_RETRIES) {
				await sleep(retryDelayMs(attempt), signal);
				continue;
			}
			throw connectionError(
				this,
				request.what,
				new URL(baseUrl).host,
				code,
				attempt,
				request.itemIndex,
			);
		}

		const status = response.statusCode;
		const body = parseBody(response.body);
		const requestId = headerValue(response.headers, 'x-request-id');
		const retryable =
			status === 429 ||
			(request.retry === 'safe' &&
				(TRANSIENT_STATUSES.includes(status) || (status < 300 && !body)));
		if (retryable && attempt <= MAX_RETRIES) {
			await sleep(retryDelayMs(attempt, headerValue(response.headers, 'retry-after')), signal);
			continue;
		}
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
	for (let attempt = 1; ; attempt++) {
		const body = await put.openBody();
		let response: IN8nHttpFullResponse;
		try {
			response = (await this.helpers.httpRequest({
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
		} catch (error) {
			destroy(body);
			const code = errorCode(error);
			if (signal?.aborted || !code) throw asNodeError(this, error, put.itemIndex);
			if (attempt <= MAX_RETRIES && Date.now() < put.deadline) {
				await sleep(retryDelayMs(attempt), signal);
				continue;
			}
			throw connectionError(this, put.what, origin, code, attempt, put.itemIndex);
		}
		destroy(body);
		const status = response.statusCode;
		if (status >= 200 && status < 300) return { ok: true };
		const text = bodyText(response.body);
		if (status === 403 && /expired/i.test(text)) return { ok: false, expired: true };
		if (
			(TRANSIENT_STATUSES.includes(status) || status === 429) &&
			attempt <= MAX_RETRIES &&
			Date.now() < put.deadline
		) {
			await sleep(retryDelayMs(attempt, headerValue(response.headers, 'retry-after')), signal);
			continue;
		}
		throw storageError(this, put, status, text, origin);
	}
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
