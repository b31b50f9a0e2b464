import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { BinaryFile } from '../../shared/binary';
import type { OutputItem } from '../../shared/items';
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

/** One multipart/form-data body with the single part HeyGen expects, `file`. */
export function multipartBody(
	bytes: Buffer,
	fileName: string,
	mimeType: string,
	boundary: string,
): Buffer {
	// Quotes and line breaks would end the header early; HeyGen ignores the name anyway.
	const safeName = fileName.replace(/["\r\n\\]/g, '_');
	const head =
		`--${boundary}\r\n` +
		`Content-Disposition: form-data; name="file"; filename="${safeName}"\r\n` +
		`Content-Type: ${mimeType}\r\n\r\n`;
	return Buffer.concat([Buffer.from(head, 'utf8'), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
}

async function uploadMultipart(
	context: IExecuteFunctions,
	itemIndex: number,
	file: BinaryFile,
	mimeType: string,
	options: AssetsOptions,
): Promise<OutputItem> {
	const boundary = `----n8nHeyGen${newIdempotencyKey().replace(/-/g, '')}`;
	const body = multipartBody(await file.readAll(), file.fileName, mimeType, boundary);
	const response = await heyGenApiRequest.call(context, {
		method: 'POST',
		path: '/v3/assets',
		body,
		headers: {
			'content-type': `multipart/form-data; boundary=${boundary}`,
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
