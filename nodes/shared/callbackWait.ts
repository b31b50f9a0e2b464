/**
 * What "Wait Method: Callback" (nodes/shared/job.ts, callback wait) cannot be combined with, for
 * every node that offers it: each refused before any request, with the way out.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

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
	if (context.isToolExecution?.())
		refuse(
			'when the node runs as an AI tool',
			'An agent cannot pause its run for a callback. Use "Wait Method: Poll", or turn off "Wait for Completion".',
		);
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
