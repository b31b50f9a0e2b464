/**
 * The timeout of a storage PUT: n8n's HTTP client times a request without redirects from its start
 * to the answer, so a large file must get time by its size or it can never be sent whole.
 */
import { timeoutMs, transferTimeoutMs } from '../nodes/shared/requestTimeout';

const MiB = 1024 * 1024;

describe('transferTimeoutMs', () => {
	it('keeps the default for files that fit into it at 1 MiB/s', () => {
		expect(transferTimeoutMs({}, 60 * MiB)).toBeUndefined();
	});

	it('gives a large file at least 1 s per MiB when the user set no timeout', () => {
		expect(transferTimeoutMs({}, 1024 * MiB)).toBe(1024_000);
		expect(transferTimeoutMs({}, 60 * MiB + 1)).toBe(61_000);
	});

	it('keeps the timeout the user set, whatever the size', () => {
		expect(transferTimeoutMs({ timeout: 30 }, 1024 * MiB)).toBe(30_000);
		expect(timeoutMs({ timeout: 30 })).toBe(30_000);
	});
});
