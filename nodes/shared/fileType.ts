/**
 * File type detection from a file's first bytes. HeyGen detects the type from the bytes too, so the
 * declared MIME type and the file name are never trusted: a PNG renamed `.mp4` is a PNG.
 */

/** Types HeyGen accepts for assets and Video Agent files. */
export const SUPPORTED_TYPES = {
	png: 'image/png',
	jpeg: 'image/jpeg',
	mp4: 'video/mp4',
	webm: 'video/webm',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	pdf: 'application/pdf',
} as const;

export type SupportedMimeType = (typeof SUPPORTED_TYPES)[keyof typeof SUPPORTED_TYPES];

export type DetectedType =
	| { supported: true; mimeType: SupportedMimeType; extension: string; label: string }
	| { supported: false; label: string };

/** How many leading bytes `detectFileType` needs to tell every type it knows apart. */
export const SNIFF_BYTES = 4096;

const QUICKTIME_BRANDS = ['qt  '];
const HEIF_BRANDS = ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'];
const AVIF_BRANDS = ['avif', 'avis'];
const AUDIO_MP4_BRANDS = ['M4A ', 'M4B ', 'M4P '];

function supported(extension: keyof typeof SUPPORTED_TYPES, label: string): DetectedType {
	return { supported: true, mimeType: SUPPORTED_TYPES[extension], extension, label };
}

function unsupported(label: string): DetectedType {
	return { supported: false, label };
}

function startsWith(head: Buffer, bytes: number[] | string, offset = 0): boolean {
	const expected = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
	return (
		head.length >= offset + expected.length &&
		head.subarray(offset, offset + expected.length).equals(expected)
	);
}

/** Identifies a file from its first bytes (pass at least SNIFF_BYTES when available). */
export function detectFileType(head: Buffer): DetectedType {
	if (head.length === 0) return unsupported('an empty file');

	if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
		return supported('png', 'a PNG image');
	if (startsWith(head, [0xff, 0xd8, 0xff])) return supported('jpeg', 'a JPEG image');
	if (startsWith(head, '%PDF-')) return supported('pdf', 'a PDF document');
	if (startsWith(head, 'RIFF') && startsWith(head, 'WAVE', 8))
		return supported('wav', 'a WAV audio file');
	if (startsWith(head, 'ID3')) return supported('mp3', 'an MP3 audio file');
	if (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) !== 0) {
		// MPEG audio frame sync with a layer set; AAC (ADTS) has layer bits 00.
		return supported('mp3', 'an MP3 audio file');
	}
	if (startsWith(head, 'ftyp', 4)) {
		const brand = head.subarray(8, 12).toString('latin1');
		if (HEIF_BRANDS.includes(brand)) return unsupported('a HEIC/HEIF image');
		if (AVIF_BRANDS.includes(brand)) return unsupported('an AVIF image');
		if (QUICKTIME_BRANDS.includes(brand)) return unsupported('a QuickTime (.mov) video');
		if (AUDIO_MP4_BRANDS.includes(brand)) return unsupported('an M4A audio file');
		return supported('mp4', 'an MP4 video');
	}
	if (startsWith(head, [0x1a, 0x45, 0xdf, 0xa3])) {
		// EBML: WebM and Matroska share the container; the DocType element names which one.
		return head.subarray(0, SNIFF_BYTES).includes('webm', 0, 'latin1')
			? supported('webm', 'a WebM video')
			: unsupported('a Matroska (.mkv) video');
	}

	if (startsWith(head, 'GIF87a') || startsWith(head, 'GIF89a')) return unsupported('a GIF image');
	if (startsWith(head, 'RIFF') && startsWith(head, 'WEBP', 8)) return unsupported('a WebP image');
	if (startsWith(head, 'RIFF') && startsWith(head, 'AVI ', 8)) return unsupported('an AVI video');
	if (startsWith(head, 'BM')) return unsupported('a BMP image');
	if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) {
		return unsupported('a TIFF image');
	}
	if (startsWith(head, 'OggS')) return unsupported('an Ogg audio/video file');
	if (startsWith(head, 'fLaC')) return unsupported('a FLAC audio file');
	if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]))
		return unsupported('a ZIP archive (or an Office document)');
	if (startsWith(head, [0x1f, 0x8b])) return unsupported('a gzip archive');
	if (startsWith(head, '<svg') || startsWith(head, '<?xml'))
		return unsupported('an SVG/XML document');
	if (/^\s*<(!doctype html|html)/i.test(head.subarray(0, 64).toString('latin1'))) {
		return unsupported('an HTML page');
	}
	if (looksLikeText(head)) return unsupported('plain text');
	return unsupported('an unrecognised binary format');
}

function looksLikeText(head: Buffer): boolean {
	const sample = head.subarray(0, 1024);
	for (const byte of sample) {
		const control = byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d;
		if (control || byte === 0x7f) return false;
	}
	return true;
}
