/**
 * A request body that is sent as it is read, never held in memory whole.
 *
 * Runtime code may not import `stream`, so the body is shaped as a Blob: n8n's HTTP client (axios)
 * sends a Blob by iterating its `stream()` with `Content-Length: size` and `Content-Type: type`.
 * `stream()` builds the bytes afresh on each call, so a retried request re-reads its file instead
 * of replaying a spent stream. Only streamed with `disableFollowRedirect: true`: with redirects on,
 * n8n's client copies every body chunk so it could re-send them (n8n-conventions §4.2).
 */
export class StreamedBody {
	constructor(
		/** exact byte count of everything `stream()` yields */
		readonly size: number,
		/** the Content-Type header */
		readonly type: string,
		private readonly read: () => AsyncIterable<Uint8Array>,
	) {}

	/** axios tells a Blob by this tag */
	get [Symbol.toStringTag](): string {
		return 'Blob';
	}

	stream(): AsyncIterable<Uint8Array> {
		return this.read();
	}
}
