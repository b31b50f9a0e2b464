/**
 * What a finished job hands out — video URLs and callback deliveries — as strict as the real
 * service is assumed to be (heygen-api.md §7, §10, §13):
 * - `video_url` / `thumbnail_url` are presigned: `?expires=<unix ms>&signature=<hmac>`. A tampered
 *   URL gets 403 SignatureDoesNotMatch, a late one 403 AccessDenied "Request has expired" — so a
 *   client must re-read the video for a fresh URL (option `videoUrlExpiresInSeconds`, 0 = already
 *   expired when issued).
 * - `callback_url` must be https; plain http only to a loopback host while the sandbox itself runs
 *   on loopback (how the e2e suite's n8n is reached). A delivery without a 2xx answer is sent again
 *   `callbackRetries` times (1, 2, 4, … s apart): a receiver that was down or not ready (n8n answers
 *   409 before the execution is saved as waiting) gets it later.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import { ApiError, S3Error, type Core, type Ctx } from './core';

/** Per process: URLs of one sandbox run are not valid in another. */
const SIGNING_KEY = randomBytes(32);

function signatureOf(file: string, expires: string): string {
	return createHmac('sha256', SIGNING_KEY).update(`${file}\n${expires}`).digest('hex');
}

/** The presigned URL of `/videos/<file>` (e.g. `abc.mp4`), valid for the configured lifetime. */
export function signedVideoUrl(core: Core, file: string): string {
	const expires = String(Date.now() + core.opts.videoUrlExpiresInSeconds * 1000);
	const query = new URLSearchParams({ expires, signature: signatureOf(file, expires) });
	return `${core.storageUrl}/videos/${file}?${query.toString()}`;
}

/** Throws the S3 error a presigned GET of `/videos/<file>` deserves, if any. */
export function checkVideoUrl(ctx: Ctx, file: string): void {
	const { expires, signature } = ctx.query;
	const expected = typeof expires === 'string' ? signatureOf(file, expires) : '';
	const given = Buffer.from(typeof signature === 'string' ? signature : '');
	if (
		!expected ||
		given.length !== expected.length ||
		!timingSafeEqual(given, Buffer.from(expected))
	)
		throw new S3Error(
			403,
			'SignatureDoesNotMatch',
			'The request signature we calculated does not match the signature you provided.',
		);
	if (Date.now() >= Number(expires)) throw new S3Error(403, 'AccessDenied', 'Request has expired');
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i;

/** `callback_url` of a create: https, or http to loopback from a loopback sandbox. */
export function checkCallbackUrl(core: Core, raw: unknown): void {
	if (raw === undefined || raw === null) return;
	let url: URL | undefined;
	try {
		url = typeof raw === 'string' ? new URL(raw) : undefined;
	} catch {
		url = undefined;
	}
	if (url?.protocol === 'https:') return;
	if (
		url?.protocol === 'http:' &&
		LOOPBACK.test(url.hostname) &&
		LOOPBACK.test(new URL(core.apiUrl).hostname)
	)
		return;
	throw new ApiError(
		400,
		'invalid_parameter',
		"'callback_url' must be an https URL.",
		'callback_url',
	);
}

/**
 * Delivers `payload` to `url`, again after 1, 2, 4, … s while the receiver gives no 2xx. The next
 * queued `callbackFaults` entry turns it into no delivery (`never`) or two (`twice`).
 */
export function deliverWithRetries(core: Core, url: string, payload: unknown, attempt = 0): void {
	if (attempt === 0) {
		const fault = core.opts.callbackFaults.shift();
		if (fault === 'never') return;
		if (fault === 'twice') core.schedule(200, () => deliverWithRetries(core, url, payload, 1));
	}
	void core.deliverCallback(url, payload).then((status) => {
		if ((status >= 200 && status < 300) || attempt >= core.opts.callbackRetries || core.stopped)
			return;
		core.schedule(1000 * 2 ** attempt, () => deliverWithRetries(core, url, payload, attempt + 1));
	});
}
