/**
 * "Wait Method: Callback" (nodes/shared/job.ts, callback wait) for every node that offers it: the
 * webhook that resumes the waiting execution, and what the wait cannot be combined with (each
 * refused before any request, with the way out). As an AI tool a node never waits by callback: it
 * answers the agent at once (nodes/shared/toolMode.ts).
 */
import type {
	IDisplayOptions,
	IExecuteFunctions,
	IHookFunctions,
	INodeProperties,
	IWebhookDescription,
	WebhookSetupMethodNames,
} from 'n8n-workflow';

import { inputError } from './errors';

export interface CallbackWaitOptions {
	callbackUrl?: unknown;
	downloadVideo?: unknown;
	/** how to get the file instead, in this node's words */
	downloadFix: string;
}

export function refuseUnsupportedCallbackWait(
	context: IExecuteFunctions,
	itemIndex: number,
	options: CallbackWaitOptions,
): void {
	const refuse = (what: string, fix: string) => {
		throw inputError(
			context,
			`Item ${itemIndex}: "Wait Method: Callback" cannot be used ${what}`,
			fix,
			itemIndex,
		);
	};
	if (typeof options.callbackUrl === 'string' && options.callbackUrl.trim() !== '')
		refuse(
			'together with the "Callback URL" option',
			'The node sends HeyGen its own callback URL (the one that resumes this execution). Remove the "Callback URL" option, or use "Wait Method: Poll".',
		);
	if (options.downloadVideo)
		refuse(
			'together with "Download Video"',
			`The callback is answered by the n8n main process, which does not download files. ${options.downloadFix}`,
		);
}

/** The webhook n8n calls on `$execution.resumeUrl`; the node's `webhook()` decides whether to resume. */
export const RESUME_WEBHOOKS: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		path: '',
		restartWebhook: true,
	},
];

/**
 * n8n never registers a resume webhook (it lives on the waiting execution's URL), so there is
 * nothing to check, create or delete; the community lint asks every node with webhooks for them.
 */
export const RESUME_WEBHOOK_METHODS: {
	[name: string]: {
		[method in WebhookSetupMethodNames]: (this: IHookFunctions) => Promise<boolean>;
	};
} = {
	default: {
		async checkExists() {
			return true;
		},
		async create() {
			return true;
		},
		async delete() {
			return true;
		},
	},
};

/**
 * The "Wait Method" parameter of every create that can wait by callback, shown while "Wait for
 * Completion" is on. `description` names what is waited for in the node's words.
 */
export function waitMethodParameter(
	show: NonNullable<IDisplayOptions['show']>,
	description: string,
): INodeProperties {
	return {
		displayName: 'Wait Method',
		name: 'waitMethod',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Poll',
				value: 'poll',
				description: 'This node asks HeyGen about the progress every Poll Interval',
			},
			{
				name: 'Callback',
				value: 'callback',
				description:
					'The execution pauses (no worker is held) until HeyGen calls back. Needs n8n reachable from the internet over HTTPS (WEBHOOK_URL).',
			},
		],
		default: 'poll',
		description,
		displayOptions: { show: { ...show, waitForCompletion: [true] } },
	};
}
