/**
 * Reading sessions and videos, the Video Agent session as a job of the engine (nodes/shared/job.ts),
 * and the shape of the output items.
 */
import type { IDataObject } from 'n8n-workflow';

import type { HeyGenContext } from '../../shared/errors';
import {
	failureFields as jobFailureFields,
	safeName,
	simpleJobKind,
	VIDEO_RESULT_FIELDS,
	type JobKind,
	type JobPhase,
	type JobSnapshot,
} from '../../shared/job';
import { dataOf, heyGenApiRequest } from '../../shared/transport';

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
	context: HeyGenContext,
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
	context: HeyGenContext,
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

/**
 * Where a session and its video stand together: needs input when the agent waits for the user;
 * the video's final status once it has one; failed when the session failed; else still running
 * (unknown words included).
 */
export function outcomeOf(
	session: SessionData,
	video: VideoData | undefined,
): WaitOutcome | undefined {
	if (NEEDS_INPUT_STATUSES.includes(session.status)) return 'needs_input';
	if (video && VIDEO_DONE_STATUSES.includes(video.status)) return video.status as WaitOutcome;
	if (session.status === 'failed') return 'failed';
	const hasVideo = typeof session.video_id === 'string' && session.video_id !== '';
	if (session.status === 'completed' && !hasVideo) return 'completed';
	return undefined;
}

const PHASES: Record<WaitOutcome, JobPhase> = {
	completed: 'completed',
	failed: 'failed',
	needs_input: 'needs_action',
};

/** The job state of a session (and its video) in the engine's terms; the output is `sessionOutput`. */
export function sessionSnapshot(session: SessionData, video: VideoData | undefined): JobSnapshot {
	const outcome = outcomeOf(session, video);
	const { session_id, video_id, status, ...fields } = sessionOutput(session, video, outcome);
	return {
		phase: outcome ? PHASES[outcome] : 'running',
		// While running, the video's own status (e.g. processing) says more than the session's.
		status: String(outcome ? status : (video?.status ?? status)),
		ids: { session_id, video_id },
		fields,
		downloadUrl:
			outcome === 'completed' && typeof video?.video_url === 'string' && video.video_url
				? video.video_url
				: undefined,
	};
}

/** A Video Agent session as a job: read the session, then (once it has one) its video. */
export const videoAgentJob: JobKind = {
	label: 'Video Agent session',
	createPath: '/v3/video-agents',
	// heygen-api.md §1.7: no Idempotency-Key on this endpoint, so a create is never re-sent.
	idempotentCreate: false,
	mimeType: 'video/mp4',
	readLater: 'with the "Get Session" (session_id) or "Get Video" (video_id) operation',
	jobsFromCreate: (data) => {
		const session = data as SessionData;
		const snapshot = sessionSnapshot(session, undefined);
		return [{ ids: { ...snapshot.ids }, snapshot: { ...snapshot, phase: 'running' } }];
	},
	read: async (context, job, request) => {
		const session = await fetchSession(
			context,
			String(job.ids.session_id),
			request.itemIndex,
			request.timeoutMs,
		);
		// The create answer's created_at stays when a read leaves it out.
		session.created_at ??= job.snapshot.fields.created_at as number | undefined;
		const videoId =
			typeof session.video_id === 'string' && session.video_id ? session.video_id : undefined;
		const video = videoId
			? await fetchVideo(context, videoId, request.itemIndex, request.timeoutMs)
			: undefined;
		return sessionSnapshot(session, video);
	},
	fileName: (job) => `heygen-${safeName(String(job.ids.video_id ?? job.ids.session_id))}.mp4`,
};

/** A video (GET /v3/videos/{id}) as a job: used by Get Video to download, and by waits on a video. */
export const videoJob: JobKind = simpleJobKind({
	label: 'video',
	createPath: '/v3/videos',
	idempotentCreate: true,
	jobIds: (data) => [String(data.video_id)],
	idField: 'video_id',
	getPath: (id) => `/v3/videos/${encodeURIComponent(id)}`,
	statusWords: { completed: ['completed'], failed: ['failed'] },
	resultFields: ['video_url', 'thumbnail_url', 'duration', 'video_page_url'],
	downloadUrlField: 'video_url',
	readLater: 'with the "Get Video" operation (video_id)',
});

/** Why a video or session failed: HeyGen's failure fields, else the newest error message. */
export function failureFields(
	session: SessionData | undefined,
	video: VideoData | undefined,
): IDataObject {
	return jobFailureFields(
		video,
		video ? `video ${video.id}` : `session ${session?.session_id}`,
		session && newestErrorMessage(session),
	);
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
		for (const field of VIDEO_RESULT_FIELDS) {
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
