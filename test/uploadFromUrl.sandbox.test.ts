/** The sandbox's file host (test/sandbox/fileHost.ts): the sources Upload from URL is tested with. */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';

import { detectFileType } from '../nodes/shared/fileType';
import { SAMPLE_MP4, sourceBytes, sourceSha256, start, type Sandbox } from './sandbox';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true });
});

afterAll(async () => {
	await sandbox.stop();
});

beforeEach(() => sandbox.reset());

interface Got {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: Buffer;
	/** the body ended normally (not cut off) */
	complete: boolean;
}

/** A plain GET (no redirects followed), resolving also when the server cuts the body off. */
function get(url: string, method = 'GET'): Promise<Got> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(url, { method }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			const done = (complete: boolean) =>
				resolve({
					status: res.statusCode ?? 0,
					headers: res.headers,
					body: Buffer.concat(chunks),
					complete,
				});
			res.on('end', () => done(true));
			res.on('aborted', () => done(false));
			res.on('error', () => done(false));
		});
		req.on('error', reject);
		req.end();
	});
}

describe('file host', () => {
	it('serves generated files of the asked type and size, with Content-Length, and journals them', async () => {
		const spec = { type: 'png', size: 200_000 };
		const got = await get(sandbox.files.fileUrl('chart.png', spec));
		expect(got.status).toBe(200);
		expect(got.headers['content-length']).toBe('200000');
		expect(got.headers['content-type']).toBe('image/png');
		expect(got.body.equals(sourceBytes(spec))).toBe(true);
		expect(createHash('sha256').update(got.body).digest('hex')).toBe(sourceSha256(spec));
		expect(detectFileType(got.body).label).toBe('a PNG image');
		const [entry] = sandbox.files.journal();
		expect(entry).toMatchObject({
			method: 'GET',
			path: '/files/chart.png',
			status: 200,
			bytesSent: 200_000,
			complete: true,
		});
	});

	it('lies about the type like real servers: HTML or a PNG under a .mp4 name, served as video/mp4', async () => {
		const html = await get(sandbox.files.fileUrl('clip.mp4', { type: 'html', size: 5000 }));
		expect(html.headers['content-type']).toBe('video/mp4');
		expect(detectFileType(html.body).label).toBe('an HTML page');
		const png = await get(sandbox.files.fileUrl('clip.mp4', { type: 'png', size: 5000 }));
		expect(png.headers['content-type']).toBe('video/mp4');
		expect(detectFileType(png.body).label).toBe('a PNG image');
	});

	it('serves without Content-Length, slowly, and cut off mid-body when asked', async () => {
		const chunked = await get(sandbox.files.fileUrl('a.mp4', { size: 100_000, chunked: 1 }));
		expect(chunked.headers['content-length']).toBeUndefined();
		expect(chunked.headers['transfer-encoding']).toBe('chunked');
		expect(chunked.body.length).toBe(100_000);

		const cut = await get(sandbox.files.fileUrl('b.mp4', { size: 300_000, dropAfter: 100_000 }));
		expect(cut.complete).toBe(false);
		expect(cut.body.length).toBe(100_000);
		expect(sandbox.files.journal()[1]).toMatchObject({
			bytesSent: 100_000,
			complete: false,
			fault: 'drop',
		});

		const slow = await get(sandbox.files.fileUrl('c.mp4', { size: 3 * 65536, slowMs: 20 }));
		expect(slow.body.length).toBe(3 * 65536);
	});

	it('redirects (relative, N hops) and loops; answers any status; grows between requests', async () => {
		const first = await get(sandbox.files.fileUrl('r.mp4', { redirects: 2 }));
		expect(first.status).toBe(302);
		expect(first.headers.location).toBe('r.mp4?redirects=1');
		const loop = await get(sandbox.files.fileUrl('l.mp4', { loop: 1 }));
		expect(loop.headers.location).toBe('/files/l.mp4?loop=1');
		expect((await get(sandbox.files.fileUrl('x.mp4', { status: 403 }))).status).toBe(403);
		const grow = sandbox.files.fileUrl('g.mp4', { size: 1000, grow: 10 });
		expect((await get(grow)).body.length).toBe(1000);
		expect((await get(grow, 'HEAD')).headers['content-length']).toBe('1010');
	});

	it('takes faults as the other origins do, and serves the real sample MP4', async () => {
		sandbox.files.injectFault({ path: '/files/:name', kind: 'status', status: 503 });
		expect((await get(sandbox.files.fileUrl('f.mp4'))).status).toBe(503);
		expect((await get(sandbox.files.fileUrl('f.mp4'))).status).toBe(200);
		expect(sandbox.files.journal().map((e) => e.fault)).toEqual(['status:503', undefined]);

		const sample = await get(`${sandbox.files.url}/sample.mp4`);
		expect(sample.body.equals(SAMPLE_MP4)).toBe(true);
		const control = await get(`${sandbox.files.url}/__files/journal`);
		expect(JSON.parse(control.body.toString()).length).toBe(3);
	});
});
