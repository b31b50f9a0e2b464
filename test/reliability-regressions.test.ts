/**
 * Regressions found by the reliability suite (F2–F6 in the Reliability section of README.md), each kept fixed here.
 */
import type { INode } from 'n8n-workflow';

import { node, removeScratch, runWorkflow, source, startWorkflow } from './harness/engine';
import { assetsNode, CREDENTIAL_REF, sandboxCredentials, VIDEO_AGENT_TYPE } from './harness/heygen';
import { start, type Sandbox } from './sandbox';
import { gifBytes, pngBytes } from './fixtures/files';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true });
});
afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});
beforeEach(() => {
	sandbox.reset();
	sandbox.setOptions({ latencyMs: 0 });
});

const agent = (parameters: Record<string, unknown>, extra: Partial<INode> = {}) =>
	node('HeyGen Video Agent', VIDEO_AGENT_TYPE, parameters as never, {
		credentials: CREDENTIAL_REF,
		...extra,
	});
const run = (nodes: INode[]) => runWorkflow({ nodes, credentials: sandboxCredentials(sandbox) });

it('F2: Complete names an object asset id with the right article ("an object")', async () => {
	const result = await run([
		source([{ json: { file: { type: 'asset_id', asset_id: 'asset_abc' } } }]),
		assetsNode({ operation: 'complete', assetId: '={{ $json.file }}' }),
	]);
	expect(result.error?.message).toBe('Item 0: "Asset ID" is an object, not a HeyGen asset id');
});

it('F3: a create whose answer was lost (timeout) warns that HeyGen may have started the video', async () => {
	sandbox.setOptions({ latencyMs: 1500 });
	const result = await run([
		source([{ json: {} }]),
		agent({ prompt: 'p', waitForCompletion: false, options: { timeout: 1 } }),
	]);
	sandbox.setOptions({ latencyMs: 0 });
	expect(result.error?.description).toContain('Not retried automatically');
});

it('F3b: a create answered 200 with an unreadable body warns that HeyGen may have started the video', async () => {
	sandbox.injectFault({ method: 'POST', path: '/v3/video-agents', kind: 'malformed' });
	const result = await run([
		source([{ json: {} }]),
		agent({ prompt: 'p', waitForCompletion: false }),
	]);
	expect(result.error?.description).toContain('Not retried automatically');
});

it('F4: a run cancelled during a wait (Retry-After) ends "canceled", like one cancelled during a request', async () => {
	sandbox.injectFault({
		method: 'POST',
		path: '/v3/assets',
		kind: 'status',
		status: 429,
		retryAfter: 20,
	});
	const running = startWorkflow({
		nodes: [
			source([
				{ binary: { data: { fileName: 'a.png', mimeType: 'image/png', content: pngBytes() } } },
			]),
			assetsNode({ operation: 'upload' }),
		],
		credentials: sandboxCredentials(sandbox),
	});
	while (!sandbox.journal().some((e) => e.status === 429))
		await new Promise((r) => setTimeout(r, 10));
	running.cancel();
	const result = await running.result;
	expect(result.run.status).toBe('canceled');
});

it('F5: Upload checks every file before sending any: a bad second field stops the first one too', async () => {
	const result = await run([
		source([
			{
				binary: {
					data: { fileName: 'ok.png', mimeType: 'image/png', content: pngBytes() },
					extra: { fileName: 'anim.gif', mimeType: 'image/gif', content: gifBytes() },
				},
			},
		]),
		assetsNode({ operation: 'upload', binaryPropertyName: 'data, extra' }),
	]);
	expect(result.error?.message).toMatch(/anim\.gif" is a GIF image/);
	expect(sandbox.journal()).toHaveLength(0);
});

it('F6: a storage 403 does not send the user to the API key (the storage server never sees it)', async () => {
	sandbox.injectFault({
		method: 'PUT',
		origin: 'storage',
		path: '/uploads/:id',
		kind: 'status',
		status: 403,
	});
	const result = await run([
		source([
			{ binary: { data: { fileName: 's.png', mimeType: 'image/png', content: pngBytes() } } },
		]),
		assetsNode({ operation: 'directUpload' }),
	]);
	expect(result.error?.message).toMatch(/refused the upload/);
	expect(result.error?.description).not.toContain('The API key is not allowed to do this');
});

it('15.3: a re-sent upload that meets 409 request_in_progress waits for the first copy, then gets its answer: one asset', async () => {
	// The first copy outlives "Request Timeout" (1 s); the retry arrives while HeyGen still works on it.
	sandbox.setOptions({ latencyMs: 2500 });
	const result = await run([
		source([
			{ binary: { data: { fileName: 'a.png', mimeType: 'image/png', content: pngBytes(2000) } } },
		]),
		assetsNode({ operation: 'upload', options: { timeout: 1 } }),
	]);
	sandbox.setOptions({ latencyMs: 0 });
	expect(result.error).toBeUndefined();
	const uploads = sandbox
		.journal('api')
		.filter((e) => e.method === 'POST' && e.path === '/v3/assets');
	expect(uploads.map((e) => e.status)).toContain(409);
	expect(uploads.at(-1)!.status).toBe(200);
	expect(new Set(uploads.map((e) => e.headers['idempotency-key'])).size).toBe(1);
	expect(sandbox.assets.size).toBe(1);
	expect(result.output('HeyGen Assets')[0].json.asset_id).toBe([...sandbox.assets.keys()][0]);
});
