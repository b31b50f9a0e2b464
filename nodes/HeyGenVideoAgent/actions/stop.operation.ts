import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OutputItem } from '../../shared/items';
import { dataOf, heyGenApiRequest } from '../../shared/transport';
import { readId, timeoutMs, type VideoAgentOptions } from './common';

export const description: INodeProperties[] = [];

/**
 * POST /v3/video-agents/{id}/stop: halts the session at its next checkpoint (partial results are
 * kept). Stopping twice changes nothing, so it is retried like a read.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	options: VideoAgentOptions,
): Promise<OutputItem[]> {
	const sessionId = readId(this, itemIndex, 'sessionId');
	const response = await heyGenApiRequest.call(this, {
		method: 'POST',
		path: `/v3/video-agents/${encodeURIComponent(sessionId)}/stop`,
		body: {},
		retry: 'safe',
		what: `Stopping session ${sessionId}`,
		itemIndex,
		timeoutMs: timeoutMs(options),
	});
	const data = dataOf<{ session_id?: string }>(response);
	return [{ json: { session_id: data.session_id ?? sessionId, stop_requested: true } }];
}
