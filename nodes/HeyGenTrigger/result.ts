/**
 * "Fetch the Result": re-read from HeyGen's API the job an event names, so the workflow acts on
 * HeyGen's state rather than on what the delivery's body claims.
 */
import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import { dataOf, heyGenApiRequest } from '../shared/transport';

interface Lookup {
	/** `result_type` in the output */
	type: 'video' | 'video_translation' | 'video_agent_session';
	path: string;
}

/** The most specific job in `event_data`: a video, else a translation, else a session. */
export function lookupFor(eventData: IDataObject): Lookup | undefined {
	const id = (key: string) => {
		const value = eventData[key];
		return typeof value === 'string' && value ? encodeURIComponent(value) : undefined;
	};
	const videoId = id('video_id');
	if (videoId) return { type: 'video', path: `/v3/videos/${videoId}` };
	const translationId = id('video_translate_id') ?? id('video_translation_id');
	if (translationId)
		return { type: 'video_translation', path: `/v3/video-translations/${translationId}` };
	const sessionId = id('session_id');
	if (sessionId) return { type: 'video_agent_session', path: `/v3/video-agents/${sessionId}` };
	return undefined;
}

/**
 * `{result_type, result}` read from HeyGen, `{result_type, result: null, result_error}` when that
 * failed (the delivery was already accepted, so the event is still passed on), `{}` when the
 * event names nothing we can read.
 */
export async function fetchResult(
	context: IWebhookFunctions,
	eventData: IDataObject,
): Promise<IDataObject> {
	const lookup = lookupFor(eventData);
	if (!lookup) return {};
	try {
		const response = await heyGenApiRequest.call(context, {
			method: 'GET',
			path: lookup.path,
			retry: 'safe',
			what: `Fetching the ${lookup.type.replace(/_/g, ' ')} named in the event`,
			timeoutMs: 30_000,
		});
		return { result_type: lookup.type, result: dataOf<IDataObject>(response) };
	} catch (error) {
		return {
			result_type: lookup.type,
			result: null,
			result_error: String((error as Error).message ?? error),
		};
	}
}
