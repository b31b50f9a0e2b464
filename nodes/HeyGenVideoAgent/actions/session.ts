/**
 * Reading sessions and videos, waiting for a session's video, and the shape of the output items.
 */
import { sleep, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../../shared/errors';
import { dataOf, heyGenApiRequest } from '../../shared/transport';
import { MIN_POLL_INTERVAL_MS } from './common';

/** `data` of GET /v3/video-agents/{session_id} (heygen-api.md §6.2). */
export interface SessionData extends IDataObject {
	session_id: string;
	status: string;
	progress?: number;
	title?: string | null;
	video_id?: string | null;
	created_at?: number;
	messages?: SessionMessage[];
}

export interface SessionMessage extends IDataObject {
	role?: string;
	content?: string;
	type?: string;
	created_at?: number;
}

/** `data` of GET /v3/videos/{video_id} (heygen-api.md §7). */
export interface VideoData extends IDataObject {
	id: string;
	status: string;
	title?: string | null;
	video_url?: string | null;
	thumbnail_url?: string | null;
	duration?: number | null;
	video_page_url?: string | null;
	failure_code?: string | null;
	failure_message?: string | null;
}

/** Session states where the agent waits for the user (chat replies, storyboard review). */
export const NEEDS_INPUT_STATUSES = ['waiting_for_input', 'reviewing'];
const VIDEO_DONE_STATUSES = ['completed', 'failed'];

export async function fetchSession(
	context: IExecuteFunctions,
	sessionId: string,
	itemIndex: number,
	timeoutMs?: number,
): Promise<SessionData> {
	const response = await heyGenApiRequest.call(context, {
		method: 'GET',
		path: `/v3/video-agents/${encodeURIComponent(sessionId)}`,
		retry: 'safe',
		what: `Reading Video Agent session ${sessionId}`,
		itemIndex,
		timeoutMs,
	});
	return dataOf<SessionData>(response);
}

export async function fetchVideo(
	context: IExecuteFunctions,
	videoId: string,
	itemIndex: number,
	timeoutMs?: number,
): Promise<VideoData> {
	const response = await heyGenApiRequest.call(context, {
		method: 'GET',
		path: `/v3/videos/${encodeURIComponent(videoId)}`,
		retry: 'safe',
		what: `Reading video ${videoId}`,
		itemIndex,
		timeoutMs,
	});
	return dataOf<VideoData>(response);
}

/** The newest message of a kind; HeyGen lists messages newest first, but do not rely on it. */
function newestMessage(
	session: SessionData,
	match: (m: SessionMessage) => boolean,
): string | undefined {
	const messages = (Array.isArray(session.messages) ? session.messages : []).filter(
		(m) => m && typeof m === 'object' && match(m) && typeof m.content === 'string',
	);
	if (messages.length === 0) return undefined;
	const timed = messages.every((m) => typeof m.created_at === 'number');
	const newest = timed
		? messages.reduce((a, b) => ((b.created_at as number) > (a.created_at as number) ? b : a))
		: messages[0];
	return newest.content;
}

export function newestErrorMessage(session: SessionData): string | undefined {
	return newestMessage(session, (m) => m.type === 'error');
}

export function newestModelMessage(session: SessionData): string | undefined {
	return newestMessage(session, (m) => m.role === 'model' && m.type !== 'error');
}

export type WaitOutcome = 'completed' | 'failed' | 'needs_input';

export interface WaitResult {
	outcome: WaitOutcome;
	session: SessionData;
	video?: VideoData;
}

export interface WaitSettings {
	intervalMs: number;
	maxWaitSeconds: number;
	itemIndex: number;
	timeoutMs?: number;
}

/**
 * Polls the session until it has a video, then the video until it is completed or failed. Stops
 * early when the session fails or waits for the user (`waiting_for_input`, `reviewing`). Unknown
 * statuses count as still running. Bounded by `maxWaitSeconds`; every wait ends at once when the
 * execution is cancelled.
 */
export async function waitForVideo(
	context: IExecuteFunctions,
	sessionId: string,
	settings: WaitSettings,
): Promise<WaitResult> {
	const { itemIndex, timeoutMs } = settings;
	const signal = context.getExecutionCancelSignal();
	const deadline = Date.now() + settings.maxWaitSeconds * 1000;
	const intervalMs = Math.max(MIN_POLL_INTERVAL_MS, settings.intervalMs);
	let session: SessionData | undefined;
	let video: VideoData | undefined;

	for (;;) {
		session = await fetchSession(context, sessionId, itemIndex, timeoutMs);
		const videoId =
			typeof session.video_id === 'string' && session.video_id ? session.video_id : undefined;
		if (NEEDS_INPUT_STATUSES.includes(session.status))
			return { outcome: 'needs_input', session, video };
		if (videoId) {
			video = await fetchVideo(context, videoId, itemIndex, timeoutMs);
			if (VIDEO_DONE_STATUSES.includes(video.status)) {
				return { outcome: video.status as WaitOutcome, session, video };
			}
		}
		if (session.status === 'failed') return { outcome: 'failed', session, video };
		if (session.status === 'completed' && !videoId) return { outcome: 'completed', session };

		const remaining = deadline - Date.now();
		if (remaining <= 0) throw timeoutError(context, session, video, settings);
		await sleep(Math.min(intervalMs, remaining), signal);
	}
}

function timeoutError(
	context: IExecuteFunctions,
	session: SessionData,
	video: VideoData | undefined,
	settings: WaitSettings,
) {
	const state = video
		? `its video ${video.id} is ${video.status}`
		: `the session is ${session.status}`;
	return inputError(
		context,
		`Item ${settings.itemIndex}: HeyGen Video Agent session ${session.session_id} did not finish within ${settings.maxWaitSeconds} s ("Max Wait"); ${state}`,
		`Nothing was cancelled: HeyGen keeps working on it. Check it later with the "Get Session" operation (session_id ${session.session_id})${video ? ` or "Get Video" (video_id ${video.id})` : ''}, raise "Max Wait (Seconds)" in the options, or turn off "Wait for Completion" and use a Wait node or the callback URL.`,
		settings.itemIndex,
	);
}

/** Fields of a finished video copied to the output (HeyGen's names). */
const VIDEO_FIELDS = [
	'video_url',
	'thumbnail_url',
	'duration',
	'video_page_url',
	'captioned_video_url',
	'subtitle_url',
	'gif_url',
] as const;

/** Why a video or session failed: HeyGen's failure fields, else the newest error message. */
export function failureFields(
	session: SessionData | undefined,
	video: VideoData | undefined,
): IDataObject {
	const code =
		typeof video?.failure_code === 'string' && video.failure_code ? video.failure_code : null;
	const message =
		(typeof video?.failure_message === 'string' && video.failure_message) ||
		(session && newestErrorMessage(session)) ||
		`HeyGen reported the ${video ? `video ${video.id}` : `session ${session?.session_id}`} as failed without giving a reason`;
	return { failure_code: code, failure_message: message };
}

/**
 * The output item of create (and of waiting): `session_id`, `status`, `session_status`,
 * `video_id`, then the video's URLs once completed, failure fields once failed, or the agent's
 * question when it waits for input.
 */
export function sessionOutput(
	session: SessionData,
	video: VideoData | undefined,
	outcome: WaitOutcome | undefined,
): IDataObject {
	const videoId =
		video?.id ??
		(typeof session.video_id === 'string' && session.video_id ? session.video_id : null);
	const json: IDataObject = {
		session_id: session.session_id,
		status:
			outcome === 'completed' || outcome === 'failed' ? (video?.status ?? outcome) : session.status,
		session_status: session.status,
		video_id: videoId,
	};
	if (session.title) json.title = session.title;
	if (typeof session.progress === 'number') json.progress = session.progress;
	if (typeof session.created_at === 'number') json.created_at = session.created_at;
	if (outcome === 'completed' && video) {
		for (const field of VIDEO_FIELDS) {
			if (video[field] !== undefined && video[field] !== null) json[field] = video[field];
		}
		for (const field of ['video_url', 'thumbnail_url', 'duration', 'video_page_url'] as const) {
			json[field] ??= null;
		}
	}
	if (outcome === 'failed') {
		json.status = 'failed';
		Object.assign(json, failureFields(session, video));
	}
	if (outcome === 'needs_input') {
		json.needs_input = true;
		json.last_message = newestModelMessage(session) ?? null;
	}
	return json;
}
