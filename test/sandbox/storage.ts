/**
 * The storage origin: behaves like S3 presigned URLs (heygen-api.md §3.1, §13 "The PUT").
 * PUT /uploads/<asset_id>?X-Amz-…  — the direct-upload target (streamed; hashed and counted, never buffered
 *                                     beyond 32 MB)
 * GET|HEAD /files/<asset_id>.<ext>  — stored asset bytes (kept when ≤ 32,000,000 bytes)
 * GET|HEAD /videos/<video_id>.mp4|.jpg — finished videos and thumbnails (a real tiny MP4 / JPEG)
 * GET|HEAD /catalog/<name>.mp4|.jpg — preview media for the catalogues
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEAD_BYTES, MULTIPART_LIMIT } from './assets';
import { type Core, type Ctx, S3Error } from './core';
import { sniff } from './sniff';
import { checkVideoUrl } from './jobEnds';

export const SAMPLE_MP4 = readFileSync(join(__dirname, 'fixtures', 'sample.mp4'));
export const SAMPLE_JPG = readFileSync(join(__dirname, 'fixtures', 'thumb.jpg'));
/** Duration of fixtures/sample.mp4 in seconds. */
export const SAMPLE_MP4_DURATION = 2;

const SIGNATURE_MISMATCH =
	'The request signature we calculated does not match the signature you provided. Check your key and signing method.';

export async function handleStorage(core: Core, ctx: Ctx): Promise<void> {
	const m = /^\/(uploads|files|videos|catalog)\/([^/]+)$/.exec(ctx.path);
	if (!m) throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
	const [, area, name] = m;
	if (area === 'uploads') {
		if (ctx.method !== 'PUT')
			throw new S3Error(
				405,
				'MethodNotAllowed',
				'The specified method is not allowed against this resource.',
			);
		return putUpload(core, ctx, name);
	}
	if (ctx.method !== 'GET' && ctx.method !== 'HEAD')
		throw new S3Error(
			405,
			'MethodNotAllowed',
			'The specified method is not allowed against this resource.',
		);
	if (area === 'files') {
		const dot = name.lastIndexOf('.');
		const asset = core.assets.get(dot > 0 ? name.slice(0, dot) : name);
		if (
			!asset ||
			asset.status === 'deleted' ||
			asset.status === 'pending_upload' ||
			!asset.url.endsWith(`/${name}`)
		)
			throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
		if (!asset.bytes)
			throw new S3Error(
				404,
				'NoSuchKey',
				`The sandbox does not keep objects over ${MULTIPART_LIMIT} bytes (sha256 ${asset.sha256}).`,
			);
		return serveBuffer(ctx, asset.bytes, asset.mime_type ?? 'application/octet-stream');
	}
	if (area === 'videos') {
		const mm = /^(.+)\.(mp4|jpg)$/.exec(name);
		const video = mm ? core.videos.get(mm[1]) : undefined;
		if (!mm || !video || video.status !== 'completed')
			throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
		checkVideoUrl(ctx, name);
		return mm[2] === 'mp4'
			? serveBuffer(ctx, SAMPLE_MP4, 'video/mp4')
			: serveBuffer(ctx, SAMPLE_JPG, 'image/jpeg');
	}
	if (name.endsWith('.mp4')) return serveBuffer(ctx, SAMPLE_MP4, 'video/mp4');
	if (name.endsWith('.jpg')) return serveBuffer(ctx, SAMPLE_JPG, 'image/jpeg');
	throw new S3Error(404, 'NoSuchKey', 'The specified key does not exist.');
}

/** GET/HEAD with a single `Range: bytes=a-b` supported (browsers use it for <video>). */
function serveBuffer(ctx: Ctx, buf: Buffer, contentType: string): void {
	const range = ctx.req.headers.range;
	let start = 0;
	let end = buf.length - 1;
	let status = 200;
	if (typeof range === 'string') {
		const r = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
		if (r && (r[1] || r[2])) {
			if (r[1]) {
				start = Number(r[1]);
				end = r[2] ? Math.min(Number(r[2]), buf.length - 1) : buf.length - 1;
			} else {
				start = Math.max(0, buf.length - Number(r[2]));
			}
			if (start > end || start >= buf.length) {
				ctx.res.writeHead(416, { 'content-range': `bytes */${buf.length}` });
				ctx.res.end();
				return;
			}
			status = 206;
		}
	}
	const headers: Record<string, string> = {
		'content-type': contentType,
		'content-length': String(end - start + 1),
		'accept-ranges': 'bytes',
		etag: `"${buf.length.toString(16)}"`,
	};
	if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${buf.length}`;
	ctx.res.writeHead(status, headers);
	ctx.res.end(ctx.method === 'HEAD' ? undefined : buf.subarray(start, end + 1));
}

async function putUpload(core: Core, ctx: Ctx, assetId: string): Promise<void> {
	const asset = core.assets.get(assetId);
	const up = asset?.upload;
	if (!asset || !up || asset.status === 'deleted')
		throw new S3Error(403, 'AccessDenied', 'Access Denied');
	// The URL's query is what was signed: every parameter must come back unchanged.
	const q = ctx.query;
	const sameQuery =
		Object.keys(q).length === Object.keys(up.query).length &&
		Object.entries(up.query).every(([k, v]) => q[k] === v);
	if (!sameQuery) throw new S3Error(403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH);
	if (Date.now() > up.expires_at) throw new S3Error(403, 'AccessDenied', 'Request has expired');
	// Like S3, a presigned URL works for any number of PUTs until it expires (each replaces the
	// object), but not once the asset is completed or deleted: HeyGen has taken the object by then.
	if (up.used)
		throw new S3Error(403, 'AccessDenied', 'Access Denied: this upload was already completed.');
	const h = ctx.req.headers;
	if (h['x-api-key'] !== undefined || h.authorization !== undefined)
		throw new S3Error(
			403,
			'SignatureDoesNotMatch',
			`${SIGNATURE_MISMATCH} (The presigned PUT must not carry x-api-key or Authorization.)`,
		);
	const signed = new Set<string>();
	for (const [name, value] of Object.entries(up.headers)) {
		const key = name.toLowerCase();
		signed.add(key);
		if (h[key] !== value)
			throw new S3Error(
				403,
				'SignatureDoesNotMatch',
				`${SIGNATURE_MISMATCH} (Signed header '${key}' must be '${value}', got ${h[key] === undefined ? 'nothing' : `'${String(h[key])}'`}.)`,
			);
	}
	for (const key of Object.keys(h)) {
		if (key.startsWith('x-amz-') && !signed.has(key))
			throw new S3Error(
				403,
				'AccessDenied',
				`There were headers present in the request which were not signed: ${key}`,
			);
	}
	const expected = asset.size_bytes;
	const declaredLength = h['content-length'];
	// S3 presigned PUTs need the length up front: a chunked body without Content-Length is refused.
	if (declaredLength === undefined)
		throw new S3Error(
			411,
			'MissingContentLength',
			'You must provide the Content-Length HTTP header.',
		);
	if (Number(declaredLength) !== expected)
		throw new S3Error(
			403,
			'SignatureDoesNotMatch',
			`${SIGNATURE_MISMATCH} (Content-Length ${declaredLength} does not match the signed size ${expected}.)`,
		);

	// Stream: hash and count (the tap does both for the journal), keep the first 4 KB for sniffing and the
	// whole object only when it is small enough to serve back.
	const tap = ctx.tap;
	const head: Buffer[] = [];
	let headLen = 0;
	let keep: Buffer[] | null = expected <= MULTIPART_LIMIT ? [] : null;
	let seen = 0;
	tap.on('data', (chunk: Buffer) => {
		seen += chunk.length;
		if (headLen < HEAD_BYTES) {
			const part = chunk.subarray(0, HEAD_BYTES - headLen);
			head.push(Buffer.from(part));
			headLen += part.length;
		}
		if (keep) {
			if (seen > expected) keep = null;
			else keep.push(chunk);
		}
	});
	const ok = await tap.consumed();
	if (!ok || !tap.complete) return; // the client went away: nothing stored, the URL stays usable
	if (tap.size !== expected)
		throw new S3Error(
			403,
			'SignatureDoesNotMatch',
			`${SIGNATURE_MISMATCH} (Body length ${tap.size} does not match the signed size ${expected}.)`,
		);
	const sha256 = tap.digest!;
	if (asset.checksum_sha256 && asset.checksum_sha256 !== sha256)
		throw new S3Error(
			400,
			'BadDigest',
			'The SHA256 you specified did not match the calculated checksum.',
		);
	// The asset may have been deleted while the body was streaming.
	if ((asset.status as string) === 'deleted')
		throw new S3Error(403, 'AccessDenied', 'Access Denied');
	const headBuf = Buffer.concat(head, headLen);
	asset.head = headBuf;
	asset.bytes = keep ? Buffer.concat(keep, tap.size) : null;
	asset.stored_bytes = tap.size;
	asset.sha256 = sha256;
	asset.mime_type = sniff(headBuf)?.mime ?? null;
	asset.uploaded_at = Date.now();
	asset.status = 'uploaded';
	const headers: Record<string, string> = {
		etag: `"${sha256.slice(0, 32)}"`,
		'x-amz-request-id': ctx.requestId,
		'content-length': '0',
	};
	if (asset.checksum_sha256)
		headers['x-amz-checksum-sha256'] = Buffer.from(sha256, 'hex').toString('base64');
	ctx.res.writeHead(200, headers);
	ctx.res.end();
}
