import { MAX_RETRY_WAIT_MS, parseRetryAfter, retryDelayMs } from '../nodes/shared/retry';

describe('retry policy', () => {
	it('reads Retry-After as seconds or as an HTTP date', () => {
		const now = Date.parse('2026-11-21T10:00:00Z');
		expect(parseRetryAfter('3', now)).toBe(3000);
		expect(parseRetryAfter('0.5', now)).toBe(500);
		expect(parseRetryAfter('Sat, 21 Nov 2026 10:00:07 GMT', now)).toBe(7000);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(undefined, now)).toBeUndefined();
	});

	it('waits what Retry-After says, capped at 30 s', () => {
		expect(retryDelayMs(1, '2')).toBe(2000);
		expect(retryDelayMs(1, '3600')).toBe(MAX_RETRY_WAIT_MS);
	});

	it('backs off exponentially with jitter when there is no Retry-After', () => {
		expect(retryDelayMs(1, undefined, () => 0)).toBe(1000);
		expect(retryDelayMs(2, undefined, () => 0)).toBe(2000);
		expect(retryDelayMs(2, undefined, () => 1)).toBe(2500);
	});
});
