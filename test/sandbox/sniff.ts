/**
 * The sandbox's own MIME sniffer. It deliberately shares no code with `nodes/`: the sandbox must verify
 * independently what a client claims about its bytes (heygen-api.md §2 "MIME detected from the bytes",
 * §3 "verified against the stored bytes at completion").
 */

export interface SniffResult {
	mime: string;
	ext: string;
}

/** Types `POST /v3/assets` accepts (heygen-api.md §2). */
export const MULTIPART_MIME_TYPES = [
	'image/png',
	'image/jpeg',
	'video/mp4',
	'video/webm',
	'audio/mpeg',
	'audio/wav',
	'application/pdf',
] as const;

/** Direct uploads also take zip (heygen-api.md §3, §11 #7). */
export const DIRECT_UPLOAD_MIME_TYPES = [...MULTIPART_MIME_TYPES, 'application/zip'] as const;

/** Attachment types for Video Agent `files[]` base64 items (heygen-api.md §6.1). */
export const ATTACHMENT_MIME_TYPES = MULTIPART_MIME_TYPES;

const EXT: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'video/mp4': 'mp4',
	'video/webm': 'webm',
	'audio/mpeg': 'mp3',
	'audio/wav': 'wav',
	'application/pdf': 'pdf',
	'application/zip': 'zip',
};

/** Aliases a client may declare; compared after normalisation. */
const ALIASES: Record<string, string> = {
	'image/jpg': 'image/jpeg',
	'image/pjpeg': 'image/jpeg',
	'audio/mp3': 'audio/mpeg',
	'audio/x-wav': 'audio/wav',
	'audio/wave': 'audio/wav',
	'audio/vnd.wave': 'audio/wav',
	'application/x-zip-compressed': 'application/zip',
};

/** Lower-cases, drops parameters (`; charset=…`) and maps common aliases to the canonical name. */
export function canonicalMime(declared: string): string {
	const base = declared.split(';')[0].trim().toLowerCase();
	return ALIASES[base] ?? base;
}

export function extensionFor(mime: string): string {
	return EXT[canonicalMime(mime)] ?? 'bin';
}

function ascii(buf: Buffer, start: number, end: number): string {
	return buf.subarray(start, Math.min(end, buf.length)).toString('latin1');
}

/**
 * Detects the type from the first bytes (4 KB is plenty). Returns null when the bytes match nothing we
 * know. Recognises a few unsupported types too (quicktime, matroska, gif, webp, html, ogg, flac) so that
 * error messages can name what was sent.
 */
export function sniff(head: Buffer): SniffResult | null {
	const b = head;
	const r = (mime: string): SniffResult => ({ mime, ext: EXT[mime] ?? 'bin' });
	if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a)
		return r('image/png');
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return r('image/jpeg');
	if (b.length >= 12 && ascii(b, 4, 8) === 'ftyp') {
		const brand = ascii(b, 8, 12);
		if (brand === 'qt  ') return r('video/quicktime');
		return r('video/mp4');
	}
	if (b.length >= 4 && b.readUInt32BE(0) === 0x1a45dfa3) {
		// EBML: the DocType string sits in the header, within the first few dozen bytes.
		const header = ascii(b, 0, 64);
		if (header.includes('webm')) return r('video/webm');
		return r('video/x-matroska');
	}
	if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF') {
		const kind = ascii(b, 8, 12);
		if (kind === 'WAVE') return r('audio/wav');
		if (kind === 'WEBP') return r('image/webp');
		return r('application/octet-stream');
	}
	if (b.length >= 5 && ascii(b, 0, 5) === '%PDF-') return r('application/pdf');
	if (b.length >= 3 && ascii(b, 0, 3) === 'ID3') return r('audio/mpeg');
	if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0) {
		// MPEG audio frame sync. Layer bits 00 are reserved (ADTS AAC uses them): not MP3.
		const version = (b[1] >> 3) & 0x03;
		const layer = (b[1] >> 1) & 0x03;
		if (layer !== 0 && version !== 1) return r('audio/mpeg');
		if (layer === 0) return r('audio/aac');
	}
	if (b.length >= 4 && b.readUInt32BE(0) === 0x504b0304) return r('application/zip');
	if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a'))
		return r('image/gif');
	if (b.length >= 4 && ascii(b, 0, 4) === 'OggS') return r('audio/ogg');
	if (b.length >= 4 && ascii(b, 0, 4) === 'fLaC') return r('audio/flac');
	const text = ascii(b, 0, 256).trimStart().toLowerCase();
	if (text.startsWith('<!doctype html') || text.startsWith('<html')) return r('text/html');
	return null;
}
