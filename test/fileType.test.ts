import { detectFileType } from '../nodes/shared/fileType';
import {
	gifBytes,
	jpegBytes,
	mp3Bytes,
	mp4Bytes,
	mp4Header,
	pdfBytes,
	pngBytes,
	wavBytes,
	webmBytes,
} from './fixtures/files';

describe('detectFileType', () => {
	it.each([
		['PNG', pngBytes(), 'image/png'],
		['JPEG', jpegBytes(), 'image/jpeg'],
		['MP4', mp4Bytes(), 'video/mp4'],
		['WebM', webmBytes(), 'video/webm'],
		['MP3 with ID3', mp3Bytes(), 'audio/mpeg'],
		['MP3 frame sync', Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0]), 'audio/mpeg'],
		['WAV', wavBytes(), 'audio/wav'],
		['PDF', pdfBytes(), 'application/pdf'],
	])('accepts %s as %s', (_name, bytes, mimeType) => {
		expect(detectFileType(bytes)).toMatchObject({ supported: true, mimeType });
	});

	it.each([
		['empty', Buffer.alloc(0), 'an empty file'],
		['GIF', gifBytes(), 'a GIF image'],
		['WebP', Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1'), 'a WebP image'],
		['HEIC', mp4Header('heic'), 'a HEIC/HEIF image'],
		['QuickTime', mp4Header('qt  '), 'a QuickTime (.mov) video'],
		[
			'ZIP',
			Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]),
			'a ZIP archive (or an Office document)',
		],
		['text', Buffer.from('hello, this is a text file\nline 2\n'), 'plain text'],
		['HTML', Buffer.from('<!DOCTYPE html><html></html>'), 'an HTML page'],
		[
			'Matroska',
			Buffer.from([
				0x1a, 0x45, 0xdf, 0xa3, 0x42, 0x82, 0x88, 0x6d, 0x61, 0x74, 0x72, 0x6f, 0x73, 0x6b, 0x61,
			]),
			'a Matroska (.mkv) video',
		],
		[
			'AAC (ADTS, layer 00)',
			Buffer.from([0xff, 0xf1, 0x50, 0x80, 0, 0, 0xfc]),
			'an unrecognised binary format',
		],
	])('rejects %s and names it', (_name, bytes, label) => {
		expect(detectFileType(bytes)).toEqual({ supported: false, label });
	});
});
