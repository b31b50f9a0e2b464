/**
 * Large files travel as streams: the node never holds a file whole. Measured in a child process
 * that runs only the node inside the n8n engine (bench/worker.ts: fresh process, warm-up, full GC
 * with --expose-gc, then the peak RSS growth from the kernel's high-water mark and 10 ms samples);
 * the sandbox stays in this process, so its hashing and buffers are not counted.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { SingleJob, SingleResult, StoredBinary, WorkerJob } from '../bench/protocol';
import { RESULT_MARKER } from '../bench/protocol';
import { removeScratch, scratchRoot } from './harness/engine';
import { start, type Sandbox } from './sandbox';
import { mp4Header, writeLargeFile } from './fixtures/files';

const MiB = 1024 * 1024;
const ROOT = join(__dirname, '..');
/**
 * Upper bound of the node's own RSS growth. A healthy streamed upload grows by 60–90 MiB on Node 24
 * (V8 lets spent chunk buffers pile up before collecting; BENCHMARKS.md item 1); one 100 MB copy of
 * a file on top of that would cross it.
 */
const NODE_RSS_BOUND = 128 * MiB;

let sandbox: Sandbox;
const store = join(scratchRoot, 'worker-store');
const tmp = join(scratchRoot, 'worker-tmp');

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true, maxBytes: 1024 * 1024 * 1024 });
	mkdirSync(store, { recursive: true });
	mkdirSync(tmp, { recursive: true });
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

function worker<R>(job: WorkerJob): Promise<R> {
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			['--expose-gc', '--import', 'tsx', 'bench/worker.ts', JSON.stringify(job)],
			{
				cwd: ROOT,
				env: { ...process.env, BENCH_BINARY_STORE: store, TMPDIR: tmp },
				maxBuffer: 16 * MiB,
				timeout: 180_000,
			},
			(error, stdout, stderr) => {
				const line = stdout.split('\n').find((text) => text.startsWith(RESULT_MARKER));
				if (error || !line) reject(new Error(`worker failed: ${error?.message}\n${stderr}`));
				else resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as R);
			},
		);
	});
}

const server = () => ({
	kind: 'sandbox' as const,
	apiUrl: sandbox.apiUrl,
	storageUrl: sandbox.storageUrl,
	apiKey: sandbox.apiKey,
});

it('direct-uploads a 256 MiB file from filesystem binary storage without loading it into memory', async () => {
	const size = 256 * MiB;
	const path = join(scratchRoot, 'large.mp4');
	const digest = await writeLargeFile(path, size, mp4Header());
	const binary = await worker<StoredBinary>({
		scenario: 'store',
		file: path,
		fileName: 'large.mp4',
		mimeType: 'video/mp4',
	});
	expect(binary.id).toMatch(/^filesystem-v2:/);

	sandbox.clearJournal();
	const job: SingleJob = { scenario: 'packDirect', server: server(), binary };
	const result = await worker<SingleResult>(job);

	const puts = sandbox.journal('storage').filter((e) => e.method === 'PUT' && e.bodySize === size);
	expect(puts).toHaveLength(1);
	expect(puts[0]).toMatchObject({ status: 200, sha256: digest });
	expect(puts[0].headers['content-length']).toBe(String(size));
	expect(result.hwmPeakRssGrowthBytes).not.toBeNull();
	expect(result.peakRssGrowthBytes).toBeLessThan(NODE_RSS_BOUND);
}, 240_000);

it('sends 8 files of 30 MB at once through Upload as streamed multipart bodies', async () => {
	const size = 30_000_000;
	const path = join(scratchRoot, 'clip.mp4');
	const digest = await writeLargeFile(path, size, mp4Header());
	const copies = await worker<StoredBinary[]>({
		scenario: 'storeCopies',
		file: path,
		fileName: 'clip.mp4',
		mimeType: 'video/mp4',
		copies: 8,
	});

	sandbox.clearJournal();
	const job: SingleJob = {
		scenario: 'packUploadMany',
		server: server(),
		binary: copies[0],
		binaries: copies,
	};
	const result = await worker<SingleResult>(job);

	const posts = sandbox
		.journal('api')
		.filter((e) => e.method === 'POST' && e.path === '/v3/assets' && e.bodySize > size);
	expect(posts).toHaveLength(8);
	for (const post of posts) {
		expect(post.status).toBe(200);
		// the exact length announced up front, not chunked
		expect(post.headers['content-length']).toBe(String(post.bodySize));
		expect(post.headers['transfer-encoding']).toBeUndefined();
	}
	const stored = [...sandbox.assets.values()].filter((a) => a.size_bytes === size);
	expect(stored).toHaveLength(8);
	expect(stored.every((a) => a.sha256 === digest)).toBe(true);
	// 8 × 30 MB buffered (and copied into a multipart body) would be 240–480 MB
	expect(result.peakRssGrowthBytes).toBeLessThan(NODE_RSS_BOUND);
}, 240_000);
