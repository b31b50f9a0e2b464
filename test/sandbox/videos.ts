/**
 * `POST /v3/videos`, the `avatar` and `image` variants (heygen-api-generation.md §A.1). The video
 * is read back with `GET /v3/videos/{id}` (agents.ts): pending → processing → completed|failed.
 * Unknown `avatar_id` → 400 avatar_not_found, unknown `voice_id` → 400 voice_not_found; a photo
 * avatar made here must be `completed` first. `Idempotency-Key` honoured (heygen-api.md §1.7).
 */
import { rejectUnknownKeys } from './assets';
import { lookStatus } from './avatars';
import type { Core, Ctx, Result, Route } from './core';
import {
	bad,
	type Body,
	callBack,
	checkAssetInput,
	checkCallback,
	failHook,
	isHttpUrl,
	optionalBool,
	optionalEnum,
	optionalNumber,
	optionalObject,
	optionalString,
	startRender,
	usableAsset,
	videoUrl,
} from './generation';

const COMMON_KEYS = [
	'type',
	'script',
	'voice_id',
	'audio_url',
	'audio_asset_id',
	'aspect_ratio',
	'resolution',
	'fit',
	'output_format',
	'remove_background',
	'expressiveness',
	'motion_prompt',
	'caption',
	'background',
	'voice_settings',
	'watermark',
	'title',
	'callback_url',
	'callback_id',
];
const AVATAR_KEYS = [...COMMON_KEYS, 'avatar_id', 'engine'];
const IMAGE_KEYS = [...COMMON_KEYS, 'image'];
export const ASPECT_RATIOS = ['16:9', '9:16', '4:5', '5:4', '1:1', 'auto'];
export const RESOLUTIONS = ['4k', '1080p', '720p'];
const ENGINES = ['avatar_v', 'avatar_iv', 'avatar_iii'];
const COLOR = /^#[0-9A-Fa-f]{6}$/;

function checkVoice(core: Core, voiceId: string | undefined): void {
	if (voiceId === undefined) return;
	if (!core.catalog().voices.some((v) => v.voice_id === voiceId))
		throw bad('voice_id', `Voice '${voiceId}' not found.`, 'voice_not_found');
}

function checkAvatar(core: Core, avatarId: string): void {
	if (core.catalog().looks.some((l) => l.id === avatarId)) return;
	const status = lookStatus(core, avatarId);
	if (status === undefined)
		throw bad('avatar_id', `Avatar '${avatarId}' not found.`, 'avatar_not_found');
	if (status !== 'completed')
		throw bad('avatar_id', `Avatar '${avatarId}' is not ready to use (status ${status}).`);
}

function checkSpeech(core: Core, body: Body, voiceRequired: boolean): void {
	const script = optionalString(body, 'script');
	const voiceId = optionalString(body, 'voice_id');
	const audioUrl = body.audio_url;
	const audioAsset = body.audio_asset_id;
	if (audioUrl !== undefined && !isHttpUrl(audioUrl))
		throw bad('audio_url', "'audio_url' must be an http(s) URL.");
	if (audioAsset !== undefined) usableAsset(core, audioAsset, 'audio_asset_id', 'audio');
	const audio = audioUrl !== undefined || audioAsset !== undefined;
	if (audioUrl !== undefined && audioAsset !== undefined)
		throw bad('audio_url', "Give either 'audio_url' or 'audio_asset_id', not both.");
	if (script !== undefined && audio)
		throw bad('script', "'script' cannot be combined with 'audio_url' or 'audio_asset_id'.");
	if (script === undefined && !audio)
		throw bad('script', "Either 'script' or 'audio_url'/'audio_asset_id' is required.");
	if (script !== undefined && script.length > 5000)
		throw bad('script', "'script' must be at most 5000 characters.");
	if (script !== undefined && voiceRequired && voiceId === undefined)
		throw bad('voice_id', "'voice_id' is required with 'script' for image videos.");
	checkVoice(core, voiceId);
}

function checkLayout(core: Core, body: Body): void {
	optionalEnum(body, 'aspect_ratio', ASPECT_RATIOS);
	optionalEnum(body, 'resolution', RESOLUTIONS);
	optionalEnum(body, 'fit', ['contain', 'cover']);
	optionalEnum(body, 'output_format', ['mp4', 'webm']);
	optionalEnum(body, 'expressiveness', ['high', 'medium', 'low']);
	optionalBool(body, 'remove_background');
	optionalString(body, 'motion_prompt');
	optionalString(body, 'title');
	const caption = optionalObject(body, 'caption');
	if (caption) {
		rejectUnknownKeys(caption, ['file_format', 'style'], 'caption.');
		if (caption.file_format !== 'srt')
			throw bad('caption.file_format', "'caption.file_format' must be one of: srt.");
		optionalEnum(caption, 'style', ['default'], 'caption.style');
	}
	const background = optionalObject(body, 'background');
	if (background) {
		rejectUnknownKeys(background, ['type', 'value', 'url', 'asset_id'], 'background.');
		const type = optionalEnum(background, 'type', ['color', 'image'], 'background.type');
		if (type === 'color' && (typeof background.value !== 'string' || !COLOR.test(background.value)))
			throw bad('background.value', "'background.value' must be a color like #RRGGBB.");
		if (type === 'image') {
			if (background.asset_id !== undefined)
				usableAsset(core, background.asset_id, 'background.asset_id', 'image');
			else if (!isHttpUrl(background.url))
				throw bad(
					'background.url',
					"An image background needs 'background.url' or 'background.asset_id'.",
				);
		}
		if (type === undefined) throw bad('background.type', "'background.type' is required.");
	}
	const voice = optionalObject(body, 'voice_settings');
	if (voice) {
		rejectUnknownKeys(
			voice,
			['speed', 'pitch', 'volume', 'locale', 'engine_settings'],
			'voice_settings.',
		);
		optionalNumber(voice, 'speed', 0.5, 1.5, 'voice_settings.speed');
		optionalNumber(voice, 'pitch', -50, 50, 'voice_settings.pitch');
		optionalNumber(voice, 'volume', 0, 1, 'voice_settings.volume');
		optionalString(voice, 'locale', 'voice_settings.locale');
		optionalObject(voice, 'engine_settings', 'voice_settings.engine_settings');
	}
	const watermark = optionalObject(body, 'watermark');
	if (watermark) checkAssetInput(core, watermark.image, 'watermark.image', 'image', true);
	checkCallback(core, body);
}

async function createVideo(core: Core, ctx: Ctx): Promise<Result> {
	return core.withIdempotency(ctx, 'POST /v3/videos', async () => {
		const body = await core.readJsonObject(ctx);
		if (body.type === 'cinematic_avatar' || body.type === 'studio')
			throw bad('type', `The sandbox implements 'type' avatar and image only, not ${body.type}.`);
		if (body.type !== 'avatar' && body.type !== 'image')
			throw bad('type', "'type' must be one of: avatar, image, cinematic_avatar, studio.");
		rejectUnknownKeys(body, body.type === 'avatar' ? AVATAR_KEYS : IMAGE_KEYS);
		let hookText = '';
		if (body.type === 'avatar') {
			const avatarId = optionalString(body, 'avatar_id');
			if (avatarId === undefined) throw bad('avatar_id', "'avatar_id' is required.");
			checkAvatar(core, avatarId);
			const engine = optionalObject(body, 'engine');
			if (engine) {
				rejectUnknownKeys(engine, ['type'], 'engine.');
				if (optionalEnum(engine, 'type', ENGINES, 'engine.type') === undefined)
					throw bad('engine.type', "'engine.type' is required.");
			}
		} else {
			hookText = checkAssetInput(core, body.image, 'image', 'image', true) ?? '';
		}
		checkSpeech(core, body, body.type === 'image');
		checkLayout(core, body);
		const format = (body.output_format as string | undefined) ?? 'mp4';
		const video = startRender(
			core,
			typeof body.title === 'string' ? body.title : 'Untitled video',
			failHook(body.title, body.script, hookText),
			(done) =>
				callBack(
					core,
					body,
					done.status === 'completed' ? 'avatar_video.success' : 'avatar_video.fail',
					done.status === 'completed'
						? { video_id: done.id, url: videoUrl(core, done) }
						: { video_id: done.id, msg: done.failure_message },
				),
		);
		// HeyGen's create example answers 'waiting', a word GET never uses (§A.2).
		return {
			status: 200,
			body: { data: { video_id: video.id, status: 'waiting', output_format: format } },
		};
	});
}

export const videoRoutes: Route[] = [
	{ method: 'POST', pattern: '/v3/videos', handler: createVideo },
];
