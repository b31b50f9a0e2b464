/**
 * The supported-version guard (README "Supported n8n versions"). n8n 1.x's `sleep` is
 * `async (ms) => …` (read from n8n-workflow 1.120.31, the last 1.x); 2.x's is
 * `sleep(ms, abortSignal)`. The pack on the first must stop with a clear message, on the second run.
 */
import { sleep } from 'n8n-workflow';

import { SUPPORTED_N8N, unsupportedN8nReason } from '../nodes/shared/n8nVersion';
import { removeScratch, runWorkflow, source } from './harness/engine';
import { assetsNode, sandboxCredentials } from './harness/heygen';
import { start, type Sandbox } from './sandbox';
import { pngBytes } from './fixtures/files';

afterAll(() => removeScratch());

it("accepts this n8n-workflow's sleep (2.x: it takes the abort signal)", () => {
	expect(sleep.length).toBe(2);
	expect(unsupportedN8nReason()).toBeUndefined();
});

it("refuses an n8n whose sleep takes no abort signal (1.x's shape), saying why", () => {
	const sleepOf1x = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));
	expect(unsupportedN8nReason(sleepOf1x as never)).toMatch(/Stop.*abort signal.*before n8n 2\.0/);
	expect(SUPPORTED_N8N).toBe('n8n 2.0 or newer');
});

it('stops a node on such an n8n with the message a user sees', () => {
	jest.isolateModules(() => {
		jest.doMock('n8n-workflow', () => ({
			...jest.requireActual<object>('n8n-workflow'),
			sleep: async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms)),
		}));
		const guard = jest.requireActual<typeof import('../nodes/shared/n8nVersion')>(
			'../nodes/shared/n8nVersion',
		);
		const context = { getNode: () => ({ name: 'HeyGen Assets', type: 'x', typeVersion: 1 }) };
		expect(() => guard.assertSupportedN8n(context as never)).toThrow(
			/^The HeyGen nodes need n8n 2\.0 or newer: .*Stop/,
		);
	});
	jest.dontMock('n8n-workflow');
});

it('a node on a supported n8n runs (the guard does not get in the way)', async () => {
	const sandbox: Sandbox = await start({ port: 0, quiet: true });
	try {
		const result = await runWorkflow({
			nodes: [
				source([
					{ binary: { data: { fileName: 'a.png', mimeType: 'image/png', content: pngBytes() } } },
				]),
				assetsNode({ operation: 'upload' }),
			],
			credentials: sandboxCredentials(sandbox),
		});
		expect(result.error).toBeUndefined();
	} finally {
		await sandbox.stop();
	}
});
