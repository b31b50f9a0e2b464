/**
 * The direct-upload flow shared by every operation that sends a file to HeyGen's storage:
 * init → PUT the bytes as a stream to the presigned URL → complete.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { formatBytes } from '../../shared/binary';
import { inputError } from '../../shared/errors';
import type { SupportedMimeType } from '../../shared/fileType';
import type { OutputItem } from '../../shared/items';
import { transferTimeoutMs } from '../../shared/requestTimeout';
import { dataOf, heyGenApiRequest, putToStorage } from '../../shared/transport';
import {
	assetOutput,
	newIdempotencyKey,
	timeoutMs,
	type AssetsOptions,
	type UploadSource,
} from './common';
import { completeAsset } from './complete.operation';

/** `data` of POST /v3/assets/direct-uploads */
interface DirectUploadSession {
	asset_id: string;
	upload_url: string;
	upload_headers?: Record<string, unknown>;
	expires_in_seconds?: number;
	max_bytes?: number;
}

/** Upload URLs are not used in their last seconds: a PUT must start well before expiry. */
const EXPIRY_MARGIN_MS = 5_000;

/**
 * init → PUT the bytes as a stream to the presigned URL → complete. If the URL has expired before
 * the PUT starts, or storage says it expired, one fresh direct upload is started.
 */
export async function directUploadFile(
	context: IExecuteFunctions,
	itemIndex: number,
	file: UploadSource,
	mimeType: SupportedMimeType,
	options: AssetsOptions,
	uploadMethod: string,
): Promise<OutputItem> {
	const where = `Item ${itemIndex}, ${file.field ? `field "${file.field}", ` : ''}file "${file.fileName}"`;
	for (let session = 1; session <= 2; session++) {
		const init = await heyGenApiRequest.call(context, {
			method: 'POST',
			path: '/v3/assets/direct-uploads',
			body: { filename: file.fileName, content_type: mimeType, size_bytes: file.size },
			headers: { 'idempotency-key': newIdempotencyKey() },
			retry: 'safe',
			what: `Direct upload of "${file.fileName}"`,
			itemIndex,
			timeoutMs: timeoutMs(options),
		});
		const upload = dataOf<DirectUploadSession>(init);
		const issuedAt = Date.now();
		if (typeof upload.max_bytes === 'number' && file.size > upload.max_bytes) {
			throw inputError(
				context,
				`${where} is ${formatBytes(file.size)}, over HeyGen's direct-upload limit of ${formatBytes(upload.max_bytes)}`,
				`HeyGen accepts at most ${upload.max_bytes.toLocaleString('en-US')} bytes per direct upload. Compress or split the file. No bytes were sent.`,
				itemIndex,
			);
		}
		const expiresAt = issuedAt + (upload.expires_in_seconds ?? 3600) * 1000 - EXPIRY_MARGIN_MS;
		if (Date.now() >= expiresAt) continue;

		const result = await putToStorage.call(context, {
			url: upload.upload_url,
			headers: presignedHeaders(upload.upload_headers, mimeType),
			size: file.size,
			openBody: file.open,
			what: `Upload of "${file.fileName}" to storage`,
			itemIndex,
			timeoutMs: transferTimeoutMs(options, file.size),
			deadline: expiresAt,
		});
		if (!result.ok) continue;

		if (options.completeUpload === false) {
			return assetOutput(
				context,
				{
					asset_id: upload.asset_id,
					mime_type: mimeType,
					size_bytes: file.size,
					status: 'pending_upload',
				},
				itemIndex,
				{
					upload_method: uploadMethod,
					needs_complete: true,
					note: 'The bytes are stored; run HeyGen Assets → Complete with this asset_id before using it.',
				},
				file,
				options,
			);
		}
		const asset = await completeAsset(context, upload.asset_id, itemIndex, options);
		return assetOutput(context, asset, itemIndex, { upload_method: uploadMethod }, file, options);
	}
	throw inputError(
		context,
		`${where}: HeyGen's upload URL expired twice before the upload could finish`,
		'The presigned URL ran out of time. Check the network speed to HeyGen\'s storage, or raise "Request Timeout", and try again.',
		itemIndex,
	);
}

/** `upload_headers` verbatim (as strings); Content-Type must equal the declared type. */
function presignedHeaders(
	uploadHeaders: Record<string, unknown> | undefined,
	mimeType: string,
): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(uploadHeaders ?? {})) headers[name] = String(value);
	if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
		headers['Content-Type'] = mimeType;
	}
	return headers;
}
