// Generates the example workflows' input files: small but real files (PNG, PDF, WAV) and a large
// MP4-headed file for the direct upload. Nothing binary is committed to the repository.
import {
	closeSync,
	copyFileSync,
	mkdirSync,
	openSync,
	rmSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { ROOT } from './util.mjs';

/** Where the example workflows read (and write) files; see examples/README section in README.md. */
export const DEMO_DIR = '/tmp/heygen-demo';

const SAMPLE_CLIP = path.join(ROOT, 'test', 'sandbox', 'fixtures', 'sample.mp4');

export const LARGE_VIDEO_BYTES = 40 * 1024 * 1024; // 41,943,040 bytes: over Upload's 32 MB limit

// ---- PNG: a 320×180 RGB gradient with a HeyGen-ish purple band ------------------------------------
function crc32(buf) {
	let c;
	let crc = 0xffffffff;
	for (let n = 0; n < buf.length; n++) {
		c = (crc ^ buf[n]) & 0xff;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		crc = (crc >>> 8) ^ c;
	}
	return (crc ^ 0xffffffff) >>> 0;
}
function pngChunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}
export function makePng(width = 320, height = 180) {
	const raw = Buffer.alloc((width * 3 + 1) * height);
	for (let y = 0; y < height; y++) {
		const row = y * (width * 3 + 1);
		raw[row] = 0; // filter: none
		for (let x = 0; x < width; x++) {
			const band = y > height * 0.4 && y < height * 0.6;
			const i = row + 1 + x * 3;
			raw[i] = band ? 112 : Math.round((x / width) * 255);
			raw[i + 1] = band ? 48 : Math.round((y / height) * 255);
			raw[i + 2] = band ? 240 : 160;
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // colour type RGB
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', zlib.deflateSync(raw)),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

// ---- PDF: one page with a few lines of text (valid xref table) ------------------------------------
export function makePdf(
	lines = ['Product brief', 'HeyGen n8n demo: turn these files into a short video.'],
) {
	const text = lines
		.map(
			(l, i) =>
				`BT /F1 ${i === 0 ? 24 : 12} Tf 72 ${720 - i * 32} Td (${l.replace(/[()\\]/g, '\\$&')}) Tj ET`,
		)
		.join('\n');
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${Buffer.byteLength(text)} >>\nstream\n${text}\nendstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	];
	let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
	const offsets = [];
	objects.forEach((o, i) => {
		offsets.push(Buffer.byteLength(out, 'latin1'));
		out += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = Buffer.byteLength(out, 'latin1');
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(out, 'latin1');
}

// ---- WAV: 1.5 s of a 440 Hz tone, 16 kHz mono 16-bit PCM -------------------------------------------
export function makeWav(seconds = 1.5, rate = 16000) {
	const samples = Math.round(seconds * rate);
	const buf = Buffer.alloc(44 + samples * 2);
	buf.write('RIFF', 0, 'ascii');
	buf.writeUInt32LE(36 + samples * 2, 4);
	buf.write('WAVE', 8, 'ascii');
	buf.write('fmt ', 12, 'ascii');
	buf.writeUInt32LE(16, 16);
	buf.writeUInt16LE(1, 20); // PCM
	buf.writeUInt16LE(1, 22); // mono
	buf.writeUInt32LE(rate, 24);
	buf.writeUInt32LE(rate * 2, 28);
	buf.writeUInt16LE(2, 32);
	buf.writeUInt16LE(16, 34);
	buf.write('data', 36, 'ascii');
	buf.writeUInt32LE(samples * 2, 40);
	for (let i = 0; i < samples; i++)
		buf.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8000), 44 + i * 2);
	return buf;
}

// ---- Large "MP4": an ISO-BMFF `ftyp` box followed by one `free` box filling the rest ----------------
// Every MP4 sniffer (the pack's, the sandbox's, HeyGen's upload check) recognises it; it has no
// `moov`/`mdat`, so it is not a playable video — against the real HeyGen use a real video file.
export function writeLargeMp4(file, size = LARGE_VIDEO_BYTES) {
	const ftyp = Buffer.from('0000001c667479706d703432000000006d7034326d70343169736f6d', 'hex'); // 28-byte ftyp mp42
	const freeHeader = Buffer.alloc(8);
	freeHeader.writeUInt32BE(size - ftyp.length, 0);
	freeHeader.write('free', 4, 'ascii');
	const fd = openSync(file, 'w');
	try {
		writeSync(fd, ftyp);
		writeSync(fd, freeHeader);
		// a non-constant pattern, so a byte lost or reordered in transit changes the checksum
		const chunk = Buffer.alloc(1024 * 1024);
		for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32BE((i * 2654435761) >>> 0, i);
		let left = size - ftyp.length - freeHeader.length;
		let n = 0;
		while (left > 0) {
			const part = chunk.subarray(0, Math.min(left, chunk.length));
			part.writeUInt32BE(n++, 0);
			writeSync(fd, part);
			left -= part.length;
		}
	} finally {
		closeSync(fd);
	}
}

/**
 * (Re)creates the demo folder: image.png, brief.pdf, voiceover.wav, large-video.mp4 (generated, or a
 * copy of `largeVideoFrom`), inbox/ with two files for the scheduled example, and an empty output/.
 * Returns the paths.
 */
export function prepareDemoFiles(dir = DEMO_DIR, { largeVideoFrom } = {}) {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(path.join(dir, 'inbox'), { recursive: true });
	mkdirSync(path.join(dir, 'output'), { recursive: true });
	const files = {
		image: path.join(dir, 'image.png'),
		pdf: path.join(dir, 'brief.pdf'),
		audio: path.join(dir, 'voiceover.wav'),
		largeVideo: path.join(dir, 'large-video.mp4'),
		// a real, playable 2 s MP4 (the sandbox's own sample) for examples 6 and 7
		clip: path.join(dir, 'clip.mp4'),
		inboxImage: path.join(dir, 'inbox', 'slide.png'),
		inboxPdf: path.join(dir, 'inbox', 'notes.pdf'),
		output: path.join(dir, 'output'),
	};
	writeFileSync(files.image, makePng());
	writeFileSync(files.pdf, makePdf());
	writeFileSync(files.audio, makeWav());
	copyFileSync(SAMPLE_CLIP, files.clip);
	if (largeVideoFrom) copyFileSync(largeVideoFrom, files.largeVideo);
	else writeLargeMp4(files.largeVideo);
	writeFileSync(files.inboxImage, makePng(640, 360));
	writeFileSync(
		files.inboxPdf,
		makePdf(['Weekly notes', 'Three things shipped this week; summarise them in one minute.']),
	);
	return files;
}
