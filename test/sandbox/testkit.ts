/** Helpers for the sandbox's own tests (test/sandbox*.test.ts). Uses undici, like the rest of the tooling. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import type { Sandbox } from './types';

export interface CallResult {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	json: any;
}

export interface CallOptions {
	json?: unknown;
	body?: string | Buffer | Readable | null;
	headers?: Record<string, string>;
	/** false: send no API key. Default: x-api-key. */
	auth?: boolean;
	headersTimeout?: number;
}

export async function call(
	base: string,
	sb: Sandbox,
	method: string,
	path: string,
	opts: CallOptions = {},
): Promise<CallResult> {
	const headers: Record<string, string> = opts.auth === false ? {} : { 'x-api-key': sb.apiKey };
	Object.assign(headers, opts.headers ?? {});
	let body = opts.body ?? null;
	if (opts.json !== undefined) {
		body = JSON.stringify(opts.json);
		headers['content-type'] ??= 'application/json';
	}
	const res = await request(base + path, {
		method: method as 'GET',
		headers,
		body,
		headersTimeout: opts.headersTimeout,
	});
	const text = await res.body.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.statusCode, headers: res.headers, text, json };
}

/** Calls the API origin. */
export function api(
	sb: Sandbox,
	method: string,
	path: string,
	opts: CallOptions = {},
): Promise<CallResult> {
	return call(sb.apiUrl, sb, method, path, opts);
}

/** A PUT to a presigned storage URL with exactly the given headers (no API key). */
export function put(
	url: string,
	body: Buffer | Readable | string,
	headers: Record<string, string>,
) {
	return request(url, { method: 'PUT', headers, body }).then(async (res) => ({
		status: res.statusCode,
		headers: res.headers,
		text: await res.body.text(),
	}));
}

export const FIXTURES = join(__dirname, 'fixtures');
export const MP4 = readFileSync(join(FIXTURES, 'sample.mp4'));
export const JPG = readFileSync(join(FIXTURES, 'thumb.jpg'));

function pad(head: Buffer | string, size = 64): Buffer {
	const h = Buffer.isBuffer(head) ? head : Buffer.from(head, 'latin1');
	return Buffer.concat([h, Buffer.alloc(Math.max(0, size - h.length), 0x20)]);
}

/** Minimal byte strings for each supported type (the sniffer looks only at the head). */
export const SAMPLES: Record<string, { bytes: Buffer; mime: string; ext: string }> = {
	png: {
		bytes: pad(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])),
		mime: 'image/png',
		ext: 'png',
	},
	jpeg: { bytes: JPG, mime: 'image/jpeg', ext: 'jpg' },
	mp4: { bytes: MP4, mime: 'video/mp4', ext: 'mp4' },
	webm: {
		bytes: pad(
			Buffer.concat([
				Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84]),
				Buffer.from('webm'),
			]),
		),
		mime: 'video/webm',
		ext: 'webm',
	},
	mp3id3: { bytes: pad('ID3\x04\x00\x00\x00\x00\x00\x00'), mime: 'audio/mpeg', ext: 'mp3' },
	mp3sync: { bytes: pad(Buffer.from([0xff, 0xfb, 0x90, 0x64])), mime: 'audio/mpeg', ext: 'mp3' },
	wav: { bytes: pad('RIFF\x24\x00\x00\x00WAVEfmt '), mime: 'audio/wav', ext: 'wav' },
	pdf: { bytes: pad('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'), mime: 'application/pdf', ext: 'pdf' },
};
export const GIF = pad('GIF89a\x01\x00\x01\x00');

export interface Part {
	name: string;
	filename?: string;
	contentType?: string;
	data: Buffer | string;
}

export const BOUNDARY = '----sandboxBoundary7MA4YWxkTrZu0gW';

export function multipartBody(parts: Part[], boundary = BOUNDARY): Buffer {
	const chunks: Buffer[] = [];
	for (const p of parts) {
		let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
		if (p.filename !== undefined) head += `; filename="${p.filename}"`;
		head += '\r\n';
		if (p.contentType) head += `Content-Type: ${p.contentType}\r\n`;
		chunks.push(
			Buffer.from(`${head}\r\n`),
			Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data),
			Buffer.from('\r\n'),
		);
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return Buffer.concat(chunks);
}

export function uploadFile(
	sb: Sandbox,
	data: Buffer,
	opts: { filename?: string; contentType?: string; headers?: Record<string, string> } = {},
) {
	const body = multipartBody([
		{
			name: 'file',
			filename: opts.filename ?? 'upload.bin',
			contentType: opts.contentType ?? 'application/octet-stream',
			data,
		},
	]);
	return api(sb, 'POST', '/v3/assets', {
		body,
		headers: {
			'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
			...(opts.headers ?? {}),
		},
	});
}

/** Direct upload init → PUT → complete; returns the init data and the complete result. */
export async function directUpload(
	sb: Sandbox,
	data: Buffer,
	contentType: string,
	extra: Record<string, unknown> = {},
) {
	const init = await api(sb, 'POST', '/v3/assets/direct-uploads', {
		json: { filename: 'file', content_type: contentType, size_bytes: data.length, ...extra },
	});
	if (init.status !== 200) throw new Error(`init failed: ${init.text}`);
	const d = init.json.data;
	const putRes = await put(d.upload_url, data, d.upload_headers);
	const complete = await api(sb, 'POST', `/v3/assets/${d.asset_id}/complete`, { json: {} });
	return { init: d, put: putRes, complete };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls fn until it returns a truthy value or the deadline passes. */
export async function until<T>(
	fn: () => Promise<T> | T,
	timeoutMs = 5000,
	everyMs = 20,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > deadline) throw new Error('until(): timed out');
		await sleep(everyMs);
	}
}

/**
 * A Readable that yields `total` bytes in `chunkSize` pieces, calling onChunk for each (for hashing).
 * varied=true makes every chunk distinct (a fresh buffer each); false re-sends one immutable block, which
 * keeps the generator itself from allocating (memory tests).
 */
export function generated(
	total: number,
	chunkSize = 1024 * 1024,
	onChunk?: (b: Buffer) => void,
	varied = true,
): Readable {
	const block = Buffer.alloc(chunkSize);
	for (let i = 0; i < chunkSize; i++) block[i] = (i * 31 + 7) & 0xff;
	let sent = 0;
	return new Readable({
		highWaterMark: chunkSize,
		read() {
			if (sent >= total) return void this.push(null);
			const n = Math.min(chunkSize, total - sent);
			const piece = n === chunkSize ? block : block.subarray(0, n);
			let out = piece;
			if (varied || sent === 0) {
				out = Buffer.from(piece);
				if (out.length >= 4) out.writeUInt32BE(sent >>> 0, 0);
			}
			sent += n;
			onChunk?.(out);
			this.push(out);
		},
	});
}
