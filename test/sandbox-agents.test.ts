/**
 * The sandbox's own tests, part 2: Video Agent sessions, videos, prompt hooks, chat mode, stop, callbacks,
 * the concurrent-job cap. Contract: heygen-api.md §6, §7, §10, §1.6, §13.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { start, type Sandbox } from './sandbox';
import { api, directUpload, MP4, SAMPLES, sleep, until, uploadFile } from './sandbox/testkit';
import { MAX_BASE64_BYTES } from './sandbox/agents';
import * as catalog from './sandbox/catalog';

/** Ids from the sandbox's catalogues (it refuses ids it does not know, as HeyGen does). */
const CATALOG = {
	avatar: catalog.looks('', catalog.voices())[0].id,
	voice: catalog.voices()[1].voice_id,
	style: catalog.styles('')[2].style_id,
	brandKit: catalog.brandKits()[0].brand_kit_id,
};

const CLOCK = { thinkingMs: 100, generatingMs: 300, videoPendingMs: 100, videoProcessingMs: 150 };

let sb: Sandbox;

beforeAll(async () => {
	sb = await start({ port: 0, quiet: true, clock: CLOCK });
});
afterAll(async () => {
	await sb.stop();
});
beforeEach(() => {
	sb.reset();
	sb.setOptions({ clock: CLOCK, maxActiveVideoJobs: 10 });
});

const create = (json: Record<string, unknown>) => api(sb, 'POST', '/v3/video-agents', { json });
const session = async (id: string) => (await api(sb, 'GET', `/v3/video-agents/${id}`)).json.data;
const video = async (id: string) => (await api(sb, 'GET', `/v3/videos/${id}`)).json.data;

/** A presigned finished-video URL as the sandbox issues it (`?expires=…&signature=…`). */
const signedUrl = (file: string) =>
	expect.stringMatching(
		new RegExp(
			`^${sb.storageUrl}/videos/${file.replace('.', '\\.')}\\?expires=\\d+&signature=[0-9a-f]{64}$`,
		),
	);
const waitStatus = (id: string, statuses: string[], timeout = 3000) =>
	until(async () => {
		const s = await session(id);
		return statuses.includes(s.status) ? s : null;
	}, timeout);

describe('POST /v3/video-agents (§6.1) happy path and the clock', () => {
	test('generate: thinking → generating (video_id) → completed; video pending → processing → completed', async () => {
		const r = await create({ prompt: 'A 30 second product teaser', orientation: 'portrait' });
		expect(r.status).toBe(200);
		expect(r.json).toEqual({
			data: {
				session_id: expect.stringMatching(/^sess_[0-9a-f]+$/),
				status: 'thinking',
				video_id: null,
				created_at: expect.any(Number),
			},
		});
		const id = r.json.data.session_id;
		const s0 = await session(id);
		expect(s0).toMatchObject({ session_id: id, status: 'thinking', video_id: null, title: null });
		expect(s0.progress).toBeGreaterThanOrEqual(0);
		expect(s0.messages).toEqual([
			{
				role: 'user',
				type: 'text',
				content: 'A 30 second product teaser',
				created_at: expect.any(Number),
			},
		]);

		const seenVideo = new Set<string>();
		const gen = await waitStatus(id, ['generating']);
		expect(gen.video_id).toMatch(/^[0-9a-f]{32}$/);
		expect(gen.title).toBe('A 30 second product teaser');
		expect(gen.progress).toBeGreaterThanOrEqual(10);
		const vid = gen.video_id as string;
		const done = await until(
			async () => {
				const v = await video(vid);
				seenVideo.add(v.status);
				return v.status === 'completed' ? v : null;
			},
			3000,
			10,
		);
		expect([...seenVideo]).toEqual(expect.arrayContaining(['processing', 'completed']));
		expect(done).toEqual({
			id: vid,
			title: 'A 30 second product teaser',
			status: 'completed',
			created_at: expect.any(Number),
			completed_at: expect.any(Number),
			video_url: signedUrl(`${vid}.mp4`),
			captioned_video_url: null,
			subtitle_url: null,
			thumbnail_url: signedUrl(`${vid}.jpg`),
			gif_url: null,
			duration: 2,
			folder_id: null,
			output_language: null,
			video_page_url: `${sb.apiUrl}/video/${vid}`,
		});
		const fin = await waitStatus(id, ['completed']);
		expect(fin.progress).toBe(100);
		expect(fin.messages[0]).toMatchObject({ role: 'model', type: 'text' });
		expect(
			fin.messages.some(
				(m: { type: string; resource_ids?: string[] }) =>
					m.type === 'resource' && m.resource_ids?.includes(vid),
			),
		).toBe(true);

		// The video URL serves a real MP4; thumbnail a JPEG; the page some HTML.
		const mp4 = await request(done.video_url);
		expect(mp4.statusCode).toBe(200);
		expect(mp4.headers['content-type']).toBe('video/mp4');
		expect(Number(mp4.headers['content-length'])).toBe(MP4.length);
		const bytes = Buffer.from(await mp4.body.arrayBuffer());
		expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
		expect(bytes.length).toBeLessThan(20_000);
		const range = await request(done.video_url, { headers: { range: 'bytes=0-7' } });
		expect(range.statusCode).toBe(206);
		expect((await range.body.arrayBuffer()).byteLength).toBe(8);
		const thumb = await request(done.thumbnail_url);
		expect(thumb.headers['content-type']).toBe('image/jpeg');
		await thumb.body.dump();
		const page = await request(done.video_page_url);
		expect(await page.body.text()).toContain('<video');
	});

	test('video URLs are presigned: unsigned or tampered → 403 SignatureDoesNotMatch, late → 403 "Request has expired"', async () => {
		const r = await create({ prompt: 'signed' });
		const fin = await waitStatus(r.json.data.session_id, ['completed']);
		const url = (await video(fin.video_id)).video_url as string;
		const unsigned = await request(url.split('?')[0]);
		expect(unsigned.statusCode).toBe(403);
		expect(await unsigned.body.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
		const tampered = await request(
			url.replace(/expires=(\d+)/, (_, n) => `expires=${Number(n) + 1}`),
		);
		expect(tampered.statusCode).toBe(403);
		expect(await tampered.body.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
		sb.setOptions({ videoUrlExpiresInSeconds: 0 });
		const late = await request((await video(fin.video_id)).video_url);
		sb.setOptions({ videoUrlExpiresInSeconds: 3600 });
		expect(late.statusCode).toBe(403);
		expect(await late.body.text()).toContain('<Message>Request has expired</Message>');
	});

	test('callback_url must be https, or http to loopback while the sandbox is on loopback', async () => {
		const plain = await api(sb, 'POST', '/v3/video-agents', {
			json: { prompt: 'p', callback_url: 'http://example.com/hook' },
		});
		expect(plain.status).toBe(400);
		expect(plain.json.error).toMatchObject({ param: 'callback_url' });
		for (const callback_url of ['https://example.com/hook', 'http://127.0.0.1:9/hook']) {
			const ok = await api(sb, 'POST', '/v3/video-agents', { json: { prompt: 'p', callback_url } });
			expect(ok.status).toBe(200);
		}
	});

	test('the video URL is 404 until the video is completed', async () => {
		const r = await create({ prompt: 'early fetch' });
		const gen = await waitStatus(r.json.data.session_id, ['generating']);
		const early = await request(`${sb.storageUrl}/videos/${gen.video_id}.mp4`);
		expect(early.statusCode).toBe(404);
		await early.body.dump();
	});

	test('accepts every documented field, files of all three shapes, and the disputed booleans', async () => {
		const up = await uploadFile(sb, SAMPLES.png.bytes);
		const { complete } = await directUpload(sb, MP4, 'video/mp4');
		const r = await create({
			prompt: 'Everything',
			mode: 'generate',
			avatar_id: CATALOG.avatar,
			voice_id: CATALOG.voice,
			style_id: CATALOG.style,
			brand_kit_id: null,
			orientation: 'landscape',
			files: [
				{ type: 'url', url: 'https://example.com/a.png' },
				{ type: 'asset_id', asset_id: up.json.data.asset_id },
				{ type: 'asset_id', asset_id: complete.json.data.asset_id },
				{ type: 'base64', media_type: 'image/png', data: SAMPLES.png.bytes.toString('base64') },
			],
			callback_url: null,
			incognito_mode: true,
			auto_proceed: true,
			skip_agentic_stop: false,
		});
		expect(r.status).toBe(200);
		expect(sb.sessions.get(r.json.data.session_id)!.request.files).toHaveLength(4);
	});
});

describe('strictness: what the sandbox now refuses, as HeyGen does (each passed the old lax sandbox)', () => {
	test.each([
		['avatar_id', 'avatar_not_found'],
		['voice_id', 'voice_not_found'],
		['style_id', 'style_not_found'],
		['brand_kit_id', 'brand_kit_not_found'],
	])('an unknown %s → 404 %s (a made-up id no longer passes)', async (key, code) => {
		const r = await create({ prompt: 'p', [key]: 'made_up_1' });
		expect(r.status).toBe(404);
		expect(r.json.error).toMatchObject({ code, param: key });
		expect(sb.sessions.size).toBe(0);
	});

	test('catalogue ids are checked on messages too', async () => {
		const s = await create({ prompt: 'chat', mode: 'chat' });
		const r = await api(sb, 'POST', `/v3/video-agents/${s.json.data.session_id}`, {
			json: { message: 'again', voice_id: 'made_up_2' },
		});
		expect(r.status).toBe(404);
		expect(r.json.error.code).toBe('voice_not_found');
	});

	test('a plain http:// file URL → 400 (HeyGen fetches files over https only)', async () => {
		const r = await create({
			prompt: 'p',
			files: [{ type: 'url', url: 'http://example.com/a.png' }],
		});
		expect(r.status).toBe(400);
		expect(r.json.error).toMatchObject({ code: 'invalid_parameter', param: 'files[0].url' });
	});

	test.each([
		['a PNG declared as video/mp4', 'video/mp4', SAMPLES.png.bytes, /data is image\/png/],
		['text declared as image/png', 'image/png', Buffer.from('hello, not an image'), /unknown type/],
	])('base64 bytes that are not media_type (%s) → 400', async (_n, mediaType, bytes, message) => {
		const r = await create({
			prompt: 'p',
			files: [{ type: 'base64', media_type: mediaType, data: bytes.toString('base64') }],
		});
		expect(r.status).toBe(400);
		expect(r.json.error).toMatchObject({ param: 'files[0].media_type' });
		expect(r.json.error.message).toMatch(message);
	});

	test('a base64 file over the size cap → 413 payload_too_large', async () => {
		const big = Buffer.concat([SAMPLES.png.bytes, Buffer.alloc(MAX_BASE64_BYTES)]);
		const r = await create({
			prompt: 'p',
			files: [{ type: 'base64', media_type: 'image/png', data: big.toString('base64') }],
		});
		expect(r.status).toBe(413);
		expect(r.json.error).toMatchObject({ code: 'payload_too_large', param: 'files[0].data' });
	});
});

describe('validation (§6.1, §13)', () => {
	const longPrompt = 'x'.repeat(10_001);
	test.each([
		['missing prompt', {}, 'prompt'],
		['empty prompt', { prompt: '' }, 'prompt'],
		['too long prompt', { prompt: longPrompt }, 'prompt'],
		['prompt not a string', { prompt: 42 }, 'prompt'],
		['bad mode', { prompt: 'p', mode: 'batch' }, 'mode'],
		['bad orientation', { prompt: 'p', orientation: 'square' }, 'orientation'],
		['undocumented key', { prompt: 'p', duration_sec: 30 }, 'duration_sec'],
		['empty avatar_id', { prompt: 'p', avatar_id: '' }, 'avatar_id'],
		['numeric voice_id', { prompt: 'p', voice_id: 7 }, 'voice_id'],
		['callback_id without callback_url', { prompt: 'p', callback_id: 'c1' }, 'callback_id'],
		['bad callback_url', { prompt: 'p', callback_url: 'not a url' }, 'callback_url'],
		['ftp callback_url', { prompt: 'p', callback_url: 'ftp://x/y' }, 'callback_url'],
		['incognito_mode not boolean', { prompt: 'p', incognito_mode: 'yes' }, 'incognito_mode'],
		['auto_proceed null', { prompt: 'p', auto_proceed: null }, 'auto_proceed'],
		['files not an array', { prompt: 'p', files: {} }, 'files'],
		[
			'21 files',
			{
				prompt: 'p',
				files: Array.from({ length: 21 }, () => ({ type: 'url', url: 'https://e.com/a.png' })),
			},
			'files',
		],
		['file not an object', { prompt: 'p', files: ['https://e.com/a.png'] }, 'files[0]'],
		[
			'file without type',
			{ prompt: 'p', files: [{ url: 'https://e.com/a.png' }] },
			'files[0].type',
		],
		[
			'file with unknown type',
			{ prompt: 'p', files: [{ type: 'path', path: '/tmp/a' }] },
			'files[0].type',
		],
		['url file without url', { prompt: 'p', files: [{ type: 'url' }] }, 'files[0].url'],
		[
			'url file with extra key',
			{ prompt: 'p', files: [{ type: 'url', url: 'https://e.com/a', name: 'a' }] },
			'files[0].name',
		],
		[
			'asset_id file without asset_id',
			{ prompt: 'p', files: [{ type: 'url', url: 'https://e.com/a' }, { type: 'asset_id' }] },
			'files[1].asset_id',
		],
		[
			'base64 without media_type',
			{ prompt: 'p', files: [{ type: 'base64', data: 'AAAA' }] },
			'files[0].media_type',
		],
		[
			'base64 with content_type instead of media_type',
			{ prompt: 'p', files: [{ type: 'base64', content_type: 'image/png', data: 'AAAA' }] },
			'files[0].content_type',
		],
		[
			'base64 unsupported media_type',
			{ prompt: 'p', files: [{ type: 'base64', media_type: 'text/html', data: 'AAAA' }] },
			'files[0].media_type',
		],
		[
			'base64 without data',
			{ prompt: 'p', files: [{ type: 'base64', media_type: 'image/png' }] },
			'files[0].data',
		],
		[
			'base64 data not base64',
			{
				prompt: 'p',
				files: [{ type: 'base64', media_type: 'image/png', data: 'data:image/png;base64,AAAA' }],
			},
			'files[0].data',
		],
	])('%s → 400 invalid_parameter', async (_n, json, param) => {
		const r = await create(json);
		expect(r.status).toBe(400);
		expect(r.json.error).toMatchObject({
			code: 'invalid_parameter',
			param,
			message: expect.any(String),
		});
		expect(sb.sessions.size).toBe(0);
	});

	test('exactly 20 files and a 10000-character prompt are fine', async () => {
		const r = await create({
			prompt: 'y'.repeat(10_000),
			files: Array.from({ length: 20 }, () => ({ type: 'url', url: 'https://e.com/a.png' })),
		});
		expect(r.status).toBe(200);
	});

	test('the documented prompt message', async () => {
		const r = await create({ prompt: '' });
		expect(r.json.error.message).toBe("'prompt' is required and must be 1-10000 characters.");
	});

	test('asset_id files must name a completed asset of this sandbox → 400 asset_not_available', async () => {
		const init = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			json: { filename: 'a', content_type: 'video/mp4', size_bytes: 10 },
		});
		const pending = await create({
			prompt: 'p',
			files: [{ type: 'asset_id', asset_id: init.json.data.asset_id }],
		});
		expect(pending.status).toBe(400);
		expect(pending.json.error).toMatchObject({
			code: 'asset_not_available',
			param: 'files[0].asset_id',
		});
		const unknown = await create({
			prompt: 'p',
			files: [{ type: 'asset_id', asset_id: 'asset_nope' }],
		});
		expect(unknown.json.error.code).toBe('asset_not_available');
		const up = await uploadFile(sb, SAMPLES.png.bytes);
		await api(sb, 'DELETE', `/v3/assets/${up.json.data.asset_id}`);
		const deleted = await create({
			prompt: 'p',
			files: [{ type: 'asset_id', asset_id: up.json.data.asset_id }],
		});
		expect(deleted.json.error.code).toBe('asset_not_available');
	});
});

describe('prompt hooks and failures (§7, §13 "Failures")', () => {
	test('#fail: video failed with failure_code + failure_message; session failed with an error message', async () => {
		const r = await create({ prompt: 'make it #fail' });
		const id = r.json.data.session_id;
		const s = await waitStatus(id, ['failed', 'completed']);
		expect(s.status).toBe('failed');
		expect(s.video_id).toBeTruthy();
		expect(s.messages[0]).toMatchObject({
			role: 'model',
			type: 'error',
			content: expect.stringContaining('rendering_failed'),
		});
		expect(s).not.toHaveProperty('failure_code');
		const v = await video(s.video_id);
		expect(v).toMatchObject({
			id: s.video_id,
			status: 'failed',
			video_url: null,
			failure_code: 'rendering_failed',
			failure_message: expect.any(String),
		});
	});

	test('#fail-bare: the video carries only {id, status, created_at, title:""}; no error message', async () => {
		const r = await create({ prompt: 'make it #fail-bare' });
		const s = await waitStatus(r.json.data.session_id, ['failed', 'completed']);
		expect(s.status).toBe('failed');
		expect(s.messages.some((m: { type: string }) => m.type === 'error')).toBe(false);
		expect(await video(s.video_id)).toEqual({
			id: s.video_id,
			status: 'failed',
			created_at: expect.any(Number),
			title: '',
		});
	});

	test('#fail-early: fails while thinking, never gets a video_id', async () => {
		const r = await create({ prompt: 'plan #fail-early' });
		const s = await waitStatus(r.json.data.session_id, ['failed', 'completed']);
		expect(s).toMatchObject({ status: 'failed', video_id: null });
		expect(s.messages[0].type).toBe('error');
		expect(sb.videos.size).toBe(0);
	});

	test('#input: a generate session stops at waiting_for_input without a video', async () => {
		const r = await create({ prompt: 'need #input' });
		const s = await waitStatus(r.json.data.session_id, ['waiting_for_input']);
		expect(s.video_id).toBeNull();
		await sleep(400);
		expect((await session(r.json.data.session_id)).status).toBe('waiting_for_input');
		expect(sb.activeVideoJobs()).toBe(0);
	});
});

describe('chat mode (§6.3), stop, session videos, lists', () => {
	test('chat: reviewing → message {session_id, run_id, title} → completed; /videos lists newest first', async () => {
		const r = await create({ prompt: 'A chat about tea', mode: 'chat' });
		const id = r.json.data.session_id;
		await waitStatus(id, ['reviewing']);
		const m = await api(sb, 'POST', `/v3/video-agents/${id}`, {
			json: { message: 'Looks good, go ahead' },
		});
		expect(m.status).toBe(200);
		expect(m.json).toEqual({
			data: { session_id: id, run_id: expect.stringMatching(/^run_/), title: 'A chat about tea' },
		});
		const first = await waitStatus(id, ['completed']);
		const m2 = await api(sb, 'POST', `/v3/video-agents/${id}`, {
			json: { message: 'Make it shorter', auto_proceed: true },
		});
		expect(m2.json.data.run_id).not.toBe(m.json.data.run_id);
		const second = await until(async () => {
			const s = await session(id);
			return s.status === 'completed' && s.video_id !== first.video_id ? s : null;
		}, 3000);
		const vids = await api(sb, 'GET', `/v3/video-agents/${id}/videos`);
		expect(vids.status).toBe(200);
		expect(vids.json).toMatchObject({ has_more: false, next_token: null });
		expect(vids.json.data.map((v: { id: string }) => v.id)).toEqual([
			second.video_id,
			first.video_id,
		]);
		expect(vids.json.data[0]).toMatchObject({ status: 'completed', video_url: expect.any(String) });
		const page = await api(sb, 'GET', `/v3/video-agents/${id}/videos?limit=1`);
		expect(page.json.data).toHaveLength(1);
		expect(page.json.has_more).toBe(true);
	});

	test('chat with auto_proceed goes straight to generating', async () => {
		const r = await create({ prompt: 'auto', mode: 'chat', auto_proceed: true });
		await waitStatus(r.json.data.session_id, ['completed']);
	});

	test('message to a generate session → 400 invalid_parameter; validation; unknown session → 404', async () => {
		const r = await create({ prompt: 'gen' });
		const id = r.json.data.session_id;
		const m = await api(sb, 'POST', `/v3/video-agents/${id}`, { json: { message: 'hi' } });
		expect(m.status).toBe(400);
		expect(m.json.error).toMatchObject({ code: 'invalid_parameter', param: 'session_id' });
		const chat = (await create({ prompt: 'chat', mode: 'chat' })).json.data.session_id;
		expect((await api(sb, 'POST', `/v3/video-agents/${chat}`, { json: {} })).json.error.param).toBe(
			'message',
		);
		expect(
			(await api(sb, 'POST', `/v3/video-agents/${chat}`, { json: { message: 'x'.repeat(10_001) } }))
				.json.error.param,
		).toBe('message');
		expect(
			(await api(sb, 'POST', `/v3/video-agents/${chat}`, { json: { message: 'x', mode: 'chat' } }))
				.json.error.param,
		).toBe('mode');
		expect(
			(
				await api(sb, 'POST', `/v3/video-agents/${chat}`, {
					json: { message: 'x', files: [{ type: 'url' }] },
				})
			).json.error.param,
		).toBe('files[0].url');
		const nf = await api(sb, 'POST', '/v3/video-agents/sess_nope', { json: { message: 'hi' } });
		expect(nf.status).toBe(404);
		expect(nf.json.error).toMatchObject({ code: 'not_found', message: 'Session not found.' });
	});

	test('stop: generate → failed (+ callback-free error message); chat → waiting_for_input; finished → no-op; unknown → 404', async () => {
		const g = (await create({ prompt: 'stop me' })).json.data.session_id;
		const st = await api(sb, 'POST', `/v3/video-agents/${g}/stop`, { json: {} });
		expect(st.status).toBe(200);
		expect(st.json).toEqual({ data: { session_id: g } });
		const gs = await session(g);
		expect(gs.status).toBe('failed');
		expect(gs.messages[0].type).toBe('error');
		await sleep(450);
		expect((await session(g)).status).toBe('failed');

		const c = (await create({ prompt: 'chat stop', mode: 'chat', auto_proceed: true })).json.data
			.session_id;
		await waitStatus(c, ['generating']);
		await api(sb, 'POST', `/v3/video-agents/${c}/stop`);
		expect((await session(c)).status).toBe('waiting_for_input');

		const done = (await create({ prompt: 'quick' })).json.data.session_id;
		await waitStatus(done, ['completed']);
		expect((await api(sb, 'POST', `/v3/video-agents/${done}/stop`)).status).toBe(200);
		expect((await session(done)).status).toBe('completed');
		expect((await api(sb, 'POST', '/v3/video-agents/sess_nope/stop')).status).toBe(404);
	});

	test('GET unknown session / video → 404 with the documented messages', async () => {
		const s = await api(sb, 'GET', '/v3/video-agents/sess_nope');
		expect(s.status).toBe(404);
		expect(s.json.error).toMatchObject({ code: 'not_found', message: 'Session not found.' });
		const v = await api(sb, 'GET', '/v3/videos/0123');
		expect(v.status).toBe(404);
		expect(v.json.error).toMatchObject({ code: 'not_found', message: 'Video not found.' });
		expect((await api(sb, 'GET', '/v3/video-agents/sess_nope/videos')).status).toBe(404);
	});

	test('GET /v3/video-agents and GET /v3/videos list newest first', async () => {
		const a = (await create({ prompt: 'first' })).json.data.session_id;
		await sleep(5);
		const b = (await create({ prompt: 'second' })).json.data.session_id;
		const list = await api(sb, 'GET', '/v3/video-agents');
		expect(list.json.data.map((s: { session_id: string }) => s.session_id).sort()).toEqual(
			[a, b].sort(),
		);
		// (the title appears once the session's clock has moved on: null or text on a loaded machine)
		const [newest] = list.json.data as Array<Record<string, unknown>>;
		expect(Object.keys(newest).sort()).toEqual(['created_at', 'session_id', 'title']);
		expect(newest.title === null || typeof newest.title === 'string').toBe(true);
		await waitStatus(b, ['completed']);
		const vids = await api(sb, 'GET', '/v3/videos');
		expect(vids.json.data.length).toBe(2);
		expect((await api(sb, 'GET', '/v3/videos?limit=101')).status).toBe(400);
	});
});

describe('callback_url deliveries (§10)', () => {
	let receiver: Server;
	let url: string;
	const got: Array<{ headers: IncomingMessage['headers']; raw: string }> = [];
	let answer = 200;

	beforeAll(async () => {
		receiver = createServer((req, res) => {
			let raw = '';
			req.on('data', (c) => (raw += c));
			req.on('end', () => {
				got.push({ headers: req.headers, raw });
				res.writeHead(answer).end('ok');
			});
		});
		await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
		url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	});
	afterAll(async () => {
		receiver.closeAllConnections();
		await new Promise((r) => receiver.close(r));
	});
	beforeEach(() => {
		got.length = 0;
		answer = 200;
	});

	test('success: video_agent.success with session_id, video_id, callback_id, url and signed Heygen-* headers', async () => {
		const r = await create({ prompt: 'notify me', callback_url: url, callback_id: 'cb-42' });
		const id = r.json.data.session_id;
		await until(() => got.length === 1, 3000);
		const s = await session(id);
		const body = JSON.parse(got[0].raw);
		expect(body).toEqual({
			event_type: 'video_agent.success',
			event_data: {
				session_id: id,
				video_id: s.video_id,
				callback_id: 'cb-42',
				url: signedUrl(`${s.video_id}.mp4`),
			},
		});
		const h = got[0].headers;
		expect(h['content-type']).toBe('application/json');
		expect(h['heygen-signature']).toBe(
			createHmac('sha256', 'whsec_sandbox').update(got[0].raw).digest('hex'),
		);
		expect(Math.abs(Number(h['heygen-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
		expect(h['heygen-event-id']).toMatch(/^evt_[0-9a-f]{32}$/);
		expect(s.status).toBe('completed');
		expect((await video(s.video_id)).status).toBe('completed');
		await sb.settleCallbacks();
		expect(sb.callbacks).toEqual([
			{
				url,
				headers: expect.objectContaining({ 'heygen-signature': h['heygen-signature'] }),
				body,
				status: 200,
				at: expect.any(Number),
			},
		]);
	});

	test('callbackRetries: a delivery answered 500 is sent again a second later, until a 2xx', async () => {
		sb.setOptions({ callbackRetries: 3 });
		answer = 500;
		try {
			await create({ prompt: 'retry me', callback_url: url });
			await until(() => got.length === 1, 3000);
			answer = 200;
			await until(() => got.length === 2, 3000);
			await new Promise((r) => setTimeout(r, 2500));
			expect(got).toHaveLength(2);
			expect(got[1].raw).toBe(got[0].raw);
			await sb.settleCallbacks();
			expect(sb.callbacks.map((c) => c.status)).toEqual([500, 200]);
			expect(sb.callbacks[1].at - sb.callbacks[0].at).toBeGreaterThanOrEqual(900);
		} finally {
			sb.setOptions({ callbackRetries: 0 });
		}
	});

	test('callbackFaults: the next job-end callback is never sent, the one after comes twice', async () => {
		sb.setOptions({ callbackFaults: ['never', 'twice'] });
		const lost = await create({ prompt: 'lost callback', callback_url: url });
		await until(() => sb.sessions.get(lost.json.data.session_id)?.status === 'completed', 5000);
		const doubled = await create({ prompt: 'double callback', callback_url: url });
		await until(() => got.length === 2, 5000);
		await new Promise((r) => setTimeout(r, 500));
		const sessions = got.map((g) => JSON.parse(g.raw).event_data.session_id);
		expect(sessions).toEqual([doubled.json.data.session_id, doubled.json.data.session_id]);
		expect(got[1].raw).toBe(got[0].raw);
		expect(sb.options().callbackFaults).toEqual([]);
	});

	test('failure: video_agent.fail with msg; callback_id null when not given; receiver errors are recorded', async () => {
		answer = 500;
		const r = await create({ prompt: 'this will #fail', callback_url: url });
		await until(() => got.length === 1, 3000);
		const body = JSON.parse(got[0].raw);
		expect(body).toEqual({
			event_type: 'video_agent.fail',
			event_data: {
				session_id: r.json.data.session_id,
				video_id: expect.any(String),
				callback_id: null,
				msg: expect.any(String),
			},
		});
		await sb.settleCallbacks();
		expect(sb.callbacks[0]).toMatchObject({ status: 500 });
	});

	test('one delivery per event; ids differ between events', async () => {
		await create({ prompt: 'a', callback_url: url });
		await create({ prompt: 'b #fail-early', callback_url: url });
		await until(() => got.length === 2, 3000);
		await sleep(300);
		expect(got).toHaveLength(2);
		expect(got[0].headers['heygen-event-id']).not.toBe(got[1].headers['heygen-event-id']);
		const early = got
			.map((g) => JSON.parse(g.raw))
			.find((b) => b.event_type === 'video_agent.fail');
		expect(early.event_data.video_id).toBeNull();
	});

	test('a receiver that is down never throws: the delivery is recorded with status 0 and an error', async () => {
		const dead = `http://127.0.0.1:1/nobody`;
		await create({ prompt: 'into the void', callback_url: dead });
		await until(() => sb.callbacks.length === 1, 3000);
		expect(sb.callbacks[0]).toMatchObject({ url: dead, status: 0, error: expect.any(String) });
		expect((await api(sb, 'GET', '/v3/users/me')).status).toBe(200);
	});
});

describe('concurrent job cap → 429 (§1.6)', () => {
	test('above maxActiveVideoJobs: 429 rate_limit_exceeded with an integer Retry-After; frees up when jobs finish', async () => {
		sb.setOptions({ maxActiveVideoJobs: 2 });
		const a = await create({ prompt: 'one' });
		const b = await create({ prompt: 'two' });
		expect([a.status, b.status]).toEqual([200, 200]);
		expect(sb.activeVideoJobs()).toBe(2);
		const c = await create({ prompt: 'three' });
		expect(c.status).toBe(429);
		expect(c.json.error).toMatchObject({ code: 'rate_limit_exceeded' });
		expect(c.headers['retry-after']).toMatch(/^\d+$/);
		expect(Number(c.headers['retry-after'])).toBeGreaterThanOrEqual(1);
		expect(sb.sessions.size).toBe(2);
		await waitStatus(a.json.data.session_id, ['completed']);
		await waitStatus(b.json.data.session_id, ['completed']);
		expect(sb.activeVideoJobs()).toBe(0);
		expect((await create({ prompt: 'three again' })).status).toBe(200);
	});

	test('a chat message that starts a new job also counts', async () => {
		sb.setOptions({ maxActiveVideoJobs: 1 });
		const chat = (await create({ prompt: 'chat', mode: 'chat' })).json.data.session_id;
		await waitStatus(chat, ['reviewing']);
		expect(sb.activeVideoJobs()).toBe(0);
		const busy = await create({ prompt: 'busy' });
		expect(busy.status).toBe(200);
		const m = await api(sb, 'POST', `/v3/video-agents/${chat}`, { json: { message: 'go' } });
		expect(m.status).toBe(429);
		expect(m.headers['retry-after']).toBeDefined();
	});
});
