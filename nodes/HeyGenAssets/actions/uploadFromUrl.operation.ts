/**
 * Upload from URL: the file's bytes go from the source straight into HeyGen's presigned storage
 * PUT, as a stream. Nothing is stored in n8n and nothing is held in memory beyond a few chunks.
 *
 * The size must be known before the first byte is sent (it is signed into the upload URL), so a
 * source that sends no Content-Length fails the item with a clear error instead of being spooled.
 */
import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { formatBytes } from '../../shared/binary';
import { asNodeError, inputError } from '../../shared/errors';
import { detectFileType, SNIFF_BYTES, type SupportedMimeType } from '../../shared/fileType';
import type { OutputItem } from '../../shared/items';
import { openSource, type SourceResponse, type StorageBody } from '../../shared/transport';
import { transferTimeoutMs } from '../../shared/requestTimeout';
import { timeoutMs, type AssetsOptions, type UploadSource } from './common';
import { directUploadFile } from './directUploadFlow';

/**
 * The operation list of the node's AI-agent tool variant (`@tool`): only what works with JSON in
 * and out. The action texts become the tool's description, so they are written for a model.
 */
export const toolOperationDescription: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { '@tool': [true] } },
	options: [
		{
			name: 'Complete',
			value: 'complete',
			description: 'Finalize a direct upload that was stored but not completed, by its asset_id',
			// Sentence case is enforced by n8n's lint; the agent sees "<action> in HeyGen Assets".
			action: 'Finalize a stored direct upload by its asset id so the asset can be used in videos',
		},
		{
			name: 'Upload From URL',
			value: 'uploadFromUrl',
			description: 'Stream a file from a public http(s) URL straight to HeyGen, of any size',
			action: 'Upload a file from a public url and return its asset id for use in video requests',
		},
	],
	default: 'uploadFromUrl',
};

export const description: INodeProperties[] = [
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/video.mp4',
		description:
			'Public http(s) address of the file (PNG, JPEG, MP4, WebM, MP3, WAV or PDF). Separate several URLs with commas, or pass a list, to upload several files per item (one output item per file). Returns asset_id for each file: pass it to HeyGen video requests.',
		displayOptions: { show: { operation: ['uploadFromUrl'] } },
	},
];

/** "https://a/1.mp4, https://b/2.png" or a list → each URL; commas inside a URL are kept. */
export function parseUrls(value: unknown): string[] {
	const parts = Array.isArray(value)
		? value.map((entry) => String(entry ?? ''))
		: // Split only where the next entry starts with a scheme, so a comma in a query string stays.
			String(value ?? '').split(/(?:\s*,\s*|\s+)(?=[A-Za-z][A-Za-z0-9+.-]*:)/);
	return parts.map((part) => part.trim().replace(/,+$/, '').trim()).filter(Boolean);
}

/** The download lasts as long as the storage PUT it feeds: both get the PUT's timeout. */
function withUploadTimeout(options: AssetsOptions, size: number): AssetsOptions {
	const ms = transferTimeoutMs(options, size);
	return ms && !options.timeout ? { ...options, timeout: ms / 1000 } : options;
}

function close(body: StorageBody | undefined): void {
	if (body && !Buffer.isBuffer(body) && !body.readableEnded) body.destroy();
}

/** A source opened and checked: its response (body still unread), its type by the bytes, its size. */
interface OpenedSource {
	response: SourceResponse;
	mimeType: SupportedMimeType;
	size: number;
}

/** The name HeyGen gets: the source's own, else the last path segment, else "file". */
function fileNameOf(response: SourceResponse): string {
	if (response.fileName) return response.fileName;
	const segment = new URL(response.url).pathname.split('/').filter(Boolean).pop();
	try {
		return segment ? decodeURIComponent(segment) : 'file';
	} catch {
		return segment ?? 'file';
	}
}

/**
 * Opens the source and runs every check that needs only its headers and first bytes: a 2xx after
 * redirects, a known non-zero length, and a type HeyGen accepts by its bytes (not its name).
 */
async function openChecked(
	context: IExecuteFunctions,
	itemIndex: number,
	url: string,
	options: AssetsOptions,
): Promise<OpenedSource> {
	const what = `Download of ${url}`;
	const response = await openSource.call(
		context,
		{ url, what, itemIndex, timeoutMs: timeoutMs(options) },
		SNIFF_BYTES,
	);
	const where = `Item ${itemIndex}, URL ${url}`;
	const fail = (message: string, hint: string) => {
		close(response.body);
		return inputError(context, `${where}: ${message}`, hint, itemIndex);
	};
	if (response.size === undefined) {
		throw fail(
			'the server sent no Content-Length, so the file size is unknown',
			"HeyGen's direct upload needs the exact size before the first byte is sent. Serve the file with a Content-Length (most storage and CDN links do), or download it first with an HTTP Request node (Response Format: File) and use the Direct Upload operation.",
		);
	}
	if (response.size === 0) {
		throw fail('the file is empty (0 bytes)', 'Check the URL: HeyGen cannot store an empty file.');
	}
	const detected = detectFileType(response.head);
	if (!detected.supported) {
		const page = detected.label === 'an HTML page';
		throw fail(
			`the server sent ${detected.label}, not a file HeyGen accepts`,
			page
				? 'The URL leads to a web page (a login page, a share or preview page), not to the file itself. Use a direct download link.'
				: `Declared type: ${response.contentType ?? 'none'}; the bytes say: ${detected.label}. HeyGen accepts PNG, JPEG, MP4, WebM, MP3, WAV and PDF.`,
		);
	}
	return { response, mimeType: detected.mimeType, size: response.size };
}

/**
 * One URL → one asset. The first attempt streams the body already opened for the checks; a retry
 * (a storage 5xx, a dropped source, an expired upload URL) downloads the source again, and fails
 * the item if the file changed in between. Nothing is completed unless storage accepted the
 * exact signed size, so a partial body can never become an asset.
 */
async function uploadOne(
	context: IExecuteFunctions,
	itemIndex: number,
	url: string,
	options: AssetsOptions,
): Promise<OutputItem> {
	const first = await openChecked(context, itemIndex, url, options);
	let pending: StorageBody | undefined = first.response.body;
	let current: StorageBody | undefined;
	let sourceFailure: string | undefined;
	const watch = (body: StorageBody) => {
		current = body;
		sourceFailure = undefined;
		if (Buffer.isBuffer(body)) return;
		body.once('error', (error: Error) => {
			sourceFailure = error.message || 'the connection was closed';
		});
	};
	const source: UploadSource = {
		fileName: fileNameOf(first.response),
		size: first.size,
		open: async () => {
			if (pending) {
				const body = pending;
				pending = undefined;
				watch(body);
				return body;
			}
			const again = await openChecked(context, itemIndex, url, options);
			if (again.size !== first.size || again.mimeType !== first.mimeType) {
				close(again.response.body);
				sourceFailure = undefined; // this error says more than the broken attempt before it
				throw inputError(
					context,
					`Item ${itemIndex}, URL ${url}: the file changed while it was being uploaded (${formatBytes(first.size)} ${first.mimeType} before, ${formatBytes(again.size)} ${again.mimeType} now)`,
					'Nothing was completed from the partial upload. Run the node again once the file at the URL has stopped changing.',
					itemIndex,
				);
			}
			watch(again.response.body);
			return again.response.body;
		},
	};
	try {
		const item = await directUploadFile(
			context,
			itemIndex,
			source,
			first.mimeType,
			withUploadTimeout(options, first.size),
			'uploadFromUrl',
		);
		return { json: { ...item.json, source_url: url } };
	} catch (error) {
		if (sourceFailure !== undefined) {
			throw inputError(
				context,
				`Item ${itemIndex}, URL ${url}: the download broke off before the whole file arrived (${sourceFailure})`,
				'The source server closed the connection mid-file, also on the retries. Nothing was completed from the partial upload. Try again later, or check that the URL serves the whole file.',
				itemIndex,
			);
		}
		throw asNodeError(context, error, itemIndex);
	} finally {
		close(pending);
		close(current);
	}
}

/** Every URL of every item, each its own unit of work (bounded concurrency, paired to its item). */
/** The item's source URLs ("URL": one, a comma-separated list, or a list); empty is an error. */
export function readUrls(context: IExecuteFunctions, itemIndex: number): string[] {
	const urls = parseUrls(context.getNodeParameter('url', itemIndex));
	if (urls.length === 0) {
		throw inputError(
			context,
			`Item ${itemIndex}: "URL" is empty`,
			'Enter the http(s) address of the file to upload, e.g. https://example.com/video.mp4, or map it from the input, e.g. {{ $json.url }}.',
			itemIndex,
		);
	}
	return urls;
}

/** Uploads the file at one URL of an item: one output item. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	url: string,
	options: AssetsOptions,
): Promise<OutputItem[]> {
	return [await uploadOne(this, itemIndex, url, options)];
}
