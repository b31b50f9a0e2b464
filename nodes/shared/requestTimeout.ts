import type { INodeProperties } from 'n8n-workflow';

/** The "Request Timeout (Seconds)" entry of both nodes' Options. */
export const requestTimeoutOption: INodeProperties = {
	displayName: 'Request Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 60, // the transport's DEFAULT_TIMEOUT_MS (the lint rule wants a literal here)
	description:
		'How long to wait for HeyGen (or the storage server) to answer, or for an upload to make progress, before failing or retrying where that is safe',
};

/** The option in milliseconds, or undefined for the transport's default. */
export function timeoutMs(options: { timeout?: number }): number | undefined {
	return options.timeout ? options.timeout * 1000 : undefined;
}

const MIN_TRANSFER_BYTES_PER_SECOND = 1024 * 1024;

/**
 * The timeout of a request that carries a whole file (a storage PUT). n8n's HTTP client (axios
 * ≥ 1.18, also in n8n 2.41.1) times a request sent without redirects from its start to the answer,
 * so the file must be sent within it: unless the user set "Request Timeout", a large file gets
 * time by its size (at least 1 MiB/s), never less than the default.
 */
export function transferTimeoutMs(
	options: { timeout?: number },
	bytes: number,
): number | undefined {
	if (options.timeout) return timeoutMs(options);
	const seconds = Math.ceil(bytes / MIN_TRANSFER_BYTES_PER_SECOND);
	return seconds > 60 ? seconds * 1000 : undefined;
}
