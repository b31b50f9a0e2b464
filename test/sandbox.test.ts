/**
 * The sandbox's own tests, part 1: auth, envelopes, assets (multipart, direct upload, storage PUT,
 * complete), idempotency, list endpoints, journal and control API. Contract: heygen-api.md §1–§5, §8, §9, §13.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { start, type Sandbox } from './sandbox';
import {
	api,
	BOUNDARY,
	directUpload,
	generated,
	GIF,
	MP4,
	multipartBody,
	put,
	SAMPLES,
	sleep,
	uploadFile,
} from './sandbox/testkit';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const AUTH_401 = {
	error: {
		code: 'authentication_failed',
		message: 'Invalid or expired API key. Verify your x-api-key header.',
		param: null,
		doc_url: null,
	},
};

let sb: Sandbox;

beforeAll(async () => {
	sb = await start({ port: 0, quiet: true });
});
afterAll(async () => {
	await sb.stop();
});
beforeEach(() => {
	sb.reset();
	sb.setOptions({
		completeLagCalls: 0,
		uploadExpiresInSeconds: 3600,
		maxBytes: 209_715_200,
		latencyMs: 0,
	});
});

describe('lifecycle', () => {
	test('start() binds both origins to 127.0.0.1 on different random ports; stop() closes them', async () => {
		const other = await start({ port: 0, quiet: true, apiKey: 'k1' });
		expect(other.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(other.storageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(other.apiUrl).not.toBe(other.storageUrl);
		expect(other.apiKey).toBe('k1');
		expect((await api(other, 'GET', '/v3/users/me')).status).toBe(200);
		await other.stop();
		await expect(request(`${other.apiUrl}/v3/users/me`)).rejects.toThrow();
		await other.stop(); // idempotent
	});

	test('a taken port rejects with PortInUseError', async () => {
		const port = Number(new URL(sb.apiUrl).port);
		await expect(start({ port, quiet: true })).rejects.toMatchObject({
			name: 'PortInUseError',
			port,
			which: 'api',
		});
		const sport = Number(new URL(sb.storageUrl).port);
		await expect(start({ port: 0, storagePort: sport, quiet: true })).rejects.toMatchObject({
			which: 'storage',
		});
	});
});

describe('auth (§1.2, §13)', () => {
	test.each([
		['x-api-key', { 'x-api-key': 'sandbox-api-key' }],
		['X-Api-Key', { 'X-Api-Key': 'sandbox-api-key' }],
		['X-API-KEY', { 'X-API-KEY': 'sandbox-api-key' }],
		['Bearer', { authorization: 'Bearer sandbox-api-key' }],
		['bearer (scheme any case)', { Authorization: 'bearer sandbox-api-key' }],
	])('accepts %s', async (_name, headers) => {
		const r = await api(sb, 'GET', '/v3/users/me', { auth: false, headers });
		expect(r.status).toBe(200);
	});

	test.each([
		['no key', {}],
		['wrong x-api-key', { 'x-api-key': 'nope' }],
		['wrong bearer', { authorization: 'Bearer nope' }],
		['basic auth', { authorization: 'Basic c2FuZGJveC1hcGkta2V5' }],
		['key as raw Authorization', { authorization: 'sandbox-api-key' }],
	])('401 authentication_failed with %s', async (_name, headers) => {
		const r = await api(sb, 'GET', '/v3/users/me', { auth: false, headers });
		expect(r.status).toBe(401);
		expect(r.json).toEqual(AUTH_401);
		expect(r.headers['content-type']).toMatch(/^application\/json/);
	});

	test('401 applies to every /v3 route, even unknown ones', async () => {
		for (const [m, p] of [
			['POST', '/v3/assets'],
			['POST', '/v3/video-agents'],
			['GET', '/v3/voices'],
			['GET', '/v3/nope'],
		]) {
			const r = await api(sb, m, p, { auth: false });
			expect(r.status).toBe(401);
		}
	});

	test('setOptions({apiKey}) changes the valid key', async () => {
		sb.setOptions({ apiKey: 'rotated' });
		try {
			expect(
				(await api(sb, 'GET', '/v3/users/me', { auth: false, headers: { 'x-api-key': 'rotated' } }))
					.status,
			).toBe(200);
			expect(
				(
					await api(sb, 'GET', '/v3/users/me', {
						auth: false,
						headers: { 'x-api-key': 'sandbox-api-key' },
					})
				).status,
			).toBe(401);
		} finally {
			sb.setOptions({ apiKey: 'sandbox-api-key' });
		}
	});
});

describe('envelopes', () => {
	test('GET /v3/users/me (§8)', async () => {
		const r = await api(sb, 'GET', '/v3/users/me');
		expect(r.status).toBe(200);
		expect(Object.keys(r.json)).toEqual(['data']);
		expect(r.json.data).toMatchObject({
			username: expect.any(String),
			email: expect.any(String),
			first_name: expect.any(String),
			last_name: expect.any(String),
			billing_type: 'wallet',
			wallet: {
				currency: 'usd',
				remaining_balance: expect.any(Number),
				auto_reload: { enabled: false },
			},
		});
		expect(r.headers['x-request-id']).toMatch(/^req_/);
	});

	test('unknown endpoint → 404 not_found; wrong method → 405; errors never carry data', async () => {
		const a = await api(sb, 'GET', '/v3/nope');
		expect(a.status).toBe(404);
		expect(a.json.error).toMatchObject({
			code: 'not_found',
			param: null,
			doc_url: expect.stringContaining('#not-found'),
		});
		expect(a.json.data).toBeUndefined();
		const b = await api(sb, 'PUT', '/v3/users/me');
		expect(b.status).toBe(405);
		expect(b.json.error.code).toBe('method_not_allowed');
	});

	test('invalid JSON and non-object bodies → 400 invalid_parameter', async () => {
		const a = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			body: '{nope',
			headers: { 'content-type': 'application/json' },
		});
		expect(a.status).toBe(400);
		expect(a.json.error.code).toBe('invalid_parameter');
		const b = await api(sb, 'POST', '/v3/assets/direct-uploads', { json: [1, 2] });
		expect(b.status).toBe(400);
	});
});

describe('POST /v3/assets multipart (§2)', () => {
	test.each(Object.entries(SAMPLES))(
		'%s is sniffed from the bytes, stored and served',
		async (_name, sample) => {
			// The part's declared type is deliberately wrong: the sandbox must not rely on it.
			const r = await uploadFile(sb, sample.bytes, {
				filename: `x.${sample.ext}`,
				contentType: 'text/plain',
			});
			expect(r.status).toBe(200);
			expect(Object.keys(r.json)).toEqual(['data']);
			const d = r.json.data;
			expect(d).toEqual({
				asset_id: expect.stringMatching(/^asset_[0-9a-f]{24}$/),
				url: `${sb.storageUrl}/files/${d.asset_id}.${sample.ext}`,
				mime_type: sample.mime,
				size_bytes: sample.bytes.length,
			});
			const asset = sb.assets.get(d.asset_id)!;
			expect(asset).toMatchObject({
				status: 'processing',
				source: 'multipart',
				filename: `x.${sample.ext}`,
				sha256: sha(sample.bytes),
			});
			const file = await request(d.url);
			expect(file.statusCode).toBe(200);
			expect(file.headers['content-type']).toBe(sample.mime);
			expect(Buffer.from(await file.body.arrayBuffer()).equals(sample.bytes)).toBe(true);
		},
	);

	test('quoted boundary', async () => {
		const body = multipartBody(
			[{ name: 'file', filename: 'a.pdf', data: SAMPLES.pdf.bytes }],
			'xyz',
		);
		const r = await api(sb, 'POST', '/v3/assets', {
			body,
			headers: { 'content-type': 'multipart/form-data; boundary="xyz"' },
		});
		expect(r.status).toBe(200);
		expect(r.json.data.mime_type).toBe('application/pdf');
	});

	test.each([
		[
			'a second `file` part',
			[
				{ name: 'file', filename: 'a.pdf', data: SAMPLES.pdf.bytes },
				{ name: 'file', filename: 'b.png', data: SAMPLES.png.bytes },
			],
			/second part named file/,
		],
		[
			'another field',
			[
				{ name: 'note', data: 'hello' },
				{ name: 'file', filename: 'a.pdf', data: SAMPLES.pdf.bytes },
			],
			/Unknown field 'note'/,
		],
	])(
		'extra multipart parts (%s) → 400 invalid_parameter param file',
		async (_n, parts, message) => {
			// The old sandbox took the first file and ignored the rest: a client sending two files
			// (expecting two assets) or stray fields passed here.
			const r = await api(sb, 'POST', '/v3/assets', {
				body: multipartBody(parts),
				headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
			});
			expect(r.status).toBe(400);
			expect(r.json.error).toMatchObject({ code: 'invalid_parameter', param: 'file' });
			expect(r.json.error.message).toMatch(message);
			expect(sb.assets.size).toBe(0);
		},
	);

	test('part `file` missing → 400 invalid_parameter param file', async () => {
		const body = multipartBody([]);
		const r = await api(sb, 'POST', '/v3/assets', {
			body,
			headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
		});
		expect(r.status).toBe(400);
		expect(r.json.error).toEqual({
			code: 'invalid_parameter',
			message: 'File is required. Upload a file using multipart/form-data.',
			param: 'file',
			doc_url: expect.any(String),
		});
		expect(sb.assets.size).toBe(0);
	});

	test('not multipart at all → 400 param file', async () => {
		const r = await api(sb, 'POST', '/v3/assets', { json: { file: 'x' } });
		expect(r.status).toBe(400);
		expect(r.json.error.param).toBe('file');
	});

	test('malformed multipart (no closing boundary) → 400 param file', async () => {
		const body = multipartBody([
			{ name: 'file', filename: 'a.png', data: SAMPLES.png.bytes },
		]).subarray(0, 150);
		const r = await api(sb, 'POST', '/v3/assets', {
			body,
			headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
		});
		expect(r.status).toBe(400);
		expect(r.json.error).toMatchObject({ code: 'invalid_parameter', param: 'file' });
	});

	test.each([
		['gif', GIF],
		['html', Buffer.from('<!DOCTYPE html><html><body>hi</body></html>')],
		['random bytes', Buffer.from('just some text that is no media file')],
		['quicktime', Buffer.concat([Buffer.from([0, 0, 0, 20]), Buffer.from('ftypqt  \0\0\0\0qt  ')])],
	])('unsupported type (%s) → 400 invalid_parameter param file', async (_n, bytes) => {
		const r = await uploadFile(sb, bytes);
		expect(r.status).toBe(400);
		expect(r.json.error).toMatchObject({ code: 'invalid_parameter', param: 'file' });
		expect(r.json.error.message).toMatch(/Unsupported file type/);
		expect(sb.assets.size).toBe(0);
	});

	test('empty file → 400 param file', async () => {
		const r = await uploadFile(sb, Buffer.alloc(0));
		expect(r.status).toBe(400);
		expect(r.json.error.param).toBe('file');
	});

	test('exactly 32,000,000 bytes is accepted; one more → 413 payload_too_large and the connection closes', async () => {
		const ok = Buffer.alloc(32_000_000);
		SAMPLES.mp4.bytes.copy(ok);
		const a = await uploadFile(sb, ok);
		expect(a.status).toBe(200);
		expect(a.json.data.size_bytes).toBe(32_000_000);
		const big = Buffer.alloc(32_000_001);
		SAMPLES.mp4.bytes.copy(big);
		const b = await uploadFile(sb, big);
		expect(b.status).toBe(413);
		expect(b.json.error).toMatchObject({ code: 'payload_too_large', param: 'file' });
		expect(b.headers.connection).toBe('close');
		expect(sb.assets.size).toBe(1);
	});

	test('a far larger multipart body is cut off: the socket is dropped after a bounded drain', async () => {
		let sent = 0;
		const total = 200 * 1024 * 1024;
		const head = Buffer.from(
			`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n\r\n`,
		);
		const chunk = Buffer.alloc(1024 * 1024);
		const body = new Readable({
			read() {
				if (sent === 0) this.push(Buffer.concat([head, SAMPLES.mp4.bytes]));
				if (sent >= total) return void this.push(null);
				sent += chunk.length;
				this.push(chunk);
			},
		});
		const outcome = await api(sb, 'POST', '/v3/assets', {
			body,
			headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
		}).then(
			(r) => r.status,
			(e: Error) => e.name,
		);
		// Either the client read the 413 before the reset, or it saw the reset: it must not have sent it all.
		expect([413, 'SocketError', 'Error']).toContain(outcome);
		expect(sent).toBeLessThan(total);
		const entry = sb.journal('api').at(-1)!;
		expect(entry.status === 413 || entry.status === 0).toBe(true);
		expect(entry.bodySize).toBeLessThan(32_000_000 + 64 * 1024 * 1024 + 4 * 1024 * 1024);
	});
});

describe('GET / DELETE /v3/assets/{id} (§5)', () => {
	test('GET returns the asset shape; DELETE returns {id}; afterwards 404 and the URL is gone', async () => {
		const up = await uploadFile(sb, SAMPLES.png.bytes, { filename: 'logo.png' });
		const id = up.json.data.asset_id;
		const g = await api(sb, 'GET', `/v3/assets/${id}`);
		expect(g.status).toBe(200);
		expect(g.json.data).toEqual({
			id,
			name: 'logo.png',
			type: 'image',
			owner: expect.any(String),
			space_id: expect.any(String),
			uploaded_at: expect.any(Number),
			folder_id: null,
			url: up.json.data.url,
		});
		const d = await api(sb, 'DELETE', `/v3/assets/${id}`);
		expect(d.status).toBe(200);
		expect(d.json).toEqual({ data: { id } });
		expect((await api(sb, 'GET', `/v3/assets/${id}`)).status).toBe(404);
		const again = await api(sb, 'DELETE', `/v3/assets/${id}`);
		expect(again.status).toBe(404);
		expect(again.json.error.code).toBe('not_found');
		expect((await request(up.json.data.url)).statusCode).toBe(404);
	});

	test('unknown id → 404 not_found', async () => {
		const r = await api(sb, 'GET', '/v3/assets/asset_000000000000000000000000');
		expect(r.status).toBe(404);
		expect(r.json.error).toMatchObject({ code: 'not_found', message: 'Asset not found.' });
	});

	test('a pending direct upload has url null until completed', async () => {
		const init = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			json: { filename: 'v.mp4', content_type: 'video/mp4', size_bytes: MP4.length },
		});
		const g = await api(sb, 'GET', `/v3/assets/${init.json.data.asset_id}`);
		expect(g.json.data).toMatchObject({
			name: 'v.mp4',
			type: 'video',
			url: null,
			uploaded_at: null,
		});
	});
});

describe('Idempotency-Key (§1.7)', () => {
	test('POST /v3/assets: same key replays the stored response; no second asset', async () => {
		const key = 'c0ffee00-1111-2222-3333-444455556666';
		const a = await uploadFile(sb, SAMPLES.png.bytes, { headers: { 'Idempotency-Key': key } });
		const b = await uploadFile(sb, SAMPLES.jpeg.bytes, { headers: { 'Idempotency-Key': key } });
		expect(a.status).toBe(200);
		expect(b.status).toBe(200);
		expect(b.json).toEqual(a.json);
		expect(b.headers['idempotent-replayed']).toBe('true');
		expect(sb.assets.size).toBe(1);
		const c = await uploadFile(sb, SAMPLES.png.bytes, {
			headers: { 'Idempotency-Key': 'another:key.1' },
		});
		expect(c.json.data.asset_id).not.toBe(a.json.data.asset_id);
		expect(sb.assets.size).toBe(2);
	});

	test('direct-uploads: same key → same asset_id and upload_url', async () => {
		const json = { filename: 'v.mp4', content_type: 'video/mp4', size_bytes: 10 };
		const a = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			json,
			headers: { 'idempotency-key': 'k-1' },
		});
		const b = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			json,
			headers: { 'idempotency-key': 'k-1' },
		});
		expect(b.json).toEqual(a.json);
		expect(sb.assets.size).toBe(1);
		// the key is per endpoint
		const c = await uploadFile(sb, SAMPLES.png.bytes, { headers: { 'idempotency-key': 'k-1' } });
		expect(c.json.data.asset_id).not.toBe(a.json.data.asset_id);
	});

	test('errors are not stored: a retry with the same key after a 400 runs again', async () => {
		const key = 'retry-after-400';
		const bad = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			json: { filename: 'x' },
			headers: { 'idempotency-key': key },
		});
		expect(bad.status).toBe(400);
		const good = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			json: { filename: 'x', content_type: 'image/png', size_bytes: 5 },
			headers: { 'idempotency-key': key },
		});
		expect(good.status).toBe(200);
	});

	test('a repeat while the first is still in flight → 409 request_in_progress', async () => {
		const key = 'in-flight-key';
		const body = multipartBody([{ name: 'file', filename: 'a.png', data: SAMPLES.png.bytes }]);
		let release!: () => void;
		const gate = new Promise<void>((r) => (release = r));
		let step = 0;
		const slow = new Readable({
			read() {
				if (step === 0) {
					step = 1;
					this.push(body.subarray(0, 20));
				} else if (step === 1) {
					step = 2;
					void gate.then(() => {
						this.push(body.subarray(20));
						this.push(null);
					});
				}
			},
		});
		const first = api(sb, 'POST', '/v3/assets', {
			body: slow,
			headers: {
				'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
				'idempotency-key': key,
			},
		});
		await sleep(100);
		const second = await uploadFile(sb, SAMPLES.png.bytes, { headers: { 'idempotency-key': key } });
		expect(second.status).toBe(409);
		expect(second.json.error).toMatchObject({
			code: 'request_in_progress',
			param: 'Idempotency-Key',
		});
		release();
		const firstRes = await first;
		expect(firstRes.status).toBe(200);
		const third = await uploadFile(sb, SAMPLES.png.bytes, { headers: { 'idempotency-key': key } });
		expect(third.json).toEqual(firstRes.json);
		expect(sb.assets.size).toBe(1);
	});

	test.each(['', 'has space', 'x'.repeat(256), 'slash/no', 'semi;colon', 'quote"d'])(
		'invalid key %p → 400 param Idempotency-Key',
		async (key) => {
			const r = await api(sb, 'POST', '/v3/assets/direct-uploads', {
				json: { filename: 'x', content_type: 'image/png', size_bytes: 5 },
				headers: { 'idempotency-key': key },
			});
			expect(r.status).toBe(400);
			expect(r.json.error).toMatchObject({ code: 'invalid_parameter', param: 'Idempotency-Key' });
			expect(sb.assets.size).toBe(0);
		},
	);

	test('the key is ignored on other endpoints', async () => {
		const r = await api(sb, 'GET', '/v3/users/me', {
			headers: { 'idempotency-key': 'bad key with spaces' },
		});
		expect(r.status).toBe(200);
	});
});

describe('POST /v3/assets/direct-uploads (§3)', () => {
	test('returns upload_url on the storage origin with the documented fields', async () => {
		const r = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			json: { filename: 'clip.mp4', content_type: 'video/mp4', size_bytes: 1234 },
		});
		expect(r.status).toBe(200);
		const d = r.json.data;
		expect(d).toEqual({
			asset_id: expect.stringMatching(/^asset_[0-9a-f]{24}$/),
			upload_url: expect.stringContaining(`${sb.storageUrl}/uploads/${d.asset_id}?`),
			upload_headers: { 'Content-Type': 'video/mp4' },
			expires_in_seconds: 3600,
			max_bytes: 209_715_200,
			status: 'pending_upload',
		});
		const u = new URL(d.upload_url);
		expect(u.searchParams.get('X-Amz-Expires')).toBe('3600');
		expect(u.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
		expect(sb.assets.get(d.asset_id)).toMatchObject({
			status: 'pending_upload',
			source: 'direct',
			size_bytes: 1234,
		});
	});

	test('max_bytes and expires_in_seconds follow the options', async () => {
		sb.setOptions({ maxBytes: 1000, uploadExpiresInSeconds: 60 });
		const r = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			json: { filename: 'a', content_type: 'image/png', size_bytes: 1000 },
		});
		expect(r.json.data).toMatchObject({ max_bytes: 1000, expires_in_seconds: 60 });
		const over = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			json: { filename: 'a', content_type: 'image/png', size_bytes: 1001 },
		});
		expect(over.status).toBe(400);
		expect(over.json.error).toMatchObject({ code: 'invalid_parameter', param: 'size_bytes' });
	});

	test('accepts aliases and zip; keeps the declared string in upload_headers', async () => {
		for (const ct of [
			'image/jpg',
			'audio/x-wav',
			'application/zip',
			'audio/mpeg',
			'application/pdf',
			'video/webm',
		]) {
			const r = await api(sb, 'POST', '/v3/assets/direct-uploads', {
				json: { filename: 'a', content_type: ct, size_bytes: 5 },
			});
			expect(r.status).toBe(200);
			expect(r.json.data.upload_headers['Content-Type']).toBe(ct);
		}
	});

	test.each([
		['filename missing', { content_type: 'image/png', size_bytes: 5 }, 'filename'],
		['filename empty', { filename: ' ', content_type: 'image/png', size_bytes: 5 }, 'filename'],
		['content_type missing', { filename: 'a', size_bytes: 5 }, 'content_type'],
		[
			'content_type unsupported',
			{ filename: 'a', content_type: 'text/html', size_bytes: 5 },
			'content_type',
		],
		['size_bytes missing', { filename: 'a', content_type: 'image/png' }, 'size_bytes'],
		['size_bytes zero', { filename: 'a', content_type: 'image/png', size_bytes: 0 }, 'size_bytes'],
		[
			'size_bytes fractional',
			{ filename: 'a', content_type: 'image/png', size_bytes: 1.5 },
			'size_bytes',
		],
		[
			'size_bytes string',
			{ filename: 'a', content_type: 'image/png', size_bytes: '5' },
			'size_bytes',
		],
		[
			'checksum not hex',
			{ filename: 'a', content_type: 'image/png', size_bytes: 5, checksum_sha256: 'abc' },
			'checksum_sha256',
		],
		[
			'unknown key',
			{ filename: 'a', content_type: 'image/png', size_bytes: 5, folder: 'x' },
			'folder',
		],
	])('%s → 400 invalid_parameter', async (_n, json, param) => {
		const r = await api(sb, 'POST', '/v3/assets/direct-uploads', { json });
		expect(r.status).toBe(400);
		expect(r.json.error).toMatchObject({ code: 'invalid_parameter', param });
		expect(sb.assets.size).toBe(0);
	});
});

describe('JSON endpoints check Content-Type (§1.3)', () => {
	test.each([
		['text/plain', 'text/plain'],
		['form data', 'application/x-www-form-urlencoded'],
		['none', undefined],
	])('a JSON body sent as %s → 400 (the old sandbox parsed it anyway)', async (_n, type) => {
		const r = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			body: JSON.stringify({ filename: 'f.mp4', content_type: 'video/mp4', size_bytes: 10 }),
			headers: type ? { 'content-type': type } : {},
		});
		expect(r.status).toBe(400);
		expect(r.json.error.code).toBe('invalid_parameter');
		expect(r.json.error.message).toMatch(/Content-Type must be application\/json/);
		expect(sb.assets.size).toBe(0);
	});

	test('application/json with a charset is fine', async () => {
		const r = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			body: JSON.stringify({ filename: 'f.mp4', content_type: 'video/mp4', size_bytes: 10 }),
			headers: { 'content-type': 'application/json; charset=utf-8' },
		});
		expect(r.status).toBe(200);
	});
});

describe('storage PUT (§3.1) and complete (§4)', () => {
	async function init(
		contentType = 'video/mp4',
		size = MP4.length,
		extra: Record<string, unknown> = {},
	) {
		const r = await api(sb, 'POST', '/v3/assets/direct-uploads', {
			json: { filename: 'f', content_type: contentType, size_bytes: size, ...extra },
		});
		expect(r.status).toBe(200);
		return r.json.data as {
			asset_id: string;
			upload_url: string;
			upload_headers: Record<string, string>;
		};
	}
	const complete = (id: string, json: unknown = {}) =>
		api(sb, 'POST', `/v3/assets/${id}/complete`, { json });
	const s3code = (text: string) => /<Code>([^<]+)<\/Code>/.exec(text)?.[1];

	test('happy path: 409 before the PUT, PUT 200 (no API key seen by storage), complete 200, repeats identical', async () => {
		const d = await init();
		const early = await complete(d.asset_id);
		expect(early.status).toBe(409);
		expect(early.json.error).toMatchObject({
			code: 'conflict',
			message: 'Uploaded object not found yet. Retry after upload PUT returns 200.',
		});
		const p = await put(d.upload_url, MP4, d.upload_headers);
		expect(p.status).toBe(200);
		expect(p.headers.etag).toBeDefined();
		const asset = sb.assets.get(d.asset_id)!;
		expect(asset).toMatchObject({
			status: 'uploaded',
			stored_bytes: MP4.length,
			sha256: sha(MP4),
			mime_type: 'video/mp4',
		});
		const [entry] = sb.journal('storage');
		expect(entry).toMatchObject({
			method: 'PUT',
			path: `/uploads/${d.asset_id}`,
			status: 200,
			bodySize: MP4.length,
			sha256: sha(MP4),
		});
		expect(entry.headers['x-api-key']).toBeUndefined();
		expect(entry.headers.authorization).toBeUndefined();
		expect(entry.query['X-Amz-Signature']).toBeDefined();
		const c1 = await complete(d.asset_id);
		expect(c1.status).toBe(200);
		expect(c1.json).toEqual({
			data: {
				asset_id: d.asset_id,
				url: `${sb.storageUrl}/files/${d.asset_id}.mp4`,
				mime_type: 'video/mp4',
				size_bytes: MP4.length,
				status: 'processing',
			},
		});
		const c2 = await api(sb, 'POST', `/v3/assets/${d.asset_id}/complete`); // no body at all
		expect(c2.json).toEqual(c1.json);
		expect(sb.assets.get(d.asset_id)!.status).toBe('processing');
		const file = await request(c1.json.data.url);
		expect(Buffer.from(await file.body.arrayBuffer()).equals(MP4)).toBe(true);
	});

	test('completeLagCalls: 409 that many times after the PUT, then 200', async () => {
		sb.setOptions({ completeLagCalls: 2 });
		const d = await init();
		await put(d.upload_url, MP4, d.upload_headers);
		expect((await complete(d.asset_id)).status).toBe(409);
		expect((await complete(d.asset_id)).status).toBe(409);
		expect((await complete(d.asset_id)).status).toBe(200);
	});

	test('complete: unknown id → 404; type mismatch → 400 param content_type; checksum mismatch → 400; unknown key → 400', async () => {
		const nf = await complete('asset_ffffffffffffffffffffffff');
		expect(nf.status).toBe(404);
		expect(nf.json.error.code).toBe('not_found');
		const d = await init('image/png', MP4.length);
		expect((await put(d.upload_url, MP4, d.upload_headers)).status).toBe(200);
		const mism = await complete(d.asset_id);
		expect(mism.status).toBe(400);
		expect(mism.json.error).toMatchObject({ code: 'invalid_parameter', param: 'content_type' });
		expect(mism.json.error.message).toContain('video/mp4');
		const d2 = await init();
		await put(d2.upload_url, MP4, d2.upload_headers);
		const bad = await complete(d2.asset_id, { checksum_sha256: 'a'.repeat(64) });
		expect(bad.status).toBe(400);
		expect(bad.json.error.param).toBe('checksum_sha256');
		const unk = await complete(d2.asset_id, { foo: 1 });
		expect(unk.json.error.param).toBe('foo');
		const good = await complete(d2.asset_id, { checksum_sha256: sha(MP4).toUpperCase() });
		expect(good.status).toBe(200);
	});

	test('complete on a multipart asset answers its data (idempotent)', async () => {
		const up = await uploadFile(sb, SAMPLES.pdf.bytes);
		const c = await complete(up.json.data.asset_id);
		expect(c.status).toBe(200);
		expect(c.json.data).toMatchObject({ ...up.json.data, status: 'processing' });
	});

	test.each([
		['x-api-key', { 'x-api-key': 'sandbox-api-key' }],
		['Authorization', { authorization: 'Bearer sandbox-api-key' }],
	])('a PUT carrying %s → 403 SignatureDoesNotMatch (XML)', async (_n, extra) => {
		const d = await init();
		const p = await put(d.upload_url, MP4, { ...d.upload_headers, ...extra });
		expect(p.status).toBe(403);
		expect(p.headers['content-type']).toBe('application/xml');
		expect(p.text).toMatch(/^<\?xml/);
		expect(s3code(p.text)).toBe('SignatureDoesNotMatch');
		expect(sb.assets.get(d.asset_id)!.status).toBe('pending_upload');
		// the URL is still good for a correct PUT
		expect((await put(d.upload_url, MP4, d.upload_headers)).status).toBe(200);
	});

	test.each([
		['missing Content-Type', {}],
		['different Content-Type', { 'content-type': 'application/octet-stream' }],
		['Content-Type with a parameter', { 'content-type': 'video/mp4; charset=binary' }],
	])('%s → 403 SignatureDoesNotMatch', async (_n, headers) => {
		const d = await init();
		const p = await put(d.upload_url, MP4, headers);
		expect(p.status).toBe(403);
		expect(s3code(p.text)).toBe('SignatureDoesNotMatch');
	});

	test('a big PUT with a bad header is answered 403 at once, before its body is read', async () => {
		sb.setOptions({ maxBytes: 1024 * 1024 * 1024 });
		const size = 512 * 1024 * 1024;
		const d = await init('video/mp4', size);
		let sent = 0;
		const res = await request(d.upload_url, {
			method: 'PUT',
			headers: { 'content-type': 'video/quicktime', 'content-length': String(size) },
			body: generated(size, 1024 * 1024, (c) => (sent += c.length), false),
		});
		expect(res.statusCode).toBe(403);
		expect(await res.body.text()).toContain('SignatureDoesNotMatch');
		expect(sent).toBeLessThan(size);
		expect(sb.assets.get(d.asset_id)!.status).toBe('pending_upload');
	});

	test('an unsigned x-amz-* header → 403', async () => {
		const d = await init();
		const p = await put(d.upload_url, MP4, { ...d.upload_headers, 'x-amz-meta-foo': 'bar' });
		expect(p.status).toBe(403);
		expect(p.text).toContain('not signed');
	});

	test('Content-Length ≠ size_bytes → 403 (shorter and longer)', async () => {
		const d = await init('video/mp4', MP4.length + 1);
		expect((await put(d.upload_url, MP4, d.upload_headers)).status).toBe(403);
		const d2 = await init('video/mp4', MP4.length - 1);
		const p = await put(d2.upload_url, MP4, d2.upload_headers);
		expect(p.status).toBe(403);
		expect(s3code(p.text)).toBe('SignatureDoesNotMatch');
		expect(sb.assets.get(d2.asset_id)!.status).toBe('pending_upload');
	});

	test('chunked bodies without Content-Length → 411 MissingContentLength (S3 presigned PUTs need the length)', async () => {
		// The old sandbox accepted a chunked body whose counted total matched: a client that
		// forgot Content-Length passed here and failed against S3.
		const d = await init();
		const p = await put(
			d.upload_url,
			Readable.from([MP4.subarray(0, 1000), MP4.subarray(1000)]),
			d.upload_headers,
		);
		expect(p.status).toBe(411);
		expect(s3code(p.text)).toBe('MissingContentLength');
		expect(sb.journal('storage').at(-1)!.headers['transfer-encoding']).toBe('chunked');
		expect(sb.assets.get(d.asset_id)!.status).toBe('pending_upload');
		// with the length, the same URL works
		expect((await put(d.upload_url, MP4, d.upload_headers)).status).toBe(200);
	});

	test('tampered signature or expiry param → 403 SignatureDoesNotMatch; unknown asset → 403 AccessDenied', async () => {
		const d = await init();
		const u = new URL(d.upload_url);
		u.searchParams.set('X-Amz-Signature', '0'.repeat(64));
		expect(s3code((await put(u.toString(), MP4, d.upload_headers)).text)).toBe(
			'SignatureDoesNotMatch',
		);
		const u2 = new URL(d.upload_url);
		u2.searchParams.set('X-Amz-Expires', '999999');
		expect(s3code((await put(u2.toString(), MP4, d.upload_headers)).text)).toBe(
			'SignatureDoesNotMatch',
		);
		const u3 = new URL(d.upload_url);
		u3.pathname = '/uploads/asset_000000000000000000000000';
		const p = await put(u3.toString(), MP4, d.upload_headers);
		expect(p.status).toBe(403);
		expect(s3code(p.text)).toBe('AccessDenied');
	});

	test('a URL takes repeated PUTs until it expires, like S3 (the last one counts); not after complete', async () => {
		// The old sandbox refused a second PUT, which S3 accepts: a client retrying a PUT whose
		// answer was lost would have been told "403" here but succeeded against S3.
		const d = await init();
		const other = Buffer.concat([MP4.subarray(0, -1), Buffer.from([MP4.at(-1)! ^ 0xff])]);
		expect((await put(d.upload_url, MP4, d.upload_headers)).status).toBe(200);
		expect((await put(d.upload_url, other, d.upload_headers)).status).toBe(200);
		expect(sb.assets.get(d.asset_id)!.sha256).toBe(sha(other));
		expect((await complete(d.asset_id)).status).toBe(200);
		const late = await put(d.upload_url, MP4, d.upload_headers);
		expect(late.status).toBe(403);
		expect(s3code(late.text)).toBe('AccessDenied');
	});

	test('expiry: a PUT after expires_in_seconds → 403 AccessDenied "Request has expired"', async () => {
		sb.setOptions({ uploadExpiresInSeconds: 1 });
		const d = await init();
		await sleep(1100);
		const p = await put(d.upload_url, MP4, d.upload_headers);
		expect(p.status).toBe(403);
		expect(p.text).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');
		expect((await complete(d.asset_id)).status).toBe(409);
	});

	test('checksum_sha256: signed into upload_headers (base64); matching bytes → 200, other bytes → 400 BadDigest', async () => {
		const d = await init('video/mp4', MP4.length, { checksum_sha256: sha(MP4) });
		expect(d.upload_headers).toEqual({
			'Content-Type': 'video/mp4',
			'x-amz-checksum-sha256': createHash('sha256').update(MP4).digest('base64'),
		});
		const other = Buffer.from(MP4);
		other[MP4.length - 1] ^= 0xff;
		const bad = await put(d.upload_url, other, d.upload_headers);
		expect(bad.status).toBe(400);
		expect(s3code(bad.text)).toBe('BadDigest');
		const withoutHeader = await put(d.upload_url, MP4, { 'Content-Type': 'video/mp4' });
		expect(withoutHeader.status).toBe(403);
		const good = await put(d.upload_url, MP4, d.upload_headers);
		expect(good.status).toBe(200);
		expect((await complete(d.asset_id)).status).toBe(200);
	});

	test('storage GET of unknown keys → 404 NoSuchKey; wrong method → 405', async () => {
		const r = await request(`${sb.storageUrl}/files/asset_nope.png`);
		expect(r.statusCode).toBe(404);
		expect(await r.body.text()).toContain('<Code>NoSuchKey</Code>');
		const r2 = await request(`${sb.storageUrl}/uploads/x`, { method: 'GET' });
		expect(r2.statusCode).toBe(405);
		await r2.body.dump();
	});

	test('directUpload helper round trip for every supported type', async () => {
		for (const s of Object.values(SAMPLES)) {
			const { put: p, complete: c } = await directUpload(sb, s.bytes, s.mime);
			expect(p.status).toBe(200);
			expect(c.status).toBe(200);
			expect(c.json.data.mime_type).toBe(s.mime);
		}
	});
});

describe('list endpoints (§9)', () => {
	async function all(path: string, limit: number) {
		const items: unknown[] = [];
		let token: string | null = null;
		let pages = 0;
		do {
			const sep = path.includes('?') ? '&' : '?';
			const r = await api(
				sb,
				'GET',
				`${path}${sep}limit=${limit}${token ? `&token=${encodeURIComponent(token)}` : ''}`,
			);
			expect(r.status).toBe(200);
			expect(Object.keys(r.json).sort()).toEqual(['data', 'has_more', 'next_token']);
			items.push(...r.json.data);
			token = r.json.next_token;
			expect(r.json.has_more).toBe(token !== null);
			pages++;
		} while (token);
		return { items, pages };
	}

	test('styles: 45 items, default page 20, tag filter, max 100', async () => {
		const first = await api(sb, 'GET', '/v3/video-agents/styles');
		expect(first.json.data).toHaveLength(20);
		expect(first.json.has_more).toBe(true);
		expect(first.json.data[0]).toEqual({
			style_id: expect.stringMatching(/^style_/),
			name: expect.any(String),
			thumbnail_url: expect.stringContaining(sb.storageUrl),
			preview_video_url: expect.any(String),
			tags: expect.any(Array),
			aspect_ratio: expect.stringMatching(/^(16:9|9:16)$/),
		});
		const { items, pages } = await all('/v3/video-agents/styles', 20);
		expect(items).toHaveLength(45);
		expect(pages).toBe(3);
		expect(new Set(items.map((s) => (s as { style_id: string }).style_id)).size).toBe(45);
		const cine = await all('/v3/video-agents/styles?tag=cinematic', 100);
		expect(cine.items.length).toBeGreaterThan(0);
		expect(cine.items.every((s) => (s as { tags: string[] }).tags.includes('cinematic'))).toBe(
			true,
		);
		expect((await api(sb, 'GET', '/v3/video-agents/styles?limit=100')).json.data).toHaveLength(45);
		const over = await api(sb, 'GET', '/v3/video-agents/styles?limit=101');
		expect(over.status).toBe(400);
		expect(over.json.error).toMatchObject({
			code: 'invalid_parameter',
			param: 'limit',
			message: "'limit' must be between 1 and 100.",
		});
	});

	test('avatar looks: 60 items, max 50, avatar_type / ownership filters', async () => {
		const { items } = await all('/v3/avatars/looks?ownership=public', 50);
		const priv = await all('/v3/avatars/looks?ownership=private', 50);
		expect(items.length + priv.items.length).toBe(60);
		const twins = await all('/v3/avatars/looks?avatar_type=digital_twin', 50);
		expect(twins.items.length).toBe(20);
		expect(twins.items[0]).toMatchObject({
			id: expect.any(String),
			name: expect.any(String),
			avatar_type: 'digital_twin',
			default_voice_id: expect.any(String),
		});
		const over = await api(sb, 'GET', '/v3/avatars/looks?limit=51');
		expect(over.json.error).toMatchObject({
			param: 'limit',
			message: "'limit' must be between 1 and 50.",
		});
		expect((await api(sb, 'GET', '/v3/avatars/looks?avatar_type=robot')).status).toBe(400);
		expect((await api(sb, 'GET', '/v3/avatars/looks')).json.data).toHaveLength(20);
	});

	test('voices: 130 in total (120 public by default), language / gender filters', async () => {
		const pub = await all('/v3/voices', 100);
		expect(pub.items).toHaveLength(120);
		const priv = await all('/v3/voices?type=private', 100);
		expect(priv.items).toHaveLength(10);
		const fr = await all('/v3/voices?language=French&gender=female', 100);
		expect(fr.items.length).toBeGreaterThan(0);
		expect(
			fr.items.every(
				(v) =>
					(v as { language: string; gender: string }).language === 'French' &&
					(v as { gender: string }).gender === 'female',
			),
		).toBe(true);
		const frCode = await all('/v3/voices?language=fr', 100);
		expect(frCode.items.length).toBeGreaterThan(fr.items.length);
		expect(pub.items[0]).toMatchObject({
			voice_id: expect.any(String),
			name: expect.any(String),
			language: expect.any(String),
			gender: expect.any(String),
		});
		expect((await api(sb, 'GET', '/v3/voices?limit=0')).status).toBe(400);
		expect((await api(sb, 'GET', '/v3/voices?type=shared')).status).toBe(400);
	});

	test('brand kits: 3', async () => {
		const r = await api(sb, 'GET', '/v3/brand-kits');
		expect(r.json).toMatchObject({ has_more: false, next_token: null });
		expect(r.json.data).toHaveLength(3);
		expect(r.json.data[0]).toMatchObject({
			brand_kit_id: expect.any(String),
			name: expect.any(String),
		});
		const paged = await all('/v3/brand-kits', 1);
		expect(paged.pages).toBe(3);
	});

	test.each(['0', '-1', 'abc', '1.5', ''])('limit=%p → 400 param limit', async (limit) => {
		const r = await api(sb, 'GET', `/v3/brand-kits?limit=${limit}`);
		expect(r.status).toBe(400);
		expect(r.json.error).toMatchObject({
			code: 'invalid_parameter',
			param: 'limit',
			message: "'limit' must be between 1 and 100.",
		});
	});

	test('garbage or foreign token → 400 param token', async () => {
		expect((await api(sb, 'GET', '/v3/voices?token=garbage')).json.error.param).toBe('token');
		const styles = await api(sb, 'GET', '/v3/video-agents/styles');
		const foreign = await api(sb, 'GET', `/v3/voices?token=${styles.json.next_token}`);
		expect(foreign.status).toBe(400);
		expect(foreign.json.error.param).toBe('token');
	});
});

describe('journal', () => {
	test('records method, path, query, lower-cased headers, body size, sha256 and status per origin', async () => {
		const body = JSON.stringify({ filename: 'a', content_type: 'image/png', size_bytes: 8 });
		await api(sb, 'POST', '/v3/assets/direct-uploads?x=1', {
			body,
			headers: { 'Content-Type': 'application/json', 'X-Custom': 'Yes' },
		});
		await api(sb, 'GET', '/v3/users/me', { auth: false });
		const [a, b] = sb.journal('api');
		expect(a).toEqual({
			origin: 'api',
			method: 'POST',
			path: '/v3/assets/direct-uploads',
			query: { x: '1' },
			headers: expect.objectContaining({
				'content-type': 'application/json',
				'x-custom': 'Yes',
				'x-api-key': 'sandbox-api-key',
			}),
			bodySize: Buffer.byteLength(body),
			sha256: sha(body),
			status: 200,
			at: expect.any(Number),
		});
		expect(a.fault).toBeUndefined();
		expect(b).toMatchObject({ method: 'GET', status: 401, bodySize: 0, sha256: sha('') });
		expect(sb.journal('storage')).toEqual([]);
		expect(sb.journal()).toHaveLength(2);
		sb.clearJournal();
		expect(sb.journal()).toEqual([]);
	});

	test('journal() returns copies', async () => {
		await api(sb, 'GET', '/v3/users/me');
		sb.journal()[0].status = 999;
		expect(sb.journal()[0].status).toBe(200);
	});
});

describe('latency', () => {
	test('latencyMs delays API answers but not storage answers', async () => {
		sb.setOptions({ latencyMs: 150 });
		let t = Date.now();
		await api(sb, 'GET', '/v3/users/me');
		expect(Date.now() - t).toBeGreaterThanOrEqual(140);
		t = Date.now();
		await request(`${sb.storageUrl}/files/nothing.png`).then((r) => r.body.dump());
		expect(Date.now() - t).toBeLessThan(140);
	});
});

describe('control API (/__sandbox)', () => {
	const ctl = async (method: string, path: string, json?: unknown) => {
		const r = await request(`${sb.apiUrl}/__sandbox${path}`, {
			method: method as 'GET',
			body: json === undefined ? undefined : JSON.stringify(json),
			headers: json === undefined ? {} : { 'content-type': 'application/json' },
		});
		return { status: r.statusCode, json: (await r.body.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
	};

	test('journal: GET (with origin filter) and DELETE; control calls are never journaled and need no auth', async () => {
		const { init } = await directUpload(sb, MP4, 'video/mp4');
		const all = await ctl('GET', '/journal');
		expect(all.status).toBe(200);
		expect(all.json.map((e: { origin: string }) => e.origin)).toEqual(['api', 'storage', 'api']);
		const storage = await ctl('GET', '/journal?origin=storage');
		expect(storage.json).toHaveLength(1);
		expect(storage.json[0]).toMatchObject({
			method: 'PUT',
			path: `/uploads/${init.asset_id}`,
			sha256: sha(MP4),
		});
		expect((await ctl('GET', '/journal?origin=moon')).status).toBe(400);
		expect((await ctl('DELETE', '/journal')).json).toEqual({ ok: true });
		expect(sb.journal()).toEqual([]);
	});

	test('faults: POST (string path and pathRegex), GET, DELETE', async () => {
		expect(
			(
				await ctl('POST', '/faults', {
					path: '/v3/users/me',
					kind: 'status',
					status: 503,
					times: 2,
				})
			).json,
		).toEqual({ ok: true, pending: 1 });
		expect(
			(await ctl('POST', '/faults', { pathRegex: '^/v3/voices$', kind: 'status', status: 500 }))
				.status,
		).toBe(200);
		expect((await ctl('GET', '/faults')).json).toHaveLength(2);
		expect((await api(sb, 'GET', '/v3/users/me')).status).toBe(503);
		expect((await api(sb, 'GET', '/v3/voices')).status).toBe(500);
		expect((await ctl('GET', '/faults')).json).toEqual([
			expect.objectContaining({ path: '/v3/users/me', times: 1 }),
		]);
		expect((await ctl('DELETE', '/faults')).json).toEqual({ ok: true });
		expect((await api(sb, 'GET', '/v3/users/me')).status).toBe(200);
		const bad = await ctl('POST', '/faults', { path: '/x', kind: 'explode' });
		expect(bad.status).toBe(400);
		expect((await ctl('POST', '/faults', { path: '/x', kind: 'status', status: 418 })).status).toBe(
			400,
		);
		expect(sb.journal().every((e) => !e.path.startsWith('/__sandbox'))).toBe(true);
	});

	test('state: assets, sessions, videos as JSON (no raw bytes)', async () => {
		const up = await uploadFile(sb, SAMPLES.png.bytes);
		await api(sb, 'POST', '/v3/video-agents', { json: { prompt: 'state test' } });
		const s = await ctl('GET', '/state');
		expect(s.status).toBe(200);
		expect(s.json.assets).toEqual([
			expect.objectContaining({
				asset_id: up.json.data.asset_id,
				status: 'processing',
				has_bytes: true,
			}),
		]);
		expect(s.json.assets[0].bytes).toBeUndefined();
		expect(s.json.sessions).toHaveLength(1);
		expect(s.json).toMatchObject({
			videos: expect.any(Array),
			callbacks: [],
			activeVideoJobs: 1,
			apiUrl: sb.apiUrl,
		});
	});

	test('options: POST changes latency; GET reads; invalid → 400', async () => {
		const r = await ctl('POST', '/options', { latencyMs: 120, completeLagCalls: 1 });
		expect(r.json).toMatchObject({ latencyMs: 120, completeLagCalls: 1 });
		expect(sb.options().latencyMs).toBe(120);
		const t = Date.now();
		await api(sb, 'GET', '/v3/users/me');
		expect(Date.now() - t).toBeGreaterThanOrEqual(110);
		expect((await ctl('GET', '/options')).json.latencyMs).toBe(120);
		expect((await ctl('POST', '/options', { latencyMs: 'fast' })).status).toBe(400);
		await ctl('POST', '/options', { latencyMs: 0, completeLagCalls: 0 });
	});

	test('reset and health; unknown control route → 404', async () => {
		await uploadFile(sb, SAMPLES.png.bytes);
		expect((await ctl('POST', '/reset')).json).toEqual({ ok: true });
		expect(sb.assets.size).toBe(0);
		expect((await ctl('GET', '/health')).json).toEqual({
			ok: true,
			apiUrl: sb.apiUrl,
			storageUrl: sb.storageUrl,
		});
		expect((await ctl('GET', '/nope')).status).toBe(404);
	});
});
