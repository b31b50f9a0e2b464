/**
 * The fault matrix of the HeyGen Assets node: every request kind (upload POST, direct-upload init,
 * storage PUT, complete) under every fault the sandbox can inject. Each round arms one fault per
 * request kind and runs an Upload and a Direct Upload workflow side by side, so a round costs about
 * one retry wait, not one per cell. Every round asserts, from the sandbox journal, that the fault
 * was really served, that the request was (or was not) repeated, and that no asset was created twice.
 * the Reliability section of README.md is generated from what these tests assert.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { removeScratch, runWorkflow, source, type SourceItem } from './harness/engine';
import { assetsNode, sandboxCredentials } from './harness/heygen';
import { start, type FaultSpec, type JournalEntry, type Sandbox } from './sandbox';
import { mp4Bytes, pngBytes } from './fixtures/files';

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
	sandbox.setOptions({ completeLagCalls: 0, uploadExpiresInSeconds: 3600, maxBytes: 209_715_200 });
});

/** The four request kinds of the Assets node, as fault targets. */
const KIND = {
	upload: { origin: 'api', method: 'POST', path: '/v3/assets' },
	init: { origin: 'api', method: 'POST', path: '/v3/assets/direct-uploads' },
	put: { origin: 'storage', method: 'PUT', path: '/uploads/:id' },
	complete: { origin: 'api', method: 'POST', path: '/v3/assets/:id/complete' },
} as const;
type Kind = keyof typeof KIND;

type Fault = Omit<FaultSpec, 'path' | 'origin' | 'method'>;

function arm(kind: Kind, fault: Fault): void {
	sandbox.injectFault({ ...KIND[kind], ...fault } as FaultSpec);
}

/** The journal entries of one request kind. */
function calls(kind: Kind): JournalEntry[] {
	const { origin, method } = KIND[kind];
	const re: Record<Kind, RegExp> = {
		upload: /^\/v3\/assets$/,
		init: /^\/v3\/assets\/direct-uploads$/,
		put: /^\/uploads\/[^/]+$/,
		complete: /^\/v3\/assets\/[^/]+\/complete$/,
	};
	return sandbox.journal(origin).filter((e) => e.method === method && re[kind].test(e.path));
}

/**
 * Statuses per logical request, sorted: requests are grouped by Idempotency-Key (upload, init) or
 * by URL path (put, complete) — the identity a retry must keep.
 */
function attempts(kind: Kind): number[][] {
	const groups = new Map<string, number[]>();
	for (const e of calls(kind)) {
		const id = kind === 'upload' || kind === 'init' ? e.headers['idempotency-key'] : e.path;
		groups.set(id, [...(groups.get(id) ?? []), e.status]);
	}
	return [...groups.values()].sort((a, b) => b.length - a.length);
}

/** The gap between the first and the second attempt of the retried request of a kind. */
function retryGapMs(kind: Kind): number {
	const all = calls(kind);
	const first = all.find((e) => e.fault)!;
	const key = (e: JournalEntry) =>
		kind === 'upload' || kind === 'init' ? e.headers['idempotency-key'] : e.path;
	const second = all.find((e) => e !== first && key(e) === key(first))!;
	return second.at - first.at;
}

const png = (name: string) => ({ fileName: name, mimeType: 'image/png', content: pngBytes(4096) });
const mp4 = (name: string, size = 300_000) => ({
	fileName: name,
	mimeType: 'video/mp4',
	content: mp4Bytes(size),
});

function run(items: SourceItem[], parameters: Record<string, unknown>) {
	return runWorkflow({
		nodes: [source(items), assetsNode(parameters as never, { onError: 'continueRegularOutput' })],
		binaryMode: 'filesystem',
		credentials: sandboxCredentials(sandbox),
	});
}

/**
 * One round: the given fault armed once on each request kind, then an Upload workflow (two PNGs) and
 * a Direct Upload workflow (two MP4s) run at the same time with Continue On Fail on.
 */
async function round(
	fault: Fault,
	kinds: Kind[] = ['upload', 'init', 'put', 'complete'],
	timeout?: number,
) {
	for (const kind of kinds) arm(kind, fault);
	const options = timeout ? { timeout } : {};
	const started = Date.now();
	const [upload, direct] = await Promise.all([
		run([{ binary: { data: png('u0.png') } }, { binary: { data: png('u1.png') } }], {
			operation: 'upload',
			options,
		}),
		run([{ binary: { data: mp4('d0.mp4') } }, { binary: { data: mp4('d1.mp4') } }], {
			operation: 'directUpload',
			options,
		}),
	]);
	return {
		upload: upload.output('HeyGen Assets'),
		direct: direct.output('HeyGen Assets'),
		errors: [upload.error, direct.error],
		ms: Date.now() - started,
	};
}

/** Every file came out once, in input order, as an asset; no asset exists twice. */
function expectAllRecovered(result: Awaited<ReturnType<typeof round>>) {
	expect(result.errors).toEqual([undefined, undefined]);
	const summary = (out: INodeExecutionData[]) =>
		out.map((o) => [o.json.file_name, o.json.error, o.pairedItem]);
	expect(summary(result.upload)).toEqual([
		['u0.png', undefined, [{ item: 0 }]],
		['u1.png', undefined, [{ item: 1 }]],
	]);
	expect(summary(result.direct)).toEqual([
		['d0.mp4', undefined, [{ item: 0 }]],
		['d1.mp4', undefined, [{ item: 1 }]],
	]);
	expectNoDuplicates();
	expect(sandbox.pendingFaults()).toEqual([]);
}

/** One usable asset per file name: retries never created a second one. */
function expectNoDuplicates() {
	const usable = [...sandbox.assets.values()].filter((a) => a.status === 'processing');
	const names = usable.map((a) => a.filename).sort();
	expect(names).toEqual([...new Set(names)]);
	for (const asset of usable) {
		if (asset.source === 'direct') expect(asset.stored_bytes).toBe(asset.size_bytes);
	}
}

describe('fault matrix: recovered faults (one of each kind per round)', () => {
	it('429 with Retry-After: every request kind waits what the header says, then succeeds', async () => {
		const result = await round({ kind: 'status', status: 429, retryAfter: 2 });
		expectAllRecovered(result);
		for (const kind of ['upload', 'init', 'put', 'complete'] as Kind[]) {
			expect(attempts(kind)).toEqual([[429, 200], [200]]);
			expect(retryGapMs(kind)).toBeGreaterThanOrEqual(1950);
			expect(retryGapMs(kind)).toBeLessThan(2900);
		}
	});

	it('429 without Retry-After: every request kind backs off about 1 s, then succeeds', async () => {
		const result = await round({ kind: 'status', status: 429, retryAfter: null });
		expectAllRecovered(result);
		for (const kind of ['upload', 'init', 'put', 'complete'] as Kind[]) {
			expect(attempts(kind)).toEqual([[429, 200], [200]]);
			expect(retryGapMs(kind)).toBeGreaterThanOrEqual(950);
			expect(retryGapMs(kind)).toBeLessThan(1900);
		}
	});

	it.each([500, 502, 503])(
		'%i on every request kind: retried once with the same identity, then succeeds',
		async (status) => {
			const result = await round({ kind: 'status', status });
			expectAllRecovered(result);
			for (const kind of ['upload', 'init', 'put', 'complete'] as Kind[]) {
				expect(attempts(kind)).toEqual([[status, 200], [200]]);
			}
		},
	);

	it('connection reset mid-body on every request kind: retried (PUT with a reopened stream), then succeeds', async () => {
		const result = await round({ kind: 'drop', dropAfterBytes: 1000 });
		expectAllRecovered(result);
		for (const kind of ['upload', 'init', 'put', 'complete'] as Kind[]) {
			expect(attempts(kind)).toEqual([[0, 200], [200]]);
		}
		const puts = calls('put');
		const dropped = puts.find((p) => p.fault === 'drop')!;
		const resent = puts.find((p) => p !== dropped && p.path === dropped.path)!;
		expect(dropped.bodySize).toBeLessThan(300_000);
		expect(resent).toMatchObject({ status: 200, bodySize: 300_000 });
	});

	it('a hang past "Request Timeout" (1 s) on every request kind: abandoned, retried, then succeeds', async () => {
		const result = await round({ kind: 'hang' }, undefined, 1);
		expectAllRecovered(result);
		for (const kind of ['upload', 'init', 'put', 'complete'] as Kind[]) {
			expect(attempts(kind)).toEqual([[0, 200], [200]]);
			expect(retryGapMs(kind)).toBeGreaterThanOrEqual(1950);
		}
	});

	it('malformed JSON (HTTP 200) on upload POST, init and complete: treated as transient, retried, then succeeds', async () => {
		const result = await round({ kind: 'malformed' }, ['upload', 'init', 'complete']);
		expectAllRecovered(result);
		for (const kind of ['upload', 'init', 'complete'] as Kind[]) {
			expect(attempts(kind)).toEqual([[200, 200], [200]]);
		}
	});
});

describe('fault matrix: duplicates', () => {
	it('an answer lost after HeyGen processed the request (slower than "Request Timeout"): the retry is replayed by Idempotency-Key, no second asset', async () => {
		// The first upload POST and the first init are processed after 1.5 s, when the client (1 s
		// timeout) has already given up: HeyGen did the work but the answer is lost.
		sandbox.setOptions({ latencyMs: 1500 });
		const pending = Promise.all([
			run([{ binary: { data: png('u0.png') } }], { operation: 'upload', options: { timeout: 1 } }),
			run([{ binary: { data: mp4('d0.mp4') } }], {
				operation: 'directUpload',
				options: { timeout: 1 },
			}),
		]);
		await until(() => calls('upload').length >= 1 && calls('init').length >= 1);
		sandbox.setOptions({ latencyMs: 0 });
		const [upload, direct] = await pending;
		try {
			expect(upload.error).toBeUndefined();
			expect(direct.error).toBeUndefined();
			for (const kind of ['upload', 'init'] as Kind[]) expect(attempts(kind)).toEqual([[0, 200]]);
			// Exactly one asset per file, and it is the one the first (lost) attempt created.
			const assets = [...sandbox.assets.values()];
			expect(assets.map((a) => [a.filename, a.status]).sort()).toEqual([
				['d0.mp4', 'processing'],
				['u0.png', 'processing'],
			]);
			expect(upload.output('HeyGen Assets')[0].json.asset_id).toBe(
				assets.find((a) => a.filename === 'u0.png')!.asset_id,
			);
			expect(direct.output('HeyGen Assets')[0].json.asset_id).toBe(
				assets.find((a) => a.filename === 'd0.mp4')!.asset_id,
			);
		} finally {
			sandbox.setOptions({ latencyMs: 0 });
		}
	});
});

describe('fault matrix: expired upload URL', () => {
	it('storage answers 403 "Request has expired": one fresh direct upload (new init, new URL), then succeeds', async () => {
		const restore = expireNextUploadUrls(1);
		try {
			const result = await run([{ binary: { data: mp4('d0.mp4') } }], {
				operation: 'directUpload',
			});
			expect(result.error).toBeUndefined();
			const [out] = result.output('HeyGen Assets');
			expect(out.json).toMatchObject({ file_name: 'd0.mp4', status: 'processing' });
			const inits = calls('init');
			expect(inits).toHaveLength(2);
			expect(new Set(inits.map((e) => e.headers['idempotency-key'])).size).toBe(2);
			const puts = calls('put');
			expect(puts.map((p) => p.status)).toEqual([403, 200]);
			expect(puts[0].path).not.toBe(puts[1].path);
			expect(puts[1].path).toBe(`/uploads/${String(out.json.asset_id)}`);
			// The first session is left unused (never completed); only one asset is usable.
			expect([...sandbox.assets.values()].map((a) => a.status).sort()).toEqual([
				'pending_upload',
				'processing',
			]);
			expect(calls('complete')).toHaveLength(1);
		} finally {
			restore();
		}
	});

	it('the fresh URL expires too: a clear error, no third attempt, nothing completed', async () => {
		const restore = expireNextUploadUrls(2);
		try {
			const result = await run([{ binary: { data: mp4('d0.mp4') } }], {
				operation: 'directUpload',
			});
			const [out] = result.output('HeyGen Assets');
			expect(out.json.error).toBe(
				'Item 0, field "data", file "d0.mp4": HeyGen\'s upload URL expired twice before the upload could finish',
			);
			expect(calls('init')).toHaveLength(2);
			expect(calls('put').map((p) => p.status)).toEqual([403, 403]);
			expect(calls('complete')).toHaveLength(0);
		} finally {
			restore();
		}
	});
});

describe('fault matrix: clear errors', () => {
	it('4xx answers are never retried: 400 on upload POST, 403 on init, 403 (not expired) on the PUT, 404 on complete', async () => {
		arm('upload', { kind: 'status', status: 400 });
		arm('init', { kind: 'status', status: 403 });
		arm('put', { kind: 'status', status: 403 });
		arm('complete', { kind: 'status', status: 404 });
		const [upload, direct] = await Promise.all([
			run([{ binary: { data: png('u0.png') } }, { binary: { data: png('u1.png') } }], {
				operation: 'upload',
				options: { concurrency: 1 },
			}),
			run(
				[0, 1, 2, 3].map((i) => ({ binary: { data: mp4(`d${i}.mp4`) } })),
				{ operation: 'directUpload', options: { concurrency: 1 } },
			),
		]);
		expect(errorsOf(upload.output('HeyGen Assets'))).toEqual([
			'Upload of "u0.png" failed: HeyGen answered 400 invalid_parameter: Invalid request (sandbox fault).',
			null,
		]);
		const storageHost = new URL(sandbox.storageUrl).host;
		expect(errorsOf(direct.output('HeyGen Assets'))).toEqual([
			'Direct upload of "d0.mp4" failed: HeyGen answered 403 forbidden: You do not have permission to perform this action (sandbox fault).',
			`Upload of "d1.mp4" to storage failed: HeyGen answered 403 AccessDenied: the storage server at ${storageHost} refused the upload: Access Denied`,
			expect.stringMatching(
				/^Completing asset asset_\w+ failed: HeyGen answered 404 not_found: Resource not found \(sandbox fault\)\.$/,
			),
			null,
		]);
		expect(attempts('upload')).toEqual([[400], [200]]);
		expect(attempts('init')).toEqual([[403], [200], [200], [200]]);
		expect(attempts('put')).toEqual([[403], [200], [200]]);
		expect(attempts('complete')).toEqual([[404], [200]]);
		expectNoDuplicates();
	});

	it('retries used up (hang ×3, 502 HTML ×3, reset ×3, 429 ×3; storage 200 with a garbage body): one clear error item per failed file, in input order, the rest uploaded', async () => {
		// Two direct uploads stopped before Complete, for the Complete workflow below.
		const waiting = await run(
			[0, 1].map((i) => ({ binary: { data: mp4(`c${i}.mp4`) } })),
			{
				operation: 'directUpload',
				options: { completeUpload: false },
			},
		);
		const assetIds = waiting.output('HeyGen Assets').map((o) => o.json.asset_id as string);
		expect(assetIds).toHaveLength(2);
		sandbox.clearJournal();

		arm('upload', { kind: 'hang', times: 3 });
		arm('upload', { kind: 'status', status: 502, times: 3 });
		arm('put', { kind: 'drop', dropAfterBytes: 1000, times: 3 });
		arm('put', { kind: 'malformed' });
		arm('complete', { kind: 'status', status: 429, retryAfter: 1, times: 3 });
		// One file at a time in each workflow, so each armed fault hits one file all three times. The
		// Complete workflow's three 429s are used up (≈ 2 s) before the direct uploads reach Complete (≥ 3.4 s).
		const sequential = { concurrency: 1, timeout: 1 };
		const [upload, direct, complete] = await Promise.all([
			run(
				[0, 1, 2].map((i) => ({ binary: { data: png(`u${i}.png`) } })),
				{ operation: 'upload', options: sequential },
			),
			run(
				[0, 1, 2].map((i) => ({ binary: { data: mp4(`d${i}.mp4`) } })),
				{ operation: 'directUpload', options: sequential },
			),
			run(
				assetIds.map((id) => ({ json: { asset_id: id } })),
				{ operation: 'complete', options: sequential },
			),
		]);
		const apiHost = new URL(sandbox.apiUrl).host;
		const storageHost = new URL(sandbox.storageUrl).host;
		expect(upload.output('HeyGen Assets').map(brief)).toMatchObject([
			{
				item: 0,
				error: `Upload of "u0.png" failed: the connection to ${apiHost} timed out (after 3 attempts)`,
				description: expect.stringContaining(
					'No answer within the request timeout. Raise "Request Timeout" in the node options',
				),
			},
			{
				item: 1,
				error: 'Upload of "u1.png" failed: HeyGen answered 502 http_502: HeyGen server error',
				description: expect.stringContaining("The answer was not HeyGen's JSON error format"),
				httpCode: '502',
			},
			{ item: 2, file: 'u2.png' },
		]);
		expect(attempts('upload')).toEqual([[0, 0, 0], [502, 502, 502], [200]]);

		expect(direct.output('HeyGen Assets').map(brief)).toMatchObject([
			{
				item: 0,
				error: `Upload of "d0.mp4" to storage failed: the connection to ${storageHost} was reset (after 3 attempts)`,
				description: expect.stringContaining('Check the network between n8n and HeyGen'),
			},
			{
				item: 1,
				error: expect.stringMatching(
					/^Item 1: HeyGen has not found the uploaded bytes of asset asset_\w+ \(409 conflict\) after 6 attempts$/,
				),
				description:
					'The file was never stored, or storage is slow to show it. If the upload was stopped before its bytes were sent, run Direct Upload again; otherwise retry Complete in a minute.',
			},
			{ item: 2, file: 'd2.mp4' },
		]);
		expect(attempts('init')).toEqual([[200], [200], [200]]);
		expect(attempts('put')).toEqual([[0, 0, 0], [200], [200]]);

		expect(complete.output('HeyGen Assets').map(brief)).toEqual([
			{
				item: 0,
				error: `Completing asset ${assetIds[0]} failed: HeyGen answered 429 rate_limit_exceeded: Too many requests. Please retry after the time given in Retry-After.`,
				description: expect.stringContaining('rate limiting'),
				httpCode: '429',
			},
			{ item: 1, file: null },
		]);
		expect(
			attempts('complete')
				.map((a) => a.join(','))
				.sort(),
		).toEqual(['200', '200', '409,409,409,409,409,409', '429,429,429']);
		expect(sandbox.pendingFaults()).toEqual([]);
		expectNoDuplicates();
	});
});

/** An output item reduced to what the fault tests compare. */
function brief(o: INodeExecutionData) {
	const [{ item }] = o.pairedItem as Array<{ item: number }>;
	if (o.json.error === undefined) return { item, file: o.json.file_name ?? null };
	return {
		item,
		error: o.json.error,
		...(o.json.description ? { description: o.json.description } : {}),
		...(o.json.httpCode ? { httpCode: o.json.httpCode } : {}),
	};
}

/** Resolves once `condition` holds (polled every 10 ms, for at most 10 s). */
async function until(condition: () => boolean): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not reached in 10 s');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

/** Each output item's error message, or null for a success. */
function errorsOf(out: INodeExecutionData[]): Array<string | null> {
	return out.map((o) => (o.json.error as string | undefined) ?? null);
}

/**
 * Makes the storage origin treat the next `n` upload URLs as already expired (as if its clock ran
 * ahead of ours), so the PUT gets S3's 403 "Request has expired". Returns the undo.
 */
function expireNextUploadUrls(n: number): () => void {
	const assets = sandbox.assets;
	let left = n;
	assets.set = function (this: typeof assets, key, value) {
		if (left > 0 && value.upload) {
			left--;
			value.upload.expires_at = Date.now() - 1;
		}
		return Map.prototype.set.call(this, key, value) as typeof assets;
	};
	return () => {
		delete (assets as { set?: unknown }).set;
	};
}
