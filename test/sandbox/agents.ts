/**
 * Video Agent sessions, videos and the picker catalogues (heygen-api.md §6, §7, §9, §10).
 *
 * Prompt hooks (in the create prompt or a chat message):
 *   #fail-early → fails while thinking, no video_id
 *   #fail-bare  → the video and session fail without failure fields or error message (ISS321)
 *   #fail       → the video fails with failure_code rendering_failed + failure_message; the session gets an
 *                 error message
 *   #input      → the run stops at waiting_for_input (generate mode too)
 */
import { rejectUnknownKeys } from './assets';
import { ApiError, type Core, type Ctx, hexId, nowSeconds, type Result, type Route } from './core';
import { ATTACHMENT_MIME_TYPES, canonicalMime, sniff } from './sniff';
import { SAMPLE_MP4_DURATION } from './storage';
import { checkCallbackUrl, deliverWithRetries, signedVideoUrl } from './jobEnds';
import type { ClockOptions, SessionMessage, SessionRecord, VideoRecord } from './types';
import { announceSessionEnd } from './webhooks';

const CREATE_KEYS = [
	'prompt',
	'mode',
	'avatar_id',
	'voice_id',
	'style_id',
	'brand_kit_id',
	'orientation',
	'files',
	'callback_url',
	'callback_id',
	'incognito_mode',
	'auto_proceed',
	'skip_agentic_stop',
] as const;
const MESSAGE_KEYS = [
	'message',
	'avatar_id',
	'voice_id',
	'brand_kit_id',
	'files',
	'auto_proceed',
	'skip_agentic_stop',
];
const MAX_FILES = 20;
const BASE64_RE = /^[A-Za-z0-9+/]+={0,2}$/;
/** Decoded size cap of one base64 file (HeyGen documents none; the node's own inline limit). */
export const MAX_BASE64_BYTES = 5_000_000;

function bad(param: string | null, message: string, code = 'invalid_parameter'): ApiError {
	return new ApiError(400, code, message, param);
}

function checkText(body: Record<string, unknown>, key: string): string {
	const v = body[key];
	if (typeof v !== 'string' || v.length < 1 || v.length > 10_000)
		throw bad(key, `'${key}' is required and must be 1-10000 characters.`);
	return v;
}

function checkOptionalId(body: Record<string, unknown>, key: string): void {
	const v = body[key];
	if (v === undefined || v === null) return;
	if (typeof v !== 'string' || v.trim() === '')
		throw bad(key, `'${key}' must be a non-empty string or null.`);
}

function checkOptionalBool(body: Record<string, unknown>, key: string): void {
	const v = body[key];
	if (v !== undefined && typeof v !== 'boolean') throw bad(key, `'${key}' must be a boolean.`);
}

function checkEnum(body: Record<string, unknown>, key: string, values: string[]): void {
	const v = body[key];
	if (v === undefined || v === null) return;
	if (typeof v !== 'string' || !values.includes(v))
		throw bad(key, `'${key}' must be one of: ${values.join(', ')}.`);
}

function isHttpUrl(v: unknown): boolean {
	if (typeof v !== 'string') return false;
	try {
		const u = new URL(v);
		return u.protocol === 'http:' || u.protocol === 'https:';
	} catch {
		return false;
	}
}

/** files[]: ≤ 20 items of {type:url,url} | {type:asset_id,asset_id} | {type:base64,media_type,data}. */
function checkFiles(core: Core, files: unknown): void {
	if (files === undefined || files === null) return;
	if (!Array.isArray(files)) throw bad('files', "'files' must be an array.");
	if (files.length > MAX_FILES)
		throw bad('files', `'files' must contain at most ${MAX_FILES} items.`);
	files.forEach((item: unknown, i: number) => {
		const p = `files[${i}]`;
		if (!item || typeof item !== 'object' || Array.isArray(item))
			throw bad(p, `'${p}' must be an object.`);
		const f = item as Record<string, unknown>;
		if (f.type !== 'url' && f.type !== 'asset_id' && f.type !== 'base64')
			throw bad(`${p}.type`, `'${p}.type' must be one of: url, asset_id, base64.`);
		if (f.type === 'url') {
			rejectUnknownKeys(f, ['type', 'url'], `${p}.`);
			if (!isHttpUrl(f.url))
				throw bad(`${p}.url`, `'${p}.url' is required and must be an https URL.`);
			// HeyGen fetches file URLs itself; plain http is refused (our strict choice).
			if (new URL(f.url as string).protocol !== 'https:')
				throw bad(`${p}.url`, `'${p}.url' must use https, got '${String(f.url)}'.`);
		} else if (f.type === 'asset_id') {
			rejectUnknownKeys(f, ['type', 'asset_id'], `${p}.`);
			if (typeof f.asset_id !== 'string' || !f.asset_id)
				throw bad(`${p}.asset_id`, `'${p}.asset_id' is required.`);
			const asset = core.assets.get(f.asset_id);
			if (!asset || asset.status !== 'processing')
				throw bad(
					`${p}.asset_id`,
					`Asset '${f.asset_id}' is not available: it does not exist, was deleted, or its upload was never completed.`,
					'asset_not_available',
				);
		} else {
			rejectUnknownKeys(f, ['type', 'media_type', 'data'], `${p}.`);
			if (
				typeof f.media_type !== 'string' ||
				!(ATTACHMENT_MIME_TYPES as readonly string[]).includes(canonicalMime(f.media_type))
			)
				throw bad(
					`${p}.media_type`,
					`'${p}.media_type' is required and must be one of: ${ATTACHMENT_MIME_TYPES.join(', ')}.`,
				);
			if (typeof f.data !== 'string' || f.data.length % 4 !== 0 || !BASE64_RE.test(f.data))
				throw bad(`${p}.data`, `'${p}.data' is required and must be base64 (no data: prefix).`);
			// The bytes must be what media_type says, and within the size cap.
			const size =
				(f.data.length / 4) * 3 - (f.data.endsWith('==') ? 2 : f.data.endsWith('=') ? 1 : 0);
			if (size > MAX_BASE64_BYTES)
				throw new ApiError(
					413,
					'payload_too_large',
					`'${p}.data' decodes to ${size} bytes; base64 files may be at most ${MAX_BASE64_BYTES}. Upload larger files as assets.`,
					`${p}.data`,
				);
			const detected = sniff(Buffer.from(f.data.slice(0, 8192), 'base64'));
			if (detected?.mime !== canonicalMime(f.media_type))
				throw bad(
					`${p}.media_type`,
					`'${p}.media_type' is ${f.media_type} but the data is ${detected ? detected.mime : 'of an unknown type'}.`,
				);
		}
	});
}

/**
 * Ids that must name something in the account's catalogues (HeyGen: `avatar_not_found`,
 * `voice_not_found`; the style and brand-kit codes are our guesses, HeyGen documents none).
 */
const CATALOG_IDS: Array<{
	key: string;
	code: string;
	what: string;
	ids: (core: Core) => string[];
}> = [
	{
		key: 'avatar_id',
		code: 'avatar_not_found',
		what: 'Avatar',
		ids: (c) => c.catalog().looks.map((l) => l.id),
	},
	{
		key: 'voice_id',
		code: 'voice_not_found',
		what: 'Voice',
		ids: (c) => c.catalog().voices.map((v) => v.voice_id),
	},
	{
		key: 'style_id',
		code: 'style_not_found',
		what: 'Style',
		ids: (c) => c.catalog().styles.map((s) => s.style_id),
	},
	{
		key: 'brand_kit_id',
		code: 'brand_kit_not_found',
		what: 'Brand kit',
		ids: (c) => c.catalog().brandKits.map((b) => b.brand_kit_id),
	},
];

function checkCatalogIds(core: Core, body: Record<string, unknown>): void {
	for (const { key, code, what, ids } of CATALOG_IDS) {
		const id = body[key];
		if (typeof id === 'string' && !ids(core).includes(id))
			throw new ApiError(404, code, `${what} '${id}' not found.`, key);
	}
}

function hookOf(text: string): SessionRecord['hook'] {
	if (text.includes('#fail-early')) return 'fail-early';
	if (text.includes('#fail-bare')) return 'fail-bare';
	if (text.includes('#fail')) return 'fail';
	if (text.includes('#input')) return 'input';
	return null;
}

function titleFrom(text: string): string {
	const clean = text
		.replace(/#[\w-]+/g, '')
		.replace(/\s+/g, ' ')
		.trim();
	const base = clean || 'Untitled video';
	return base.length > 48 ? `${base.slice(0, 47)}…` : base;
}

function say(
	s: SessionRecord,
	role: SessionMessage['role'],
	type: SessionMessage['type'],
	content: string,
	resourceIds?: string[],
) {
	s.messages.push({
		role,
		type,
		content,
		created_at: nowSeconds(),
		...(resourceIds ? { resource_ids: resourceIds } : {}),
	});
}

interface RunState {
	clock: Required<ClockOptions>;
	video: VideoRecord | null;
}

/** Starts a run: thinking → (reviewing | waiting_for_input | generating → completed/failed). */
function startRun(core: Core, s: SessionRecord, text: string, pauseForReview: boolean): void {
	core.cancelSessionTimers(s.session_id);
	const clock = { ...core.opts.clock };
	const now = Date.now();
	s.hook = hookOf(text);
	s.run_id = `run_${hexId(12)}`;
	s.status = 'thinking';
	s.stopped = false;
	s.phase_started_at = now;
	s.phase_ms = clock.thinkingMs;
	s.expected_end_at =
		now +
		clock.thinkingMs +
		Math.max(clock.generatingMs, clock.videoPendingMs + clock.videoProcessingMs);
	const run: RunState = { clock, video: null };
	core.schedule(clock.thinkingMs, () => afterThinking(core, s, run, pauseForReview), s.session_id);
}

function afterThinking(core: Core, s: SessionRecord, run: RunState, pauseForReview: boolean): void {
	const prompt = String(s.request.prompt ?? '');
	s.title ??= titleFrom(prompt);
	if (s.hook === 'fail-early') {
		s.progress = 10;
		say(s, 'model', 'error', 'The agent could not plan this video (sandbox #fail-early hook).');
		return endSession(core, s, 'failed', null, 'The agent could not plan this video.');
	}
	if (s.hook === 'input' || pauseForReview) {
		s.status = s.hook === 'input' ? 'waiting_for_input' : 'reviewing';
		s.progress = 10;
		s.expected_end_at = null;
		say(
			s,
			'model',
			'text',
			s.hook === 'input'
				? 'I need more details before I can continue: who is the audience of this video? (sandbox #input hook)'
				: 'Here is a storyboard for your video. Reply to approve it or ask for changes.',
		);
		return;
	}
	const { clock } = run;
	const now = Date.now();
	const genMs = Math.max(clock.generatingMs, clock.videoPendingMs + clock.videoProcessingMs);
	const orientation = s.request.orientation;
	const video: VideoRecord = {
		id: hexId(16),
		session_id: s.session_id,
		status: 'pending',
		title: s.title ?? 'Untitled video',
		created_at: nowSeconds(),
		completed_at: null,
		failure: null,
		failure_code: null,
		failure_message: null,
		orientation: orientation === 'portrait' || orientation === 'landscape' ? orientation : null,
	};
	run.video = video;
	core.videos.set(video.id, video);
	s.video_id = video.id;
	s.video_ids.push(video.id);
	s.status = 'generating';
	s.phase_started_at = now;
	s.phase_ms = genMs;
	s.expected_end_at = now + genMs;
	say(s, 'model', 'resource', 'Rendering your video now.', [video.id]);
	const hook = s.hook;
	core.schedule(clock.videoPendingMs, () => {
		if (video.status === 'pending') video.status = 'processing';
	});
	core.schedule(clock.videoPendingMs + clock.videoProcessingMs, () => finishVideo(video, hook));
	core.schedule(genMs, () => finishRun(core, s, video), s.session_id);
}

function finishVideo(video: VideoRecord, hook: SessionRecord['hook']): void {
	if (video.status === 'completed' || video.status === 'failed') return;
	video.completed_at = nowSeconds();
	if (hook === 'fail' || hook === 'fail-bare') {
		video.status = 'failed';
		video.failure = hook === 'fail' ? 'full' : 'bare';
		if (hook === 'fail') {
			video.failure_code = 'rendering_failed';
			video.failure_message = 'Video rendering failed (sandbox #fail hook).';
		}
	} else {
		video.status = 'completed';
	}
}

function finishRun(core: Core, s: SessionRecord, video: VideoRecord): void {
	if (s.status !== 'generating') return;
	finishVideo(video, s.hook);
	if (video.status === 'failed') {
		if (s.hook === 'fail')
			say(s, 'model', 'error', 'Video rendering failed: rendering_failed (sandbox #fail hook).');
		return endSession(
			core,
			s,
			'failed',
			video.id,
			video.failure_message ?? 'Video generation failed.',
		);
	}
	s.progress = 100;
	say(s, 'model', 'text', 'Your video is ready.');
	endSession(core, s, 'completed', video.id);
}

function endSession(
	core: Core,
	s: SessionRecord,
	status: 'completed' | 'failed',
	videoId: string | null,
	msg?: string,
) {
	s.status = status;
	s.expected_end_at = null;
	announceSessionEnd(core, s, status, videoId, msg);
	const cb = s.request.callback_url;
	if (typeof cb !== 'string') return;
	s.callbacks_sent++;
	const base = {
		session_id: s.session_id,
		video_id: videoId,
		callback_id: typeof s.request.callback_id === 'string' ? s.request.callback_id : null,
	};
	deliverWithRetries(
		core,
		cb,
		status === 'completed'
			? {
					event_type: 'video_agent.success',
					event_data: { ...base, url: signedVideoUrl(core, `${videoId}.mp4`) },
				}
			: {
					event_type: 'video_agent.fail',
					event_data: { ...base, msg: msg ?? 'Video generation failed.' },
				},
	);
}

function progressOf(s: SessionRecord): number {
	const frac = Math.min(1, (Date.now() - s.phase_started_at) / Math.max(1, s.phase_ms));
	if (s.status === 'thinking') return Math.floor(10 * frac);
	if (s.status === 'generating') return 10 + Math.floor(89 * frac);
	if (s.status === 'completed') return 100;
	return s.progress;
}

export function sessionView(s: SessionRecord) {
	return {
		session_id: s.session_id,
		status: s.status,
		progress: progressOf(s),
		title: s.title,
		video_id: s.video_id,
		created_at: s.created_at,
		messages: s.messages.slice(-40).reverse(),
	};
}

export function videoView(core: Core, v: VideoRecord) {
	if (v.status === 'failed' && v.failure === 'bare')
		return { id: v.id, status: v.status, created_at: v.created_at, title: '' };
	const done = v.status === 'completed';
	return {
		id: v.id,
		title: v.title,
		status: v.status,
		created_at: v.created_at,
		completed_at: v.completed_at,
		video_url: done ? signedVideoUrl(core, `${v.id}.mp4`) : null,
		captioned_video_url: null,
		subtitle_url: null,
		thumbnail_url: done ? signedVideoUrl(core, `${v.id}.jpg`) : null,
		gif_url: null,
		duration: done ? SAMPLE_MP4_DURATION : null,
		folder_id: null,
		output_language: null,
		video_page_url: `${core.apiUrl}/video/${v.id}`,
		...(v.status === 'failed'
			? { failure_code: v.failure_code, failure_message: v.failure_message }
			: {}),
	};
}

function getSession(core: Core, id: string): SessionRecord {
	const s = core.sessions.get(id);
	if (!s) throw new ApiError(404, 'not_found', 'Session not found.', 'session_id');
	return s;
}

async function createSession(core: Core, ctx: Ctx): Promise<Result> {
	const body = await core.readJsonObject(ctx);
	rejectUnknownKeys(body, CREATE_KEYS);
	const prompt = checkText(body, 'prompt');
	checkEnum(body, 'mode', ['generate', 'chat']);
	for (const k of ['avatar_id', 'voice_id', 'style_id', 'brand_kit_id', 'callback_id'])
		checkOptionalId(body, k);
	checkCatalogIds(core, body);
	checkEnum(body, 'orientation', ['landscape', 'portrait']);
	checkFiles(core, body.files);
	checkCallbackUrl(core, body.callback_url);
	if (typeof body.callback_id === 'string' && typeof body.callback_url !== 'string')
		throw bad('callback_id', "'callback_id' requires 'callback_url'.");
	for (const k of ['incognito_mode', 'auto_proceed', 'skip_agentic_stop'])
		checkOptionalBool(body, k);
	core.assertJobCapacity();

	const mode = body.mode === 'chat' ? 'chat' : 'generate';
	const s: SessionRecord = {
		session_id: `sess_${hexId(12)}`,
		mode,
		status: 'thinking',
		title: null,
		video_id: null,
		video_ids: [],
		created_at: nowSeconds(),
		messages: [],
		request: body,
		run_id: '',
		hook: null,
		phase_started_at: Date.now(),
		phase_ms: 0,
		progress: 0,
		expected_end_at: null,
		stopped: false,
		callbacks_sent: 0,
	};
	say(s, 'user', 'text', prompt);
	core.sessions.set(s.session_id, s);
	startRun(core, s, prompt, mode === 'chat' && body.auto_proceed !== true);
	return {
		status: 200,
		body: {
			data: {
				session_id: s.session_id,
				status: s.status,
				video_id: null,
				created_at: s.created_at,
			},
		},
	};
}

async function sendMessage(core: Core, ctx: Ctx): Promise<Result> {
	const s = getSession(core, ctx.params.id);
	const body = await core.readJsonObject(ctx);
	if (s.mode !== 'chat')
		throw bad(
			'session_id',
			'This session was created in generate mode. Messages can only be sent to sessions created with mode "chat".',
		);
	rejectUnknownKeys(body, MESSAGE_KEYS);
	const message = checkText(body, 'message');
	for (const k of ['avatar_id', 'voice_id', 'brand_kit_id']) checkOptionalId(body, k);
	checkCatalogIds(core, body);
	checkFiles(core, body.files);
	for (const k of ['auto_proceed', 'skip_agentic_stop']) checkOptionalBool(body, k);
	if (!core.isActive(s)) core.assertJobCapacity();
	say(s, 'user', 'text', message);
	s.title ??= titleFrom(String(s.request.prompt ?? message));
	startRun(core, s, message, false);
	return {
		status: 200,
		body: { data: { session_id: s.session_id, run_id: s.run_id, title: s.title } },
	};
}

async function stopSession(core: Core, ctx: Ctx): Promise<Result> {
	const s = getSession(core, ctx.params.id);
	await core.readJsonObject(ctx, true);
	if (s.status === 'thinking' || s.status === 'generating' || s.status === 'reviewing') {
		core.cancelSessionTimers(s.session_id);
		s.stopped = true;
		s.progress = progressOf(s);
		if (s.mode === 'chat') {
			s.status = 'waiting_for_input';
			s.expected_end_at = null;
			say(s, 'model', 'text', 'Stopped. Send a message to continue.');
		} else {
			say(s, 'model', 'error', 'The session was stopped before it finished.');
			endSession(core, s, 'failed', s.video_id, 'The session was stopped before it finished.');
		}
	}
	return { status: 200, body: { data: { session_id: s.session_id } } };
}

function listSessions(core: Core, ctx: Ctx): Result {
	const items = [...core.sessions.values()]
		.sort((a, b) => b.created_at - a.created_at)
		.map((s) => ({ session_id: s.session_id, created_at: s.created_at, title: s.title }));
	return core.paginate(ctx, items, 'sessions', 20, 100);
}

function sessionVideos(core: Core, ctx: Ctx): Result {
	const s = getSession(core, ctx.params.id);
	const items = [...s.video_ids].reverse().map((id) => videoView(core, core.videos.get(id)!));
	return core.paginate(ctx, items, `session-videos:${s.session_id}`, 20, 100);
}

function getVideo(core: Core, ctx: Ctx): Result {
	const v = core.videos.get(ctx.params.id);
	if (!v) throw new ApiError(404, 'not_found', 'Video not found.', 'video_id');
	return { status: 200, body: { data: videoView(core, v) } };
}

function listVideos(core: Core, ctx: Ctx): Result {
	const items = [...core.videos.values()].reverse().map((v) => videoView(core, v));
	return core.paginate(ctx, items, 'videos', 10, 100);
}

function eq(a: string | undefined, b: string): boolean {
	return a === undefined || a === '' || a.toLowerCase() === b.toLowerCase();
}

function listStyles(core: Core, ctx: Ctx): Result {
	const tag = ctx.query.tag;
	const items = core.catalog().styles.filter((s) => !tag || s.tags.includes(tag.toLowerCase()));
	return core.paginate(ctx, items, `styles:${tag ?? ''}`, 20, 100);
}

function listLooks(core: Core, ctx: Ctx): Result {
	const { avatar_type: type, group_id: group, ownership } = ctx.query;
	if (type && !['studio_avatar', 'digital_twin', 'photo_avatar'].includes(type))
		throw bad(
			'avatar_type',
			"'avatar_type' must be one of: studio_avatar, digital_twin, photo_avatar.",
		);
	if (ownership && !['public', 'private'].includes(ownership))
		throw bad('ownership', "'ownership' must be one of: public, private.");
	const items = core
		.catalog()
		.looks.filter(
			(l) => eq(type, l.avatar_type) && eq(group, l.group_id) && eq(ownership, l.ownership),
		);
	return core.paginate(ctx, items, `looks:${type ?? ''}:${group ?? ''}:${ownership ?? ''}`, 20, 50);
}

function listVoices(core: Core, ctx: Ctx): Result {
	const { type = 'public', engine, language, gender } = ctx.query;
	if (!['public', 'private'].includes(type))
		throw bad('type', "'type' must be one of: public, private.");
	if (gender && !['male', 'female'].includes(gender.toLowerCase()))
		throw bad('gender', "'gender' must be one of: male, female.");
	const items = core
		.catalog()
		.voices.filter(
			(v) =>
				v.type === type &&
				eq(engine, v.engine) &&
				eq(gender, v.gender) &&
				(!language ||
					eq(language, v.language) ||
					eq(language, v.locale) ||
					eq(language, v.locale.slice(0, 2))),
		);
	return core.paginate(
		ctx,
		items,
		`voices:${type}:${engine ?? ''}:${language ?? ''}:${gender ?? ''}`,
		20,
		100,
	);
}

function listBrandKits(core: Core, ctx: Ctx): Result {
	return core.paginate(ctx, core.catalog().brandKits, 'brand-kits', 20, 100);
}

/** A tiny HTML page for video_page_url (no auth; for the demo). */
function videoPage(core: Core, ctx: Ctx): void {
	const v = core.videos.get(ctx.params.id);
	const body = v
		? `<!doctype html><meta charset="utf-8"><title>${v.title.replace(/</g, '&lt;')}</title>` +
			`<h1>${v.title.replace(/</g, '&lt;')}</h1><p>Status: ${v.status}</p>` +
			(v.status === 'completed'
				? `<video controls src="${signedVideoUrl(core, `${v.id}.mp4`)}"></video>`
				: '')
		: '<!doctype html><title>Not found</title><p>Video not found.</p>';
	ctx.res.writeHead(v ? 200 : 404, {
		'content-type': 'text/html; charset=utf-8',
		'content-length': String(Buffer.byteLength(body)),
	});
	ctx.res.end(ctx.method === 'HEAD' ? undefined : body);
}

export const agentRoutes: Route[] = [
	{ method: 'POST', pattern: '/v3/video-agents', handler: createSession },
	{ method: 'GET', pattern: '/v3/video-agents', handler: listSessions },
	{ method: 'GET', pattern: '/v3/video-agents/styles', handler: listStyles },
	{
		method: 'GET',
		pattern: '/v3/video-agents/:id',
		handler: (core, ctx) => ({
			status: 200,
			body: { data: sessionView(getSession(core, ctx.params.id)) },
		}),
	},
	{ method: 'POST', pattern: '/v3/video-agents/:id', handler: sendMessage },
	{ method: 'POST', pattern: '/v3/video-agents/:id/stop', handler: stopSession },
	{ method: 'GET', pattern: '/v3/video-agents/:id/videos', handler: sessionVideos },
	{ method: 'GET', pattern: '/v3/videos', handler: listVideos },
	{ method: 'GET', pattern: '/v3/videos/:id', handler: getVideo },
	{ method: 'GET', pattern: '/v3/avatars/looks', handler: listLooks },
	{ method: 'GET', pattern: '/v3/voices', handler: listVoices },
	{ method: 'GET', pattern: '/v3/brand-kits', handler: listBrandKits },
	{ method: 'GET', pattern: '/video/:id', handler: videoPage, public: true },
];
