/**
 * Reading the binary data of input items the n8n 2.x way: `assertBinaryData`, then a stream when the
 * binary has an id (filesystem, database, S3 modes) and a buffer only when it is inline. Never reads
 * `binary.data`, which holds the storage mode's name, not the bytes, whenever `id` is set.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { inputError } from './errors';
import { detectFileType, SNIFF_BYTES, type SupportedMimeType } from './fileType';
import type { StorageBody } from './transport';

/** Chunk size for streams from n8n's filesystem store (see BENCHMARKS.md for the measurement). */
export const STREAM_CHUNK_BYTES = 1024 * 1024;

export interface BinaryFile {
	/** the binary field name on the item */
	field: string;
	fileName: string;
	declaredMimeType: string;
	size: number;
	/** the first bytes, for type detection */
	head: Buffer;
	/** the bytes as a stream (stored binaries) or a buffer (inline ones); call once per attempt */
	open(): Promise<StorageBody>;
	/** the whole file in memory; only for uploads that must be buffered (≤ 32 MB) */
	readAll(): Promise<Buffer>;
}

/** "data, image ,,pdf" → ["data", "image", "pdf"] */
export function parseFieldNames(value: unknown): string[] {
	return String(value ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
}

export async function getBinaryFile(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
): Promise<BinaryFile> {
	let binary;
	try {
		binary = context.helpers.assertBinaryData(itemIndex, field);
	} catch {
		throw missingFieldError(context, itemIndex, field);
	}
	// An empty name would be sent as an empty `filename`, which HeyGen refuses with a 400.
	const fileName =
		binary.fileName?.trim() || `${field}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
	const declaredMimeType = binary.mimeType ?? 'application/octet-stream';
	const id = binary.id;

	if (id) {
		const { fileSize } = await context.helpers.getBinaryMetadata(id);
		// n8n's file stream allocates a whole chunk per read, whatever is left to read: a chunk no
		// larger than the file (and a small one for the type check) saves megabytes per small file.
		const chunkSize = Math.max(1, Math.min(STREAM_CHUNK_BYTES, fileSize));
		return {
			field,
			fileName,
			declaredMimeType,
			size: fileSize,
			head: await readHead(
				await context.helpers.getBinaryStream(id, Math.min(SNIFF_BYTES, chunkSize)),
			),
			open: async () => await context.helpers.getBinaryStream(id, chunkSize),
			// One read straight into one buffer (≤ 32 MB uploads only), not a stream collected.
			readAll: async () => await context.helpers.getBinaryDataBuffer(itemIndex, field),
		};
	}

	// Inline (base64) binary: decoded here for its size and first bytes, then let go, and decoded
	// again when it is sent, so only the files being sent are held in memory, not every file of
	// every item.
	const decode = async () => await context.helpers.getBinaryDataBuffer(itemIndex, field);
	const buffer = await decode();
	return {
		field,
		fileName,
		declaredMimeType,
		size: buffer.length,
		head: Buffer.from(buffer.subarray(0, SNIFF_BYTES)),
		open: decode,
		readAll: decode,
	};
}

async function readHead(stream: AsyncIterable<unknown> & { destroy(): void }): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let length = 0;
	try {
		for await (const chunk of stream) {
			const buffer = chunk as Buffer;
			chunks.push(buffer);
			length += buffer.length;
			if (length >= SNIFF_BYTES) break;
		}
	} finally {
		stream.destroy();
	}
	// A copy of just the head: in database mode the first chunk is the whole file.
	return Buffer.concat(chunks, Math.min(length, SNIFF_BYTES));
}

function missingFieldError(context: IExecuteFunctions, itemIndex: number, field: string) {
	const available = Object.keys(context.getInputData()[itemIndex]?.binary ?? {});
	const closest = available.find((name) => name.trim().toLowerCase() === field.toLowerCase());
	const message = `Item ${itemIndex} has no binary field "${field}"`;
	if (available.length === 0) {
		return inputError(
			context,
			message,
			'This item carries no binary data at all. Put a node that outputs files before this one (for example "Read/Write Files from Disk" or "HTTP Request" with the response format set to File).',
			itemIndex,
		);
	}
	const list = available.map((name) => `"${name}"`).join(', ');
	return inputError(
		context,
		message,
		closest
			? `Did you mean "${closest}"? Set "Input Data Field Name" to it. The item's binary fields are: ${list}.`
			: `Set "Input Data Field Name" to one of the item's binary fields: ${list}.`,
		itemIndex,
	);
}

export function formatBytes(bytes: number): string {
	if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
	if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
	if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
	return `${bytes} bytes`;
}

/**
 * The file's real type, from its bytes, before anything is sent: an empty file or a type HeyGen
 * does not take fails the item with a message naming the item, the field, the file, the declared
 * type and what the bytes are.
 */
export function requireSupportedType(
	context: IExecuteFunctions,
	file: BinaryFile,
	itemIndex: number,
): SupportedMimeType {
	const where = `Item ${itemIndex}, field "${file.field}", file "${file.fileName}"`;
	if (file.size === 0) {
		throw inputError(
			context,
			`${where} is empty (0 bytes)`,
			'HeyGen cannot store an empty file. Check the node that produced it.',
			itemIndex,
		);
	}
	const detected = detectFileType(file.head);
	if (!detected.supported) {
		throw inputError(
			context,
			`${where} is ${detected.label}, which HeyGen does not accept`,
			`Declared type: ${file.declaredMimeType}; the bytes say: ${detected.label}. HeyGen accepts PNG, JPEG, MP4, WebM, MP3, WAV and PDF. Convert the file first (for example with the "Edit Image" node for images).`,
			itemIndex,
		);
	}
	return detected.mimeType;
}
