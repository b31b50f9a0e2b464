/**
 * HeyGen v3 sandbox: a local test double of HeyGen's API plus an S3-like storage origin.
 * See README.md in this folder; the contract it follows is /work/shared/heygen-api.md.
 *
 *   const sb = await start({ port: 0 });
 *   // … point the client at sb.apiUrl with sb.apiKey …
 *   await sb.stop();
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Core } from './core';
import { FileHost } from './fileHost';
import type { Sandbox, SandboxOptions } from './types';

export type {
	AssetRecord,
	AssetStatus,
	CallbackDelivery,
	ClockOptions,
	FaultKind,
	FaultSpec,
	JournalEntry,
	Origin,
	Sandbox,
	SandboxOptions,
	SandboxOptionsSnapshot,
	SessionMessage,
	SessionRecord,
	SessionStatus,
	VideoRecord,
	VideoStatus,
} from './types';
export { sniff, canonicalMime } from './sniff';
export { SAMPLE_MP4 } from './storage';
export {
	FileHost,
	sourceBytes,
	sourceSha256,
	type FileHostEntry,
	type SourceSpec,
} from './fileHost';

export const HOST = '127.0.0.1';

/** Error thrown by start() when a port is taken. */
export class PortInUseError extends Error {
	constructor(
		public readonly port: number,
		public readonly which: 'api' | 'storage',
	) {
		super(`Port ${port} (${which} origin) is already in use on ${HOST}.`);
		this.name = 'PortInUseError';
	}
}

function listen(server: Server, port: number, which: 'api' | 'storage'): Promise<number> {
	return new Promise((resolve, reject) => {
		const onError = (err: NodeJS.ErrnoException) => {
			server.off('listening', onListening);
			reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, which) : err);
		};
		const onListening = () => {
			server.off('error', onError);
			resolve((server.address() as AddressInfo).port);
		};
		server.once('error', onError);
		server.once('listening', onListening);
		server.listen(port, HOST);
	});
}

function makeServer(core: Core, origin: 'api' | 'storage'): Server {
	const server = createServer({ requestTimeout: 0, keepAliveTimeout: 5_000 }, (req, res) =>
		core.handle(origin, req, res),
	);
	// A client that goes away mid-request must never crash the sandbox.
	server.on('clientError', (_err, socket) => socket.destroy());
	return server;
}

/** Starts both origins on 127.0.0.1. Rejects with PortInUseError if a port is taken. */
export async function start(options: SandboxOptions = {}): Promise<Sandbox> {
	const core = new Core(options);
	const api = makeServer(core, 'api');
	const storage = makeServer(core, 'storage');
	core.files = new FileHost();
	core.servers = [api, storage, core.files.server];
	try {
		const apiPort = await listen(api, core.opts.port, 'api');
		const storagePort = await listen(storage, core.opts.storagePort, 'storage');
		core.apiUrl = `http://${HOST}:${apiPort}`;
		core.storageUrl = `http://${HOST}:${storagePort}`;
		// The file host takes the next port after storage when ports are fixed (4012 by default).
		await core.files.listen(core.opts.port === 0 ? 0 : storagePort + 1, HOST);
	} catch (err) {
		await core.stop();
		throw err;
	}
	return core;
}
