/**
 * The far end of every benchmark, in its own process so that its memory and CPU are never counted
 * against the process being measured.
 *
 *   tsx bench/server.ts sandbox|sink
 *
 * `sandbox`: the HeyGen sandbox (test/sandbox) — real API checks, sha256 of every stored byte.
 * `sink`:    a minimal HeyGen-shaped server that discards bytes (direct-upload init, presigned PUT,
 *            complete, multipart upload), for when the sandbox itself would be the bottleneck.
 *
 * Prints one JSON line `{"ready":true,"apiUrl","storageUrl","apiKey","kind"}` on stdout, then reads
 * commands as JSON lines on stdin and answers each with one JSON line on stdout:
 *   {"id":1,"cmd":"latency","ms":50}  {"id":2,"cmd":"reset"}  {"id":3,"cmd":"stats"}  {"id":4,"cmd":"stop"}
 * `stats` returns the server's own CPU seconds and RSS since the last reset, and the bytes it received.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';

import { start, type Sandbox } from '../test/sandbox';

export const BENCH_API_KEY = 'bench-api-key';
/** Direct uploads up to 8 GiB (the sandbox's default cap is 200 MiB). */
const MAX_BYTES = 8 * 1024 ** 3;

interface Far {
	apiUrl: string;
	storageUrl: string;
	apiKey: string;
	fileHostUrl?: string;
	setLatency(ms: number): void;
	reset(): void;
	bytesReceived(): number;
	requests(): number;
	stop(): Promise<void>;
}

async function startSandbox(): Promise<Far> {
	const sandbox: Sandbox = await start({
		port: 0,
		apiKey: BENCH_API_KEY,
		maxBytes: MAX_BYTES,
		quiet: true,
	});
	return {
		apiUrl: sandbox.apiUrl,
		storageUrl: sandbox.storageUrl,
		apiKey: sandbox.apiKey,
		fileHostUrl: sandbox.files.url,
		setLatency: (ms) => sandbox.setOptions({ latencyMs: ms }),
		reset: () => sandbox.reset(),
		bytesReceived: () => sandbox.journal().reduce((sum, entry) => sum + entry.bodySize, 0),
		requests: () => sandbox.journal().length,
		stop: () => sandbox.stop(),
	};
}

/** The minimal sink: just enough of HeyGen's asset API for the pack, every body discarded. */
async function startSink(): Promise<Far> {
	let latencyMs = 0;
	let received = 0;
	let requests = 0;
	const uploads = new Map<string, { size: number; mimeType: string }>();
	const json = (res: ServerResponse, status: number, body: unknown) => {
		const text = JSON.stringify(body);
		res.writeHead(status, {
			'content-type': 'application/json',
			'content-length': Buffer.byteLength(text),
		});
		res.end(text);
	};
	const readBody = (req: IncomingMessage, keep: boolean) =>
		new Promise<{ size: number; text: string }>((resolve, reject) => {
			const chunks: Buffer[] = [];
			let size = 0;
			req.on('data', (chunk: Buffer) => {
				size += chunk.length;
				received += chunk.length;
				if (keep) chunks.push(chunk);
			});
			req.on('end', () =>
				resolve({ size, text: keep ? Buffer.concat(chunks).toString('utf8') : '' }),
			);
			req.on('error', reject);
		});
	let origin = '';
	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		requests++;
		const path = (req.url ?? '/').split('?')[0];
		if (path.startsWith('/uploads/') && req.method === 'PUT') {
			const upload = uploads.get(path.slice('/uploads/'.length));
			const { size } = await readBody(req, false);
			if (!upload || size !== upload.size)
				return json(res, 403, { error: 'size mismatch or unknown upload' });
			res.writeHead(200, { 'content-length': '0' });
			return res.end();
		}
		if (req.headers['x-api-key'] !== BENCH_API_KEY) {
			await readBody(req, false);
			return json(res, 401, { error: { code: 'authentication_failed', message: 'bad key' } });
		}
		if (latencyMs) await new Promise((resolve) => setTimeout(resolve, latencyMs));
		if (path === '/v3/assets/direct-uploads' && req.method === 'POST') {
			const body = JSON.parse((await readBody(req, true)).text) as {
				size_bytes: number;
				content_type: string;
			};
			const id = `asset_${randomBytes(12).toString('hex')}`;
			uploads.set(id, { size: body.size_bytes, mimeType: body.content_type });
			return json(res, 200, {
				data: {
					asset_id: id,
					upload_url: `${origin}/uploads/${id}?X-Amz-Signature=${randomBytes(8).toString('hex')}`,
					upload_headers: { 'Content-Type': body.content_type },
					expires_in_seconds: 3600,
					max_bytes: MAX_BYTES,
					status: 'pending_upload',
				},
			});
		}
		const complete = /^\/v3\/assets\/([^/]+)\/complete$/.exec(path);
		if (complete && req.method === 'POST') {
			await readBody(req, false);
			const upload = uploads.get(complete[1]);
			if (!upload)
				return json(res, 404, { error: { code: 'not_found', message: 'Asset not found.' } });
			return json(res, 200, {
				data: {
					asset_id: complete[1],
					url: `${origin}/files/${complete[1]}`,
					mime_type: upload.mimeType,
					size_bytes: upload.size,
					status: 'processing',
				},
			});
		}
		if (path === '/v3/assets' && req.method === 'POST') {
			const { size } = await readBody(req, false);
			const id = `asset_${randomBytes(12).toString('hex')}`;
			return json(res, 200, {
				data: {
					asset_id: id,
					url: `${origin}/files/${id}`,
					mime_type: 'image/png',
					size_bytes: size,
				},
			});
		}
		await readBody(req, false);
		return json(res, 404, {
			error: { code: 'not_found', message: `no route ${req.method} ${path}` },
		});
	};
	const server: Server = createServer({ requestTimeout: 0 }, (req, res) => {
		handle(req, res).catch((error: Error) => {
			if (!res.headersSent)
				json(res, 500, { error: { code: 'internal_error', message: error.message } });
		});
	});
	server.on('clientError', (_error, socket) => socket.destroy());
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		apiUrl: origin,
		storageUrl: origin,
		apiKey: BENCH_API_KEY,
		setLatency: (ms) => (latencyMs = ms),
		reset: () => {
			uploads.clear();
			received = 0;
			requests = 0;
		},
		bytesReceived: () => received,
		requests: () => requests,
		stop: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

async function main(): Promise<void> {
	const kind = process.argv[2] === 'sink' ? 'sink' : 'sandbox';
	const far = kind === 'sink' ? await startSink() : await startSandbox();
	let cpu = process.cpuUsage();
	const send = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
	send({
		ready: true,
		kind,
		apiUrl: far.apiUrl,
		storageUrl: far.storageUrl,
		apiKey: far.apiKey,
		fileHostUrl: far.fileHostUrl,
	});
	const lines = createInterface({ input: process.stdin });
	lines.on('line', (line) => {
		void (async () => {
			const command = JSON.parse(line) as { id: number; cmd: string; ms?: number };
			switch (command.cmd) {
				case 'latency':
					far.setLatency(command.ms ?? 0);
					break;
				case 'reset':
					far.reset();
					cpu = process.cpuUsage();
					break;
				case 'stats': {
					const used = process.cpuUsage(cpu);
					send({
						id: command.id,
						cpuSeconds: (used.user + used.system) / 1e6,
						rssBytes: process.memoryUsage.rss(),
						bytesReceived: far.bytesReceived(),
						requests: far.requests(),
					});
					return;
				}
				case 'stop':
					await far.stop();
					send({ id: command.id });
					process.exit(0);
			}
			send({ id: command.id });
		})().catch((error: Error) => send({ id: -1, error: error.message }));
	});
	// The parent going away (stdin closed) ends the server too.
	lines.on('close', () => void far.stop().then(() => process.exit(0)));
}

void main();
