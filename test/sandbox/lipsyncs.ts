/**
 * Lipsyncs (heygen-api-generation.md §A.5): `POST /v3/lipsyncs` (video + audio, url or asset_id —
 * base64 refused) → `data.lipsync_id`; `GET /v3/lipsyncs/{id}`: pending → running →
 * completed|failed. Callbacks use `lipsync.success` / `lipsync.fail` (HeyGen documents no event
 * type for lipsyncs; our guess). `Idempotency-Key` honoured.
 */
import { rejectUnknownKeys } from './assets';
import type { Core, Ctx, Result, Route } from './core';
import {
	type Body,
	callBack,
	checkAssetInput,
	checkCallback,
	failHook,
	liveJob,
	optionalBool,
	optionalEnum,
	optionalNumber,
	optionalString,
	remember,
	startRender,
	videoUrl,
} from './generation';
import { SAMPLE_MP4_DURATION } from './storage';
import type { VideoRecord } from './types';

const KEYS = [
	'video',
	'audio',
	'mode',
	'fps_mode',
	'start_time',
	'end_time',
	'enable_caption',
	'enable_dynamic_duration',
	'enable_speech_enhancement',
	'enable_watermark',
	'disable_music_track',
	'keep_the_same_format',
	'folder_id',
	'title',
	'callback_url',
	'callback_id',
];

interface LipsyncJob {
	id: string;
	video: VideoRecord;
	request: Body;
}

const jobs = new WeakMap<Core, Map<string, LipsyncJob>>();

async function createLipsync(core: Core, ctx: Ctx): Promise<Result> {
	return core.withIdempotency(ctx, 'POST /v3/lipsyncs', async () => {
		const body = await core.readJsonObject(ctx);
		rejectUnknownKeys(body, KEYS);
		const videoHook = checkAssetInput(core, body.video, 'video', 'video', false) ?? '';
		const audioHook = checkAssetInput(core, body.audio, 'audio', 'audio', false) ?? '';
		optionalEnum(body, 'mode', ['speed', 'precision']);
		optionalString(body, 'fps_mode');
		optionalNumber(body, 'start_time', 0, 86_400);
		optionalNumber(body, 'end_time', 0, 86_400);
		for (const key of [
			'enable_caption',
			'enable_dynamic_duration',
			'enable_speech_enhancement',
			'enable_watermark',
			'disable_music_track',
			'keep_the_same_format',
		])
			optionalBool(body, key);
		optionalString(body, 'folder_id');
		optionalString(body, 'title');
		checkCallback(core, body);
		const video = startRender(
			core,
			String(body.title ?? 'Lipsync'),
			failHook(body.title, videoHook, audioHook),
			(done) =>
				callBack(
					core,
					body,
					done.status === 'completed' ? 'lipsync.success' : 'lipsync.fail',
					done.status === 'completed'
						? { lipsync_id: done.id, url: videoUrl(core, done) }
						: { lipsync_id: done.id, msg: done.failure_message },
				),
		);
		remember(jobs, core, video.id, { id: video.id, video, request: body });
		return { status: 200, body: { data: { lipsync_id: video.id } } };
	});
}

function getLipsync(core: Core, ctx: Ctx): Result {
	const job = liveJob(core, jobs, ctx.params.id, 'Lipsync not found.');
	const { video, request } = job;
	return {
		status: 200,
		body: {
			data: {
				id: job.id,
				status: video.status === 'processing' ? 'running' : video.status,
				video_url: videoUrl(core, video),
				caption_url: null,
				duration: video.status === 'completed' ? SAMPLE_MP4_DURATION : null,
				failure_message: video.status === 'failed' ? video.failure_message : null,
				callback_id: typeof request.callback_id === 'string' ? request.callback_id : null,
				title: video.title,
				created_at: video.created_at,
			},
		},
	};
}

export const lipsyncRoutes: Route[] = [
	{ method: 'POST', pattern: '/v3/lipsyncs', handler: createLipsync },
	{ method: 'GET', pattern: '/v3/lipsyncs/:id', handler: getLipsync },
];
