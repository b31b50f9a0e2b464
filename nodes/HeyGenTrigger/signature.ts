/**
 * Checks that a delivery comes from HeyGen and is fresh: `Heygen-Signature` is the hex
 * HMAC-SHA256 of the raw body keyed with the endpoint's secret, `Heygen-Timestamp` (unix seconds)
 * is within five minutes of now. Pure functions, so they can be tested without n8n.
 */
import { createHmac, timingSafeEqual } from 'crypto';

/** How far (seconds) a delivery's timestamp may be from our clock, in either direction. */
export const TIMESTAMP_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = 'whsec_';
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * HeyGen's docs leave open whether the `whsec_` prefix is part of the HMAC key, so both keys are
 * tried. Each comparison is constant-time; the header is parsed as hex first, so a malformed one
 * never reaches the comparison.
 */
export function signatureMatches(rawBody: Buffer, signature: string, secret: string): boolean {
	const given = signature.trim().toLowerCase();
	if (!HEX_SHA256.test(given) || !secret) return false;
	const givenBytes = Buffer.from(given, 'hex');
	const keys = secret.startsWith(SECRET_PREFIX)
		? [secret, secret.slice(SECRET_PREFIX.length)]
		: [secret];
	let matched = false;
	for (const key of keys) {
		const expected = createHmac('sha256', key).update(rawBody).digest();
		// No early exit: both keys are always checked, so timing does not tell which one matched.
		if (timingSafeEqual(expected, givenBytes)) matched = true;
	}
	return matched;
}

export type TimestampVerdict = 'fresh' | 'invalid' | 'stale' | 'future';

export function checkTimestamp(header: string, nowSeconds: number): TimestampVerdict {
	if (!/^\d{1,12}$/.test(header.trim())) return 'invalid';
	const sent = Number(header.trim());
	if (sent < nowSeconds - TIMESTAMP_TOLERANCE_SECONDS) return 'stale';
	if (sent > nowSeconds + TIMESTAMP_TOLERANCE_SECONDS) return 'future';
	return 'fresh';
}
