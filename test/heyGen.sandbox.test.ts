/**
 * The sandbox's generation endpoints used by the HeyGen node: POST /v3/videos (avatar, image),
 * video translations, lipsyncs, photo avatars and the asset list (heygen-api-generation.md §A).
 * Strictness per the contract: required fields, enums, the asset-input union (base64 refused by
 * translations and lipsyncs), unknown avatar/voice ids, each endpoint's status words, the clock,
 * a real MP4 at video_url, callbacks and Idempotency-Key replays.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

import { start, type Sandbox } from './sandbox';
import { api, MP4, SAMPLES, until, uploadFile } from './sandbox/testkit';

let sb: Sandbox;
let look: string;
let voice: string;

beforeAll(async () => {
	sb = await start({ port: 0, quiet: true });
	look = (await api(sb, 'GET', '/v3/avatars/looks')).json.data[0].id;
	voice = (await api(sb, 'GET', '/v3/voices')).json.data[0].voice_id;
});
afterAll(async () => {
	await sb.stop();
});
beforeEach(() => {
	sb.reset();
	sb.setOptions({ clock: { videoPendingMs: 50, videoProcessingMs: 100 } });
});

async function asset(kind: 'mp4' | 'wav' | 'jpeg'): Promise<string> {
	const res = await uploadFile(sb, SAMPLES[kind].bytes, { filename: `f.${SAMPLES[kind].ext}` });
	expect(res.status).toBe(200);
	return res.json.data.asset_id;
}

const expectError = (
	res: { status: number; json: { error: { code: string; param: string | null; message: string } } },
	status: number,
	code: string,
	param: string | null,
	message?: RegExp,
) => {
	expect({ status: res.status, code: res.json.error.code, param: res.json.error.param }).toEqual({
		status,
		code,
		param,
	});
	if (message) expect(res.json.error.message).toMatch(message);
};

async function finished(path: string, done = ['completed', 'failed']) {
	return await until(async () => {
		const res = await api(sb, 'GET', path);
		return done.includes(res.json.data.status) ? res.json.data : undefined;
	}, 5000);
}

describe('POST /v3/videos', () => {
	test('avatar video: waiting → pending/processing → completed with a real MP4', async () => {
		// long enough a processing phase to be seen by polling even on a busy machine
		sb.setOptions({ clock: { videoProcessingMs: 600 } });
		const res = await api(sb, 'POST', '/v3/videos', {
			json: { type: 'avatar', avatar_id: look, script: 'Hello', voice_id: voice, title: 'Hi' },
		});
		expect(res.status).toBe(200);
		expect(res.json.data).toEqual({
			video_id: expect.any(String),
			status: 'waiting',
			output_format: 'mp4',
		});
		const id = res.json.data.video_id;
		const first = await api(sb, 'GET', `/v3/videos/${id}`);
		expect(['pending', 'processing']).toContain(first.json.data.status);
		const seen = new Set<string>();
		const data = await until(async () => {
			const d = (await api(sb, 'GET', `/v3/videos/${id}`)).json.data;
			seen.add(d.status);
			return d.status === 'completed' ? d : undefined;
		});
		expect(seen.has('processing')).toBe(true);
		expect(data).toMatchObject({
			id,
			title: 'Hi',
			video_url: expect.stringContaining(`${sb.storageUrl}/videos/${id}.mp4?expires=`),
		});
		const mp4 = await request(data.video_url);
		expect(Buffer.from(await mp4.body.arrayBuffer()).equals(MP4)).toBe(true);
	});

	test('image video from an uploaded image, #fail in the title fails it with failure fields', async () => {
		const image = await asset('jpeg');
		const res = await api(sb, 'POST', '/v3/videos', {
			json: {
				type: 'image',
				image: { type: 'asset_id', asset_id: image },
				script: 'Hi',
				voice_id: voice,
				title: 'x #fail',
			},
		});
		expect(res.status).toBe(200);
		const data = await finished(`/v3/videos/${res.json.data.video_id}`);
		expect(data).toMatchObject({
			status: 'failed',
			failure_code: 'rendering_failed',
			video_url: null,
		});
	});

	test.each([
		[{ type: 'avatar', script: 'x' }, 400, 'invalid_parameter', 'avatar_id'],
		[{ type: 'avatar', avatar_id: 'nope', script: 'x' }, 400, 'avatar_not_found', 'avatar_id'],
		[
			{ type: 'avatar', avatar_id: 'LOOK', script: 'x', voice_id: 'nope' },
			400,
			'voice_not_found',
			'voice_id',
		],
		[{ type: 'avatar', avatar_id: 'LOOK' }, 400, 'invalid_parameter', 'script'],
		[
			{ type: 'avatar', avatar_id: 'LOOK', script: 'x', aspect_ratio: '3:2' },
			400,
			'invalid_parameter',
			'aspect_ratio',
		],
		[
			{ type: 'avatar', avatar_id: 'LOOK', script: 'x', engine: { type: 'v9' } },
			400,
			'invalid_parameter',
			'engine.type',
		],
		[
			{
				type: 'avatar',
				avatar_id: 'LOOK',
				script: 'x',
				background: { type: 'color', value: 'red' },
			},
			400,
			'invalid_parameter',
			'background.value',
		],
		[
			{ type: 'avatar', avatar_id: 'LOOK', script: 'x', voice_settings: { speed: 3 } },
			400,
			'invalid_parameter',
			'voice_settings.speed',
		],
		[
			{ type: 'avatar', avatar_id: 'LOOK', script: 'x', audio_url: 'https://a.example/a.mp3' },
			400,
			'invalid_parameter',
			'script',
		],
		[
			{ type: 'avatar', avatar_id: 'LOOK', script: 'x', image: { type: 'url', url: 'https://a' } },
			400,
			'invalid_parameter',
			'image',
		],
		[{ type: 'image', script: 'x', voice_id: 'VOICE' }, 400, 'invalid_parameter', 'image'],
		[
			{ type: 'image', image: { type: 'url', url: 'https://a.example/p.png' }, script: 'x' },
			400,
			'invalid_parameter',
			'voice_id',
		],
		[
			{ type: 'image', image: { type: 'file', url: 'x' }, script: 'x', voice_id: 'VOICE' },
			400,
			'invalid_parameter',
			'image.type',
		],
		[
			{
				type: 'image',
				image: { type: 'asset_id', asset_id: 'asset_gone' },
				script: 'x',
				voice_id: 'VOICE',
			},
			400,
			'asset_not_available',
			'image.asset_id',
		],
		[{ type: 'talking_photo' }, 400, 'invalid_parameter', 'type'],
		[
			{ type: 'avatar', avatar_id: 'LOOK', script: 'x', callback_id: 'c' },
			400,
			'invalid_parameter',
			'callback_id',
		],
	])('rejects %j', async (raw, status, code, param) => {
		const json = JSON.parse(JSON.stringify(raw).replace(/LOOK/g, look).replace(/VOICE/g, voice));
		expectError(await api(sb, 'POST', '/v3/videos', { json }), status, code, param);
		expect(sb.videos.size).toBe(0);
	});

	test('an audio asset must be audio; an image video accepts base64', async () => {
		const video = await asset('mp4');
		expectError(
			await api(sb, 'POST', '/v3/videos', {
				json: { type: 'avatar', avatar_id: look, audio_asset_id: video },
			}),
			400,
			'invalid_parameter',
			'audio_asset_id',
			/is video\/mp4; 'audio_asset_id' needs an audio/,
		);
		const ok = await api(sb, 'POST', '/v3/videos', {
			json: {
				type: 'image',
				image: {
					type: 'base64',
					media_type: 'image/jpeg',
					data: SAMPLES.jpeg.bytes.toString('base64'),
				},
				audio_asset_id: await asset('wav'),
			},
		});
		expect(ok.status).toBe(200);
	});

	test('Idempotency-Key replays the first answer and makes one video', async () => {
		const json = { type: 'avatar', avatar_id: look, script: 'Hello' };
		const headers = { 'idempotency-key': 'video-key-1' };
		const a = await api(sb, 'POST', '/v3/videos', { json, headers });
		const b = await api(sb, 'POST', '/v3/videos', { json, headers });
		expect(b.json.data.video_id).toBe(a.json.data.video_id);
		expect(b.headers['idempotent-replayed']).toBe('true');
		expect(sb.videos.size).toBe(1);
	});
});

describe('video translations', () => {
	test('languages list, one job per language, running → completed, MP4s served', async () => {
		sb.setOptions({ clock: { videoProcessingMs: 600 } });
		const languages = (await api(sb, 'GET', '/v3/video-translations/languages')).json.data
			.languages;
		expect(languages).toEqual(expect.arrayContaining(['Spanish (Spain)', 'French (France)']));
		const video = await asset('mp4');
		const res = await api(sb, 'POST', '/v3/video-translations', {
			json: {
				video: { type: 'asset_id', asset_id: video },
				output_languages: ['Spanish (Spain)', 'French (France)'],
				mode: 'precision',
			},
		});
		expect(res.status).toBe(200);
		const ids: string[] = res.json.data.video_translation_ids;
		expect(ids).toHaveLength(2);
		const seen = new Set<string>();
		await until(async () => {
			seen.add((await api(sb, 'GET', `/v3/video-translations/${ids[0]}`)).json.data.status);
			return seen.has('completed');
		});
		expect(seen.has('running')).toBe(true);
		expect(seen.has('processing')).toBe(false);
		const second = await finished(`/v3/video-translations/${ids[1]}`);
		expect(second).toMatchObject({
			id: ids[1],
			status: 'completed',
			output_language: 'French (France)',
		});
		expect((await request(second.video_url)).statusCode).toBe(200);
	});

	test.each([
		[{ output_languages: ['Spanish (Spain)'] }, 'video'],
		[{ video: { type: 'url', url: 'https://v.example/v.mp4' } }, 'output_languages'],
		[
			{ video: { type: 'url', url: 'https://v.example/v.mp4' }, output_languages: ['Klingon'] },
			'output_languages[0]',
		],
		[
			{
				video: { type: 'base64', media_type: 'video/mp4', data: 'AAAA' },
				output_languages: ['Spanish (Spain)'],
			},
			'video.type',
		],
		[
			{
				video: { type: 'url', url: 'https://v.example/v.mp4' },
				output_languages: ['Spanish (Spain)'],
				mode: 'fast',
			},
			'mode',
		],
		[
			{
				video: { type: 'url', url: 'https://v.example/v.mp4' },
				output_languages: ['Spanish (Spain)'],
				dubbing: true,
			},
			'dubbing',
		],
	])('rejects %j', async (json, param) => {
		expectError(
			await api(sb, 'POST', '/v3/video-translations', { json }),
			400,
			'invalid_parameter',
			param,
		);
	});

	test('unknown id → 404 not_found', async () => {
		expectError(await api(sb, 'GET', '/v3/video-translations/nope'), 404, 'not_found', null);
	});
});

describe('lipsyncs', () => {
	test('video + audio assets → running → completed; base64 refused', async () => {
		const video = await asset('mp4');
		const audio = await asset('wav');
		const res = await api(sb, 'POST', '/v3/lipsyncs', {
			json: {
				video: { type: 'asset_id', asset_id: video },
				audio: { type: 'asset_id', asset_id: audio },
			},
		});
		expect(res.status).toBe(200);
		const id = res.json.data.lipsync_id;
		const data = await finished(`/v3/lipsyncs/${id}`);
		expect(data).toMatchObject({
			id,
			status: 'completed',
			video_url: expect.stringContaining(`${sb.storageUrl}/videos/${id}.mp4?expires=`),
		});
		expectError(
			await api(sb, 'POST', '/v3/lipsyncs', {
				json: {
					video: { type: 'asset_id', asset_id: video },
					audio: { type: 'base64', media_type: 'audio/wav', data: 'AAAA' },
				},
			}),
			400,
			'invalid_parameter',
			'audio.type',
		);
		expectError(
			await api(sb, 'POST', '/v3/lipsyncs', {
				json: {
					video: { type: 'asset_id', asset_id: audio },
					audio: { type: 'asset_id', asset_id: audio },
				},
			}),
			400,
			'invalid_parameter',
			'video.asset_id',
		);
		expectError(
			await api(sb, 'POST', '/v3/lipsyncs', {
				json: { video: { type: 'asset_id', asset_id: video } },
			}),
			400,
			'invalid_parameter',
			'audio',
		);
	});
});

describe('photo avatars', () => {
	test('processing → completed; the look then makes an avatar video', async () => {
		const photo = await asset('jpeg');
		const res = await api(sb, 'POST', '/v3/avatars', {
			json: { type: 'photo', name: 'Me', file: { type: 'asset_id', asset_id: photo } },
		});
		expect(res.status).toBe(200);
		const { avatar_group: group, avatar_item: item } = res.json.data;
		expect(group.status).toBe('processing');
		expect(item).toMatchObject({ avatar_type: 'photo_avatar', status: 'processing' });
		expectError(
			await api(sb, 'POST', '/v3/videos', {
				json: { type: 'avatar', avatar_id: item.id, script: 'x' },
			}),
			400,
			'invalid_parameter',
			'avatar_id',
			/not ready/,
		);
		await finished(`/v3/avatars/${group.id}`);
		expect((await api(sb, 'GET', `/v3/avatars/looks/${item.id}`)).json.data.status).toBe(
			'completed',
		);
		const video = await api(sb, 'POST', '/v3/videos', {
			json: { type: 'avatar', avatar_id: item.id, script: 'x', voice_id: voice },
		});
		expect(video.status).toBe(200);
	});

	test('#consent stops in pending_consent, #fail fails with an error', async () => {
		const file = { type: 'url', url: 'https://p.example/me.jpg' };
		const consent = await api(sb, 'POST', '/v3/avatars', {
			json: { type: 'photo', name: 'A #consent', file },
		});
		const failed = await api(sb, 'POST', '/v3/avatars', {
			json: { type: 'photo', name: 'B #fail', file },
		});
		const a = await finished(`/v3/avatars/${consent.json.data.avatar_group.id}`, [
			'pending_consent',
		]);
		expect(a.consent_status).toBe('pending');
		const b = await finished(`/v3/avatars/${failed.json.data.avatar_group.id}`);
		expect(b).toMatchObject({ status: 'failed', error: { code: 'avatar_creation_failed' } });
	});

	test.each([
		[{ type: 'photo', file: { type: 'url', url: 'https://p.example/me.jpg' } }, 'name'],
		[{ type: 'photo', name: 'x' }, 'file'],
		[{ type: 'selfie', name: 'x' }, 'type'],
		[{ type: 'photo', name: 'x', file: { type: 'url', url: 'ftp://p' } }, 'file.url'],
	])('rejects %j', async (json, param) => {
		expectError(await api(sb, 'POST', '/v3/avatars', { json }), 400, 'invalid_parameter', param);
	});
});

describe('GET /v3/assets', () => {
	test('needs username; lists completed assets newest first with a cursor', async () => {
		expectError(await api(sb, 'GET', '/v3/assets'), 400, 'invalid_parameter', 'username');
		const ids = [await asset('jpeg'), await asset('mp4'), await asset('wav')];
		await api(sb, 'DELETE', `/v3/assets/${ids[1]}`);
		const username = (await api(sb, 'GET', '/v3/users/me')).json.data.username;
		const page1 = await api(sb, 'GET', `/v3/assets?username=${username}&limit=1`);
		expect(page1.json.data.map((a: { id: string }) => a.id)).toEqual([ids[2]]);
		expect(page1.json.has_more).toBe(true);
		const page2 = await api(
			sb,
			'GET',
			`/v3/assets?username=${username}&limit=1&token=${page1.json.next_token}`,
		);
		expect(page2.json.data[0]).toMatchObject({ id: ids[0], owner: username, type: 'image' });
		expect(page2.json.has_more).toBe(false);
		expect((await api(sb, 'GET', '/v3/assets?username=someone-else')).json.data).toEqual([]);
		expectError(
			await api(sb, 'GET', `/v3/assets?username=${username}&limit=101`),
			400,
			'invalid_parameter',
			'limit',
		);
	});
});

describe('callbacks', () => {
	let receiver: Server;
	let url: string;
	const got: unknown[] = [];
	beforeAll(async () => {
		receiver = createServer((req, res) => {
			let text = '';
			req.on('data', (c) => (text += c));
			req.on('end', () => {
				got.push(JSON.parse(text));
				res.end('ok');
			});
		});
		await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
		url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`;
	});
	afterAll(async () => {
		await new Promise((r) => receiver.close(r));
	});

	test('videos, translations and lipsyncs call back with their event types', async () => {
		const video = await asset('mp4');
		const audio = await asset('wav');
		const v = await api(sb, 'POST', '/v3/videos', {
			json: { type: 'avatar', avatar_id: look, script: 'x', callback_url: url, callback_id: 'v1' },
		});
		const t = await api(sb, 'POST', '/v3/video-translations', {
			json: {
				video: { type: 'asset_id', asset_id: video },
				output_languages: ['German (Germany)'],
				callback_url: url,
			},
		});
		const l = await api(sb, 'POST', '/v3/lipsyncs', {
			json: {
				video: { type: 'asset_id', asset_id: video },
				audio: { type: 'asset_id', asset_id: audio },
				title: 'bad #fail',
				callback_url: url,
			},
		});
		await until(() => sb.callbacks.length === 3);
		await sb.settleCallbacks();
		expect(got).toEqual(
			expect.arrayContaining([
				{
					event_type: 'avatar_video.success',
					event_data: {
						video_id: v.json.data.video_id,
						url: expect.stringContaining(
							`${sb.storageUrl}/videos/${v.json.data.video_id}.mp4?expires=`,
						),
						callback_id: 'v1',
					},
				},
				{
					event_type: 'video_translate.success',
					event_data: expect.objectContaining({
						video_translate_id: t.json.data.video_translation_ids[0],
						output_language: 'German (Germany)',
					}),
				},
				{
					event_type: 'lipsync.fail',
					event_data: expect.objectContaining({ lipsync_id: l.json.data.lipsync_id }),
				},
			]),
		);
	});
});
