import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeExecutionData } from 'n8n-workflow';

import {
	removeScratch,
	runWorkflow,
	scratchRoot,
	source,
	type BinaryMode,
	type SourceItem,
} from './harness/engine';
import { assetsNode, sandboxCredentials } from './harness/heygen';
import { start, type Sandbox } from './sandbox';
import {
	gifBytes,
	mp4Bytes,
	mp4Header,
	pdfBytes,
	pngBytes,
	sha256,
	writeLargeFile,
} from './fixtures/files';

let sandbox: Sandbox;
const files = mkdtempSync(join(scratchRoot, 'files-'));

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true });
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

beforeEach(() => {
	sandbox.clearJournal();
	sandbox.clearFaults();
	sandbox.setOptions({
		completeLagCalls: 0,
		uploadExpiresInSeconds: 3600,
		maxBytes: 209_715_200,
		staleUploadUrls: 0,
	});
});

function run(
	items: SourceItem[],
	parameters: Record<string, unknown>,
	binaryMode: BinaryMode = 'filesystem',
	extra = {},
) {
	return runWorkflow({
		nodes: [source(items), assetsNode(parameters as never, extra)],
		binaryMode,
		credentials: sandboxCredentials(sandbox),
	});
}

function apiCalls(method?: string, path?: RegExp) {
	return sandbox
		.journal('api')
		.filter((e) => (!method || e.method === method) && (!path || path.test(e.path)));
}

const png = (name = 'photo.png', bytes = pngBytes()) => ({
	fileName: name,
	mimeType: 'image/png',
	content: bytes,
});

describe.each<BinaryMode>(['filesystem', 'database', 'default'])(
	'Upload in %s binary mode',
	(mode) => {
		it("uploads the exact bytes and outputs HeyGen's asset fields", async () => {
			const bytes = pngBytes(50_000);
			const result = await run(
				[{ json: { n: 1 }, binary: { data: png('photo.png', bytes) } }],
				{ operation: 'upload' },
				mode,
			);
			expect(result.error).toBeUndefined();
			const [out] = result.output('HeyGen Assets');
			expect(out.json).toMatchObject({
				mime_type: 'image/png',
				size_bytes: bytes.length,
				binary_property: 'data',
				file_name: 'photo.png',
				upload_method: 'upload',
			});
			const assetId = out.json.asset_id as string;
			expect(assetId).toMatch(/^asset_/);
			expect(out.json.file).toEqual({ type: 'asset_id', asset_id: assetId });
			expect(out.json.url).toEqual(expect.stringContaining(assetId));
			expect(out.pairedItem).toEqual([{ item: 0 }]);
			expect(out.binary).toBeUndefined();
			expect(sandbox.assets.get(assetId)!.sha256).toBe(sha256(bytes));
			const [post] = apiCalls('POST', /^\/v3\/assets$/);
			expect(post.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
			expect(post.headers['x-api-key']).toBe(sandbox.apiKey);
		});
	},
);

describe('Direct Upload', () => {
	it.each<BinaryMode>(['filesystem', 'database', 'default'])(
		'streams the bytes to storage with the presigned headers only, then completes (%s mode)',
		async (mode) => {
			const bytes = mp4Bytes(3 * 1024 * 1024 + 17);
			const result = await run(
				[{ binary: { data: { fileName: 'clip.mp4', mimeType: 'video/mp4', content: bytes } } }],
				{ operation: 'directUpload' },
				mode,
			);
			expect(result.error).toBeUndefined();
			const [out] = result.output('HeyGen Assets');
			expect(out.json).toMatchObject({
				mime_type: 'video/mp4',
				size_bytes: bytes.length,
				status: 'processing',
				upload_method: 'directUpload',
			});
			const asset = sandbox.assets.get(out.json.asset_id as string)!;
			expect(asset.sha256).toBe(sha256(bytes));

			const [put] = sandbox.journal('storage').filter((e) => e.method === 'PUT');
			expect(put.status).toBe(200);
			expect(put.bodySize).toBe(bytes.length);
			expect(put.sha256).toBe(sha256(bytes));
			expect(put.headers['content-length']).toBe(String(bytes.length));
			expect(put.headers['transfer-encoding']).toBeUndefined();
			expect(put.headers['content-type']).toBe('video/mp4');
			expect(put.headers['x-api-key']).toBeUndefined();
			expect(put.headers.authorization).toBeUndefined();

			const init = apiCalls('POST', /direct-uploads$/)[0];
			expect(init.headers['idempotency-key']).toBeDefined();
			expect(apiCalls('POST', /\/complete$/)).toHaveLength(1);
		},
	);

	it('can stop after the PUT; Complete then finalizes the asset, idempotently', async () => {
		const bytes = mp4Bytes(100_000);
		const stopped = await run(
			[{ binary: { data: { fileName: 'later.mp4', mimeType: 'video/mp4', content: bytes } } }],
			{ operation: 'directUpload', options: { completeUpload: false } },
		);
		const [pending] = stopped.output('HeyGen Assets');
		expect(pending.json).toMatchObject({ status: 'pending_upload', needs_complete: true });
		expect(apiCalls('POST', /\/complete$/)).toHaveLength(0);
		const assetId = pending.json.asset_id as string;

		for (let i = 0; i < 2; i++) {
			const completed = await run([{ json: { asset_id: assetId } }], { operation: 'complete' });
			expect(completed.error).toBeUndefined();
			expect(completed.output('HeyGen Assets')[0].json).toMatchObject({
				asset_id: assetId,
				status: 'processing',
				mime_type: 'video/mp4',
				size_bytes: bytes.length,
				file: { type: 'asset_id', asset_id: assetId },
			});
		}
	});

	it('retries the 409 "not found yet" race on complete', async () => {
		sandbox.setOptions({ completeLagCalls: 2 });
		const result = await run(
			[
				{
					binary: {
						data: { fileName: 'race.mp4', mimeType: 'video/mp4', content: mp4Bytes(10_000) },
					},
				},
			],
			{ operation: 'directUpload' },
		);
		expect(result.error).toBeUndefined();
		expect(apiCalls('POST', /\/complete$/).map((e) => e.status)).toEqual([409, 409, 200]);
	});

	it('fails before sending any byte when the file is over max_bytes', async () => {
		sandbox.setOptions({ maxBytes: 1_000_000 });
		const result = await run(
			[
				{
					binary: {
						data: { fileName: 'big.mp4', mimeType: 'video/mp4', content: mp4Bytes(1_500_000) },
					},
				},
			],
			{ operation: 'directUpload' },
		);
		expect(result.error?.message).toMatch(/big\.mp4/);
		expect(sandbox.journal('storage')).toHaveLength(0);
	});
});

describe('several files and the auto switch', () => {
	it('uploads every field named in "Input Data Field Name", one output per file, all paired to their item', async () => {
		const result = await run(
			[
				{
					binary: {
						image: png('a.png'),
						doc: { fileName: 'b.pdf', mimeType: 'application/pdf', content: pdfBytes() },
					},
				},
				{ binary: { image: png('c.png') } },
			],
			{ operation: 'upload', binaryPropertyName: '={{ $binary.doc ? "image, doc" : "image" }}' },
		);
		expect(result.error).toBeUndefined();
		const out = result.output('HeyGen Assets');
		expect(out.map((o) => [o.json.file_name, o.json.mime_type, o.pairedItem])).toEqual([
			['a.png', 'image/png', [{ item: 0 }]],
			['b.pdf', 'application/pdf', [{ item: 0 }]],
			['c.png', 'image/png', [{ item: 1 }]],
		]);
	});

	it('switches Upload to the direct-upload flow above 32 MB', async () => {
		const path = join(files, 'big.mp4');
		const digest = await writeLargeFile(path, 32_000_001, mp4Header());
		const result = await run(
			[{ binary: { data: { fileName: 'big.mp4', mimeType: 'video/mp4', path } } }],
			{ operation: 'upload' },
		);
		expect(result.error).toBeUndefined();
		expect(result.output('HeyGen Assets')[0].json).toMatchObject({
			upload_method: 'directUpload',
			size_bytes: 32_000_001,
		});
		expect(apiCalls('POST', /^\/v3\/assets$/)).toHaveLength(0);
		expect(sandbox.journal('storage')[0].sha256).toBe(digest);
	});

	it('with the switch off, fails above 32 MB without calling HeyGen', async () => {
		const path = join(files, 'big2.mp4');
		await writeLargeFile(path, 32_000_001, mp4Header());
		const result = await run(
			[{ binary: { data: { fileName: 'big2.mp4', mimeType: 'video/mp4', path } } }],
			{ operation: 'upload', options: { autoDirectUpload: false } },
		);
		expect(result.error?.message).toContain('Upload takes at most 32 MB');
		expect(sandbox.journal()).toHaveLength(0);
	});
});

describe('input validation happens before any network call', () => {
	it.each([
		[
			'a GIF',
			{ data: { fileName: 'anim.gif', mimeType: 'image/gif', content: gifBytes() } },
			'data',
			/Item 0, field "data", file "anim.gif" is a GIF image/,
		],
		[
			'an empty file',
			{ data: { fileName: 'empty.png', mimeType: 'image/png', content: Buffer.alloc(0) } },
			'data',
			/is empty/,
		],
		[
			'plain text named .mp4',
			{
				data: {
					fileName: 'notes.mp4',
					mimeType: 'video/mp4',
					content: Buffer.from('just some notes\n'),
				},
			},
			'data',
			/is plain text/,
		],
		['a missing field', { data: png() }, 'dat', /Item 0 has no binary field "dat"/],
	])('rejects %s', async (_name, binary, field, message) => {
		const result = await run([{ binary }], { operation: 'upload', binaryPropertyName: field });
		expect(result.error?.message).toMatch(message);
		expect(sandbox.journal()).toHaveLength(0);
	});

	it('trusts bytes, not names: a PNG named .mp4 is uploaded as image/png', async () => {
		const result = await run(
			[{ binary: { data: { fileName: 'fake.mp4', mimeType: 'video/mp4', content: pngBytes() } } }],
			{ operation: 'upload' },
		);
		expect(result.output('HeyGen Assets')[0].json.mime_type).toBe('image/png');
	});

	it('rejects a malformed asset id for Complete', async () => {
		const result = await run([{ json: { asset_id: 'not an id/../x' } }], { operation: 'complete' });
		expect(result.error?.message).toMatch(
			/"Asset ID" is "not an id\/..\/x", not a HeyGen asset id/,
		);
		expect(sandbox.journal()).toHaveLength(0);
	});
});

describe('recovery', () => {
	it('retries 429 after Retry-After and 5xx on the upload POST (it carries an Idempotency-Key)', async () => {
		sandbox.injectFault({
			method: 'POST',
			path: '/v3/assets',
			kind: 'status',
			status: 429,
			retryAfter: 1,
		});
		sandbox.injectFault({ method: 'POST', path: '/v3/assets', kind: 'status', status: 503 });
		const result = await run([{ binary: { data: png('retried.png') } }], { operation: 'upload' });
		expect(result.error).toBeUndefined();
		const posts = apiCalls('POST', /^\/v3\/assets$/);
		expect(posts.map((p) => p.status)).toEqual([429, 503, 200]);
		expect(new Set(posts.map((p) => p.headers['idempotency-key'])).size).toBe(1);
		expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(950);
		expect([...sandbox.assets.values()].filter((a) => a.filename === 'retried.png')).toHaveLength(
			1,
		);
	});

	it('re-sends the storage PUT with a reopened stream after the connection drops mid-body', async () => {
		const bytes = mp4Bytes(2_000_000);
		sandbox.injectFault({
			method: 'PUT',
			origin: 'storage',
			path: '/uploads/:id',
			kind: 'drop',
			dropAfterBytes: 500_000,
		});
		const result = await run(
			[{ binary: { data: { fileName: 'drop.mp4', mimeType: 'video/mp4', content: bytes } } }],
			{ operation: 'directUpload' },
		);
		expect(result.error).toBeUndefined();
		const puts = sandbox.journal('storage').filter((e) => e.method === 'PUT');
		expect(puts).toHaveLength(2);
		expect(puts[1]).toMatchObject({ status: 200, bodySize: bytes.length, sha256: sha256(bytes) });
	});

	it('starts one fresh direct upload when storage says the upload URL has expired', async () => {
		sandbox.setOptions({ staleUploadUrls: 1 });
		const bytes = mp4Bytes();
		const result = await run(
			[{ binary: { data: { fileName: 'late.mp4', mimeType: 'video/mp4', content: bytes } } }],
			{ operation: 'directUpload' },
		);
		expect(result.error).toBeUndefined();
		const [out] = result.output('HeyGen Assets');
		const inits = apiCalls('POST', /direct-uploads$/);
		expect(inits).toHaveLength(2);
		const puts = sandbox.journal('storage').filter((e) => e.method === 'PUT');
		expect(puts.map((p) => p.status)).toEqual([403, 200]);
		expect(puts[1]).toMatchObject({ bodySize: bytes.length, sha256: sha256(bytes) });
		expect(sandbox.assets.get(out.json.asset_id as string)?.status).toBe('processing');
	});

	it('fails clearly when the fresh upload URL has expired as well', async () => {
		sandbox.setOptions({ uploadExpiresInSeconds: 1 });
		const result = await run(
			[{ binary: { data: { fileName: 'slow.mp4', mimeType: 'video/mp4', content: mp4Bytes() } } }],
			{ operation: 'directUpload' },
		);
		// A 1 s URL is inside the safety margin: both sessions are dropped unused and no byte is sent.
		expect(result.error?.message).toMatch(/upload URL expired twice/);
		expect(apiCalls('POST', /direct-uploads$/)).toHaveLength(2);
		expect(sandbox.journal('storage')).toHaveLength(0);
	});
});

describe('items', () => {
	it('with Continue On Fail, yields one result per file in input order, errors included', async () => {
		const result = await run(
			[
				{ binary: { data: png('one.png') } },
				{ binary: { data: { fileName: 'two.gif', mimeType: 'image/gif', content: gifBytes() } } },
				{ binary: { data: png('three.png') } },
			],
			{ operation: 'upload' },
			'filesystem',
			{ onError: 'continueRegularOutput' },
		);
		expect(result.error).toBeUndefined();
		const out: INodeExecutionData[] = result.output('HeyGen Assets');
		expect(out).toHaveLength(3);
		expect(out[0].json.file_name).toBe('one.png');
		expect(out[1].json.error).toMatch(/Item 1, field "data", file "two.gif" is a GIF image/);
		expect(out[2].json.file_name).toBe('three.png');
		expect(out.map((o) => o.pairedItem)).toEqual([[{ item: 0 }], [{ item: 1 }], [{ item: 2 }]]);
	});

	it("reads each item's own options and field name", async () => {
		const result = await run(
			[
				{ json: { keep: false, field: 'data' }, binary: { data: png('one.png') } },
				{ json: { keep: true, field: 'image' }, binary: { image: png('two.png') } },
			],
			{
				operation: 'upload',
				binaryPropertyName: '={{ $json.field }}',
				options: { keepBinary: '={{ $json.keep }}' },
			},
		);
		expect(result.error).toBeUndefined();
		const out = result.output('HeyGen Assets');
		expect(out.map((o) => [o.json.file_name, Object.keys(o.binary ?? {})])).toEqual([
			['one.png', []],
			['two.png', ['image']],
		]);
	});

	it('with Continue On Fail, an expression that fails in one item fails only that item', async () => {
		// `$("Nowhere")` names no node: n8n throws an expression error for that item only.
		const broken = (value: string) => `={{ $json.n === 1 ? $("Nowhere").item.json.x : ${value} }}`;
		for (const parameters of [
			{ operation: 'upload', binaryPropertyName: broken('"data"') },
			{ operation: 'upload', options: { keepBinary: broken('false') } },
		]) {
			sandbox.clearJournal();
			const result = await run(
				[0, 1, 2].map((n) => ({ json: { n }, binary: { data: png(`f${n}.png`) } })),
				parameters,
				'filesystem',
				{ onError: 'continueRegularOutput' },
			);
			expect(result.error).toBeUndefined();
			const out = result.output('HeyGen Assets');
			expect(out.map((o) => o.json.file_name ?? 'error')).toEqual(['f0.png', 'error', 'f2.png']);
			expect(out[1].json.error).toMatch(/Referenced node doesn't exist/);
			expect(out.map((o) => o.pairedItem)).toEqual([[{ item: 0 }], [{ item: 1 }], [{ item: 2 }]]);
			expect(apiCalls('POST', /^\/v3\/assets$/)).toHaveLength(2);
		}
	});

	it('a file with an empty name is sent under its field name, not as an empty filename', async () => {
		const result = await run(
			[
				{ binary: { data: { fileName: '', mimeType: 'image/png', content: pngBytes() } } },
				{ binary: { data: { fileName: ' ', mimeType: 'video/mp4', content: mp4Bytes() } } },
			],
			{ operation: 'directUpload' },
		);
		expect(result.error).toBeUndefined();
		const names = result.output('HeyGen Assets').map((o) => o.json.file_name as string);
		expect(names.every((name) => /^data(\.\w+)?$/.test(name))).toBe(true);
		const stored = [...sandbox.assets.values()].slice(-2).map((a) => a.filename);
		expect(stored).toEqual(names);
	});

	it('keeps the input binary on request', async () => {
		const result = await run([{ binary: { data: png() } }], {
			operation: 'upload',
			options: { keepBinary: true },
		});
		expect(result.output('HeyGen Assets')[0].binary?.data?.mimeType).toBe('image/png');
	});

	it('never lets the API key reach the storage origin', async () => {
		await run(
			[{ binary: { data: { fileName: 'k.mp4', mimeType: 'video/mp4', content: mp4Bytes() } } }],
			{ operation: 'directUpload' },
		);
		const storage = sandbox.journal('storage');
		expect(storage.length).toBeGreaterThan(0);
		expect(JSON.stringify(storage)).not.toContain(sandbox.apiKey);
	});
});
