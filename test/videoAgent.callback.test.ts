/**
 * "Wait Method: Callback" in the n8n-core engine against the sandbox: the execution is put to wait
 * with every session's ids written into the waiting items, the node's webhook() keeps it waiting
 * until every session has finished and then resumes it with one item per session. (Real n8n —
 * published workflow, resume token, restart — is proven by e2e/lib/callback-wait.mjs.)
 */
import type { INode, INodeExecutionData } from 'n8n-workflow';

import { removeScratch, runWorkflow, source } from './harness/engine';
import { sandboxCredentials, videoAgentNode } from './harness/heygen';
import { answerWaitingWebhook } from './harness/waiting';
import { start, type Sandbox } from './sandbox';

const CLOCK = { thinkingMs: 100, generatingMs: 700, videoPendingMs: 50, videoProcessingMs: 600 };

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true, clock: CLOCK });
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

beforeEach(() => {
	sandbox.reset();
	sandbox.setOptions({ clock: CLOCK });
});

function run(nodes: INode[]) {
	return runWorkflow({ nodes, credentials: sandboxCredentials(sandbox) });
}

const callbackAgent = (extra: Record<string, unknown> = {}, node: Partial<INode> = {}) =>
	videoAgentNode(
		{
			prompt: '=Video {{ $itemIndex }}',
			assetIds: '',
			waitMethod: 'callback',
			options: { maxWaitSeconds: 600 },
			...extra,
		},
		{ typeVersion: 2, ...node },
	);

const statusReads = () =>
	sandbox
		.journal('api')
		.filter((e) => e.method === 'GET' && /^\/v3\/(video-agents|videos)\/[^/]+$/.test(e.path));

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not reached');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

describe('Wait Method: Callback', () => {
	it('three items: creates three sessions with the resume URL, waits without reading, resumes only when all three finished', async () => {
		const result = await run([
			source([{ json: { n: 0 } }, { json: { n: 1 } }, { json: { n: 2 } }]),
			callbackAgent(),
		]);
		expect(result.error).toBeUndefined();
		expect(result.run.waitTill).toBeInstanceOf(Date);
		expect(result.run.waitTill!.getTime()).toBeGreaterThan(Date.now() + 590_000);
		const sessions = [...sandbox.sessions.values()];
		expect(sessions).toHaveLength(3);
		for (const s of sessions)
			expect(s.request.callback_url).toMatch(
				/^http:\/\/127\.0\.0\.1:5678\/webhook-waiting\/[\w-]+\?signature=\w+$/,
			);
		expect(statusReads()).toHaveLength(0);

		// What n8n keeps as the waiting node's input (and passes on at Max Wait): the ids.
		const waiting = result.run.data.executionData!.nodeExecutionStack[0];
		expect(waiting.node.name).toBe('HeyGen Video Agent');
		const waitingItems = waiting.data.main[0] as INodeExecutionData[];
		expect(waitingItems.map((i) => i.json.session_id)).toEqual(sessions.map((s) => s.session_id));
		for (const item of waitingItems)
			expect(item.json).toMatchObject({ finished: false, wait_note: expect.any(String) });

		// A callback while the sessions still render: answered, the execution keeps waiting.
		const early = await answerWaitingWebhook(result, 'HeyGen Video Agent', { forged: true });
		expect(early.workflowData).toBeUndefined();
		expect(early.webhookResponse).toEqual({ received: true, resumed: false });

		await until(() => sessions.every((s) => s.status === 'completed'));
		const late = await answerWaitingWebhook(result, 'HeyGen Video Agent');
		const [items] = late.workflowData!;
		expect(items.map((i) => i.pairedItem)).toEqual(
			[{ item: 0 }, { item: 1 }, { item: 2 }].map((p) => [p]),
		);
		items.forEach((item, i) =>
			expect(item.json).toMatchObject({
				session_id: sessions[i].session_id,
				video_id: sessions[i].video_id,
				status: 'completed',
				video_url: expect.stringContaining(`/videos/${sessions[i].video_id}.mp4?`),
			}),
		);
	});

	it('Combine Items: one session for all items, one output item paired to all of them', async () => {
		const result = await run([
			source([{ json: {} }, { json: {} }]),
			callbackAgent({ combineItems: true }),
		]);
		expect(result.error).toBeUndefined();
		const [session] = [...sandbox.sessions.values()];
		expect(sandbox.sessions.size).toBe(1);
		await until(() => session.status === 'completed');
		const resumed = await answerWaitingWebhook(result, 'HeyGen Video Agent');
		const [items] = resumed.workflowData!;
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json).toMatchObject({ session_id: session.session_id, status: 'completed' });
	});

	it('a failed create with Continue On Fail stays an error item through the wait; a failed video comes out with its failure fields', async () => {
		const result = await run([
			source([{ json: { asset: 'asset_doesnotexist' } }, { json: { asset: '' } }]),
			callbackAgent(
				{ prompt: 'this will #fail', assetIds: '={{ $json.asset }}' },
				{ onError: 'continueRegularOutput' },
			),
		]);
		expect(result.error).toBeUndefined();
		const [session] = [...sandbox.sessions.values()];
		await until(() => session.status === 'failed');
		const [items] = (await answerWaitingWebhook(result, 'HeyGen Video Agent')).workflowData!;
		expect(items).toHaveLength(2);
		// in input order: the error item of item 0, then the session of item 1
		expect(items[0]).toMatchObject({
			json: { error: expect.stringMatching(/asset_not_available/) },
			pairedItem: { item: 0 },
		});
		expect(items[1]).toMatchObject({
			json: { session_id: session.session_id, status: 'failed', failure_code: 'rendering_failed' },
			pairedItem: [{ item: 1 }],
		});
	});

	it('is refused with Download Video or a Callback URL of its own, before anything is sent', async () => {
		const download = await run([
			source([{ json: {} }]),
			callbackAgent({ options: { downloadVideo: true } }),
		]);
		expect(download.error?.message).toBe(
			'Item 0: "Wait Method: Callback" cannot be used together with "Download Video"',
		);
		const own = await run([
			source([{ json: {} }]),
			callbackAgent({ options: { callbackUrl: 'https://example.com/hook' } }),
		]);
		expect(own.error?.message).toBe(
			'Item 0: "Wait Method: Callback" cannot be used together with the "Callback URL" option',
		);
		expect(sandbox.sessions.size).toBe(0);
	});
});
