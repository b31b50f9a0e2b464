/** A small push-style multipart/form-data parser (RFC 7578) that never holds more than one chunk. */

export interface PartInfo {
	name: string | null;
	filename: string | null;
	contentType: string | null;
	headers: Record<string, string>;
}

export interface MultipartHandlers {
	onPart(part: PartInfo): void;
	onData(chunk: Buffer): void;
	onPartEnd(): void;
}

export class MultipartError extends Error {}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

/** Extracts the boundary from a Content-Type header, or null if it is not multipart/form-data. */
export function boundaryOf(contentType: string | undefined): string | null {
	if (!contentType) return null;
	if (!/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return null;
	const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	const boundary = m ? (m[1] ?? m[2]) : null;
	if (!boundary || boundary.length > 70) return null;
	return boundary;
}

function parseDisposition(value: string): { name: string | null; filename: string | null } {
	const param = (key: string): string | null => {
		const re = new RegExp(`;\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i');
		const m = re.exec(value);
		if (!m) return null;
		return m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2].trim();
	};
	let filename = param('filename');
	const star = param('filename\\*');
	if (star) {
		const m = /^[^']*'[^']*'(.*)$/.exec(star);
		try {
			filename = decodeURIComponent(m ? m[1] : star);
		} catch {
			// keep the plain filename
		}
	}
	return { name: param('name'), filename };
}

export class MultipartParser {
	private state: 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'done' = 'preamble';
	/** Starts with a virtual CRLF so the first delimiter matches `\r\n--boundary` like the others. */
	private buf: Buffer = Buffer.from(CRLF);
	private readonly delim: Buffer;

	constructor(
		boundary: string,
		private readonly h: MultipartHandlers,
	) {
		this.delim = Buffer.from(`\r\n--${boundary}`);
	}

	get finished(): boolean {
		return this.state === 'done';
	}

	write(chunk: Buffer): void {
		if (this.state === 'done') return;
		this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
		this.process();
	}

	end(): void {
		if (this.state !== 'done')
			throw new MultipartError('multipart body ended before the closing boundary');
	}

	private process(): void {
		for (;;) {
			switch (this.state) {
				case 'preamble': {
					const idx = this.buf.indexOf(this.delim);
					if (idx < 0) {
						this.keepTail();
						return;
					}
					this.buf = this.buf.subarray(idx + this.delim.length);
					this.state = 'afterBoundary';
					break;
				}
				case 'afterBoundary': {
					// Optional linear whitespace, then CRLF (next part) or "--" (end).
					let i = 0;
					while (i < this.buf.length && (this.buf[i] === 0x20 || this.buf[i] === 0x09)) i++;
					if (this.buf.length - i < 2) return;
					if (this.buf[i] === 0x2d && this.buf[i + 1] === 0x2d) {
						this.state = 'done';
						this.buf = Buffer.alloc(0);
						return;
					}
					if (this.buf[i] === 0x0d && this.buf[i + 1] === 0x0a) {
						this.buf = this.buf.subarray(i + 2);
						this.state = 'headers';
						break;
					}
					throw new MultipartError('malformed multipart boundary line');
				}
				case 'headers': {
					let headerText: string;
					if (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) {
						headerText = '';
						this.buf = this.buf.subarray(2);
					} else {
						const idx = this.buf.indexOf(HEADER_END);
						if (idx < 0) {
							if (this.buf.length > MAX_HEADER_BYTES)
								throw new MultipartError('multipart part headers too large');
							return;
						}
						headerText = this.buf.subarray(0, idx).toString('utf8');
						this.buf = this.buf.subarray(idx + HEADER_END.length);
					}
					const headers: Record<string, string> = {};
					for (const line of headerText.split('\r\n')) {
						if (!line) continue;
						const colon = line.indexOf(':');
						if (colon <= 0) throw new MultipartError('malformed multipart part header');
						headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
					}
					const disp = headers['content-disposition']
						? parseDisposition(headers['content-disposition'])
						: null;
					this.h.onPart({
						name: disp?.name ?? null,
						filename: disp?.filename ?? null,
						contentType: headers['content-type'] ?? null,
						headers,
					});
					this.state = 'body';
					break;
				}
				case 'body': {
					const idx = this.buf.indexOf(this.delim);
					if (idx < 0) {
						const safe = this.buf.length - (this.delim.length - 1);
						if (safe > 0) {
							this.h.onData(this.buf.subarray(0, safe));
							this.buf = this.buf.subarray(safe);
						}
						return;
					}
					if (idx > 0) this.h.onData(this.buf.subarray(0, idx));
					this.h.onPartEnd();
					this.buf = this.buf.subarray(idx + this.delim.length);
					this.state = 'afterBoundary';
					break;
				}
				case 'done':
					return;
			}
		}
	}

	private keepTail(): void {
		const keep = this.delim.length - 1;
		if (this.buf.length > keep) this.buf = Buffer.from(this.buf.subarray(this.buf.length - keep));
	}
}
