import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OutputItem } from '../../shared/items';
import { explainMayHaveStarted } from '../../shared/job';
import { dataOf, heyGenApiRequest, type ApiResponse } from '../../shared/transport';
import { personaFields, readId, readText, timeoutMs, type VideoAgentOptions } from './common';
import { buildFiles, describeFiles, planFiles, type FilePlan } from './files';

export const description: INodeProperties[] = [
	{
		displayName: 'Message',
		name: 'message',
		type: 'string',
		typeOptions: { rows: 3 },
		required: true,
		default: '',
		placeholder: 'Looks good, go ahead. Make the intro shorter.',
		description:
			'Your reply or revision request to a chat-mode session (1 to 10,000 characters). Sessions created in Generate mode take no messages.',
		displayOptions: { show: { operation: ['sendMessage'] } },
	},
];

/** Everything checked before the request. */
export interface MessagePlan {
	sessionId: string;
	body: IDataObject;
	files: FilePlan;
}

export async function plan(
	this: IExecuteFunctions,
	itemIndex: number,
	options: VideoAgentOptions,
): Promise<MessagePlan> {
	const sessionId = readId(this, itemIndex, 'sessionId');
	const body: IDataObject = {
		message: readText(this, itemIndex, 'message'),
		...personaFields(this, itemIndex, options),
	};
	return { sessionId, body, files: await planFiles(this, [itemIndex], options, false) };
}

/** POST /v3/video-agents/{id}: starts a new run of a chat session. Not retried after a 5xx. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	options: VideoAgentOptions,
	planned: MessagePlan,
): Promise<OutputItem[]> {
	const body: IDataObject = { ...planned.body };
	const files = await buildFiles(planned.files);
	if (files.length > 0) body.files = files as unknown as IDataObject[];
	let response: ApiResponse;
	try {
		response = await heyGenApiRequest.call(this, {
			method: 'POST',
			path: `/v3/video-agents/${encodeURIComponent(planned.sessionId)}`,
			body,
			retry: 'once',
			what: `Sending a message to session ${planned.sessionId}`,
			itemIndex,
			timeoutMs: timeoutMs(options),
		});
	} catch (error) {
		// A message starts a new (paid) run of the session: same warning as Create.
		throw explainMayHaveStarted(error, 'new run of the session');
	}
	const data = dataOf<IDataObject>(response);
	return [
		{
			json: {
				session_id: data.session_id ?? planned.sessionId,
				run_id: data.run_id ?? null,
				title: data.title ?? null,
				files: describeFiles(planned.files),
			},
		},
	];
}
