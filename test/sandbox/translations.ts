/**
 * Video translations (heygen-api-generation.md §A.4): `POST /v3/video-translations` makes one job
 * per output language (`data.video_translation_ids`), each read with
 * `GET /v3/video-translations/{id}`: pending → running → completed|failed (HeyGen says `running`
 * here, not `processing`). Inputs are url or asset_id only — base64 is refused. Languages are the
 * names `GET /v3/video-translations/languages` lists. `Idempotency-Key` honoured.
 */
import { rejectUnknownKeys } from './assets';
import type { Core, Ctx, Result, Route } from './core';
import {
	bad,
	type Body,
	callBack,
	checkAssetInput,
	checkCallback,
	failHook,
	liveJob,
	optionalBool,
	optionalEnum,
	optionalNumber,
	optionalObject,
	optionalString,
	remember,
	startRender,
	videoUrl,
} from './generation';
import { SAMPLE_MP4_DURATION } from './storage';
import type { VideoRecord } from './types';

export const TRANSLATION_LANGUAGES = [
	'English (United States)',
	'English (United Kingdom)',
	'Spanish (Spain)',
	'Spanish (Mexico)',
	'French (France)',
	'German (Germany)',
	'Italian (Italy)',
	'Portuguese (Brazil)',
	'Japanese (Japan)',
	'Korean (Korea)',
	'Chinese (Mandarin, Simplified)',
	'Hindi (India)',
	'Arabic (Saudi Arabia)',
	'Dutch (Netherlands)',
	'Polish (Poland)',
	'Turkish (Turkey)',
];

const KEYS = [
	'video',
	'output_languages',
	'audio',
	'srt',
	'mode',
	'input_language',
	'speaker_num',
	'translate_audio_only',
	'enable_caption',
	'enable_dynamic_duration',
	'enable_speech_enhancement',
	'enable_watermark',
	'disable_music_track',
	'keep_the_same_format',
	'fps_mode',
	'srt_role',
	'start_time',
	'end_time',
	'folder_id',
	'title',
	'brand_glossary_id',
	'brand_voice_id',
	'stock_voice_config',
	'callback_url',
	'callback_id',
];

interface TranslationJob {
	id: string;
	video: VideoRecord;
	output_language: string;
	request: Body;
}

const jobs = new WeakMap<Core, Map<string, TranslationJob>>();

function checkLanguages(body: Body): string[] {
	const list = body.output_languages;
	if (!Array.isArray(list) || list.length === 0)
		throw bad(
			'output_languages',
			"'output_languages' is required: a non-empty array of language names.",
		);
	for (const [i, language] of list.entries()) {
		if (typeof language !== 'string' || !TRANSLATION_LANGUAGES.includes(language))
			throw bad(
				`output_languages[${i}]`,
				`Unsupported output language ${JSON.stringify(language)}. List the supported ones with GET /v3/video-translations/languages.`,
			);
	}
	if (new Set(list).size !== list.length)
		throw bad('output_languages', "'output_languages' lists a language twice.");
	return list as string[];
}

async function createTranslation(core: Core, ctx: Ctx): Promise<Result> {
	return core.withIdempotency(ctx, 'POST /v3/video-translations', async () => {
		const body = await core.readJsonObject(ctx);
		rejectUnknownKeys(body, KEYS);
		const hookText = checkAssetInput(core, body.video, 'video', 'video', false) ?? '';
		const languages = checkLanguages(body);
		checkAssetInput(core, body.audio, 'audio', 'audio', false, false);
		if (body.srt !== undefined && body.srt !== null) {
			// An SRT upload is stored as an asset of its own kind; accept url or asset_id.
			const srt = body.srt as Body;
			if (typeof srt !== 'object' || (srt.type !== 'url' && srt.type !== 'asset_id'))
				throw bad('srt.type', "'srt.type' must be one of: url, asset_id.");
		}
		optionalEnum(body, 'mode', ['speed', 'precision']);
		optionalEnum(body, 'fps_mode', ['vfr', 'cfr', 'passthrough']);
		optionalEnum(body, 'srt_role', ['input', 'output']);
		if (
			body.input_language !== undefined &&
			!TRANSLATION_LANGUAGES.includes(body.input_language as string)
		)
			throw bad(
				'input_language',
				`Unsupported input language ${JSON.stringify(body.input_language)}.`,
			);
		optionalNumber(body, 'speaker_num', 1, 10);
		optionalNumber(body, 'start_time', 0, 86_400);
		optionalNumber(body, 'end_time', 0, 86_400);
		for (const key of [
			'translate_audio_only',
			'enable_caption',
			'enable_dynamic_duration',
			'enable_speech_enhancement',
			'enable_watermark',
			'disable_music_track',
			'keep_the_same_format',
		])
			optionalBool(body, key);
		for (const key of ['folder_id', 'title', 'brand_glossary_id', 'brand_voice_id'])
			optionalString(body, key);
		const stock = optionalObject(body, 'stock_voice_config');
		if (stock)
			rejectUnknownKeys(
				stock,
				['use_stock_voice', 'preferred_stock_voice_ids'],
				'stock_voice_config.',
			);
		checkCallback(core, body);
		const fail = failHook(body.title, hookText);
		const ids = languages.map((language) => {
			const video = startRender(
				core,
				String(body.title ?? `Translation (${language})`),
				fail,
				(done) =>
					callBack(
						core,
						body,
						done.status === 'completed' ? 'video_translate.success' : 'video_translate.fail',
						done.status === 'completed'
							? {
									video_translate_id: done.id,
									url: videoUrl(core, done),
									output_language: language,
								}
							: {
									video_translate_id: done.id,
									msg: done.failure_message,
									output_language: language,
								},
					),
			);
			remember(jobs, core, video.id, {
				id: video.id,
				video,
				output_language: language,
				request: body,
			});
			return video.id;
		});
		return { status: 200, body: { data: { video_translation_ids: ids } } };
	});
}

function getTranslation(core: Core, ctx: Ctx): Result {
	const job = liveJob(core, jobs, ctx.params.id, 'Video translation not found.');
	const { video, request } = job;
	const done = video.status === 'completed';
	return {
		status: 200,
		body: {
			data: {
				id: job.id,
				status: video.status === 'processing' ? 'running' : video.status,
				output_language: job.output_language,
				input_language:
					typeof request.input_language === 'string'
						? request.input_language
						: 'English (United States)',
				video_url: videoUrl(core, video),
				audio_url: null,
				srt_caption_url: null,
				vtt_caption_url: null,
				duration: done ? SAMPLE_MP4_DURATION : null,
				failure_message: video.status === 'failed' ? video.failure_message : null,
				callback_id: typeof request.callback_id === 'string' ? request.callback_id : null,
				title: video.title,
				created_at: video.created_at,
				translate_audio_only: request.translate_audio_only === true,
			},
		},
	};
}

export const translationRoutes: Route[] = [
	{ method: 'POST', pattern: '/v3/video-translations', handler: createTranslation },
	{
		method: 'GET',
		pattern: '/v3/video-translations/languages',
		handler: () => ({ status: 200, body: { data: { languages: TRANSLATION_LANGUAGES } } }),
	},
	{ method: 'GET', pattern: '/v3/video-translations/:id', handler: getTranslation },
];
