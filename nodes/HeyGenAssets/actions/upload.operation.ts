import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { BinaryFile } from '../../shared/binary';
import type { OutputItem } from '../../shared/items';
import { StreamedBody } from '../../shared/streamedBody';
import { dataOf, heyGenApiRequest } from '../../shared/transport';
import {
	assetOutput,
	MULTIPART_MAX_BYTES,
	newIdempotencyKey,
	timeoutMs,
	type AssetData,
	type AssetsOptions,
	type PreparedFile,
} from './common';
import { directUploadFile } from './directUploadFlow';

export const binaryPropertyDescription: INodeProperties = {
	displayName: 'Input Data Field Name',
	name: 'binaryPropertyName',
	type: 'string',
	required: true,
	default: 'data',
	placeholder: 'data',
	description:
		'The name of the input field containing the binary file data. Separate several names with commas to upload several files of each item (one output item per file).',
	hint: 'The name of the input field containing the binary file data',
	displayOptions: { show: { operation: ['upload', 'directUpload'] } },
};

export const description: INodeProperties[] = [binaryPropertyDescription];

/**
 * The multipart/form-data body with the single part HeyGen expects, `file`: preamble, the file's
 * bytes as they are read, closing boundary, with the exact total size known up front. The file is
 * opened only when the request starts sending (and again if it is retried).
 */
export function multipartBody(
	file: BinaryFile,
	mimeType: string,
	boundary: string,
	itemIndex: number,
): StreamedBody {
	// Quotes and line breaks would end the header early; HeyGen ignores the name anyway.
	const safeName = file.fileName.replace(/["\r\n\\]/g, '_');
	const head = Buffer.from(
		`--${boundary}\r\n` +
			`Content-Disposition: form-data; name="file"; filename="${safeName}"\r\n` +
			`Content-Type: ${mimeType}\r\n\r\n`,
		'utf8',
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	return new StreamedBody(
		head.length + file.size + tail.length,
		`multipart/form-data; boundary=${boundary}`,
		async function* () {
			yield head;
			let sent = 0;
			const body = await file.open();
			for await (const chunk of Buffer.isBuffer(body) ? [body] : body) {
				sent += (chunk as Buffer).length;
				yield chunk as Buffer;
			}
			// The size was announced in Content-Length: a file that changed since must not be
			// sent as if it were whole.
			if (sent !== file.size) {
				throw new Error(
					`Item ${itemIndex}: file "${file.fileName}" changed while it was being sent (${sent} bytes read, ${file.size} expected)`,
				);
			}
			yield tail;
		},
	);
}

async function uploadMultipart(
	context: IExecuteFunctions,
	itemIndex: number,
	file: BinaryFile,
	mimeType: string,
	options: AssetsOptions,
): Promise<OutputItem> {
	const boundary = `----n8nHeyGen${newIdempotencyKey().replace(/-/g, '')}`;
	const body = multipartBody(file, mimeType, boundary, itemIndex);
	const response = await heyGenApiRequest.call(context, {
		method: 'POST',
		path: '/v3/assets',
		body,
		headers: {
			'content-type': body.type,
			'idempotency-key': newIdempotencyKey(),
		},
		retry: 'safe',
		what: `Upload of "${file.fileName}"`,
		itemIndex,
		timeoutMs: timeoutMs(options),
	});
	return assetOutput(
		context,
		dataOf<AssetData>(response),
		itemIndex,
		{ upload_method: 'upload' },
		file,
		options,
	);
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	{ file, mimeType }: PreparedFile,
	options: AssetsOptions,
): Promise<OutputItem[]> {
	if (file.size <= MULTIPART_MAX_BYTES) {
		return [await uploadMultipart(this, itemIndex, file, mimeType, options)];
	}
	// Over 32 MB with the auto switch on (prepareFile rejected it otherwise).
	return [await directUploadFile(this, itemIndex, file, mimeType, options, 'directUpload')];
}
