/** Streaming request-body plumbing: every body is hashed and counted as it passes, never buffered whole. */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import type { JournalEntry } from './types';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/**
 * A pass-through that hashes and counts every byte of a request body and keeps the journal entry
 * current. Handlers read the body from the tap, never from `req`.
 */
export class BodyTap extends Transform {
	size = 0;
	/** Set once the body ended (complete) or the socket closed early (partial). */
	digest: string | null = null;
	/** True when the whole body arrived. */
	complete = false;
	/** Called after each chunk with the running total (used by the drop fault and drain caps). */
	onBytes: ((total: number) => void) | null = null;
	private readonly hash = createHash('sha256');
	private readonly done: Promise<void>;
	private resolveDone!: () => void;

	constructor(
		private readonly req: IncomingMessage,
		private readonly entry: JournalEntry,
	) {
		super({ highWaterMark: 64 * 1024 });
		this.done = new Promise((resolve) => (this.resolveDone = resolve));
		// A body that ends early destroys the tap; handlers see that via whenDone()/'error'.
		this.on('error', () => undefined);
		req.pipe(this);
		req.on('close', () => {
			if (!req.complete) {
				this.finalize(false);
				this.destroy(new Error('request aborted'));
			}
		});
	}

	override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
		this.hash.update(chunk);
		this.size += chunk.length;
		this.entry.bodySize = this.size;
		cb(null, chunk);
		this.onBytes?.(this.size);
	}

	override _flush(cb: TransformCallback): void {
		this.finalize(true);
		cb();
	}

	private finalize(complete: boolean): void {
		if (this.digest !== null) return;
		this.complete = complete;
		this.digest = this.hash.digest('hex');
		this.entry.sha256 = this.digest;
		this.entry.bodySize = this.size;
		this.resolveDone();
	}

	/** Resolves when the body has ended or the socket closed. */
	whenDone(): Promise<void> {
		return this.done;
	}

	/**
	 * Resolves true once every chunk has been delivered to the reader ('end'), false if the body was cut
	 * short. Unlike whenDone() this waits for the readable side, so 'data' listeners have seen everything.
	 */
	consumed(): Promise<boolean> {
		return new Promise((resolve) => {
			if (this.readableEnded) return resolve(true);
			if (this.destroyed) return resolve(false);
			this.once('end', () => resolve(true));
			this.once('close', () => resolve(this.readableEnded));
		});
	}

	/** Discard whatever is left of the body (still hashed for the journal). */
	drain(): Promise<void> {
		if (this.digest === null) this.resume();
		return this.done;
	}

	/** The socket of the request (for drop faults and "respond and close"). */
	get socket() {
		return this.req.socket;
	}
}

export class TooLargeError extends Error {}

/** Reads the whole (small) body, failing with TooLargeError above `limit` bytes. */
export function readAll(tap: BodyTap, limit: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let failed = false;
		const onData = (chunk: Buffer) => {
			if (failed) return;
			size += chunk.length;
			if (size > limit) {
				failed = true;
				chunks.length = 0;
				reject(new TooLargeError(`body exceeds ${limit} bytes`));
				return;
			}
			chunks.push(chunk);
		};
		tap.on('data', onData);
		tap.once('end', () => {
			if (!failed) resolve(Buffer.concat(chunks));
		});
		tap.once('error', (err) => {
			if (!failed) reject(err);
		});
	});
}
