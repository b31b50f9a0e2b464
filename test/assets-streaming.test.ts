/**
 * A large file stored in filesystem mode must travel to storage as a stream: the node never holds
 * it whole. Measured as the peak RSS growth of this process (node, n8n engine and sandbox all run
 * here) while a 400 MB file is direct-uploaded; buffering it anywhere would add ≥ 400 MB.
 */
import { join } from 'node:path';

import { removeScratch, runWorkflow, scratchRoot, source } from './harness/engine';
import { assetsNode, sandboxCredentials } from './harness/heygen';
import { start, type Sandbox } from './sandbox';
import { mp4Header, writeLargeFile } from './fixtures/files';

const SIZE = 400 * 1024 * 1024;

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true, maxBytes: 1024 * 1024 * 1024 });
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

it('direct-uploads a 400 MB file from filesystem binary storage without loading it into memory', async () => {
	const path = join(scratchRoot, 'large.mp4');
	const digest = await writeLargeFile(path, SIZE, mp4Header());

	// Store the file in n8n's binary data first (a run of the source node alone), so the peak below
	// measures the upload only.
	const stored = await runWorkflow({
		nodes: [source([{ binary: { data: { fileName: 'large.mp4', mimeType: 'video/mp4', path } } }])],
	});
	const binary = stored.output('Source')[0].binary!.data;
	expect(binary.id).toMatch(/^filesystem-v2:/);

	global.gc?.();
	let peak = 0;
	const baseline = process.memoryUsage().rss;
	const sampler = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss - baseline);
	}, 10);
	try {
		const result = await runWorkflow({
			nodes: [
				source([{ binary: { data: { stored: binary } } }]),
				assetsNode({ operation: 'directUpload' }),
			],
			credentials: sandboxCredentials(sandbox),
		});
		expect(result.error).toBeUndefined();
	} finally {
		clearInterval(sampler);
	}
	const [put] = sandbox.journal('storage').filter((e) => e.method === 'PUT');
	expect(put).toMatchObject({ status: 200, bodySize: SIZE, sha256: digest });
	expect(put.headers['content-length']).toBe(String(SIZE));
	// Generous for GC timing on a shared machine, far below the 400 MB a buffered upload adds.
	expect(peak).toBeLessThan(160 * 1024 * 1024);
}, 120_000);
