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
