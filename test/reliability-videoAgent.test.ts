/**
 * The fault matrix of the HeyGen Video Agent node: session create (never re-sent unless HeyGen
 * said 429: it has no Idempotency-Key), session/video polling (reads, retried) and the list
 * searches behind the resource locators (reads, retried). Faults are armed several at a time and
 * the work runs concurrently, so a round costs about one retry wait. The Reliability section of
 * README.md is generated from what these tests assert.
 */
import type { INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { removeScratch, runWorkflow, source } from './harness/engine';
import { sandboxCredentials, videoAgentNode } from './harness/heygen';
import { listSearchProbeNode, type SearchMethod } from './harness/list-search-probe';
import { start, type FaultSpec, type JournalEntry, type Sandbox } from './sandbox';

/** A generate session finishes in about a third of a second. */
const FAST_CLOCK = {
	thinkingMs: 60,
	generatingMs: 150,
	videoPendingMs: 40,
	videoProcessingMs: 110,
};

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true, clock: FAST_CLOCK });
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

beforeEach(() => {
	sandbox.reset();
	sandbox.setOptions({ clock: FAST_CLOCK, latencyMs: 0 });
});

const CREATE = { origin: 'api', method: 'POST', path: '/v3/video-agents' } as const;
const SESSION_GET = { origin: 'api', method: 'GET', path: '/v3/video-agents/:id' } as const;
const VIDEO_GET = { origin: 'api', method: 'GET', path: '/v3/videos/:id' } as const;

type Fault = Omit<FaultSpec, 'path' | 'origin' | 'method'>;

function arm(target: typeof CREATE | typeof SESSION_GET | typeof VIDEO_GET, fault: Fault): void {
	sandbox.injectFault({ ...target, ...fault } as FaultSpec);
}

const videoAgent = (parameters: INodeParameters, extra: Partial<INode> = {}): INode =>
	videoAgentNode(parameters, { onError: 'continueRegularOutput', ...extra });

async function runAgent(count: number, parameters: INodeParameters) {
	const items = Array.from({ length: count }, (_, i) => ({ json: { topic: `topic ${i}` } }));
	const result = await runWorkflow({
		nodes: [
			source(items),
			videoAgent({ prompt: '=A short video about {{ $json.topic }}', ...parameters }),
		],
		credentials: sandboxCredentials(sandbox),
	});
	expect(result.error).toBeUndefined();
	return result.output('HeyGen Video Agent');
}

function entries(method: string, path: RegExp): JournalEntry[] {
	return sandbox.journal('api').filter((e) => e.method === method && path.test(e.path));
}
const apiHost = () => new URL(sandbox.apiUrl).host;
const createCalls = () => entries('POST', /^\/v3\/video-agents$/);
const sessionReads = () => entries('GET', /^\/v3\/video-agents\/sess_[^/]+$/);
const videoReads = () => entries('GET', /^\/v3\/videos\/[^/]+$/);

/**
 * For each faulted read: how long until the same URL was read again (the retry), and whether a
 * later read of it succeeded (a retry may meet another of the armed faults first).
 */
function recoveredReads(reads: JournalEntry[]) {
	return reads
		.filter((e) => e.fault)
		.map((faulted) => {
			const later = reads.filter(
				(e) => e.at >= faulted.at && e !== faulted && e.path === faulted.path,
			);
			return {
				fault: faulted.fault,
				recovered: later.some((e) => e.status === 200),
				gapMs: later.length ? later[0].at - faulted.at : undefined,
			};
		});
}

/** An output item reduced to what the fault tests compare. */
function brief(o: INodeExecutionData) {
	const [{ item }] = o.pairedItem as Array<{ item: number }>;
	if (o.json.error === undefined) return { item, status: o.json.status };
	return {
		item,
		error: o.json.error,
		...(o.json.description ? { description: o.json.description } : {}),
		...(o.json.httpCode ? { httpCode: o.json.httpCode } : {}),
	};
}

describe('Video Agent create', () => {
	it('429 with Retry-After, then 429 without: waits 2 s (the header), then 2–2.5 s (backoff of a second retry), then creates exactly one session', async () => {
		arm(CREATE, { kind: 'status', status: 429, retryAfter: 2 });
		arm(CREATE, { kind: 'status', status: 429, retryAfter: null });
		const out = await runAgent(2, { waitForCompletion: false, options: { concurrency: 1 } });
		expect(out.map(brief)).toEqual([
			{ item: 0, status: 'thinking' },
			{ item: 1, status: 'thinking' },
		]);
		const calls = createCalls();
		expect(calls.map((c) => c.status)).toEqual([429, 429, 200, 200]);
		expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1950);
		expect(calls[1].at - calls[0].at).toBeLessThan(2900);
		expect(calls[2].at - calls[1].at).toBeGreaterThanOrEqual(1950); // second retry: backoff 2 s × (1 … 1.25)
		expect(sandbox.sessions.size).toBe(2);
		expect(out.map((o) => o.json.session_id).sort()).toEqual([...sandbox.sessions.keys()].sort());
	});

	it('500, 502 (HTML), 503, connection reset, malformed JSON, a hang past "Request Timeout" and 400 are never re-sent: one clear error item each, in order', async () => {
		for (const fault of [
			{ kind: 'status', status: 500 },
			{ kind: 'status', status: 502 },
			{ kind: 'status', status: 503, retryAfter: null },
			{ kind: 'drop' },
			{ kind: 'malformed' },
			{ kind: 'hang' },
			{ kind: 'status', status: 400 },
		] as Fault[]) {
			arm(CREATE, fault);
		}
		// One item at a time: each create is sent exactly once, so item i meets fault i.
		const out = await runAgent(8, {
			waitForCompletion: false,
			options: { concurrency: 1, timeout: 1 },
		});
		const notRetried =
			'Not retried automatically: HeyGen may have started the Video Agent session anyway (the request is not idempotent). Check in HeyGen before running again, to avoid a duplicate (and a double charge).';
		expect(out.map(brief)).toMatchObject([
			{
				item: 0,
				error:
					'Creating the Video Agent session failed: HeyGen answered 500 internal_error: An internal error occurred. Please try again later.',
				description: expect.stringContaining(notRetried),
				httpCode: '500',
			},
			{
				item: 1,
				error:
					'Creating the Video Agent session failed: HeyGen answered 502 http_502: HeyGen server error',
				description: expect.stringContaining("The answer was not HeyGen's JSON error format"),
				httpCode: '502',
			},
			{
				item: 2,
				error:
					'Creating the Video Agent session failed: HeyGen answered 503 service_unavailable: The service is temporarily unavailable. Please try again later.',
				description: expect.stringContaining(notRetried),
				httpCode: '503',
			},
			{
				item: 3,
				error: `Creating the Video Agent session failed: the connection to ${apiHost()} was reset (after 1 attempt)`,
				description: expect.stringContaining('Check the network between n8n and HeyGen'),
			},
			{
				item: 4,
				error:
					'Creating the Video Agent session failed: HeyGen answered 200 malformed_response: HeyGen answered with a body that is not JSON',
			},
			{
				item: 5,
				error: `Creating the Video Agent session failed: the connection to ${apiHost()} timed out (after 1 attempt)`,
				description: expect.stringContaining(
					'No answer within the request timeout. Raise "Request Timeout"',
				),
			},
			{
				item: 6,
				error:
					'Creating the Video Agent session failed: HeyGen answered 400 invalid_parameter: Invalid request (sandbox fault).',
				description: expect.stringContaining('Parameter: sandbox_fault.'),
				httpCode: '400',
			},
			{ item: 7, status: 'thinking' },
		]);
		expect(out[6].json.description).not.toContain('Not retried automatically');
		expect(createCalls().map((c) => c.fault ?? c.status)).toEqual([
			'status:500',
			'status:502',
			'status:503',
			'drop',
			'malformed',
			'hang',
			'status:400',
			200,
		]);
		expect(sandbox.sessions.size).toBe(1);
	});

	it('an answer lost after HeyGen created the session (slower than "Request Timeout"): not re-sent, so exactly one session', async () => {
		sandbox.setOptions({ latencyMs: 1500 });
		const out = await runAgent(1, { waitForCompletion: false, options: { timeout: 1 } });
		sandbox.setOptions({ latencyMs: 0 });
		expect(out.map(brief)).toMatchObject([
			{
				item: 0,
				error: `Creating the Video Agent session failed: the connection to ${apiHost()} timed out (after 1 attempt)`,
				description: expect.stringContaining('Request Timeout'),
			},
		]);
		expect(createCalls()).toHaveLength(1);
		// HeyGen did create it: the one session exists, and no second one was started.
		await until(() => sandbox.sessions.size === 1);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(sandbox.sessions.size).toBe(1);
	});
});

describe('session and video polling', () => {
	it('every fault on session and video reads (429 ±Retry-After, 500, 502, 503, reset, hang, malformed) is retried; every video completes, no session twice', async () => {
		const faults: Fault[] = [
			{ kind: 'status', status: 429, retryAfter: 1 },
			{ kind: 'status', status: 429, retryAfter: null },
			{ kind: 'status', status: 500 },
			{ kind: 'status', status: 502 },
			{ kind: 'status', status: 503, retryAfter: null },
			{ kind: 'drop' },
			{ kind: 'hang' },
			{ kind: 'malformed' },
		];
		for (const fault of faults) {
			arm(SESSION_GET, fault);
			arm(VIDEO_GET, fault);
		}
		const out = await runAgent(8, { options: { concurrency: 8, timeout: 1 } });
		expect(out.map(brief)).toEqual(
			Array.from({ length: 8 }, (_, item) => ({ item, status: 'completed' })),
		);
		expect(sandbox.pendingFaults()).toEqual([]);
		const expected = [
			'status:429',
			'status:429',
			'status:500',
			'status:502',
			'status:503',
			'drop',
			'hang',
			'malformed',
		];
		for (const reads of [sessionReads(), videoReads()]) {
			const recovered = recoveredReads(reads);
			expect(recovered.map((r) => r.fault).sort()).toEqual([...expected].sort());
			for (const r of recovered) {
				expect(r.recovered).toBe(true);
				// a retry after backoff (≥ 1 s), not merely the next 0.1 s poll
				expect(r.gapMs).toBeGreaterThanOrEqual(950);
			}
		}
		expect(createCalls()).toHaveLength(8);
		expect(sandbox.sessions.size).toBe(8);
		expect(new Set(out.map((o) => o.json.session_id)).size).toBe(8);
	});

	it('reads that fail 4× in a row (more than the transport retries) do not fail the video: the wait rides them out, one create', async () => {
		arm(SESSION_GET, { kind: 'status', status: 503, retryAfter: null, times: 4 });
		const out = await runAgent(2, { options: { concurrency: 1 } });
		const [sessionId] = [...sandbox.sessions.keys()];
		expect(out.map(brief)).toEqual([
			{ item: 0, status: 'completed' },
			{ item: 1, status: 'completed' },
		]);
		expect(out[0].json.session_id).toBe(sessionId);
		const reads = sessionReads()
			.filter((e) => e.path === `/v3/video-agents/${sessionId}`)
			.map((e) => e.status);
		expect(reads.slice(0, 5)).toEqual([503, 503, 503, 503, 200]);
		expect(createCalls()).toHaveLength(2);
		expect(sandbox.sessions.size).toBe(2);
	});

	it('reads that fail for good (404) end the wait; the error item (version 1) still carries the ids and says why', async () => {
		arm(SESSION_GET, { kind: 'status', status: 404, times: 1 });
		const out = await runAgent(1, { options: { concurrency: 1 } });
		const [sessionId] = [...sandbox.sessions.keys()];
		expect(out[0].json).toMatchObject({
			session_id: sessionId,
			video_id: null,
			finished: false,
			error: `Item 0: the Video Agent session could not be read any more (session_id ${sessionId})`,
			description: expect.stringMatching(
				/^Stopped waiting: reading the Video Agent session .* failed/,
			),
		});
		expect(createCalls()).toHaveLength(1);
	});
});

describe('list search (resource locators)', () => {
	const LISTS: Array<[SearchMethod, string]> = [
		['searchStyles', '/v3/video-agents/styles'],
		['searchAvatarLooks', '/v3/avatars/looks'],
		['searchVoices', '/v3/voices'],
		['searchBrandKits', '/v3/brand-kits'],
	];

	async function probe(method: SearchMethod) {
		return await runWorkflow({
			nodes: [
				source([{ json: {} }]),
				listSearchProbeNode(method, {}, { onError: 'continueRegularOutput' }),
			],
			credentials: sandboxCredentials(sandbox),
		});
	}

	/** Arms one fault per list endpoint and runs the four searches side by side. */
	async function searchAll(faults: Fault[]) {
		LISTS.forEach(([, path], i) =>
			sandbox.injectFault({ origin: 'api', method: 'GET', path, ...faults[i] } as FaultSpec),
		);
		const results = await Promise.all(LISTS.map(([method]) => probe(method)));
		// A list search runs in the editor: a failure is the error the dropdown shows.
		return results.map((r) => (r.error ? { error: r.error.message } : r.output('Probe')[0].json));
	}

	function statuses(path: string) {
		return entries('GET', new RegExp(`^${path}$`)).map((e) => e.fault ?? e.status);
	}

	it('429 with and without Retry-After, 500 and 502 (HTML): retried, the list arrives', async () => {
		const results = await searchAll([
			{ kind: 'status', status: 429, retryAfter: 1 },
			{ kind: 'status', status: 429, retryAfter: null },
			{ kind: 'status', status: 500 },
			{ kind: 'status', status: 502 },
		]);
		for (const result of results) expect((result.results as unknown[]).length).toBeGreaterThan(0);
		expect(statuses('/v3/video-agents/styles')).toEqual(['status:429', 200]);
		expect(statuses('/v3/avatars/looks')).toEqual(['status:429', 200]);
		// (voices: your own, then the first public page to fill the dropdown)
		expect(statuses('/v3/voices')).toEqual(['status:500', 200, 200]);
		expect(statuses('/v3/brand-kits')).toEqual(['status:502', 200]);
	});

	it('503, connection reset and malformed JSON: retried, the list arrives; 503 ×3: a clear error', async () => {
		const results = await searchAll([
			{ kind: 'status', status: 503, retryAfter: null },
			{ kind: 'drop' },
			{ kind: 'malformed' },
			{ kind: 'status', status: 503, retryAfter: null, times: 3 },
		]);
		for (const result of results.slice(0, 3))
			expect((result.results as unknown[]).length).toBeGreaterThan(0);
		expect(results[3]).toMatchObject({
			error:
				'Listing brand kits failed: HeyGen answered 503 service_unavailable: The service is temporarily unavailable. Please try again later.',
		});
		expect(statuses('/v3/video-agents/styles')).toEqual(['status:503', 200]);
		expect(statuses('/v3/avatars/looks')).toEqual(['drop', 200]);
		expect(statuses('/v3/voices')).toEqual(['malformed', 200, 200]);
		expect(statuses('/v3/brand-kits')).toEqual(['status:503', 'status:503', 'status:503']);
	});
});

/** Resolves once `condition` holds (polled every 10 ms, for at most 10 s). */
async function until(condition: () => boolean): Promise<void> {
	const deadline = Date.now() + 10_000;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not reached in 10 s');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}
