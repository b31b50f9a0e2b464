import {
	NodeApiError,
	NodeOperationError,
	type IExecuteFunctions,
	type IHookFunctions,
	type ILoadOptionsFunctions,
	type IWebhookFunctions,
	type JsonObject,
} from 'n8n-workflow';

/** Every context that calls HeyGen: running a node, filling a list, (de)registering a webhook, answering a callback. */
export type HeyGenContext =
	IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

/** HeyGen's error envelope: `{"error": {"code", "message", "param", "doc_url"}}`. */
export interface HeyGenErrorBody {
	code?: string;
	message?: string;
	param?: string | null;
	doc_url?: string | null;
}

export function readErrorEnvelope(body: unknown): HeyGenErrorBody | undefined {
	const error = (body as { error?: unknown } | undefined)?.error;
	return error && typeof error === 'object' ? (error as HeyGenErrorBody) : undefined;
}

/** What a user should do about an HTTP status, when HeyGen's own message is not enough. */
function hintFor(status: number): string | undefined {
	if (status === 401)
		return 'Check the API key in the HeyGen API credential (Settings → API in HeyGen).';
	if (status === 402) return 'Your HeyGen account needs more credits or a plan upgrade.';
	if (status === 403)
		return 'The API key is not allowed to do this. Check its permissions in HeyGen.';
	if (status === 404)
		return 'Check the id: it does not exist, or belongs to another HeyGen account.';
	if (status === 413)
		return 'The file is too large for this endpoint. Use the Direct Upload operation.';
	if (status === 429)
		return "HeyGen is rate limiting this account (or 10 video jobs are already running). Try again later or lower the node's concurrency.";
	if (status >= 500) return 'HeyGen had a server problem. Try again later.';
	return undefined;
}

/**
 * The error for a failed HeyGen API answer: HTTP status, HeyGen's code and message and the
 * offending parameter. Built only from the response body, never from the request, so the API key
 * cannot end up in it.
 */
export function heyGenApiError(
	context: HeyGenContext,
	what: string,
	status: number,
	body: unknown,
	itemIndex?: number,
	requestId?: string,
): NodeApiError {
	const envelope = readErrorEnvelope(body);
	const code = envelope?.code ?? `http_${status}`;
	const message =
		envelope?.message ?? (status >= 500 ? 'HeyGen server error' : 'Unexpected answer');
	const details = [
		hintFor(status),
		envelope?.param ? `Parameter: ${envelope.param}.` : undefined,
		envelope?.doc_url ? `Docs: ${envelope.doc_url}` : undefined,
		requestId ? `HeyGen request id: ${requestId}.` : undefined,
		envelope
			? undefined
			: "The answer was not HeyGen's JSON error format (a proxy or gateway error?).",
	].filter(Boolean);
	return new NodeApiError(
		context.getNode(),
		{ code, message, param: envelope?.param ?? null, status } as JsonObject,
		{
			message: `${what} failed: HeyGen answered ${status} ${code}: ${message}`,
			description: details.join(' ') || undefined,
			httpCode: String(status),
			itemIndex,
		},
	);
}

const CONNECTION_FAILURES: Record<string, string> = {
	ECONNRESET: 'was reset',
	EPIPE: 'was closed while sending',
	ECONNREFUSED: 'was refused',
	ECONNABORTED: 'timed out',
	ETIMEDOUT: 'timed out',
	ESOCKETTIMEDOUT: 'timed out',
	EAI_AGAIN: 'failed: the host name could not be resolved',
	ERR_STREAM_PREMATURE_CLOSE: 'closed before the answer was complete',
};

/** A request that never got a complete answer (reset, refused, timed out). */
export function connectionError(
	context: HeyGenContext,
	what: string,
	origin: string,
	code: string,
	attempts: number,
	itemIndex?: number,
): NodeApiError {
	const timedOut = code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT';
	// The raw code stays out of the message and out of a `code` key: NodeApiError swaps messages
	// that mention a known network code for a generic one that names neither request nor host.
	return new NodeApiError(context.getNode(), { connection_error: code } as JsonObject, {
		message: `${what} failed: the connection to ${origin} ${CONNECTION_FAILURES[code] ?? 'failed'} (after ${attempts} attempt${attempts === 1 ? '' : 's'})`,
		description: `${
			timedOut
				? 'No answer within the request timeout. Raise "Request Timeout" in the node options, or try again later.'
				: 'Check the network between n8n and HeyGen and try again.'
		} Network error code: ${code}.`,
		itemIndex,
	});
}

/** A problem with the node's input or configuration, found before any request. */
export function inputError(
	context: HeyGenContext,
	message: string,
	description: string,
	itemIndex?: number,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), message, { description, itemIndex });
}

/**
 * Any error as a node error tied to an item — the one converter of the pack. n8n's own node errors
 * pass through. An error with a `code` (a raw HTTP client error) is rebuilt from its message and
 * code only: it carries the request, headers included, which must not reach the output. Anything
 * else (e.g. an expression that failed to resolve) keeps its message and description.
 */
export function asNodeError(context: HeyGenContext, error: unknown, itemIndex?: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const { message, code, description } = (error ?? {}) as {
		message?: unknown;
		code?: unknown;
		description?: unknown;
	};
	const text = String(message ?? error ?? 'Unknown error');
	if (code !== undefined && code !== null && code !== '') {
		return new NodeApiError(
			context.getNode(),
			{ message: text, code: String(code) } as JsonObject,
			{ message: text, itemIndex },
		);
	}
	return new NodeOperationError(context.getNode(), text, {
		itemIndex,
		description: typeof description === 'string' ? description : undefined,
	});
}

/**
 * Whether a failed request may well succeed if asked again later: HeyGen rate limiting (429), a
 * server error (5xx) or a connection that failed or timed out. Used by waits that outlast the
 * transport's own short retries.
 */
export function isTransientFailure(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	if (status === 429 || status >= 500) return true;
	const connection = (error.errorResponse as { connection_error?: unknown } | undefined)
		?.connection_error;
	return typeof connection === 'string';
}
