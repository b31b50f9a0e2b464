import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';

import type { BinaryData } from 'n8n-core';

/**
 * Stands in for n8n's database binary mode (its manager lives in the n8n CLI package, which the
 * engine tests do not load). What matters to a node is reproduced: binaries have an id whose
 * `data` is the mode name, there is no file path, and streams arrive as one single chunk
 * whatever chunk size is asked for.
 */
export class DatabaseLikeBinaryManager implements BinaryData.Manager {
	private readonly files = new Map<
		string,
		{ bytes: Buffer; metadata: BinaryData.PreWriteMetadata }
	>();

	async init(): Promise<void> {}

	async store(
		_location: BinaryData.FileLocation,
		bufferOrStream: Buffer | Readable,
		metadata: BinaryData.PreWriteMetadata,
	): Promise<BinaryData.WriteResult> {
		const bytes = Buffer.isBuffer(bufferOrStream) ? bufferOrStream : await collect(bufferOrStream);
		const fileId = randomUUID();
		this.files.set(fileId, { bytes, metadata });
		return { fileId, fileSize: bytes.length };
	}

	getPath(): string {
		throw new Error('database mode has no file paths');
	}

	async getAsBuffer(fileId: string): Promise<Buffer> {
		return this.get(fileId).bytes;
	}

	async getAsStream(fileId: string): Promise<Readable> {
		return Readable.from([this.get(fileId).bytes]);
	}

	async getMetadata(fileId: string): Promise<BinaryData.Metadata> {
		const { bytes, metadata } = this.get(fileId);
		return { ...metadata, fileSize: bytes.length };
	}

	async copyByFileId(_target: BinaryData.FileLocation, sourceFileId: string): Promise<string> {
		const fileId = randomUUID();
		this.files.set(fileId, this.get(sourceFileId));
		return fileId;
	}

	async copyByFilePath(): Promise<BinaryData.WriteResult> {
		throw new Error('database mode has no file paths');
	}

	async rename(oldFileId: string, newFileId: string): Promise<void> {
		this.files.set(newFileId, this.get(oldFileId));
		this.files.delete(oldFileId);
	}

	async deleteMany(): Promise<void> {}

	private get(fileId: string) {
		const file = this.files.get(fileId);
		if (!file) throw new Error(`binary ${fileId} not found`);
		return file;
	}
}

async function collect(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}
