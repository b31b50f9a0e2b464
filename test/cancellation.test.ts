/**
 * Cancelling an execution (n8n's "Stop" button) mid-upload and mid-wait: the run settles within
 * seconds, the request in flight is closed (the sandbox sees its connection end without an answer),
 * nothing is sent afterwards (no retry, no poll, no Complete), and no timer is left behind.
 */
import { createHook } from 'node:async_hooks';
import { mkdtempSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { join } from 'node:path';

import type { INode, INodeParameters } from 'n8n-workflow';

import { mp4Header, pngBytes, writeLargeFile } from './fixtures/files';
import {
	removeScratch,
	scratchRoot,
	source,
	startWorkflow,
	type SourceItem,
	type WorkflowResult,
} from './harness/engine';
import { assetsNode, sandboxCredentials, videoAgentNode } from './harness/heygen';
import { start, type JournalEntry, type Sandbox } from './sandbox';

/** How long a cancelled run may take to settle. */
const PROMPT_MS = 2_000;

let sandbox: Sandbox;
const files = mkdtempSync(join(scratchRoot, 'cancel-'));
const BIG = join(files, 'big.mp4');
const BIG_SIZE = 96 * 1024 * 1024;
const bigFile: SourceItem[] = [
	{ binary: { data: { fileName: 'big.mp4', mimeType: 'video/mp4', path: BIG } } },
];

/** Every request either origin received, with whether its connection has closed. */
const requests: Array<{
	origin: 'api' | 'storage';
	method?: string;
	url?: string;
	closed: boolean;
}> = [];

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true });
	// The sandbox's two servers (API, storage): watch each request's connection.
	const servers = (sandbox as unknown as { servers: Server[] }).servers;
	servers.forEach((server, i) =>
		server.on('request', (req: IncomingMessage) => {
			const seen = {
				origin: i === 0 ? ('api' as const) : ('storage' as const),
				method: req.method,
				url: req.url,
				closed: false,
			};
			requests.push(seen);
			req.socket.once('close', () => (seen.closed = true));
		}),
	);
	await writeLargeFile(BIG, BIG_SIZE, mp4Header());
	// Warm up n8n (binary data service, expression engine) before the first timed cancel.
	const warmUp = startWorkflow({
		nodes: [source(bigFile), assetsNode({ operation: 'directUpload' })],
		credentials: sandboxCredentials(sandbox),
	});
	expect((await warmUp.result).error).toBeUndefined();
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

beforeEach(() => {
	sandbox.reset();
	requests.length = 0;
	sandbox.setOptions({
		completeLagCalls: 0,
		clock: { thinkingMs: 200, generatingMs: 300, videoPendingMs: 100, videoProcessingMs: 200 },
	});
});

const agent = (parameters: INodeParameters): INode => videoAgentNode(parameters);

/** Resolves once `condition` holds (polled every 10 ms, for at most 15 s). */
async function until(condition: () => boolean): Promise<void> {
	const deadline = Date.now() + 15_000;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not reached in 15 s');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Timers created while a run is watched by code of the pack or the HTTP client (setTimeout from
 * nodes/, n8n's sleep, axios), and which of them are still pending.
 */
const timers = new Map<number, { timer: NodeJS.Timeout; stack: string }>();
let watched = 0;
const timerHook = createHook({
	init(id, type, _trigger, resource) {
		if (type !== 'Timeout') return;
		const stack = new Error().stack ?? '';
		if (/\/nodes\/|@n8n\/utils|axios|follow-redirects/.test(stack)) {
			timers.set(id, { timer: resource as NodeJS.Timeout, stack });
			watched++;
		}
	},
	destroy(id) {
		timers.delete(id);
	},
});
const pendingTimers = () =>
	[...timers.values()].filter(
		({ timer }) => timer.hasRef() && !(timer as unknown as { _destroyed: boolean })._destroyed,
	);

/**
 * Starts the workflow, waits until `inFlight` says the moment has come, cancels, and checks the
 * common promises: settled promptly, cancelled (not failed, not finished), nothing sent afterwards.
 */
async function cancelWhen(nodes: INode[], inFlight: () => boolean) {
	timers.clear();
	watched = 0;
	timerHook.enable();
	const running = startWorkflow({ nodes, credentials: sandboxCredentials(sandbox) });
	await until(inFlight);
	const cancelledAt = Date.now();
	running.cancel();
	const result: WorkflowResult = await running.result;
	const settledMs = Date.now() - cancelledAt;
	const journalAtSettle = sandbox.journal().length;
	// Longer than any retry backoff (1–1.25 s) or poll interval used here: nothing may follow.
	await pause(1_500);
	timerHook.disable();
	return { result, settledMs, journalAtSettle, watchedTimers: watched };
}

function expectCancelled({
	result,
	settledMs,
	journalAtSettle,
}: Awaited<ReturnType<typeof cancelWhen>>) {
	expect(settledMs).toBeLessThan(PROMPT_MS);
	// Cancelled during a request or during a wait (backoff, poll interval), the run ends "canceled".
	expect(result.run.status).toBe('canceled');
	expect(result.run.data.resultData.runData[nodeName(result)]?.[0]?.data).toBeUndefined();
	expect(sandbox.journal()).toHaveLength(journalAtSettle);
	// every connection the run opened has been closed
	expect(requests.filter((r) => !r.closed)).toEqual([]);
	// no timer of the pack or the HTTP client survives the run
	expect(pendingTimers().map((t) => t.stack)).toEqual([]);
}

/** The HeyGen node of the run (the one after Source). */
function nodeName(result: WorkflowResult): string {
	return Object.keys(result.run.data.resultData.runData).find((name) => name !== 'Source')!;
}

const unanswered = (e: JournalEntry) => e.status === 0;

describe('cancelling mid-upload', () => {
	it('during the storage PUT of a 96 MiB file: the PUT is closed unanswered, no retry, no Complete', async () => {
		sandbox.injectFault({ method: 'PUT', origin: 'storage', path: '/uploads/:id', kind: 'hang' });
		const outcome = await cancelWhen(
			[source(bigFile), assetsNode({ operation: 'directUpload' })],
			() => sandbox.journal('storage').some((e) => e.method === 'PUT' && e.bodySize > 0),
		);
		expectCancelled(outcome);
		const puts = sandbox.journal('storage').filter((e) => e.method === 'PUT');
		expect(puts).toHaveLength(1);
		expect(unanswered(puts[0])).toBe(true);
		// cut off mid-body: storage received only part of the file
		expect(puts[0].bodySize).toBeGreaterThan(0);
		expect(puts[0].bodySize).toBeLessThan(BIG_SIZE);
		expect(sandbox.journal('api').map((e) => e.path)).toEqual(['/v3/assets/direct-uploads']);
	});

	it('during the multipart upload POST: the POST is closed unanswered, nothing is re-sent', async () => {
		sandbox.injectFault({ method: 'POST', path: '/v3/assets', kind: 'hang' });
		const outcome = await cancelWhen(
			[
				source([
					{
						binary: {
							data: { fileName: 'p.png', mimeType: 'image/png', content: pngBytes(2_000_000) },
						},
					},
				]),
				assetsNode({ operation: 'upload' }),
			],
			() => sandbox.journal('api').some((e) => e.path === '/v3/assets' && e.bodySize > 0),
		);
		expectCancelled(outcome);
		expect(sandbox.journal('api').map((e) => [e.path, e.status])).toEqual([['/v3/assets', 0]]);
	});

	it('while waiting out a 429 Retry-After of 20 s: the wait ends at once, no retry is sent', async () => {
		sandbox.injectFault({
			method: 'POST',
			path: '/v3/assets/direct-uploads',
			kind: 'status',
			status: 429,
			retryAfter: 20,
		});
		const outcome = await cancelWhen(
			[source(bigFile), assetsNode({ operation: 'directUpload' })],
			() => sandbox.journal('api').some((e) => e.status === 429),
		);
		expectCancelled(outcome);
		expect(outcome.watchedTimers).toBeGreaterThan(0); // the Retry-After wait was seen, and cleared
		expect(sandbox.journal().map((e) => e.status)).toEqual([429]);
	});

	it('while Complete waits out the 409 "not found yet" race: no further Complete', async () => {
		sandbox.setOptions({ completeLagCalls: 100 });
		const outcome = await cancelWhen(
			[
				source([
					{
						binary: {
							data: { fileName: 'c.png', mimeType: 'image/png', content: pngBytes(10_000) },
						},
					},
				]),
				assetsNode({ operation: 'directUpload' }),
			],
			() => sandbox.journal('api').filter((e) => e.path.endsWith('/complete')).length >= 2,
		);
		expectCancelled(outcome);
		expect(
			sandbox.journal('api').filter((e) => e.path.endsWith('/complete')).length,
		).toBeLessThanOrEqual(3);
	});
});

describe('cancelling mid-wait (Video Agent, Wait for Completion)', () => {
	it('between two polls (interval 5 s): stops at once, no further poll', async () => {
		sandbox.setOptions({ clock: { thinkingMs: 30_000 } });
		const outcome = await cancelWhen(
			[source([{ json: {} }]), agent({ prompt: 'Cancel me', options: { pollIntervalSeconds: 5 } })],
			() => sandbox.journal('api').some((e) => e.method === 'GET' && e.status === 200),
		);
		expectCancelled(outcome);
		expect(sandbox.journal('api').map((e) => e.method)).toEqual(['POST', 'GET']);
	});

	it('during a status read that hangs: the read is closed unanswered, no further poll', async () => {
		sandbox.setOptions({ clock: { thinkingMs: 30_000 } });
		sandbox.injectFault({ method: 'GET', path: '/v3/video-agents/:id', kind: 'hang' });
		const outcome = await cancelWhen(
			[source([{ json: {} }]), agent({ prompt: 'Cancel me while reading' })],
			() => sandbox.journal('api').some((e) => e.method === 'GET'),
		);
		expectCancelled(outcome);
		expect(sandbox.journal('api').map((e) => [e.method, e.status])).toEqual([
			['POST', 200],
			['GET', 0],
		]);
	});
});
