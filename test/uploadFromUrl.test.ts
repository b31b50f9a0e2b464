/**
 * Assets → Upload from URL, in the real n8n engine, from the sandbox's file host to its storage:
 * every source behaviour, with the storage journal's sha256 as proof of the bytes that arrived and
 * the file host's journal as proof that the API key never left the API origin.
 */
import { readdirSync } from 'node:fs';

import type { INodeExecutionData } from 'n8n-workflow';

import { removeScratch, runWorkflow, source, type SourceItem } from './harness/engine';
import { assetsNode, sandboxCredentials } from './harness/heygen';
import { parseUrls } from '../nodes/HeyGenAssets/actions/uploadFromUrl.operation';
import { sourceSha256, start, type Sandbox, type SourceSpec } from './sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true });
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

beforeEach(() => {
	sandbox.reset();
	sandbox.setOptions({ uploadExpiresInSeconds: 3600, maxBytes: 209_715_200 });
});

function run(items: SourceItem[], parameters: Record<string, unknown>, extra = {}) {
	return runWorkflow({
		nodes: [
			source(items),
			assetsNode({ operation: 'uploadFromUrl', ...parameters } as never, extra),
		],
		credentials: sandboxCredentials(sandbox),
	});
}

const fileUrl = (name: string, query: Record<string, string | number> = {}) =>
	sandbox.files.fileUrl(name, query);

function apiCalls(method: string, path: RegExp) {
	return sandbox.journal('api').filter((e) => e.method === method && path.test(e.path));
}

function storagePuts() {
	return sandbox.journal('storage').filter((e) => e.method === 'PUT');
}

/** Neither the key nor any credential header ever reached the file host. */
function expectNoKeyAtFileHost() {
	const journal = sandbox.files.journal();
	expect(journal.length).toBeGreaterThan(0);
	for (const entry of journal) {
		expect(entry.headers['x-api-key']).toBeUndefined();
		expect(entry.headers.authorization).toBeUndefined();
		expect(JSON.stringify(entry)).not.toContain(sandbox.apiKey);
	}
}

function expectStored(item: INodeExecutionData | undefined, spec: SourceSpec, mime: string) {
	const json = item?.json ?? {};
	expect(json.error).toBeUndefined();
	expect(json).toMatchObject({
		upload_method: 'uploadFromUrl',
		size_bytes: spec.size,
		mime_type: mime,
		file: { type: 'asset_id', asset_id: json.asset_id },
	});
	const asset = sandbox.assets.get(String(json.asset_id));
	expect(asset?.status).toBe('processing');
	expect(asset?.sha256).toBe(sourceSha256(spec));
	expect(asset?.stored_bytes).toBe(spec.size);
}

function errorOf(result: Awaited<ReturnType<typeof run>>) {
	const error = result.error as (Error & { description?: string; httpCode?: string }) | undefined;
	expect(error).toBeDefined();
	return error!;
}

describe('Upload from URL', () => {
	it('streams the source into the presigned PUT: exact bytes, completed, nothing in n8n', async () => {
		const spec = { type: 'mp4', size: 3 * 1024 * 1024 + 17 };
		const binaryDir = process.env.N8N_BINARY_DATA_STORAGE_PATH!;
		const before = listFiles(binaryDir);
		const url = fileUrl('launch-teaser.mp4', spec);
		const result = await run([{ json: {} }], { url });
		expect(result.error).toBeUndefined();
		const [item] = result.output('HeyGen Assets');
		expectStored(item, spec, 'video/mp4');
		expect(item.json).toMatchObject({ source_url: url, file_name: 'launch-teaser.mp4' });
		expect(item.binary).toBeUndefined();

		const [put] = storagePuts();
		expect(put).toMatchObject({ status: 200, bodySize: spec.size, sha256: sourceSha256(spec) });
		// n8n's request path streamed it with the exact length (not chunked).
		expect(put.headers['content-length']).toBe(String(spec.size));
		expect(put.headers['transfer-encoding']).toBeUndefined();
		expect(put.headers['x-api-key']).toBeUndefined();
		expect(apiCalls('POST', /^\/v3\/assets$/)).toHaveLength(0);
		expect(apiCalls('POST', /direct-uploads$/)).toHaveLength(1);
		expect(sandbox.files.journal()).toHaveLength(1);
		expectNoKeyAtFileHost();
		// Nothing was written to n8n's binary store.
		expect(listFiles(binaryDir)).toEqual(before);
	});

	it('takes several URLs per item, comma-separated or as a list, each paired to its item', async () => {
		const a = { type: 'png', size: 5000 };
		const b = { type: 'pdf', size: 7000, seed: 'b' };
		const c = { type: 'mp3', size: 9000 };
		const result = await run(
			[
				{ json: { urls: `${fileUrl('a.png', a)}, ${fileUrl('b.pdf', b)}` } },
				{ json: { urls: [fileUrl('c.mp3', c)] } },
			],
			{ url: '={{ $json.urls }}' },
		);
		expect(result.error).toBeUndefined();
		const out = result.output('HeyGen Assets');
		expect(out).toHaveLength(3);
		expectStored(out[0], a, 'image/png');
		expectStored(out[1], b, 'application/pdf');
		expectStored(out[2], c, 'audio/mpeg');
		expect(out.map((i) => i.pairedItem)).toEqual(
			[{ item: 0 }, { item: 0 }, { item: 1 }].map((p) => [p]),
		);
		expectNoKeyAtFileHost();
	});

	it('trusts the bytes, not the name: a PNG named .mp4 (served as video/mp4) is declared image/png', async () => {
		const spec = { type: 'png', size: 20_000 };
		const result = await run([{ json: {} }], { url: fileUrl('clip.mp4', spec) });
		expect(result.error).toBeUndefined();
		const [item] = result.output('HeyGen Assets');
		expectStored(item, spec, 'image/png');
		expect(sandbox.assets.get(String(item.json.asset_id))?.declared_content_type).toBe('image/png');
	});

	it('fails clearly on an HTML page served under a .mp4 name, before anything is sent to HeyGen', async () => {
		const url = fileUrl('clip.mp4', { type: 'html', size: 3000 });
		const error = errorOf(await run([{ json: {} }], { url }));
		expect(error.message).toContain('Item 0');
		expect(error.message).toContain(url);
		expect(error.message).toContain('an HTML page');
		expect(error.description).toContain('direct download link');
		expect(sandbox.journal('api')).toHaveLength(0);
		expect(storagePuts()).toHaveLength(0);
	});

	it('refuses a source without Content-Length with the documented error (no spooling)', async () => {
		const error = errorOf(
			await run([{ json: {} }], { url: fileUrl('live.mp4', { size: 10_000, chunked: 1 }) }),
		);
		expect(error.message).toContain('no Content-Length');
		expect(error.description).toContain('Direct Upload');
		expect(sandbox.journal('api')).toHaveLength(0);
	});

	it('follows relative redirects (bounded) without sending the key on any hop', async () => {
		const spec = { type: 'jpeg', size: 12_345 };
		const result = await run([{ json: {} }], {
			url: fileUrl('photo.jpg', { ...spec, redirects: 3 }),
		});
		expect(result.error).toBeUndefined();
		expectStored(result.output('HeyGen Assets')[0], spec, 'image/jpeg');
		expect(sandbox.files.journal().map((e) => e.status)).toEqual([302, 302, 302, 200]);
		expectNoKeyAtFileHost();
	});

	it('stops after 5 redirects and on a redirect loop', async () => {
		const tooMany = errorOf(
			await run([{ json: {} }], { url: fileUrl('far.mp4', { redirects: 7 }) }),
		);
		expect(tooMany.message).toMatch(/redirected more than 5 times/);
		expect(sandbox.files.journal()).toHaveLength(6);

		sandbox.reset();
		const loop = errorOf(await run([{ json: {} }], { url: fileUrl('loop.mp4', { loop: 1 }) }));
		expect(loop.message).toMatch(/redirects in a loop/);
		expect(sandbox.files.journal()).toHaveLength(1);
		expect(sandbox.journal('api')).toHaveLength(0);
	});

	it('fails a 404 source clearly, retries a 503 source', async () => {
		const missing = errorOf(
			await run([{ json: {} }], { url: fileUrl('gone.mp4', { status: 404 }) }),
		);
		expect(missing.message).toMatch(
			/Download of .*gone\.mp4.* failed: the server at 127\.0\.0\.1:\d+ answered 404/,
		);
		expect(missing.httpCode).toBe('404');
		expect(sandbox.journal('api')).toHaveLength(0);

		sandbox.reset();
		sandbox.files.injectFault({ path: '/files/busy.mp4', kind: 'status', status: 503 });
		const spec = { size: 4096 };
		const result = await run([{ json: {} }], { url: fileUrl('busy.mp4', spec) });
		expect(result.error).toBeUndefined();
		expectStored(result.output('HeyGen Assets')[0], { type: 'mp4', ...spec }, 'video/mp4');
		expect(sandbox.files.journal().map((e) => e.status)).toEqual([503, 200]);
	});

	it('a source that drops mid-body once is downloaded again; the partial PUT is never completed', async () => {
		const spec = { type: 'mp4', size: 2 * 1024 * 1024 };
		sandbox.files.injectFault({ path: '/files/flaky.mp4', kind: 'drop', dropAfterBytes: 700_000 });
		const result = await run([{ json: {} }], { url: fileUrl('flaky.mp4', spec) });
		expect(result.error).toBeUndefined();
		expectStored(result.output('HeyGen Assets')[0], spec, 'video/mp4');
		const puts = storagePuts();
		expect(puts).toHaveLength(2);
		expect(puts[0].status).not.toBe(200);
		expect(puts[0].bodySize).toBeLessThan(spec.size);
		expect(puts[1]).toMatchObject({ status: 200, sha256: sourceSha256(spec) });
		expect(apiCalls('POST', /\/complete$/)).toHaveLength(1);
		expect(sandbox.files.journal().map((e) => e.complete)).toEqual([false, true]);
	});

	it('a source that always drops mid-body fails the item and nothing is completed', async () => {
		const url = fileUrl('broken.mp4', { size: 1024 * 1024, dropAfter: 300_000 });
		const error = errorOf(await run([{ json: {} }], { url }));
		expect(error.message).toContain('the download broke off before the whole file arrived');
		expect(apiCalls('POST', /\/complete$/)).toHaveLength(0);
		expect(storagePuts().every((p) => p.status !== 200)).toBe(true);
		expect([...sandbox.assets.values()].every((a) => a.status === 'pending_upload')).toBe(true);
	});

	it('a file that changes size mid-way fails the item, nothing completed from the partial body', async () => {
		// The first download breaks off; the second finds a longer file (grow: +1000 bytes per GET).
		sandbox.files.injectFault({
			path: '/files/growing.mp4',
			kind: 'drop',
			dropAfterBytes: 100_000,
		});
		const url = fileUrl('growing.mp4', { size: 500_000, grow: 1000 });
		const error = errorOf(await run([{ json: {} }], { url }));
		expect(error.message).toContain('the file changed while it was being uploaded');
		expect(error.message).toMatch(/500\.0 kB video\/mp4 before, 501\.0 kB video\/mp4 now/);
		expect(apiCalls('POST', /\/complete$/)).toHaveLength(0);
		expect(storagePuts().every((p) => p.status !== 200)).toBe(true);
		expect(sandbox.files.journal().map((e) => e.status)).toEqual([200, 200]);
	});

	it('a slow source still arrives whole', async () => {
		const spec = { type: 'wav', size: 5 * 64 * 1024 };
		const result = await run([{ json: {} }], {
			url: fileUrl('voice.wav', { ...spec, slowMs: 30 }),
		});
		expect(result.error).toBeUndefined();
		expectStored(result.output('HeyGen Assets')[0], spec, 'audio/wav');
	});

	it('storage faults (503 on the PUT) are retried with a fresh download of the source', async () => {
		const spec = { type: 'webm', size: 300_000 };
		sandbox.injectFault({
			origin: 'storage',
			method: 'PUT',
			path: '/uploads/:id',
			kind: 'status',
			status: 503,
		});
		const result = await run([{ json: {} }], { url: fileUrl('clip.webm', spec) });
		expect(result.error).toBeUndefined();
		expectStored(result.output('HeyGen Assets')[0], spec, 'video/webm');
		expect(storagePuts().map((p) => p.status)).toEqual([503, 200]);
		expect(sandbox.files.journal()).toHaveLength(2);
		expectNoKeyAtFileHost();
	});

	it('accepts only http(s) URLs; with Continue On Fail the bad item is an error item and the rest go on', async () => {
		// 2 KiB: shorter than the sniffed head, so the whole body is read ahead and sent as a buffer.
		const spec = { type: 'png', size: 2048 };
		const result = await run(
			[
				{ json: { url: fileUrl('ok.png', spec) } },
				{ json: { url: 'ftp://example.com/video.mp4' } },
				{ json: { url: '' } },
				{ json: { url: fileUrl('missing.png', { status: 404 }) } },
			],
			{ url: '={{ $json.url }}' },
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		const out = result.output('HeyGen Assets');
		expect(out).toHaveLength(4);
		expectStored(out[0], spec, 'image/png');
		expect(out[1].json.error).toMatch(
			/Item 1: "ftp:\/\/example.com\/video.mp4" is a ftp: URL; only http:\/\/ and https:\/\//,
		);
		expect(out[2].json.error).toMatch(/Item 2: "URL" is empty/);
		expect(out[3].json).toMatchObject({ httpCode: '404', itemIndex: 3 });
		expect(out.map((i) => i.pairedItem)).toEqual([0, 1, 2, 3].map((item) => [{ item }]));
	});
});

function listFiles(dir: string): string[] {
	try {
		return readdirSync(dir, { recursive: true }).map(String).sort();
	} catch {
		return [];
	}
}

describe('the URL parameter', () => {
	it('splits several URLs on commas, spaces or a list, and keeps a comma inside a URL', () => {
		expect(parseUrls('https://a.example/1.mp4, https://b.example/2.png,')).toEqual([
			'https://a.example/1.mp4',
			'https://b.example/2.png',
		]);
		expect(parseUrls('https://a.example/x.mp4?sig=a,b&t=1,http://b.example/y.pdf')).toEqual([
			'https://a.example/x.mp4?sig=a,b&t=1',
			'http://b.example/y.pdf',
		]);
		expect(parseUrls(['https://a.example/1.mp4', ' ', 'https://b.example/2.mp4'])).toEqual([
			'https://a.example/1.mp4',
			'https://b.example/2.mp4',
		]);
		expect(parseUrls('  ')).toEqual([]);
	});
});
