/**
 * What the generation endpoints (videos, translations, lipsyncs, photo avatars) share: request
 * checks (heygen-api-generation.md §A.0 asset-input union, enums, ranges), the job clock and the
 * callbacks. Each endpoint's own file (videos.ts, translations.ts, lipsyncs.ts, avatars.ts) holds
 * its body schema and status words.
 *
 * Hooks (in a title, script, name or URL): `#fail` → the job fails with a failure message;
 * `#consent` (avatar name) → the avatar stops in `pending_consent`.
 */
import { ApiError, type Core, hexId, nowSeconds } from './core';
import type { AssetRecord, VideoRecord } from './types';
import { checkCallbackUrl, deliverWithRetries, signedVideoUrl } from './jobEnds';

export function bad(param: string | null, message: string, code = 'invalid_parameter'): ApiError {
	return new ApiError(400, code, message, param);
}

export type Body = Record<string, unknown>;

export function isHttpUrl(v: unknown): boolean {
	if (typeof v !== 'string') return false;
	try {
		const u = new URL(v);
		return u.protocol === 'http:' || u.protocol === 'https:';
	} catch {
		return false;
	}
}

export function optionalString(body: Body, key: string, param = key): string | undefined {
	const v = body[key];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'string' || v.trim() === '')
		throw bad(param, `'${param}' must be a non-empty string.`);
	return v;
}

export function requiredString(body: Body, key: string, param = key): string {
	const v = optionalString(body, key, param);
	if (v === undefined) throw bad(param, `'${param}' is required.`);
	return v;
}

export function optionalBool(body: Body, key: string, param = key): void {
	const v = body[key];
	if (v !== undefined && v !== null && typeof v !== 'boolean')
		throw bad(param, `'${param}' must be a boolean.`);
}

export function optionalEnum(body: Body, key: string, values: readonly string[], param = key) {
	const v = body[key];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'string' || !values.includes(v))
		throw bad(param, `'${param}' must be one of: ${values.join(', ')}.`);
	return v;
}

export function optionalNumber(body: Body, key: string, min: number, max: number, param = key) {
	const v = body[key];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
		throw bad(param, `'${param}' must be a number between ${min} and ${max}.`);
	return v;
}

export function optionalObject(body: Body, key: string, param = key): Body | undefined {
	const v = body[key];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'object' || Array.isArray(v)) throw bad(param, `'${param}' must be an object.`);
	return v as Body;
}

/** `callback_url` as jobEnds.ts says (https); `callback_id` only together with it. */
export function checkCallback(core: Core, body: Body): void {
	checkCallbackUrl(core, body.callback_url);
	optionalString(body, 'callback_id');
	if (typeof body.callback_id === 'string' && typeof body.callback_url !== 'string')
		throw bad('callback_id', "'callback_id' requires 'callback_url'.");
}

export type MediaKind = 'image' | 'video' | 'audio';

/** An uploaded, completed asset of the expected kind (else 400 asset_not_available / invalid_parameter). */
export function usableAsset(core: Core, id: unknown, param: string, kind: MediaKind): AssetRecord {
	if (typeof id !== 'string' || !id) throw bad(param, `'${param}' is required.`);
	const asset = core.assets.get(id);
	if (!asset || asset.status !== 'processing')
		throw bad(
			param,
			`Asset '${id}' is not available: it does not exist, was deleted, or its upload was never completed.`,
			'asset_not_available',
		);
	if (!asset.mime_type?.startsWith(`${kind}/`))
		throw bad(
			param,
			`Asset '${id}' is ${asset.mime_type ?? 'of an unknown type'}; '${param}' needs ${kind === 'video' ? 'a' : 'an'} ${kind}.`,
		);
	return asset;
}

/**
 * An asset input (heygen-api-generation.md §A.0): `{type:'url', url}`, `{type:'asset_id', asset_id}`
 * or, where the endpoint allows it, `{type:'base64', media_type, data}`. Returns a text that hooks
 * are looked for in (the URL).
 */
export function checkAssetInput(
	core: Core,
	value: unknown,
	param: string,
	kind: MediaKind,
	allowBase64: boolean,
	required = true,
): string | undefined {
	if (value === undefined || value === null) {
		if (required) throw bad(param, `'${param}' is required.`);
		return undefined;
	}
	if (typeof value !== 'object' || Array.isArray(value))
		throw bad(param, `'${param}' must be an object with a 'type'.`);
	const input = value as Body;
	const types = allowBase64 ? ['url', 'asset_id', 'base64'] : ['url', 'asset_id'];
	if (typeof input.type !== 'string' || !types.includes(input.type))
		throw bad(`${param}.type`, `'${param}.type' must be one of: ${types.join(', ')}.`);
	const allowed =
		input.type === 'url'
			? ['type', 'url']
			: input.type === 'asset_id'
				? ['type', 'asset_id']
				: ['type', 'media_type', 'data'];
	for (const key of Object.keys(input))
		if (!allowed.includes(key))
			throw bad(`${param}.${key}`, `Unknown parameter '${param}.${key}'.`);
	if (input.type === 'url') {
		if (!isHttpUrl(input.url))
			throw bad(`${param}.url`, `'${param}.url' is required and must be an http(s) URL.`);
		return input.url as string;
	}
	if (input.type === 'asset_id') {
		usableAsset(core, input.asset_id, `${param}.asset_id`, kind);
		return '';
	}
	if (typeof input.media_type !== 'string' || !input.media_type.startsWith(`${kind}/`))
		throw bad(
			`${param}.media_type`,
			`'${param}.media_type' is required and must be an ${kind}/* type.`,
		);
	if (
		typeof input.data !== 'string' ||
		input.data.length % 4 !== 0 ||
		!/^[A-Za-z0-9+/]+={0,2}$/.test(input.data)
	)
		throw bad(`${param}.data`, `'${param}.data' is required and must be base64 (no data: prefix).`);
	return '';
}

export function failHook(...texts: unknown[]): boolean {
	return texts.some((t) => typeof t === 'string' && t.includes('#fail'));
}

/**
 * A rendering job: its output video lives in `core.videos` (so `GET /v3/videos/{id}` and the
 * storage origin's `/videos/{id}.mp4` serve it, and `reset()` forgets it). It goes
 * pending → processing → completed|failed on the sandbox clock, then `onDone` runs (callbacks).
 */
export function startRender(
	core: Core,
	title: string,
	fail: boolean,
	onDone: (video: VideoRecord) => void,
	id = hexId(16),
): VideoRecord {
	const video: VideoRecord = {
		id,
		session_id: null,
		status: 'pending',
		title,
		created_at: nowSeconds(),
		completed_at: null,
		failure: null,
		failure_code: null,
		failure_message: null,
		orientation: null,
	};
	core.videos.set(video.id, video);
	const { videoPendingMs, videoProcessingMs } = core.opts.clock;
	core.schedule(videoPendingMs, () => {
		if (video.status === 'pending') video.status = 'processing';
	});
	core.schedule(videoPendingMs + videoProcessingMs, () => {
		if (core.videos.get(video.id) !== video) return; // forgotten by reset()
		video.completed_at = nowSeconds();
		if (fail) {
			video.status = 'failed';
			video.failure = 'full';
			video.failure_code = 'rendering_failed';
			video.failure_message = 'Video rendering failed (sandbox #fail hook).';
		} else {
			video.status = 'completed';
		}
		onDone(video);
	});
	return video;
}

/** A job record of this sandbox, as long as reset() has not forgotten its video. */
export function liveJob<T extends { video: VideoRecord }>(
	core: Core,
	jobs: WeakMap<Core, Map<string, T>>,
	id: string,
	notFound: string,
): T {
	const job = jobs.get(core)?.get(id);
	if (!job || core.videos.get(job.video.id) !== job.video)
		throw new ApiError(404, 'not_found', notFound);
	return job;
}

export function remember<T>(jobs: WeakMap<Core, Map<string, T>>, core: Core, id: string, job: T) {
	let map = jobs.get(core);
	if (!map) jobs.set(core, (map = new Map()));
	map.set(id, job);
}

/** The presigned URL of a completed job's MP4 (jobEnds.ts), null before. */
export function videoUrl(core: Core, video: VideoRecord): string | null {
	return video.status === 'completed' ? signedVideoUrl(core, `${video.id}.mp4`) : null;
}

/** Sends `event_type` + `event_data` to the request's callback_url, if it has one. */
export function callBack(core: Core, request: Body, eventType: string, data: Body): void {
	if (typeof request.callback_url !== 'string') return;
	deliverWithRetries(core, request.callback_url, {
		event_type: eventType,
		event_data: {
			...data,
			callback_id: typeof request.callback_id === 'string' ? request.callback_id : null,
		},
	});
}
