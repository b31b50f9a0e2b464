/**
 * The sandbox's file host: a third loopback origin that plays "some server on the internet with
 * the file", the source of Assets → Upload from URL. Every file is generated on the fly from its
 * URL (any size, nothing held in memory) and every request is journaled, so tests can check the
 * bytes that reached storage (`sourceSha256`) and that no API key ever reached this host.
 *
 *   GET|HEAD /files/<name>?type=mp4&size=1048576   a generated MP4-looking file of exactly that size
 *   GET|HEAD /sample.mp4                           the sandbox's real 2 s sample MP4
 *
 * Query switches (combinable): `type` png|jpeg|mp4|webm|mp3|wav|pdf|html|gif|text (the bytes;
 * the name says nothing), `size` (default 65536), `seed` (another byte pattern), `chunked=1` (no
 * Content-Length), `slowMs=N` (pause N ms after every 64 KiB), `dropAfter=N` (close the socket
 * after N body bytes), `status=N` (answer N instead), `redirects=N` (N relative 302 hops first),
 * `loop=1` (302 to itself forever), `grow=N` (each request to this path serves N bytes more than
 * the one before: a file that changes while it is read). Faults as for the other origins:
 * `injectFault({ path, kind: 'status' | 'drop' | 'hang', … })` (a spec's `origin` is ignored).
 * Control (not journaled): `GET /__files/journal`, `DELETE /__files/journal`.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { FaultBook } from './faults';
import { SAMPLE_MP4 } from './storage';
import type { FaultSpec } from './types';

export interface FileHostEntry {
	method: string;
	path: string;
	query: Record<string, string>;
	/** lower-cased request headers */
	headers: Record<string, string>;
	status: number;
	/** body bytes written before the response ended or the socket closed */
	bytesSent: number;
	/** the whole declared body went out */
	complete: boolean;
	fault?: string;
	at: number;
}

export interface SourceSpec {
	type?: string;
	size?: number;
	seed?: string;
}

const BLOCK = 64 * 1024;

/** The first bytes that make each type recognisable (what fileType.ts and the sandbox sniff). */
const HEADERS: Record<string, Buffer> = {
	png: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
	jpeg: Buffer.from('ffd8ffe000104a464946', 'hex'),
	mp4: Buffer.concat([Buffer.from('00000018', 'hex'), Buffer.from('ftypisom\0\0\x02\0isommp41')]),
	webm: Buffer.concat([Buffer.from('1a45dfa3', 'hex'), Buffer.from('\x42\x82\x84webm')]),
	mp3: Buffer.from('ID3\x04\0\0\0\0\0\0', 'latin1'),
	wav: Buffer.from('RIFF\xff\xff\xff\x7fWAVEfmt ', 'latin1'),
	pdf: Buffer.from('%PDF-1.7\n'),
	gif: Buffer.from('GIF89a'),
	html: Buffer.from('<!DOCTYPE html><html><head><title>Sign in</title></head><body>\n'),
	text: Buffer.from('just some text\n'),
};

const MIME: Record<string, string> = {
	png: 'image/png',
	jpeg: 'image/jpeg',
	mp4: 'video/mp4',
	webm: 'video/webm',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	pdf: 'application/pdf',
	gif: 'image/gif',
	html: 'text/html; charset=utf-8',
	text: 'text/plain',
};

/** 64 KiB of filler bytes per seed (html and text get printable filler). */
function fillerBlock(type: string, seed: string): Buffer {
	const block = Buffer.alloc(BLOCK);
	for (let offset = 0, n = 0; offset < BLOCK; n++) {
		offset += createHash('sha256').update(`${seed}:${n}`).digest().copy(block, offset);
	}
	if (type === 'html' || type === 'text') {
		for (let i = 0; i < BLOCK; i++) block[i] = 0x61 + (block[i] % 26);
	}
	return block;
}

/** The bytes of a generated source, as chunks of at most 64 KiB (never the whole file at once). */
export function* sourceChunks({ type = 'mp4', size = 65536, seed = 'source' }: SourceSpec) {
	const header = HEADERS[type] ?? HEADERS.mp4;
	const filler = fillerBlock(type, seed);
	let position = 0;
	if (size > 0) {
		const head = header.subarray(0, size);
		position = head.length;
		yield head;
	}
	while (position < size) {
		const length = Math.min(BLOCK - (position % BLOCK), size - position);
		yield filler.subarray(position % BLOCK, (position % BLOCK) + length);
		position += length;
	}
}

/** sha256 (hex) of a generated source: what storage must have received. */
export function sourceSha256(spec: SourceSpec): string {
	const hash = createHash('sha256');
	for (const chunk of sourceChunks(spec)) hash.update(chunk);
	return hash.digest('hex');
}

export function sourceBytes(spec: SourceSpec): Buffer {
	return Buffer.concat([...sourceChunks(spec)]);
}

export class FileHost {
	url = '';
	readonly server: Server;
	private entries: FileHostEntry[] = [];
	private readonly faults = new FaultBook();
	/** requests served per path, for `grow` */
	private readonly served = new Map<string, number>();

	constructor() {
		this.server = createServer({ requestTimeout: 0, keepAliveTimeout: 5_000 }, (req, res) => {
			void this.handle(req, res).catch(() => req.socket.destroy());
		});
		this.server.on('clientError', (_err, socket) => socket.destroy());
	}

	async listen(port = 0, host = '127.0.0.1'): Promise<string> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		this.url = `http://${host}:${(this.server.address() as AddressInfo).port}`;
		return this.url;
	}

	journal(): FileHostEntry[] {
		return this.entries.map((e) => ({ ...e }));
	}

	clearJournal(): void {
		this.entries = [];
	}

	injectFault(spec: FaultSpec): void {
		this.faults.add({ ...spec, origin: undefined });
	}

	reset(): void {
		this.entries = [];
		this.faults.clear();
		this.served.clear();
	}

	/** The URL of a generated file on this host. */
	fileUrl(name: string, query: Record<string, string | number> = {}): string {
		const qs = new URLSearchParams(
			Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
		).toString();
		return `${this.url}/files/${encodeURIComponent(name)}${qs ? `?${qs}` : ''}`;
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://files.invalid');
		const method = (req.method ?? 'GET').toUpperCase();
		if (url.pathname.startsWith('/__files/')) return this.control(method, url.pathname, res);
		const entry: FileHostEntry = {
			method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: Object.fromEntries(
				Object.entries(req.headers).map(([k, v]) => [
					k.toLowerCase(),
					Array.isArray(v) ? v.join(', ') : String(v),
				]),
			),
			status: 0,
			bytesSent: 0,
			complete: false,
			at: Date.now(),
		};
		this.entries.push(entry);
		req.resume();
		res.on('finish', () => (entry.status = res.statusCode));
		res.on('close', () => (entry.status ||= res.headersSent ? res.statusCode : 0));

		const fault = this.faults.take('storage', method, url.pathname);
		if (fault) {
			entry.fault = fault.kind === 'status' ? `status:${fault.status}` : fault.kind;
			if (fault.kind === 'hang') return; // never answers; stop() closes the socket
			if (fault.kind === 'status') return this.sendText(res, fault.status ?? 500, 'fault\n');
			if (!fault.dropAfterBytes) return void req.socket.destroy();
		}
		const q = entry.query;
		const status = q.status ? Number(q.status) : 200;
		if (q.loop === '1') return this.redirect(res, `${url.pathname}${url.search}`);
		if (q.redirects && Number(q.redirects) > 0) {
			const next = new URLSearchParams(url.searchParams);
			next.set('redirects', String(Number(q.redirects) - 1));
			// Relative, as many servers send it: the client must resolve it against the current URL.
			return this.redirect(res, `${url.pathname.split('/').pop()}?${next.toString()}`);
		}
		if (status !== 200) {
			return status >= 500
				? this.sendText(res, status, '<html><body>Server error</body></html>', 'text/html')
				: this.sendText(res, status, `status ${status}\n`);
		}

		let chunks: Iterable<Buffer>;
		let size: number;
		let mime: string;
		if (url.pathname === '/sample.mp4') {
			chunks = [SAMPLE_MP4];
			size = SAMPLE_MP4.length;
			mime = 'video/mp4';
		} else if (url.pathname.startsWith('/files/')) {
			const served = this.served.get(url.pathname) ?? 0;
			this.served.set(url.pathname, served + 1);
			const type = q.type ?? 'mp4';
			size = Number(q.size ?? 65536) + served * Number(q.grow ?? 0);
			chunks = sourceChunks({ type, size, seed: q.seed });
			// Servers often guess the type from the name; `typeHeader` sets it explicitly.
			mime = q.typeHeader ?? (/\.mp4$/i.test(url.pathname) ? 'video/mp4' : (MIME[type] ?? ''));
		} else {
			return this.sendText(res, 404, 'not found\n');
		}

		const headers: Record<string, string> = { 'content-type': mime || 'application/octet-stream' };
		if (q.chunked !== '1') headers['content-length'] = String(size);
		res.writeHead(200, headers);
		if (method === 'HEAD') return void res.end();

		const dropAfter = fault?.kind === 'drop' ? fault.dropAfterBytes : Number(q.dropAfter ?? NaN);
		const slowMs = Number(q.slowMs ?? 0);
		for (const chunk of chunks) {
			if (res.destroyed) return;
			let piece = chunk;
			if (Number.isFinite(dropAfter) && entry.bytesSent + piece.length >= (dropAfter as number)) {
				piece = piece.subarray(0, (dropAfter as number) - entry.bytesSent);
				await this.write(res, piece, entry);
				entry.fault ??= 'drop';
				req.socket.destroy();
				return;
			}
			await this.write(res, piece, entry);
			if (slowMs > 0) await new Promise((resolve) => setTimeout(resolve, slowMs));
		}
		entry.complete = true;
		res.end();
	}

	private async write(res: ServerResponse, chunk: Buffer, entry: FileHostEntry): Promise<void> {
		if (chunk.length === 0) return;
		entry.bytesSent += chunk.length;
		if (res.write(chunk)) return;
		await new Promise<void>((resolve) => {
			const done = () => {
				res.off('drain', done);
				res.off('close', done);
				resolve();
			};
			res.on('drain', done);
			res.on('close', done);
		});
	}

	private redirect(res: ServerResponse, location: string): void {
		res.writeHead(302, { location, 'content-length': '0' });
		res.end();
	}

	private sendText(res: ServerResponse, status: number, text: string, type = 'text/plain'): void {
		res.writeHead(status, {
			'content-type': type,
			'content-length': String(Buffer.byteLength(text)),
		});
		res.end(text);
	}

	private control(method: string, path: string, res: ServerResponse): void {
		if (path === '/__files/journal' && method === 'GET')
			return this.sendText(res, 200, JSON.stringify(this.journal()), 'application/json');
		if (path === '/__files/journal' && method === 'DELETE') {
			this.clearJournal();
			return this.sendText(res, 200, '{"ok":true}', 'application/json');
		}
		return this.sendText(res, 404, 'unknown control route\n');
	}
}
