/**
 * The HeyGen node inside the real n8n engine, against the HeyGen sandbox: every operation's happy
 * path with the sandbox journal checked, the job engine's endings (failed, timed out, pending
 * consent), downloads, retries of the idempotent creates, and "Continue On Fail".
 */
import { createHash } from 'node:crypto';

import type { IDataObject, INode } from 'n8n-workflow';

import { jpegBytes, mp4Bytes, wavBytes } from './fixtures/files';
import { readBinary, removeScratch, runWorkflow, source } from './harness/engine';
import { answerWaitingWebhook } from './harness/waiting';
import { assetsNode, heyGenNode, sandboxCredentials } from './harness/heygen';
import { SAMPLE_MP4, start, type Sandbox } from './sandbox';

const FAST_CLOCK = { videoPendingMs: 40, videoProcessingMs: 110 };

let sandbox: Sandbox;
let look: string;
let voice: string;

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true, clock: FAST_CLOCK });
	const headers = { 'x-api-key': sandbox.apiKey };
	look = (
		(await (
			await fetch(`${sandbox.apiUrl}/v3/avatars/looks`, { headers })
		).json()) as IDataObject & { data: IDataObject[] }
	).data[0].id as string;
	voice = (
		(await (await fetch(`${sandbox.apiUrl}/v3/voices`, { headers })).json()) as IDataObject & {
			data: IDataObject[];
		}
	).data[0].voice_id as string;
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

beforeEach(() => {
	sandbox.reset();
	sandbox.setOptions({ clock: FAST_CLOCK });
});

function run(nodes: INode[]) {
	return runWorkflow({ nodes, binaryMode: 'filesystem', credentials: sandboxCredentials(sandbox) });
}

function calls(method: string, path: RegExp) {
	return sandbox.journal('api').filter((e) => e.method === method && path.test(e.path));
}

/** Uploads through the sandbox's API (not under test here) and returns the asset id. */
async function upload(bytes: Buffer, fileName: string): Promise<string> {
	const form = new FormData();
	form.append('file', new Blob([new Uint8Array(bytes)]), fileName);
	const response = await fetch(`${sandbox.apiUrl}/v3/assets`, {
		method: 'POST',
		headers: { 'x-api-key': sandbox.apiKey },
		body: form,
	});
	const body = (await response.json()) as { data: { asset_id: string } };
	return body.data.asset_id;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const jpeg = () => ({ fileName: 'me.jpg', mimeType: 'image/jpeg', content: jpegBytes(4000) });

describe('avatar + video', () => {
	it('photo → photo avatar → avatar video with a script, MP4 saved (example 05 in the engine)', async () => {
		const result = await run([
			source([{ binary: { data: jpeg() } }]),
			assetsNode({ operation: 'upload' }),
			heyGenNode({ resource: 'avatar', operation: 'create', name: 'Me' }, {}, 'Avatar'),
			heyGenNode(
				{
					resource: 'video',
					operation: 'create',
					avatarId: { __rl: true, mode: 'id', value: '={{ $json.avatar_id }}' },
					script: 'Hello from my photo avatar',
					voiceId: { __rl: true, mode: 'id', value: voice },
					options: { title: 'Hello', aspectRatio: '9:16', captions: true, downloadVideo: true },
				},
				{},
				'Video',
			),
		]);
		expect(result.error).toBeUndefined();
		const assetId = result.output('HeyGen Assets')[0].json.asset_id;
		const [avatar] = result.output('Avatar');
		expect(avatar.json).toMatchObject({
			avatar_id: expect.any(String),
			avatar_group_id: expect.stringMatching(/^group_/),
			status: 'completed',
			avatar_type: 'photo_avatar',
		});
		const [video] = result.output('Video');
		expect(video.json).toMatchObject({
			video_id: expect.any(String),
			status: 'completed',
			title: 'Hello',
			video_url: expect.stringContaining(
				`${sandbox.storageUrl}/videos/${video.json.video_id as string}.mp4?expires=`,
			),
		});
		expect((await readBinary(video.binary!.data)).equals(SAMPLE_MP4)).toBe(true);
		expect(video.binary!.data.mimeType).toBe('video/mp4');

		const [avatarCreate] = calls('POST', /^\/v3\/avatars$/);
		expect(avatarCreate.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
		expect(sandbox.videos.get(video.json.video_id as string)!.status).toBe('completed');
		const [videoCreate] = calls('POST', /^\/v3\/videos$/);
		expect(videoCreate.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
		expect(videoCreate.headers['idempotency-key']).not.toBe(
			avatarCreate.headers['idempotency-key'],
		);
		// the look was polled until completed, then the video until completed
		expect(
			calls('GET', new RegExp(`^/v3/avatars/looks/${avatar.json.avatar_id as string}$`)).length,
		).toBeGreaterThan(0);
		expect(
			calls('GET', new RegExp(`^/v3/videos/${video.json.video_id as string}$`)).length,
		).toBeGreaterThan(0);
		expect(assetId).toMatch(/^asset_/);
	});

	it('sends exactly the fields set: an image video from an asset with a voice-over asset and a color background', async () => {
		const image = await upload(jpegBytes(3000), 'p.jpg');
		const audio = await upload(wavBytes(), 'v.wav');
		const result = await run([
			source([{ json: { asset_id: image, voice_over: audio } }]),
			heyGenNode({
				resource: 'video',
				operation: 'create',
				videoType: 'image',
				speechSource: 'audio',
				audio: '={{ $json.voice_over }}',
				waitForCompletion: false,
				options: { backgroundColor: '#1e40af', resolution: '720p' },
			}),
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.output('HeyGen');
		expect(item.json).toEqual({ video_id: expect.any(String), status: 'waiting' });
		const creates = calls('POST', /^\/v3\/videos$/);
		expect(creates).toHaveLength(1);
		// exactly these fields, in this order: nothing unset is sent (no nulls, no empty strings)
		const expected = JSON.stringify({
			type: 'image',
			image: { type: 'asset_id', asset_id: image },
			audio_asset_id: audio,
			resolution: '720p',
			background: { type: 'color', value: '#1E40AF' },
		});
		expect(creates[0].sha256).toBe(sha256(expected));
		// not waiting: no status read
		expect(calls('GET', /^\/v3\/videos\//)).toHaveLength(0);
	});

	it('a failed render is an output item with the ids and failure fields, not an error', async () => {
		const result = await run([
			source([{ json: {} }]),
			heyGenNode({
				resource: 'video',
				operation: 'create',
				avatarId: { __rl: true, mode: 'list', value: look },
				script: 'x',
				options: { title: 'broken #fail', downloadVideo: true },
			}),
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.output('HeyGen');
		expect(item.json).toMatchObject({
			video_id: expect.any(String),
			status: 'failed',
			failure_code: 'rendering_failed',
			failure_message: 'Video rendering failed (sandbox #fail hook).',
		});
		expect(item.binary).toBeUndefined();
	});

	it('a wait that runs out keeps the ids and says so (finished: false)', async () => {
		sandbox.setOptions({ clock: { videoPendingMs: 5000, videoProcessingMs: 5000 } });
		const result = await run([
			source([{ json: {} }]),
			heyGenNode({
				resource: 'video',
				operation: 'create',
				avatarId: { __rl: true, mode: 'id', value: look },
				script: 'x',
				options: { maxWaitSeconds: 0.3 },
			}),
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.output('HeyGen');
		expect(item.json).toMatchObject({
			video_id: expect.any(String),
			status: 'pending',
			finished: false,
		});
		expect(item.json.wait_note).toMatch(/^Not finished within Max Wait/);
	});

	it('Video → Get reads a video by id and downloads it', async () => {
		const created = await run([
			source([{ json: {} }]),
			heyGenNode({
				resource: 'video',
				operation: 'create',
				avatarId: { __rl: true, mode: 'id', value: look },
				script: 'x',
			}),
		]);
		const id = created.output('HeyGen')[0].json.video_id as string;
		const result = await run([
			source([{ json: { video_id: id } }]),
			heyGenNode({
				resource: 'video',
				operation: 'get',
				options: { downloadVideo: true, binaryPropertyName: 'mp4' },
			}),
		]);
		const [item] = result.output('HeyGen');
		expect(item.json).toMatchObject({ video_id: id, status: 'completed' });
		expect((await readBinary(item.binary!.mp4)).equals(SAMPLE_MP4)).toBe(true);
	});
});

describe('video translation', () => {
	it('a video → two languages: one job and one item per language, both MP4s saved (example 06 in the engine)', async () => {
		const result = await run([
			source([
				{
					binary: {
						data: { fileName: 'talk.mp4', mimeType: 'video/mp4', content: mp4Bytes(5000) },
					},
				},
			]),
			assetsNode({ operation: 'upload' }),
			heyGenNode({
				resource: 'videoTranslation',
				operation: 'create',
				outputLanguages: ['Spanish (Spain)', 'French (France)'],
				options: { mode: 'precision', enableCaption: true, downloadVideo: true },
			}),
		]);
		expect(result.error).toBeUndefined();
		const assetId = result.output('HeyGen Assets')[0].json.asset_id;
		const out = result.output('HeyGen');
		expect(out.map((i) => i.json.output_language)).toEqual(['Spanish (Spain)', 'French (France)']);
		for (const item of out) {
			expect(item.json).toMatchObject({
				video_translation_id: expect.any(String),
				status: 'completed',
			});
			expect(item.pairedItem).toEqual([{ item: 0 }]);
			expect((await readBinary(item.binary!.data)).equals(SAMPLE_MP4)).toBe(true);
		}
		const [create] = calls('POST', /^\/v3\/video-translations$/);
		expect(create.headers['idempotency-key']).toBeDefined();
		expect(create.sha256).toBe(
			sha256(
				JSON.stringify({
					video: { type: 'asset_id', asset_id: assetId },
					output_languages: ['Spanish (Spain)', 'French (France)'],
					mode: 'precision',
					enable_caption: true,
				}),
			),
		);
	});

	it('Video Translation → Get reads one translation', async () => {
		const video = await upload(mp4Bytes(3000), 'v.mp4');
		const created = await run([
			source([{ json: { asset_id: video } }]),
			heyGenNode({
				resource: 'videoTranslation',
				operation: 'create',
				outputLanguages: 'German (Germany)',
				waitForCompletion: false,
			}),
		]);
		const [job] = created.output('HeyGen');
		expect(job.json).toEqual({
			video_translation_id: expect.any(String),
			status: 'pending',
			output_language: 'German (Germany)',
		});
		const result = await run([
			source([{ json: job.json }]),
			heyGenNode({ resource: 'videoTranslation', operation: 'get' }),
		]);
		expect(result.output('HeyGen')[0].json).toMatchObject({
			video_translation_id: job.json.video_translation_id,
			output_language: 'German (Germany)',
		});
	});
});

describe('lipsync', () => {
	it('a video + a voice-over → lipsync, MP4 saved; Get reads it again (example 07 in the engine)', async () => {
		const video = await upload(mp4Bytes(3000), 'v.mp4');
		const audio = await upload(wavBytes(), 'voice.wav');
		const result = await run([
			source([{ json: { asset_id: video, voice: audio } }]),
			heyGenNode({
				resource: 'lipsync',
				operation: 'create',
				audio: '={{ $json.voice }}',
				options: { title: 'Synced', downloadVideo: true },
			}),
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.output('HeyGen');
		expect(item.json).toMatchObject({
			lipsync_id: expect.any(String),
			status: 'completed',
			title: 'Synced',
		});
		expect((await readBinary(item.binary!.data)).equals(SAMPLE_MP4)).toBe(true);
		const [create] = calls('POST', /^\/v3\/lipsyncs$/);
		expect(create.sha256).toBe(
			sha256(
				JSON.stringify({
					video: { type: 'asset_id', asset_id: video },
					audio: { type: 'asset_id', asset_id: audio },
					title: 'Synced',
				}),
			),
		);
		const again = await run([
			source([{ json: item.json }]),
			heyGenNode({ resource: 'lipsync', operation: 'get' }),
		]);
		expect(again.output('HeyGen')[0].json).toMatchObject({
			lipsync_id: item.json.lipsync_id,
			status: 'completed',
		});
	});
});

describe('photo avatar consent', () => {
	it('pending_consent ends the wait at once with what to do next', async () => {
		const result = await run([
			source([{ json: { photo: 'https://photos.example.com/me.jpg' } }]),
			heyGenNode({
				resource: 'avatar',
				operation: 'create',
				name: 'Me #consent',
				file: '={{ $json.photo }}',
				options: { maxWaitSeconds: 600 },
			}),
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.output('HeyGen');
		expect(item.json).toMatchObject({ avatar_id: expect.any(String), status: 'pending_consent' });
		expect(item.json.next_step).toMatch(/consent of the person in the photo/);
		const again = await run([
			source([{ json: item.json }]),
			heyGenNode({ resource: 'avatar', operation: 'get' }),
		]);
		expect(again.output('HeyGen')[0].json).toMatchObject({
			avatar_id: item.json.avatar_id,
			status: 'pending_consent',
			next_step: item.json.next_step,
		});
	});
});

describe('asset', () => {
	it('Get, Get Many (username from /v3/users/me) and Delete', async () => {
		const a = await upload(jpegBytes(2000), 'a.jpg');
		const b = await upload(mp4Bytes(2000), 'b.mp4');
		const list = await run([
			source([{ json: {} }]),
			heyGenNode({ resource: 'asset', operation: 'getMany', returnAll: true }),
		]);
		expect(list.output('HeyGen').map((i) => i.json.asset_id)).toEqual([b, a]);
		expect(calls('GET', /^\/v3\/users\/me$/)).toHaveLength(1);
		expect(calls('GET', /^\/v3\/assets$/).map((e) => e.query.username)).toEqual(['sandbox-user']);

		const limited = await run([
			source([{ json: {} }]),
			heyGenNode({
				resource: 'asset',
				operation: 'getMany',
				limit: 1,
				options: { username: 'sandbox-user' },
			}),
		]);
		expect(limited.output('HeyGen').map((i) => i.json.asset_id)).toEqual([b]);

		const got = await run([
			source([{ json: { asset_id: a } }]),
			heyGenNode({ resource: 'asset', operation: 'get' }),
		]);
		expect(got.output('HeyGen')[0].json).toMatchObject({
			asset_id: a,
			id: a,
			type: 'image',
			owner: 'sandbox-user',
		});

		const deleted = await run([
			source([{ json: { asset_id: a } }]),
			heyGenNode({ resource: 'asset', operation: 'delete' }),
		]);
		expect(deleted.output('HeyGen')[0].json).toEqual({ asset_id: a, deleted: true });
		expect(sandbox.assets.get(a)!.status).toBe('deleted');
	});
});

describe('retries and item errors', () => {
	it.each([500, 503, 429])(
		'a %i on an idempotent create is retried with the same Idempotency-Key: one job made',
		async (status) => {
			sandbox.injectFault({
				method: 'POST',
				path: '/v3/lipsyncs',
				kind: 'status',
				status,
				retryAfter: 0,
			});
			const result = await run([
				source([
					{ json: { video: 'https://v.example.com/a.mp4', audio: 'https://v.example.com/a.wav' } },
				]),
				heyGenNode({
					resource: 'lipsync',
					operation: 'create',
					video: '={{ $json.video }}',
					audio: '={{ $json.audio }}',
					waitForCompletion: false,
				}),
			]);
			expect(result.error).toBeUndefined();
			const creates = calls('POST', /^\/v3\/lipsyncs$/);
			expect(creates.map((e) => e.status)).toEqual([status, 200]);
			expect(creates[1].headers['idempotency-key']).toBe(creates[0].headers['idempotency-key']);
			expect(result.output('HeyGen')).toHaveLength(1);
			expect([...sandbox.videos.values()]).toHaveLength(1);
		},
	);

	it('a dropped connection on create is retried too, and HeyGen replays the first answer', async () => {
		sandbox.injectFault({ method: 'POST', path: '/v3/videos', kind: 'drop' });
		const result = await run([
			source([{ json: {} }]),
			heyGenNode({
				resource: 'video',
				operation: 'create',
				avatarId: { __rl: true, mode: 'id', value: look },
				script: 'x',
				waitForCompletion: false,
			}),
		]);
		expect(result.error).toBeUndefined();
		expect(calls('POST', /^\/v3\/videos$/)).toHaveLength(2);
		expect(sandbox.videos.size).toBe(1);
	});

	it('with Continue On Fail a HeyGen refusal is that item’s error item and the other item goes on', async () => {
		const result = await run([
			source([{ json: { avatar: 'unknown-look' } }, { json: { avatar: look } }]),
			heyGenNode(
				{
					resource: 'video',
					operation: 'create',
					avatarId: { __rl: true, mode: 'id', value: '={{ $json.avatar }}' },
					script: 'x',
					waitForCompletion: false,
				},
				{ onError: 'continueRegularOutput' },
			),
		]);
		expect(result.error).toBeUndefined();
		const out = result.output('HeyGen');
		expect(out).toHaveLength(2);
		expect(out[0].json.error).toBe(
			"Creating the video failed: HeyGen answered 400 avatar_not_found: Avatar 'unknown-look' not found.",
		);
		expect(out[0].pairedItem).toEqual([{ item: 0 }]);
		expect(out[1].json).toMatchObject({ video_id: expect.any(String), status: 'waiting' });
		expect(out[1].pairedItem).toEqual([{ item: 1 }]);
	});

	it('an error that stops the node lists the jobs already created', async () => {
		const result = await run([
			source([{ json: { avatar: look } }, { json: { avatar: 'unknown-look' } }]),
			heyGenNode({
				resource: 'video',
				operation: 'create',
				avatarId: { __rl: true, mode: 'id', value: '={{ $json.avatar }}' },
				script: 'x',
				waitForCompletion: false,
				options: { concurrency: 1 },
			}),
		]);
		expect(result.error?.message).toMatch(/avatar_not_found/);
		const [video] = [...sandbox.videos.keys()];
		expect((result.error as { description?: string }).description).toContain(
			`item 0: video_id ${video}`,
		);
	});
});

describe('Wait Method: Callback', () => {
	it('sends the execution’s resume URL as callback_url, waits without reading, and webhook() resumes once the lipsync is done', async () => {
		// slow enough that the early callback below surely comes while HeyGen still renders
		sandbox.setOptions({ clock: { videoPendingMs: 500, videoProcessingMs: 1000 } });
		const result = await run([
			source([
				{ json: { video: 'https://v.example.com/a.mp4', audio: 'https://v.example.com/a.wav' } },
			]),
			heyGenNode({
				resource: 'lipsync',
				operation: 'create',
				video: '={{ $json.video }}',
				audio: '={{ $json.audio }}',
				waitMethod: 'callback',
				options: { maxWaitSeconds: 600 },
			}),
		]);
		expect(result.error).toBeUndefined();
		expect(result.run.waitTill).toBeInstanceOf(Date);
		expect((result.run.waitTill as Date).getTime()).toBeGreaterThan(Date.now() + 500_000);
		const [create] = calls('POST', /^\/v3\/lipsyncs$/);
		const [job] = [...sandbox.videos.values()];
		const [waiting] = result.output('HeyGen');
		expect(waiting.json).toMatchObject({ lipsync_id: job.id, finished: false });
		expect(waiting.json.wait_note).toMatch(/^Waiting for HeyGen's callback/);
		// the node read nothing while waiting: no poll
		expect(calls('GET', /^\/v3\/lipsyncs\//)).toHaveLength(0);
		expect(create.headers['idempotency-key']).toBeDefined();
		// A callback while HeyGen still renders: answered, the execution keeps waiting.
		const early = await answerWaitingWebhook(result, 'HeyGen', { forged: true });
		expect(early).toEqual({ webhookResponse: { received: true, resumed: false } });
		// HeyGen (the sandbox) calls the resume URL once the lipsync is done
		for (let i = 0; i < 250 && sandbox.callbacks.length === 0; i++)
			await new Promise((resolve) => setTimeout(resolve, 20));
		expect(sandbox.callbacks[0]).toMatchObject({
			// n8n's $execution.resumeUrl of this execution (the harness's default base URL)
			url: expect.stringMatching(
				/^http:\/\/127\.0\.0\.1:\d+\/webhook-waiting\/[0-9a-f-]{36}\?signature=[0-9a-f]{64}$/,
			),
			body: {
				event_type: 'lipsync.success',
				event_data: expect.objectContaining({ lipsync_id: job.id }),
			},
		});
		// n8n's waiting webhook runs the node's webhook(): it re-reads the lipsync and resumes
		const resumed = await answerWaitingWebhook(result, 'HeyGen');
		const [items] = resumed.workflowData!;
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual([{ item: 0 }]);
		expect(items[0].json).toMatchObject({
			lipsync_id: job.id,
			status: 'completed',
			video_url: expect.stringContaining(`/videos/${job.id}.mp4?`),
		});
		expect(calls('GET', /^\/v3\/lipsyncs\//)).toHaveLength(2);
	});
});
