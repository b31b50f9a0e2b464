/**
 * Downloading a file HeyGen produced (a finished video) from its presigned URL into n8n's binary
 * data, as a stream: in filesystem or database mode the file never sits in memory whole. Like
 * `putToStorage`, it never reads the credential, so the API key cannot reach the file host.
 */
import type { IBinaryData, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { heyGenApiError, inputError } from './errors';
import { TRANSIENT_STATUSES } from './retry';
import { DEFAULT_TIMEOUT_MS, withRetries } from './transport';

export interface Download {
	url: string;
	fileName: string;
	mimeType: string;
	/** used in error messages: "Download of video abc" */
	what: string;
	itemIndex: number;
	timeoutMs?: number;
}

type ResponseStream = Awaited<ReturnType<IExecuteFunctions['helpers']['getBinaryStream']>>;

/** GETs `url` (no credential, redirects followed) and stores the body as binary data. */
export async function downloadToBinary(
	this: IExecuteFunctions,
	download: Download,
): Promise<IBinaryData> {
	let url: URL;
	try {
		url = new URL(download.url);
	} catch {
		url = new URL('invalid:');
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw inputError(
			this,
			`${download.what} failed: HeyGen gave no usable download URL`,
			'Try again later with the "Get Video" operation and "Download Video" on.',
			download.itemIndex,
		);
	}
	const signal = this.getExecutionCancelSignal();
	let refusal = '';
	const response = await withRetries(
		this,
		{
			what: download.what,
			origin: url.host,
			itemIndex: download.itemIndex,
			retryConnectionFailures: true, // a GET
			signal,
		},
		async () =>
			(await this.helpers.httpRequest({
				method: 'GET',
				url: url.href,
				encoding: 'stream',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: download.timeoutMs ?? DEFAULT_TIMEOUT_MS,
				abortSignal: signal,
			})) as IN8nHttpFullResponse,
		async (answer) => {
			if (isStreamAnswer(answer)) return { retry: false };
			refusal = await bodyText(this, answer.body as ResponseStream | Buffer | string | undefined);
			return TRANSIENT_STATUSES.includes(answer.statusCode) || answer.statusCode === 429
				? { retry: 'counted', retryAfter: answer.headers?.['retry-after'] }
				: { retry: false };
		},
	);
	if (isStreamAnswer(response)) {
		return await this.helpers.prepareBinaryData(
			response.body as ResponseStream,
			download.fileName,
			download.mimeType,
		);
	}
	throw downloadError(this, download, url.host, response.statusCode, refusal);
}

/** A 2xx whose body is the file's stream. */
function isStreamAnswer(response: IN8nHttpFullResponse): boolean {
	const body = response.body as unknown;
	return (
		response.statusCode >= 200 &&
		response.statusCode < 300 &&
		typeof body === 'object' &&
		body !== null &&
		!Buffer.isBuffer(body)
	);
}

/** Code of the error for a download URL the file host says has expired. */
const EXPIRED_CODE = 'download_url_expired';

/** Whether a download failed because its presigned URL expired (a fresh read gives a new one). */
export function isExpiredDownload(error: unknown): boolean {
	return (error as { errorResponse?: { code?: unknown } })?.errorResponse?.code === EXPIRED_CODE;
}

function downloadError(
	context: IExecuteFunctions,
	download: Download,
	host: string,
	status: number,
	text: string,
) {
	const s3Code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
	const expired = status === 403 && /expired/i.test(text);
	const error = heyGenApiError(
		context,
		download.what,
		status,
		{
			error: {
				code: expired ? EXPIRED_CODE : (s3Code ?? `download_${status}`),
				message: expired
					? 'the download URL has expired'
					: `the file host ${host} refused the download`,
			},
		},
		download.itemIndex,
	);
	// The API's hints (key, permissions) do not apply: the file host never sees the API key.
	if (status === 400 || status === 403 || status === 404) {
		error.description =
			'The file host checks the signed download URL (unchanged and not expired); the API key is never sent there. Get a fresh URL with the "Get Video" operation (video_id in this item) and download again.';
	}
	return error;
}

async function bodyText(
	context: IExecuteFunctions,
	body: ResponseStream | Buffer | string | undefined,
) {
	if (body === undefined) return '';
	if (typeof body === 'string') return body;
	try {
		const buffer = Buffer.isBuffer(body) ? body : await context.helpers.binaryToBuffer(body);
		return buffer.subarray(0, 4096).toString('utf8');
	} catch {
		return '';
	}
}
