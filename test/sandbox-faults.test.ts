/**
 * The sandbox's own tests, part 3: fault injection (status, hang, drop, malformed) on both origins, the
 * order in which faults are consumed, their journal records, and cleanup by stop().
 */
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { start, type Sandbox } from './sandbox';
import { api, generated, MP4, put, SAMPLES, sleep, uploadFile } from './sandbox/testkit';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let sb: Sandbox;

beforeAll(async () => {
	sb = await start({ port: 0, quiet: true });
});
afterAll(async () => {
	await sb.stop();
});
beforeEach(() => sb.reset());

async function initUpload(size = MP4.length) {
	const r = await api(sb, 'POST', '/v3/assets/direct-uploads', {
		json: { filename: 'v.mp4', content_type: 'video/mp4', size_bytes: size },
	});
	return r.json.data as {
		asset_id: string;
		upload_url: string;
		upload_headers: Record<string, string>;
	};
}

describe('kind: status', () => {
	test('429 with the default Retry-After of 1 s, then the real answer', async () => {
		sb.injectFault({ path: '/v3/users/me', kind: 'status', status: 429 });
		const a = await api(sb, 'GET', '/v3/users/me');
		expect(a.status).toBe(429);
		expect(a.headers['retry-after']).toBe('1');
		expect(a.json).toEqual({
			error: {
				code: 'rate_limit_exceeded',
				message: expect.any(String),
				param: null,
				doc_url: expect.any(String),
			},
		});
		expect((await api(sb, 'GET', '/v3/users/me')).status).toBe(200);
		expect(sb.pendingFaults()).toEqual([]);
	});

	test('429 with retryAfter 7, and with retryAfter null (no header)', async () => {
		sb.injectFault({ path: '/v3/users/me', kind: 'status', status: 429, retryAfter: 7 });
		sb.injectFault({ path: '/v3/users/me', kind: 'status', status: 429, retryAfter: null });
		expect((await api(sb, 'GET', '/v3/users/me')).headers['retry-after']).toBe('7');
		const b = await api(sb, 'GET', '/v3/users/me');
		expect(b.status).toBe(429);
		expect(b.headers['retry-after']).toBeUndefined();
	});

	test('500 envelope internal_error; 503 envelope (Retry-After only when asked); 502 an HTML page', async () => {
		sb.injectFault({ path: '/v3/voices', kind: 'status', status: 500 });
		sb.injectFault({ path: '/v3/voices', kind: 'status', status: 503 });
		sb.injectFault({ path: '/v3/voices', kind: 'status', status: 503, retryAfter: 2 });
		sb.injectFault({ path: '/v3/voices', kind: 'status', status: 502 });
		const a = await api(sb, 'GET', '/v3/voices');
		expect(a.status).toBe(500);
		expect(a.json.error.code).toBe('internal_error');
		const b = await api(sb, 'GET', '/v3/voices');
		expect(b.status).toBe(503);
		expect(b.json.error.code).toBe('service_unavailable');
		expect(b.headers['retry-after']).toBeUndefined();
		const c = await api(sb, 'GET', '/v3/voices');
		expect(c.headers['retry-after']).toBe('2');
		const d = await api(sb, 'GET', '/v3/voices');
		expect(d.status).toBe(502);
		expect(d.headers['content-type']).toBe('text/html');
		expect(d.text).toContain('<title>502 Bad Gateway</title>');
		expect(d.json).toBeUndefined();
		expect((await api(sb, 'GET', '/v3/voices')).status).toBe(200);
	});

	test('times: N consecutive matching calls; faults are consumed in order', async () => {
		sb.injectFault({ path: '/v3/users/me', kind: 'status', status: 500, times: 2 });
		sb.injectFault({ path: '/v3/users/me', kind: 'status', status: 503 });
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await api(sb, 'GET', '/v3/users/me')).status);
		expect(statuses).toEqual([500, 500, 503, 200]);
		expect(sb.journal('api').map((e) => e.fault)).toEqual([
			'status:500',
			'status:500',
			'status:503',
			undefined,
		]);
	});

	test('matching by method, route pattern, RegExp and origin', async () => {
		const up = await uploadFile(sb, SAMPLES.png.bytes);
		const id = up.json.data.asset_id;
		sb.injectFault({
			method: 'POST',
			path: '/v3/assets/:id/complete',
			kind: 'status',
			status: 500,
		});
		sb.injectFault({
			path: /^\/v3\/assets\/asset_[0-9a-f]+$/,
			method: 'DELETE',
			kind: 'status',
			status: 503,
		});
		sb.injectFault({ path: '/v3/users/me', origin: 'storage', kind: 'status', status: 500 });
		expect((await api(sb, 'GET', `/v3/assets/${id}`)).status).toBe(200); // GET does not match either
		expect((await api(sb, 'GET', '/v3/users/me')).status).toBe(200); // storage-only fault
		expect((await api(sb, 'POST', `/v3/assets/${id}/complete`)).status).toBe(500);
		expect((await api(sb, 'DELETE', `/v3/assets/${id}`)).status).toBe(503);
		expect(sb.pendingFaults()).toEqual([
			expect.objectContaining({ path: '/v3/users/me', origin: 'storage' }),
		]);
	});

	test('a faulted request is not processed: no asset is created', async () => {
		sb.injectFault({ path: '/v3/assets', method: 'POST', kind: 'status', status: 503 });
		const r = await uploadFile(sb, SAMPLES.png.bytes);
		expect(r.status).toBe(503);
		expect(sb.assets.size).toBe(0);
		const [entry] = sb.journal('api');
		expect(entry).toMatchObject({ status: 503, fault: 'status:503' });
		expect(entry.bodySize).toBeGreaterThan(SAMPLES.png.bytes.length); // the body was read (and hashed) first
	});

	test('storage origin: 500 / 503 as S3 XML, 502 HTML; the URL stays valid for the retry', async () => {
		const d = await initUpload();
		sb.injectFault({
			origin: 'storage',
			method: 'PUT',
			path: '/uploads/:id',
			kind: 'status',
			status: 500,
		});
		sb.injectFault({
			origin: 'storage',
			method: 'PUT',
			path: '/uploads/:id',
			kind: 'status',
			status: 503,
		});
		sb.injectFault({
			origin: 'storage',
			method: 'PUT',
			path: '/uploads/:id',
			kind: 'status',
			status: 502,
		});
		const a = await put(d.upload_url, MP4, d.upload_headers);
		expect(a.status).toBe(500);
		expect(a.headers['content-type']).toBe('application/xml');
		expect(a.text).toContain('<Code>InternalError</Code>');
		const b = await put(d.upload_url, MP4, d.upload_headers);
		expect(b.status).toBe(503);
		expect(b.text).toContain('<Code>SlowDown</Code>');
		const c = await put(d.upload_url, MP4, d.upload_headers);
		expect(c.status).toBe(502);
		expect(c.headers['content-type']).toBe('text/html');
		expect(sb.assets.get(d.asset_id)!.status).toBe('pending_upload');
		expect((await put(d.upload_url, MP4, d.upload_headers)).status).toBe(200);
		expect(sb.journal('storage').map((e) => [e.status, e.fault])).toEqual([
			[500, 'status:500'],
			[503, 'status:503'],
			[502, 'status:502'],
			[200, undefined],
		]);
		expect(sb.journal('storage').every((e) => e.sha256 === sha(MP4))).toBe(true);
	});
});

describe('kind: hang', () => {
	test('never answers; the journal shows it with status 0; the next call is normal', async () => {
		sb.injectFault({ path: '/v3/users/me', kind: 'hang' });
		const err = await api(sb, 'GET', '/v3/users/me', { headersTimeout: 300 }).then(
			() => null,
			(e: Error & { code?: string }) => e,
		);
		expect(err?.code).toBe('UND_ERR_HEADERS_TIMEOUT');
		expect(sb.journal('api')[0]).toMatchObject({ fault: 'hang', status: 0 });
		expect((await api(sb, 'GET', '/v3/users/me')).status).toBe(200);
	});

	test('a hanging storage PUT: body read in full, no answer, nothing stored', async () => {
		const d = await initUpload();
		sb.injectFault({ origin: 'storage', path: '/uploads/:id', kind: 'hang' });
		await expect(
			request(d.upload_url, {
				method: 'PUT',
				headers: d.upload_headers,
				body: MP4,
				headersTimeout: 300,
			}),
		).rejects.toThrow();
		const [entry] = sb.journal('storage');
		expect(entry).toMatchObject({
			fault: 'hang',
			status: 0,
			bodySize: MP4.length,
			sha256: sha(MP4),
		});
		expect(sb.assets.get(d.asset_id)!.status).toBe('pending_upload');
	});

	test('stop() cleans up hanging requests promptly', async () => {
		const other = await start({ port: 0, quiet: true, latencyMs: 10 });
		other.injectFault({ path: '/v3/users/me', kind: 'hang', times: 3 });
		const pending = [1, 2, 3].map(() =>
			api(other, 'GET', '/v3/users/me').then(
				() => 'answered',
				() => 'closed',
			),
		);
		await sleep(100);
		const t = Date.now();
		await other.stop();
		expect(Date.now() - t).toBeLessThan(1000);
		expect(await Promise.all(pending)).toEqual(['closed', 'closed', 'closed']);
	});
});

describe('kind: drop', () => {
	test('bodiless request: the socket is destroyed at once', async () => {
		sb.injectFault({ path: '/v3/users/me', kind: 'drop' });
		const err = await api(sb, 'GET', '/v3/users/me').then(
			() => null,
			(e: Error & { code?: string }) => e,
		);
		expect(err?.code).toBe('UND_ERR_SOCKET');
		expect(sb.journal('api')[0]).toMatchObject({ fault: 'drop', status: 0, bodySize: 0 });
		expect((await api(sb, 'GET', '/v3/users/me')).status).toBe(200);
	});

	test('storage PUT dropped after dropAfterBytes: partial body journaled, nothing stored, URL still usable', async () => {
		const size = 8 * 1024 * 1024;
		const d = await initUpload(size);
		sb.injectFault({
			origin: 'storage',
			method: 'PUT',
			path: '/uploads/:id',
			kind: 'drop',
			dropAfterBytes: 1024 * 1024,
		});
		await expect(
			request(d.upload_url, {
				method: 'PUT',
				headers: { ...d.upload_headers, 'content-length': String(size) },
				body: generated(size),
			}),
		).rejects.toThrow();
		await sleep(50);
		const [entry] = sb.journal('storage');
		expect(entry.fault).toBe('drop');
		expect(entry.status).toBe(0);
		expect(entry.bodySize).toBeGreaterThanOrEqual(1024 * 1024);
		expect(entry.bodySize).toBeLessThan(size);
		expect(sb.assets.get(d.asset_id)!.status).toBe('pending_upload');
		// a real MP4 head so complete's sniff check passes
		const body = Buffer.alloc(size);
		MP4.copy(body);
		expect((await put(d.upload_url, body, d.upload_headers)).status).toBe(200);
		expect((await api(sb, 'POST', `/v3/assets/${d.asset_id}/complete`)).status).toBe(200);
	});

	test('multipart upload dropped mid-body: no asset', async () => {
		sb.injectFault({ path: '/v3/assets', method: 'POST', kind: 'drop', dropAfterBytes: 100 });
		const big = Buffer.alloc(2 * 1024 * 1024);
		MP4.copy(big);
		await expect(uploadFile(sb, big)).rejects.toThrow();
		expect(sb.assets.size).toBe(0);
		expect(sb.journal('api')[0]).toMatchObject({ fault: 'drop', status: 0 });
	});
});

describe('kind: malformed', () => {
	test('API: 200 application/json with a truncated JSON body', async () => {
		sb.injectFault({ path: '/v3/assets/direct-uploads', kind: 'malformed' });
		const r = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			json: { filename: 'a', content_type: 'image/png', size_bytes: 4 },
		});
		expect(r.status).toBe(200);
		expect(r.headers['content-type']).toBe('application/json');
		expect(r.json).toBeUndefined();
		expect(() => JSON.parse(r.text)).toThrow();
		expect(sb.assets.size).toBe(0);
		expect(sb.journal('api')[0]).toMatchObject({ fault: 'malformed', status: 200 });
	});

	test('storage: 200 with a truncated XML body (nothing stored)', async () => {
		const d = await initUpload();
		sb.injectFault({ origin: 'storage', path: '/uploads/:id', kind: 'malformed' });
		const r = await put(d.upload_url, MP4, d.upload_headers);
		expect(r.status).toBe(200);
		expect(sb.assets.get(d.asset_id)!.status).toBe('pending_upload');
	});
});

describe('fault spec validation', () => {
	test.each([
		[{ path: '/x', kind: 'explode' }],
		[{ kind: 'status', status: 500 }],
		[{ path: '/x', kind: 'status' }],
		[{ path: '/x', kind: 'status', status: 418 }],
		[{ path: '/x', kind: 'status', status: 500, times: 0 }],
		[{ path: '/x', kind: 'drop', dropAfterBytes: -1 }],
		[{ path: '/x', kind: 'hang', origin: 'moon' }],
	])('rejects %j', (spec) => {
		expect(() => sb.injectFault(spec as never)).toThrow();
	});

	test('clearFaults() drops everything pending', async () => {
		sb.injectFault({ path: '/v3/users/me', kind: 'status', status: 500, times: 5 });
		sb.clearFaults();
		expect(sb.pendingFaults()).toEqual([]);
		expect((await api(sb, 'GET', '/v3/users/me')).status).toBe(200);
	});

	test('latency applies before a fault too', async () => {
		sb.setOptions({ latencyMs: 100 });
		try {
			sb.injectFault({ path: '/v3/users/me', kind: 'status', status: 500 });
			const t = Date.now();
			expect((await api(sb, 'GET', '/v3/users/me')).status).toBe(500);
			expect(Date.now() - t).toBeGreaterThanOrEqual(90);
		} finally {
			sb.setOptions({ latencyMs: 0 });
		}
	});
});
