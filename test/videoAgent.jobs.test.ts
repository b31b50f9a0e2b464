/**
 * The job engine (nodes/shared/job.ts) through the Video Agent, in the real n8n engine against the
 * sandbox: an accepted (paid) create never loses its ids — not to a failed download, an expired
 * URL, Max Wait or another item failing the node — and a failure without Continue On Fail stops
 * the node within seconds, naming every session already created.
 */
import type { INode, INodeExecutionData } from 'n8n-workflow';

import { readBinary, removeScratch, runWorkflow, source } from './harness/engine';
import { sandboxCredentials, videoAgentNode } from './harness/heygen';
import { SAMPLE_MP4, start, type Sandbox } from './sandbox';

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
	sandbox.setOptions({ clock: FAST_CLOCK, videoUrlExpiresInSeconds: 3600 });
});

function run(nodes: INode[]) {
	return runWorkflow({ nodes, credentials: sandboxCredentials(sandbox) });
}

const storageGets = () =>
	sandbox
		.journal('storage')
		.filter((e) => e.method === 'GET' && e.path.startsWith('/videos/'))
		.map((e) => e.fault ?? e.status);

const videoReads = () =>
	sandbox.journal('api').filter((e) => e.method === 'GET' && e.path.startsWith('/v3/videos/'));

const createCalls = () =>
	sandbox.journal('api').filter((e) => e.method === 'POST' && e.path === '/v3/video-agents');

describe('download', () => {
	it('a download the file host refuses (403) → the item keeps its ids and video_url, with a download_error that does not blame the API key', async () => {
		sandbox.injectFault({ origin: 'storage', path: '/videos/*', kind: 'status', status: 403 });
		const result = await run([
			source([{ json: {} }]),
			videoAgentNode({ prompt: 'Download me', options: { downloadVideo: true } }),
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.output('HeyGen Video Agent');
		const [session] = [...sandbox.sessions.values()];
		expect(item.json).toMatchObject({
			session_id: session.session_id,
			video_id: session.video_id,
			status: 'completed',
			video_url: expect.stringContaining(`/videos/${session.video_id}.mp4?`),
			download_error: expect.stringMatching(/refused the download/),
		});
		expect(item.json.download_error).toMatch(/Get Video/);
		expect(item.json.download_error).not.toMatch(/API key is not allowed|Check its permissions/);
		expect(item.binary).toBeUndefined();
		expect(storageGets()).toEqual(['status:403']);
	});

	it('an expired video URL is replaced by a fresh one from a new read, and the download succeeds', async () => {
		// Issue expired URLs until the first download has been refused, then valid ones again.
		sandbox.setOptions({
			videoUrlExpiresInSeconds: 0,
			log: (line) => {
				if (/^storage GET \/videos\/.* → 403/.test(line))
					sandbox.setOptions({ videoUrlExpiresInSeconds: 3600 });
			},
		});
		const result = await run([
			source([{ json: {} }]),
			videoAgentNode({ prompt: 'Expire me', options: { downloadVideo: true } }),
		]);
		sandbox.setOptions({ log: () => undefined });
		expect(result.error).toBeUndefined();
		const [item] = result.output('HeyGen Video Agent');
		expect(item.json.download_error).toBeUndefined();
		expect((await readBinary(item.binary!.data)).equals(SAMPLE_MP4)).toBe(true);
		expect(storageGets()).toEqual([403, 200]);
		// the fresh URL came from one more read of the session and its video
		const [session] = [...sandbox.sessions.values()];
		const reads = videoReads().filter((e) => e.path === `/v3/videos/${session.video_id}`);
		expect(reads.length).toBeGreaterThanOrEqual(2);
	});

	it('a URL that is expired again after the fresh read → download_error saying so, ids kept', async () => {
		sandbox.setOptions({ videoUrlExpiresInSeconds: 0 });
		const result = await run([
			source([{ json: {} }]),
			videoAgentNode({ prompt: 'Expire me twice', options: { downloadVideo: true } }),
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.output('HeyGen Video Agent');
		const [session] = [...sandbox.sessions.values()];
		expect(item.json).toMatchObject({
			session_id: session.session_id,
			video_id: session.video_id,
			status: 'completed',
			download_error: expect.stringMatching(/the download URL has expired.*Get Video/),
		});
		expect(storageGets()).toEqual([403, 403]);
	});
});

describe('one failing item', () => {
	// Item 1 names an asset HeyGen does not know: its create is refused (400) at once.
	const items = [
		{ json: { asset: '' } },
		{ json: { asset: 'asset_doesnotexist' } },
		{ json: { asset: '' } },
	];

	it('without Continue On Fail: the node error comes within 2 s, while the others render, and lists every session already created', async () => {
		sandbox.setOptions({ clock: { thinkingMs: 30_000 } });
		const started = Date.now();
		const result = await run([
			source(items),
			videoAgentNode({
				prompt: 'Render slowly',
				assetIds: '={{ $json.asset }}',
				options: { concurrency: 3, pollIntervalSeconds: 0.2 },
			}),
		]);
		expect(Date.now() - started).toBeLessThan(2_000);
		expect(result.error?.message).toMatch(
			/^Creating the Video Agent session failed: HeyGen answered 400 asset_not_available/,
		);
		const created = [...sandbox.sessions.values()].map((s) => s.session_id);
		expect(created).toHaveLength(2);
		expect(result.error?.description).toMatch(/Already created in this run/);
		for (const id of created) expect(result.error?.description).toContain(`session_id ${id}`);
		expect(createCalls()).toHaveLength(3);
	});

	it('without Continue On Fail: no new create starts after the failure', async () => {
		sandbox.setOptions({ clock: { thinkingMs: 30_000 } });
		const result = await run([
			source([items[1], ...items, ...items]),
			videoAgentNode({
				prompt: 'Render slowly',
				assetIds: '={{ $json.asset }}',
				options: { concurrency: 1 },
			}),
		]);
		expect(result.error?.message).toMatch(/asset_not_available/);
		expect(createCalls()).toHaveLength(1);
		expect(sandbox.sessions.size).toBe(0);
	});

	it('with Continue On Fail: that item is an error item, the others complete', async () => {
		const result = await run([
			source(items),
			videoAgentNode(
				{ prompt: 'Render', assetIds: '={{ $json.asset }}' },
				{ onError: 'continueRegularOutput' },
			),
		]);
		expect(result.error).toBeUndefined();
		const out = result.output('HeyGen Video Agent');
		expect(out.map(brief)).toEqual([
			{ item: 0, status: 'completed' },
			{ item: 1, error: expect.stringMatching(/asset_not_available/) },
			{ item: 2, status: 'completed' },
		]);
	});

	it('with Continue On Fail, version 1 "fail the item" at Max Wait: the error item still carries the ids', async () => {
		sandbox.setOptions({ clock: { thinkingMs: 10_000 } });
		const result = await run([
			source([{ json: {} }]),
			videoAgentNode(
				{ prompt: 'Too slow', options: { maxWaitSeconds: 0.3 } },
				{ onError: 'continueRegularOutput' },
			),
		]);
		const [item] = result.output('HeyGen Video Agent');
		const [session] = [...sandbox.sessions.values()];
		expect(item.json).toMatchObject({
			session_id: session.session_id,
			video_id: null,
			status: 'thinking',
			finished: false,
			error: `Item 0: the Video Agent session did not finish within 0.3 s ("Max Wait") (session_id ${session.session_id})`,
		});
	});
});

function brief(o: INodeExecutionData) {
	const [{ item }] = o.pairedItem as Array<{ item: number }>;
	return o.json.error === undefined
		? { item, status: o.json.status }
		: { item, error: o.json.error };
}
