import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OutputItem } from '../../shared/items';
import { readId, timeoutMs, type VideoAgentOptions } from './common';
import { failureFields, fetchSession, NEEDS_INPUT_STATUSES, newestModelMessage } from './session';

export const sessionIdDescription: INodeProperties = {
	displayName: 'Session ID',
	name: 'sessionId',
	type: 'string',
	required: true,
	default: '={{ $json.session_id }}',
	placeholder: 'sess_012abc345def678',
	description: 'The session_id output by Create (the default maps it from the input item)',
	displayOptions: { show: { operation: ['get', 'sendMessage', 'stop'] } },
};

export const description: INodeProperties[] = [sessionIdDescription];

/** The session as HeyGen describes it, plus the failure reason or the agent's question. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	options: VideoAgentOptions,
): Promise<OutputItem[]> {
	const sessionId = readId(this, itemIndex, 'sessionId');
	const session = await fetchSession(this, sessionId, itemIndex, timeoutMs(options));
	const json = { ...session, video_id: session.video_id ?? null };
	if (session.status === 'failed') Object.assign(json, failureFields(session, undefined));
	if (NEEDS_INPUT_STATUSES.includes(session.status)) {
		Object.assign(json, { needs_input: true, last_message: newestModelMessage(session) ?? null });
	}
	return [{ json }];
}
