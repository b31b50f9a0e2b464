/**
 * HeyGen Video Agent inside the real n8n engine, against the HeyGen sandbox: Assets → Video Agent
 * chains, waiting, downloading, validation, retries, and the follow-up operations.
 */
import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { pngBytes, jpegBytes } from './fixtures/files';
import {
	readBinary,
	removeScratch,
	runWorkflow,
	source,
	startWorkflow,
	type BinaryMode,
	type SourceItem,
} from './harness/engine';
import { filterOutErrors } from './harness/filter-errors-node';
import { assetsNode, sandboxCredentials, videoAgentNode } from './harness/heygen';
import { SAMPLE_MP4, start, type Sandbox } from './sandbox';
import * as catalog from './sandbox/catalog';

/** Ids from the sandbox's catalogues (it refuses ids it does not know, as HeyGen does). */
const CATALOG = {
	avatar: catalog.looks('', catalog.voices())[0].id,
	voice: catalog.voices()[1].voice_id,
	style: catalog.styles('')[2].style_id,
	brandKit: catalog.brandKits()[0].brand_kit_id,
};

/** A generate session finishes in about a third of a second. */
const FAST_CLOCK = {
	thinkingMs: 60,
	generatingMs: 150,
	videoPendingMs: 40,
	videoProcessingMs: 110,
};

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true, clock: FAST_CLOCK });
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

beforeEach(() => {
	sandbox.reset();
	sandbox.setOptions({ clock: FAST_CLOCK });
});

/** A Video Agent node; its options get a 0.1 s poll interval unless the test sets one. */
const videoAgent = videoAgentNode;

function run(nodes: INode[], binaryMode: BinaryMode = 'filesystem') {
	return runWorkflow({ nodes, binaryMode, credentials: sandboxCredentials(sandbox) });
}

function apiCalls(method?: string, path?: RegExp) {
	return sandbox
		.journal('api')
		.filter((e) => (!method || e.method === method) && (!path || path.test(e.path)));
}

const createCalls = () => apiCalls('POST', /^\/v3\/video-agents$/);

/** The create bodies the sandbox accepted, in order. */
const createBodies = () => [...sandbox.sessions.values()].map((s) => s.request as IDataObject);

const png = (name: string) => ({ fileName: name, mimeType: 'image/png', content: pngBytes(3000) });

function pairs(item: INodeExecutionData) {
	return item.pairedItem;
}

describe('Assets → Video Agent chain', () => {
	it('makes one video per uploaded file, mapping asset_id with no configuration, and waits to completion', async () => {
		const result = await run([
			source([{ binary: { data: png('a.png') } }, { binary: { data: png('b.png') } }]),
			assetsNode({ operation: 'upload' }),
			videoAgent({ prompt: '=Explain the picture of item {{ $itemIndex }}' }),
		]);
		expect(result.error).toBeUndefined();
		const assets = result.output('HeyGen Assets').map((i) => i.json.asset_id as string);
		const out = result.output('HeyGen Video Agent');
		expect(out).toHaveLength(2);
		expect(createCalls()).toHaveLength(2);
		const bodies = createBodies();
		expect(bodies.map((b) => b.files)).toEqual([
			[{ type: 'asset_id', asset_id: assets[0] }],
			[{ type: 'asset_id', asset_id: assets[1] }],
		]);
		// Only what the user set: no mode, no nulls, no empty strings.
		expect(bodies.map((b) => Object.keys(b).sort())).toEqual([
			['files', 'prompt'],
			['files', 'prompt'],
		]);
		expect(bodies.map((b) => b.prompt).sort()).toEqual([
			'Explain the picture of item 0',
			'Explain the picture of item 1',
		]);
		out.forEach((item, i) => {
			expect(pairs(item)).toEqual([{ item: i }]);
			const session = sandbox.sessions.get(item.json.session_id as string)!;
			expect(session.request.files).toEqual([{ type: 'asset_id', asset_id: assets[i] }]);
			expect(item.json).toMatchObject({
				status: 'completed',
				video_id: session.video_id,
				video_url: expect.stringMatching(/\/videos\/\w+\.mp4\?expires=\d+&signature=\w+$/),
				thumbnail_url: expect.stringMatching(/\.jpg\?expires=/),
				duration: 2,
				video_page_url: expect.stringContaining(session.video_id!),
			});
			expect(['generating', 'completed']).toContain(item.json.session_status);
			expect(item.json.failure_code).toBeUndefined();
			expect(item.binary).toBeUndefined();
		});
	});

	it('with Combine Items refuses an error item of an earlier node instead of silently leaving its files out', async () => {
		const result = await run([
			source([
				{ json: { topic: 'first' }, binary: { data: png('a.png') } },
				{
					json: { topic: 'second' },
					binary: {
						data: png('b.png'),
						extra: { fileName: 'c.jpg', mimeType: 'image/jpeg', content: jpegBytes() },
					},
				},
				{ json: { topic: 'third' }, binary: { data: png('d.png') } },
			]),
			assetsNode(
				{ operation: 'upload', binaryPropertyName: 'data, extra' },
				{ onError: 'continueRegularOutput' },
			),
			videoAgent({
				prompt: '=A video about the {{ $json.file_name }} upload',
				combineItems: true,
				waitForCompletion: false,
				options: { orientation: 'portrait' },
			}),
		]);
		// Assets: items 0 and 2 lack "extra" (an error item each), item 1 has two files.
		const assetItems = result.output('HeyGen Assets');
		const errorAt = assetItems.findIndex((i) => i.json.error !== undefined);
		expect(errorAt).toBeGreaterThanOrEqual(0);
		expect(result.error?.message).toBe(
			`Item ${errorAt} is an error item from an earlier node ("${assetItems[errorAt].json.error as string}"), so it has no asset to attach`,
		);
		expect(result.error?.description).toMatch(
			/"Combine Items" would make the video without its files/,
		);
		expect(result.error?.description).toMatch(/No request was sent/);
		expect(createCalls()).toHaveLength(0);
	});

	it('with Combine Items sends exactly one request carrying every asset id in item order, paired to all items', async () => {
		const result = await run([
			source([
				{ json: { topic: 'first' }, binary: { data: png('a.png') } },
				{
					json: { topic: 'second' },
					binary: {
						data: png('b.png'),
						extra: { fileName: 'c.jpg', mimeType: 'image/jpeg', content: jpegBytes() },
					},
				},
				{ json: { topic: 'third' }, binary: { data: png('d.png') } },
			]),
			assetsNode(
				{ operation: 'upload', binaryPropertyName: 'data, extra' },
				{ onError: 'continueRegularOutput' },
			),
			// Error items are dropped on purpose before combining (what the refusal above asks for).
			filterOutErrors(),
			videoAgent({
				prompt: '=A video about the {{ $json.file_name }} upload',
				combineItems: true,
				waitForCompletion: false,
				options: { orientation: 'portrait' },
			}),
		]);
		expect(result.error).toBeUndefined();
		const assetIds = result
			.output('HeyGen Assets')
			.filter((i) => i.json.asset_id)
			.map((i) => i.json.asset_id as string);
		expect(assetIds).toHaveLength(4);
		const combined = result.output('Drop errors');
		expect(combined).toHaveLength(4);

		expect(createCalls()).toHaveLength(1);
		const [body] = createBodies();
		expect(body.files).toEqual(assetIds.map((asset_id) => ({ type: 'asset_id', asset_id })));
		expect(body.prompt).toBe('A video about the a.png upload');
		expect(body.orientation).toBe('portrait');

		const out = result.output('HeyGen Video Agent');
		expect(out).toHaveLength(1);
		expect(pairs(out[0])).toEqual(combined.map((_, item) => ({ item })));
		expect(out[0].json).toMatchObject({
			session_id: expect.stringMatching(/^sess_/),
			status: 'thinking',
			video_id: null,
		});
		expect(out[0].json.files).toEqual(assetIds.map((asset_id) => ({ type: 'asset_id', asset_id })));
	});

	it('accepts lists and comma-separated ids and drops repeats, keeping the first occurrence', async () => {
		const result = await run([
			source([
				{ binary: { data: png('a.png') } },
				{ binary: { data: png('b.png') } },
				{ binary: { data: png('c.png') } },
			]),
			assetsNode({ operation: 'upload' }),
			videoAgent({
				prompt: 'One video from everything',
				// item i: [its own id, the first item's id] → the first id repeats from item 1 on
				assetIds: "={{ [$json.asset_id, $('HeyGen Assets').first().json.asset_id] }}",
				combineItems: true,
				waitForCompletion: false,
			}),
			videoAgent(
				{
					prompt: 'Comma-separated',
					assetIds: "={{ $('HeyGen Assets').all().map(i => i.json.asset_id).join(' , ') }}, ",
					waitForCompletion: false,
				},
				{},
				'Second',
			),
		]);
		expect(result.error).toBeUndefined();
		const ids = result.output('HeyGen Assets').map((i) => i.json.asset_id as string);
		const [combined, commaSeparated] = createBodies();
		expect(combined.files).toEqual(ids.map((asset_id) => ({ type: 'asset_id', asset_id })));
		expect(commaSeparated.files).toEqual(ids.map((asset_id) => ({ type: 'asset_id', asset_id })));
	});
});

describe('waiting', () => {
	it('reports a failed video with failure_code and failure_message', async () => {
		const result = await run([
			source([{ json: {} }]),
			videoAgent({ prompt: 'Make it fail #fail' }),
		]);
		expect(result.error).toBeUndefined();
		const [out] = result.output('HeyGen Video Agent');
		expect(out.json).toMatchObject({
			status: 'failed',
			video_id: expect.any(String),
			failure_code: 'rendering_failed',
			failure_message: 'Video rendering failed (sandbox #fail hook).',
		});
		expect(out.json.video_url).toBeUndefined();
	});

	it('reports a failure without HeyGen failure fields generically, naming the video', async () => {
		const result = await run([
			source([{ json: {} }]),
			videoAgent({ prompt: 'Fail quietly #fail-bare' }),
		]);
		const [out] = result.output('HeyGen Video Agent');
		expect(out.json.status).toBe('failed');
		expect(out.json.failure_code).toBeNull();
		expect(out.json.failure_message).toEqual(expect.stringContaining(out.json.video_id as string));
	});

	it('reports a session that failed before rendering with its newest error message', async () => {
		const result = await run([
			source([{ json: {} }]),
			videoAgent({ prompt: 'Fail at once #fail-early' }),
		]);
		const [out] = result.output('HeyGen Video Agent');
		expect(out.json).toMatchObject({
			status: 'failed',
			session_status: 'failed',
			video_id: null,
			failure_code: null,
			failure_message: expect.stringContaining('could not plan this video'),
		});
	});

	it('stops waiting when a generate session asks for input, and reports the question', async () => {
		const started = Date.now();
		const result = await run([
			source([{ json: {} }]),
			videoAgent({ prompt: 'Needs details #input', options: { maxWaitSeconds: 60 } }),
		]);
		expect(Date.now() - started).toBeLessThan(5_000);
		const [out] = result.output('HeyGen Video Agent');
		expect(out.json).toMatchObject({
			status: 'waiting_for_input',
			session_status: 'waiting_for_input',
			needs_input: true,
			last_message: expect.stringContaining('who is the audience'),
		});
	});

	it('keeps polling through a 503 on a status read (reads are retried)', async () => {
		sandbox.injectFault({
			method: 'GET',
			path: '/v3/video-agents/:id',
			kind: 'status',
			status: 503,
			retryAfter: 0,
		});
		const result = await run([source([{ json: {} }]), videoAgent({ prompt: 'Survive a hiccup' })]);
		expect(result.error).toBeUndefined();
		expect(result.output('HeyGen Video Agent')[0].json.status).toBe('completed');
		expect(sandbox.pendingFaults()).toHaveLength(0);
	});

	it('keeps polling through a dropped connection on a status read', async () => {
		sandbox.injectFault({ method: 'GET', path: '/v3/video-agents/:id', kind: 'drop' });
		const result = await run([source([{ json: {} }]), videoAgent({ prompt: 'Survive a drop' })]);
		expect(result.error).toBeUndefined();
		expect(result.output('HeyGen Video Agent')[0].json.status).toBe('completed');
		expect(apiCalls('GET', /^\/v3\/video-agents\//)[0].status).toBe(0);
	});

	it('version 1 fails the item after Max Wait, naming the session so it can be checked later', async () => {
		sandbox.setOptions({ clock: { thinkingMs: 10_000 } });
		const started = Date.now();
		const result = await run([
			source([{ json: {} }]),
			videoAgent({
				prompt: 'Slow one',
				options: { maxWaitSeconds: 0.5, pollIntervalSeconds: 0.2 },
			}),
		]);
		expect(Date.now() - started).toBeLessThan(4_000);
		const [sessionId] = [...sandbox.sessions.keys()];
		expect(result.error?.message).toContain(sessionId);
		expect(result.error?.message).toMatch(/did not finish within 0.5 s/);
		expect(result.error?.description).toMatch(/Get Session/);
	});

	it('version 2 outputs the item after Max Wait with its ids, last status and a note', async () => {
		sandbox.setOptions({ clock: { thinkingMs: 10_000 } });
		const result = await run([
			source([{ json: {} }]),
			videoAgent(
				{ prompt: 'Slow one', options: { maxWaitSeconds: 0.5, pollIntervalSeconds: 0.2 } },
				{ typeVersion: 2 },
			),
		]);
		expect(result.error).toBeUndefined();
		const [sessionId] = [...sandbox.sessions.keys()];
		const [item] = result.output('HeyGen Video Agent');
		expect(item.json).toMatchObject({
			session_id: sessionId,
			video_id: null,
			status: 'thinking',
			session_status: 'thinking',
			finished: false,
			wait_note: expect.stringMatching(/^Not finished within Max Wait; .*Get Session/),
		});
	});

	it('stops waiting at once when the execution is cancelled', async () => {
		sandbox.setOptions({ clock: { thinkingMs: 30_000 } });
		const running = startWorkflow({
			nodes: [
				source([{ json: {} }]),
				videoAgent({ prompt: 'Cancel me', options: { pollIntervalSeconds: 5 } }),
			],
			credentials: sandboxCredentials(sandbox),
		});
		await new Promise((resolve) => setTimeout(resolve, 700));
		const cancelledAt = Date.now();
		running.cancel();
		await running.result;
		expect(Date.now() - cancelledAt).toBeLessThan(1_500);
		// one create and the first status read, nothing after the cancel
		expect(apiCalls('GET').length).toBeLessThanOrEqual(1);
	});
});

describe('downloading the video', () => {
	it.each<BinaryMode>(['filesystem', 'database', 'default'])(
		'puts a playable MP4 in the binary field (%s mode), without sending the API key to the file host',
		async (mode) => {
			const result = await run(
				[
					source([{ json: {} }]),
					videoAgent({
						prompt: 'Download me',
						options: { downloadVideo: true, binaryPropertyName: 'video' },
					}),
				],
				mode,
			);
			expect(result.error).toBeUndefined();
			const [out] = result.output('HeyGen Video Agent');
			expect(out.json.status).toBe('completed');
			const binary = out.binary!.video;
			expect(binary.mimeType).toBe('video/mp4');
			expect(binary.fileName).toBe(`heygen-${out.json.video_id as string}.mp4`);
			const bytes = await readBinary(binary);
			expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
			expect(bytes.equals(SAMPLE_MP4)).toBe(true);
			const downloads = sandbox.journal('storage').filter((e) => e.path.endsWith('.mp4'));
			expect(downloads).toHaveLength(1);
			expect(downloads[0].headers['x-api-key']).toBeUndefined();
			expect(downloads[0].headers.authorization).toBeUndefined();
		},
	);

	it('puts no binary on a failed video', async () => {
		const result = await run([
			source([{ json: {} }]),
			videoAgent({ prompt: 'Nothing to download #fail', options: { downloadVideo: true } }),
		]);
		const [out] = result.output('HeyGen Video Agent');
		expect(out.json.status).toBe('failed');
		expect(out.binary).toBeUndefined();
		expect(sandbox.journal('storage')).toHaveLength(0);
	});
});

describe('request body', () => {
	it('sends every documented field the user set, with ids from resource locators, and nothing else', async () => {
		const result = await run([
			source([{ json: {} }]),
			videoAgent({
				prompt: 'All options',
				assetIds: '',
				waitForCompletion: false,
				options: {
					mode: 'chat',
					orientation: 'landscape',
					avatarId: { __rl: true, mode: 'list', value: CATALOG.avatar },
					voiceId: { __rl: true, mode: 'id', value: CATALOG.voice },
					styleId: { __rl: true, mode: 'list', value: CATALOG.style },
					brandKitId: { __rl: true, mode: 'id', value: CATALOG.brandKit },
					incognitoMode: true,
					callbackUrl: 'http://127.0.0.1:9/heygen-callback',
					callbackId: 'order-42',
					fileUrls: 'https://example.com/brief.pdf,\nhttps://example.com/logo.png',
					inputBinaryFields: '',
				},
			}),
		]);
		expect(result.error).toBeUndefined();
		expect(createBodies()).toEqual([
			{
				prompt: 'All options',
				mode: 'chat',
				orientation: 'landscape',
				avatar_id: CATALOG.avatar,
				voice_id: CATALOG.voice,
				style_id: CATALOG.style,
				brand_kit_id: CATALOG.brandKit,
				incognito_mode: true,
				callback_url: 'http://127.0.0.1:9/heygen-callback',
				callback_id: 'order-42',
				files: [
					{ type: 'url', url: 'https://example.com/brief.pdf' },
					{ type: 'url', url: 'https://example.com/logo.png' },
				],
			},
		]);
	});

	it('leaves out unset resource locators, empty callback ids and files', async () => {
		const result = await run([
			source([{ json: {} }]),
			videoAgent({
				prompt: 'Bare',
				waitForCompletion: false,
				options: {
					avatarId: { __rl: true, mode: 'list', value: '' },
					callbackId: '',
					fileUrls: '',
				},
			}),
		]);
		expect(result.error).toBeUndefined();
		expect(createBodies()).toEqual([{ prompt: 'Bare' }]);
	});

	it('sends small binaries inline as base64 with their sniffed media type', async () => {
		const bytes = pngBytes(5000);
		const result = await run([
			source([
				{
					binary: {
						logo: { fileName: 'logo.bin', mimeType: 'application/octet-stream', content: bytes },
					},
				},
			]),
			videoAgent({
				prompt: 'With a logo',
				waitForCompletion: false,
				options: { inputBinaryFields: 'logo' },
			}),
		]);
		expect(result.error).toBeUndefined();
		expect(createBodies()[0].files).toEqual([
			{ type: 'base64', media_type: 'image/png', data: bytes.toString('base64') },
		]);
		expect(result.output('HeyGen Video Agent')[0].json.files).toEqual([
			{ type: 'base64', media_type: 'image/png', file_name: 'logo.bin' },
		]);
	});
});

describe('validation: clear errors before any request', () => {
	const cases: Array<[string, INodeParameters, RegExp, SourceItem[]?]> = [
		['an empty prompt', { prompt: '   ' }, /Item 0: "Prompt" is empty/],
		[
			'a prompt mapped from a missing field',
			{ prompt: '={{ $json.missing }}' },
			/Item 0: "Prompt" is empty/,
		],
		[
			'a prompt over 10,000 characters',
			{ prompt: 'x'.repeat(10_001) },
			/"Prompt" has 10,001 characters; HeyGen accepts at most 10,000/,
		],
		[
			'more than 20 files',
			{ prompt: 'p', assetIds: Array.from({ length: 21 }, (_, i) => `asset_${i}`).join(',') },
			/Item 0: 21 files for one video .*at most 20/,
		],
		[
			'an asset id that is an object',
			{ prompt: 'p', assetIds: '={{ { asset_id: "asset_1" } }}' },
			/"Asset IDs" contains an object/,
		],
		[
			'an asset id that is a number',
			{ prompt: 'p', assetIds: '={{ [42] }}' },
			/"Asset IDs" contains the number 42/,
		],
		[
			'an orientation from an expression that is not one',
			{ prompt: 'p', options: { orientation: '={{ "square" }}' } },
			/"Orientation" is "square"; it must be "landscape" or "portrait"/,
		],
		[
			'a mode from an expression that is not one',
			{ prompt: 'p', options: { mode: '={{ "draft" }}' } },
			/"Mode" is "draft"/,
		],
		[
			'a non-HTTPS callback URL',
			{ prompt: 'p', options: { callbackUrl: 'http://example.com/hook' } },
			/"Callback URL" "http:\/\/example.com\/hook" is not an HTTPS URL/,
		],
		[
			'a callback id without a callback URL',
			{ prompt: 'p', options: { callbackId: 'x' } },
			/"Callback ID" is set but "Callback URL" is not/,
		],
		[
			'a plain-http file URL',
			{ prompt: 'p', options: { fileUrls: 'http://example.com/a.png' } },
			/"File URLs" contains "http:\/\/example.com\/a.png"/,
		],
		[
			'an inline binary over 5 MB',
			{ prompt: 'p', options: { inputBinaryFields: 'data' } },
			/Item 0, field "data", file "big.png" is 5.0 MB; files attached inline \(base64\) may be at most 5.0 MB/,
			[
				{
					binary: {
						data: { fileName: 'big.png', mimeType: 'image/png', content: pngBytes(5_000_001) },
					},
				},
			],
		],
		[
			'an inline binary of an unsupported type',
			{ prompt: 'p', options: { inputBinaryFields: 'data' } },
			/file "anim.gif" is a GIF image, which HeyGen does not accept/,
			[
				{
					binary: {
						data: {
							fileName: 'anim.gif',
							mimeType: 'image/gif',
							content: Buffer.from('GIF89a................'),
						},
					},
				},
			],
		],
	];

	it.each(cases)('rejects %s', async (_name, parameters, message, items = [{ json: {} }]) => {
		const result = await run([source(items), videoAgent(parameters)]);
		const error = result.error!;
		expect(error).toBeDefined();
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toMatch(message);
		expect(error.description).toEqual(expect.any(String));
		expect(sandbox.journal()).toHaveLength(0);
	});

	it('the big-binary error points to the Assets node', async () => {
		const result = await run([
			source([
				{
					binary: {
						data: { fileName: 'big.png', mimeType: 'image/png', content: pngBytes(6_000_000) },
					},
				},
			]),
			videoAgent({ prompt: 'p', options: { inputBinaryFields: 'data' } }),
		]);
		expect(result.error?.description).toMatch(/HeyGen Assets node/);
	});

	it('checks every item before sending anything: a bad second item stops the first one too', async () => {
		const result = await run([
			source([{ json: { prompt: 'fine' } }, { json: { prompt: '' } }]),
			videoAgent({ prompt: '={{ $json.prompt }}' }),
		]);
		expect(result.error?.message).toMatch(/^Item 1: "Prompt" is empty/);
		expect(sandbox.journal()).toHaveLength(0);
	});

	it('with Continue On Fail, a bad item becomes its error item and the others go on', async () => {
		const result = await run([
			source([
				{ json: { prompt: 'fine' } },
				{ json: { prompt: '' } },
				{ json: { prompt: 'also fine' } },
			]),
			videoAgent(
				{ prompt: '={{ $json.prompt }}', waitForCompletion: false },
				{ onError: 'continueRegularOutput' },
			),
		]);
		expect(result.error).toBeUndefined();
		const out = result.output('HeyGen Video Agent');
		expect(out.map((i) => pairs(i))).toEqual([[{ item: 0 }], [{ item: 1 }], [{ item: 2 }]]);
		expect(out[0].json.session_id).toMatch(/^sess_/);
		expect(out[1].json).toMatchObject({ error: 'Item 1: "Prompt" is empty', itemIndex: 1 });
		expect(out[2].json.session_id).toMatch(/^sess_/);
		expect(createCalls()).toHaveLength(2);
	});
});

describe('retries on create', () => {
	it('retries a 429 after Retry-After and creates exactly one session', async () => {
		sandbox.injectFault({
			method: 'POST',
			path: '/v3/video-agents',
			kind: 'status',
			status: 429,
			retryAfter: 1,
		});
		const result = await run([
			source([{ json: {} }]),
			videoAgent({ prompt: 'Busy', waitForCompletion: false }),
		]);
		expect(result.error).toBeUndefined();
		const calls = createCalls();
		expect(calls.map((c) => c.status)).toEqual([429, 200]);
		expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(950);
		expect(sandbox.sessions.size).toBe(1);
		expect(result.output('HeyGen Video Agent')[0].json.session_id).toBe(
			[...sandbox.sessions.keys()][0],
		);
	});

	it.each([500, 502, 503])(
		'does not retry a %i (no idempotency: a retry could double-charge)',
		async (status) => {
			sandbox.injectFault({
				method: 'POST',
				path: '/v3/video-agents',
				kind: 'status',
				status,
				retryAfter: null,
			});
			const result = await run([
				source([{ json: {} }]),
				videoAgent({ prompt: 'Flaky', waitForCompletion: false }),
			]);
			expect(createCalls()).toHaveLength(1);
			const error = result.error as unknown as {
				httpCode?: string;
				description?: string;
				message: string;
			};
			expect(error.httpCode).toBe(String(status));
			expect(error.message).toMatch(
				new RegExp(`Creating the Video Agent session failed: HeyGen answered ${status}`),
			);
			expect(error.description).toMatch(/Not retried automatically.*duplicate/);
			expect(sandbox.sessions.size).toBe(0);
		},
	);

	it('does not retry a dropped connection either', async () => {
		sandbox.injectFault({ method: 'POST', path: '/v3/video-agents', kind: 'drop' });
		const result = await run([
			source([{ json: {} }]),
			videoAgent({ prompt: 'Dropped', waitForCompletion: false }),
		]);
		expect(createCalls()).toHaveLength(1);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(
			/^Creating the Video Agent session failed: the connection to 127\.0\.0\.1:\d+ was reset \(after 1 attempt\)$/,
		);
		expect(result.error?.description).toContain('ECONNRESET');
	});
});

describe('get, getVideo, sendMessage, stop', () => {
	it('chains create → get session → get video (with download) by the default id mappings', async () => {
		const result = await run([
			source([{ json: {} }]),
			videoAgent({ prompt: 'Follow me' }),
			videoAgent({ operation: 'get' }, {}, 'Get Session'),
			videoAgent({ operation: 'getVideo', options: { downloadVideo: true } }, {}, 'Get Video'),
		]);
		expect(result.error).toBeUndefined();
		const [created] = result.output('HeyGen Video Agent');
		const [session] = result.output('Get Session');
		const [video] = result.output('Get Video');
		expect(session.json).toMatchObject({
			session_id: created.json.session_id,
			status: 'completed',
			video_id: created.json.video_id,
			messages: expect.any(Array),
		});
		expect(video.json).toMatchObject({
			video_id: created.json.video_id,
			id: created.json.video_id,
			status: 'completed',
			// a fresh presigned URL for the same file
			video_url: expect.stringContaining(`/videos/${created.json.video_id as string}.mp4?expires=`),
		});
		expect((await readBinary(video.binary!.data)).equals(SAMPLE_MP4)).toBe(true);
		expect(video.binary!.data.mimeType).toBe('video/mp4');
	});

	it('chat mode: create stops at the storyboard review, Send Message continues, the session renders', async () => {
		const result = await run([
			source([{ json: {} }]),
			videoAgent({ prompt: 'A chat video', options: { mode: 'chat' } }),
			videoAgent({ operation: 'sendMessage', message: 'Looks good, go ahead' }, {}, 'Reply'),
		]);
		expect(result.error).toBeUndefined();
		const [created] = result.output('HeyGen Video Agent');
		expect(created.json).toMatchObject({
			status: 'reviewing',
			needs_input: true,
			last_message: expect.stringContaining('storyboard'),
		});
		const [reply] = result.output('Reply');
		expect(reply.json).toMatchObject({
			session_id: created.json.session_id,
			run_id: expect.stringMatching(/^run_/),
		});
		const calls = apiCalls('POST', /^\/v3\/video-agents\/sess_\w+$/);
		expect(calls).toHaveLength(1);
		const session = sandbox.sessions.get(created.json.session_id as string)!;
		expect(session.messages.map((m) => m.content)).toContain('Looks good, go ahead');
	});

	it("Send Message to a generate-mode session surfaces HeyGen's 400", async () => {
		const result = await run([
			source([{ json: {} }]),
			videoAgent({ prompt: 'Generate only', waitForCompletion: false }),
			videoAgent({ operation: 'sendMessage', message: 'Hi' }, {}, 'Reply'),
		]);
		expect(result.error?.message).toMatch(/answered 400 invalid_parameter.*generate mode/);
	});

	it('stops a running session', async () => {
		sandbox.setOptions({ clock: { thinkingMs: 5_000 } });
		const result = await run([
			source([{ json: {} }]),
			videoAgent({ prompt: 'Stop me', waitForCompletion: false }),
			videoAgent({ operation: 'stop' }, {}, 'Stop'),
		]);
		expect(result.error).toBeUndefined();
		const [stopped] = result.output('Stop');
		expect(stopped.json).toEqual({
			session_id: expect.stringMatching(/^sess_/),
			stop_requested: true,
		});
		expect(sandbox.sessions.get(stopped.json.session_id as string)!.status).toBe('failed');
	});

	it('rejects a missing session id before any request', async () => {
		const result = await run([
			source([{ json: { nothing: true } }]),
			videoAgent({ operation: 'get' }),
		]);
		expect(result.error?.message).toMatch(/Item 0: "Session ID" is empty/);
		expect(result.error?.description).toMatch(/\{\{ \$json.session_id \}\}/);
		expect(sandbox.journal()).toHaveLength(0);
	});
});
