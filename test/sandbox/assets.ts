/** Asset endpoints: POST /v3/assets (multipart), direct uploads, complete, GET/DELETE (heygen-api.md §2–§5). */
import { createHash } from 'node:crypto';
import { ApiError, type Core, type Ctx, hexId, type Result, type Route } from './core';
import { boundaryOf, MultipartError, MultipartParser, type PartInfo } from './multipart';
import {
	canonicalMime,
	DIRECT_UPLOAD_MIME_TYPES,
	extensionFor,
	MULTIPART_MIME_TYPES,
	sniff,
} from './sniff';
import type { AssetRecord } from './types';

/** "32 MB" read as the smaller 32,000,000 bytes (heygen-api.md §13 "Multipart cap"). */
export const MULTIPART_LIMIT = 32_000_000;
export const HEAD_BYTES = 4096;
/** Owner of every asset: the `username` of `GET /v3/users/me`. */
export const ASSET_OWNER = 'sandbox-user';
const FILE_REQUIRED = 'File is required. Upload a file using multipart/form-data.';
const SUPPORTED_LIST = 'png, jpeg, mp4, webm, mp3, wav, pdf';

export function newAssetId(): string {
	return `asset_${hexId(12)}`;
}

function bad(
	param: string | null,
	message: string,
	code = 'invalid_parameter',
	status = 400,
): ApiError {
	return new ApiError(status, code, message, param);
}

export function rejectUnknownKeys(
	body: Record<string, unknown>,
	allowed: readonly string[],
	prefix = '',
): void {
	for (const key of Object.keys(body)) {
		if (!allowed.includes(key))
			throw bad(`${prefix}${key}`, `Unknown parameter '${prefix}${key}'.`);
	}
}

function assetType(mime: string | null): string {
	if (!mime) return 'unknown';
	if (mime.startsWith('image/')) return 'image';
	if (mime.startsWith('video/')) return 'video';
	if (mime.startsWith('audio/')) return 'audio';
	if (mime === 'application/pdf') return 'document';
	if (mime === 'application/zip') return 'archive';
	return 'other';
}

class TooBig extends Error {}

async function uploadMultipart(core: Core, ctx: Ctx): Promise<Result> {
	return core.withIdempotency(ctx, 'POST /v3/assets', async () => {
		const boundary = boundaryOf(ctx.req.headers['content-type']);
		if (!boundary) throw bad('file', FILE_REQUIRED);
		const file = await new Promise<{
			part: PartInfo;
			chunks: Buffer[];
			size: number;
			sha256: string;
		} | null>((resolve, reject) => {
			let current: 'file' | 'other' | null = null;
			let found: {
				part: PartInfo;
				chunks: Buffer[];
				size: number;
				hash: ReturnType<typeof createHash>;
			} | null = null;
			let otherBytes = 0;
			let settled = false;
			const fail = (err: unknown) => {
				if (settled) return;
				settled = true;
				if (found) found.chunks = [];
				if (err instanceof TooBig)
					reject(
						new ApiError(
							413,
							'payload_too_large',
							`File exceeds the ${MULTIPART_LIMIT.toLocaleString('en-US')}-byte limit of POST /v3/assets. Use a direct upload (POST /v3/assets/direct-uploads) for larger files.`,
							'file',
							{},
							true,
						),
					);
				else if (err instanceof MultipartError)
					reject(bad('file', `Malformed multipart body: ${err.message}.`));
				else reject(err);
			};
			const parser = new MultipartParser(boundary, {
				onPart(part) {
					// `file` is the only field (heygen-api.md §2): a second file or any other field
					// is refused, not silently ignored.
					if (part.name !== 'file' || found)
						throw new ApiError(
							400,
							'invalid_parameter',
							part.name === 'file'
								? 'Only one file per request: the body has a second part named file.'
								: `Unknown field '${part.name ?? ''}': POST /v3/assets takes exactly one part, named file.`,
							'file',
							{},
							true,
						);
					found = { part, chunks: [], size: 0, hash: createHash('sha256') };
					current = 'file';
				},
				onData(chunk) {
					if (current === 'file' && found) {
						found.size += chunk.length;
						if (found.size > MULTIPART_LIMIT) throw new TooBig();
						found.hash.update(chunk);
						found.chunks.push(chunk);
					} else {
						otherBytes += chunk.length;
						if (otherBytes > 1024 * 1024) throw new MultipartError('non-file fields exceed 1 MB');
					}
				},
				onPartEnd() {
					current = null;
				},
			});
			ctx.tap.on('data', (chunk: Buffer) => {
				if (settled) return;
				try {
					parser.write(chunk);
				} catch (err) {
					fail(err);
				}
			});
			ctx.tap.once('end', () => {
				if (settled) return;
				try {
					parser.end();
				} catch (err) {
					return fail(err);
				}
				settled = true;
				const f = found as {
					part: PartInfo;
					chunks: Buffer[];
					size: number;
					hash: ReturnType<typeof createHash>;
				} | null;
				resolve(
					f && { part: f.part, chunks: f.chunks, size: f.size, sha256: f.hash.digest('hex') },
				);
			});
			ctx.tap.once('error', (err) => fail(err));
		});
		if (!file) throw bad('file', FILE_REQUIRED);
		if (file.size === 0) throw bad('file', 'File is empty.');
		const bytes = Buffer.concat(file.chunks, file.size);
		const detected = sniff(bytes.subarray(0, HEAD_BYTES));
		if (!detected || !(MULTIPART_MIME_TYPES as readonly string[]).includes(detected.mime)) {
			throw bad(
				'file',
				`Unsupported file type${detected ? ` (${detected.mime})` : ''}. Supported types: ${SUPPORTED_LIST}.`,
			);
		}
		const id = newAssetId();
		const now = Date.now();
		const url = `${core.storageUrl}/files/${id}.${detected.ext}`;
		const asset: AssetRecord = {
			asset_id: id,
			status: 'processing',
			source: 'multipart',
			filename: file.part.filename ?? `${id}.${detected.ext}`,
			declared_content_type: file.part.contentType,
			mime_type: detected.mime,
			size_bytes: file.size,
			stored_bytes: file.size,
			sha256: file.sha256,
			url,
			created_at: now,
			uploaded_at: now,
			completed_at: now,
			checksum_sha256: null,
			head: Buffer.from(bytes.subarray(0, HEAD_BYTES)),
			bytes,
			upload: null,
			complete_lag_served: 0,
			complete_response: null,
		};
		core.assets.set(id, asset);
		return {
			status: 200,
			body: { data: { asset_id: id, url, mime_type: detected.mime, size_bytes: file.size } },
		};
	});
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

function amzDate(d: Date): string {
	return d
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');
}

async function createDirectUpload(core: Core, ctx: Ctx): Promise<Result> {
	return core.withIdempotency(ctx, 'POST /v3/assets/direct-uploads', async () => {
		const body = await core.readJsonObject(ctx);
		rejectUnknownKeys(body, ['filename', 'content_type', 'size_bytes', 'checksum_sha256']);
		const {
			filename,
			content_type: contentType,
			size_bytes: size,
			checksum_sha256: checksum,
		} = body;
		if (typeof filename !== 'string' || filename.trim() === '' || filename.length > 1024)
			throw bad('filename', "'filename' is required and must be 1-1024 characters.");
		if (typeof contentType !== 'string' || contentType.trim() === '')
			throw bad('content_type', "'content_type' is required.");
		const canonical = canonicalMime(contentType);
		if (!(DIRECT_UPLOAD_MIME_TYPES as readonly string[]).includes(canonical))
			throw bad(
				'content_type',
				`Unsupported content_type '${contentType}'. Supported: ${DIRECT_UPLOAD_MIME_TYPES.join(', ')}.`,
			);
		if (typeof size !== 'number' || !Number.isInteger(size) || size < 1)
			throw bad('size_bytes', "'size_bytes' is required and must be a positive integer.");
		const maxBytes = core.opts.maxBytes;
		if (size > maxBytes && core.opts.maxBytesCheckedAtInit)
			throw bad(
				'size_bytes',
				`'size_bytes' (${size}) exceeds max_bytes (${maxBytes}) for direct uploads.`,
			);
		if (
			checksum !== undefined &&
			checksum !== null &&
			(typeof checksum !== 'string' || !HEX64.test(checksum))
		)
			throw bad(
				'checksum_sha256',
				"'checksum_sha256' must be a hex-encoded SHA-256 (64 hex characters).",
			);

		const id = newAssetId();
		const issued = new Date();
		const expiresIn = core.opts.uploadExpiresInSeconds;
		const query: Record<string, string> = {
			'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
			'X-Amz-Credential': `SANDBOXKEY/${amzDate(issued).slice(0, 8)}/us-east-1/s3/aws4_request`,
			'X-Amz-Date': amzDate(issued),
			'X-Amz-Expires': String(expiresIn),
			'X-Amz-SignedHeaders': checksum
				? 'content-type;host;x-amz-checksum-sha256'
				: 'content-type;host',
			'X-Amz-Signature': hexId(32),
		};
		const uploadUrl = `${core.storageUrl}/uploads/${id}?${new URLSearchParams(query).toString()}`;
		const uploadHeaders: Record<string, string> = { 'Content-Type': contentType };
		const checksumHex = typeof checksum === 'string' ? checksum.toLowerCase() : null;
		if (checksumHex)
			uploadHeaders['x-amz-checksum-sha256'] = Buffer.from(checksumHex, 'hex').toString('base64');
		const ext = extensionFor(canonical);
		const staleUrl = core.opts.staleUploadUrls > 0;
		if (staleUrl) core.opts.staleUploadUrls--;
		const asset: AssetRecord = {
			asset_id: id,
			status: 'pending_upload',
			source: 'direct',
			filename,
			declared_content_type: contentType,
			mime_type: null,
			size_bytes: size,
			stored_bytes: null,
			sha256: null,
			url: `${core.storageUrl}/files/${id}.${ext}`,
			created_at: issued.getTime(),
			uploaded_at: null,
			completed_at: null,
			checksum_sha256: checksumHex,
			head: null,
			bytes: null,
			upload: {
				url: uploadUrl,
				query,
				headers: uploadHeaders,
				issued_at: issued.getTime(),
				// `staleUploadUrls`: this URL has already expired on the storage side (as after a
				// slow queue), so a client's "Request has expired" path can be exercised at once
				expires_at: staleUrl ? issued.getTime() - 1 : issued.getTime() + expiresIn * 1000,
				used: false,
			},
			complete_lag_served: 0,
			complete_response: null,
		};
		core.assets.set(id, asset);
		return {
			status: 200,
			body: {
				data: {
					asset_id: id,
					upload_url: uploadUrl,
					upload_headers: uploadHeaders,
					expires_in_seconds: expiresIn,
					max_bytes: maxBytes,
					status: 'pending_upload',
				},
			},
		};
	});
}

function liveAsset(core: Core, id: string): AssetRecord {
	const asset = core.assets.get(id);
	if (!asset || asset.status === 'deleted')
		throw new ApiError(404, 'not_found', 'Asset not found.', 'asset_id');
	return asset;
}

async function completeUpload(core: Core, ctx: Ctx): Promise<Result> {
	const asset = liveAsset(core, ctx.params.id);
	const body = await core.readJsonObject(ctx, true);
	rejectUnknownKeys(body, ['checksum_sha256']);
	const checksum = body.checksum_sha256;
	if (
		checksum !== undefined &&
		checksum !== null &&
		(typeof checksum !== 'string' || !HEX64.test(checksum))
	)
		throw bad(
			'checksum_sha256',
			"'checksum_sha256' must be a hex-encoded SHA-256 (64 hex characters).",
		);
	const view = (a: AssetRecord) => ({
		asset_id: a.asset_id,
		url: a.url,
		mime_type: a.mime_type,
		size_bytes: a.stored_bytes ?? a.size_bytes,
		status: 'processing',
	});
	if (asset.source === 'multipart') return { status: 200, body: { data: view(asset) } };
	if (asset.complete_response) return { status: 200, body: asset.complete_response };
	if (asset.status === 'pending_upload' || asset.complete_lag_served < core.opts.completeLagCalls) {
		if (asset.status !== 'pending_upload') asset.complete_lag_served++;
		throw new ApiError(
			409,
			'conflict',
			'Uploaded object not found yet. Retry after upload PUT returns 200.',
		);
	}
	const declared = canonicalMime(asset.declared_content_type ?? '');
	if (asset.mime_type !== declared)
		throw bad(
			'content_type',
			`Declared content_type '${asset.declared_content_type}' does not match the uploaded bytes (detected ${asset.mime_type ?? 'an unknown type'}).`,
		);
	if (typeof checksum === 'string' && checksum.toLowerCase() !== asset.sha256)
		throw bad('checksum_sha256', 'invalid checksum: it does not match the uploaded bytes.');
	asset.status = 'processing';
	asset.completed_at = Date.now();
	if (asset.upload) asset.upload.used = true; // the object is HeyGen's now: no more PUTs
	asset.complete_response = { data: view(asset) };
	return { status: 200, body: asset.complete_response };
}

/** The shape of `GET /v3/assets/{id}` (heygen-api.md §5); also the entries of the list. */
export function assetView(a: AssetRecord) {
	return {
		id: a.asset_id,
		name: a.filename,
		type: assetType(a.mime_type ?? canonicalMime(a.declared_content_type ?? '')),
		owner: ASSET_OWNER,
		space_id: 'space_sandbox',
		uploaded_at: a.uploaded_at === null ? null : Math.floor(a.uploaded_at / 1000),
		folder_id: null,
		url: a.status === 'processing' ? a.url : null,
	};
}

function getAsset(core: Core, ctx: Ctx): Result {
	return { status: 200, body: { data: assetView(liveAsset(core, ctx.params.id)) } };
}

function deleteAsset(core: Core, ctx: Ctx): Result {
	const a = liveAsset(core, ctx.params.id);
	a.status = 'deleted';
	a.bytes = null;
	if (a.upload) a.upload.used = true;
	return { status: 200, body: { data: { id: a.asset_id } } };
}

export const assetRoutes: Route[] = [
	{ method: 'POST', pattern: '/v3/assets', handler: uploadMultipart },
	{ method: 'POST', pattern: '/v3/assets/direct-uploads', handler: createDirectUpload },
	{ method: 'POST', pattern: '/v3/assets/:id/complete', handler: completeUpload },
	{ method: 'GET', pattern: '/v3/assets/:id', handler: getAsset },
	{ method: 'DELETE', pattern: '/v3/assets/:id', handler: deleteAsset },
	{
		method: 'GET',
		pattern: '/v3/users/me',
		handler: () => ({
			status: 200,
			body: {
				data: {
					username: ASSET_OWNER,
					email: 'sandbox@example.com',
					first_name: 'Sandy',
					last_name: 'Box',
					billing_type: 'wallet',
					wallet: {
						currency: 'usd',
						remaining_balance: 123.45,
						auto_reload: { enabled: false },
					},
				},
			},
		}),
	},
];
