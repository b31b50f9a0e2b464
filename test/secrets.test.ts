/**
 * The API key never leaves the API origin's auth header. A distinctive key (and a distinctive wrong
 * key) go through a representative set of workflows — successes, every kind of error, Continue On
 * Fail error items, retries, a video download — while everything observable is captured: the runs'
 * data with every error object (message, description, stack, cause, HTTP context), all console and
 * process output (n8n's logger at debug level), the sandbox's request log and journal of both
 * origins, what the sandbox stored from request bodies, and the binary data files written.
 */
// n8n's logger reads its level once, when it is built: log everything for this file.
const logLevelBefore = process.env.N8N_LOG_LEVEL;
process.env.N8N_LOG_LEVEL = 'debug';

import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { INode } from 'n8n-workflow';
import { request } from 'undici';

import { gifBytes, mp4Bytes, pngBytes } from './fixtures/files';
import {
	removeScratch,
	runWorkflow,
	scratchRoot,
	source,
	type SourceItem,
	type WorkflowResult,
} from './harness/engine';
import { assetsNode, triggerNode, videoAgentNode } from './harness/heygen';
import { hostTrigger } from './harness/trigger';
import { start, type Sandbox } from './sandbox';
import { until } from './sandbox/testkit';

const KEY = `sk-SECRET-canary-${randomBytes(12).toString('hex')}`;
const WRONG_KEY = `sk-SECRET-wrong-canary-${randomBytes(12).toString('hex')}`;
const FAST_CLOCK = {
	thinkingMs: 60,
	generatingMs: 150,
	videoPendingMs: 40,
	videoProcessingMs: 110,
};

let sandbox: Sandbox;
const sandboxLog: string[] = [];
const output: string[] = [];
/** What n8n's logger was asked to log: message and metadata (errors included), at every level. */
const logged: string[] = [];
const runs: WorkflowResult[] = [];
const restores: Array<() => void> = [];

beforeAll(async () => {
	// Everything printed from here on is recorded (and kept off the test report).
	for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
		const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			output.push(
				args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' '),
			);
		});
		restores.push(() => spy.mockRestore());
	}
	for (const stream of [process.stdout, process.stderr]) {
		const spy = jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
			output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
			return true;
		});
		restores.push(() => spy.mockRestore());
	}
	const logger = Container.get(Logger);
	for (const level of ['error', 'warn', 'info', 'debug'] as const) {
		const spy = jest
			.spyOn(logger, level)
			.mockImplementation((message: string, metadata?: unknown) => {
				logged.push(`${level}: ${message} ${inspect(metadata, { depth: 12, showHidden: true })}`);
			});
		restores.push(() => spy.mockRestore());
	}
	sandbox = await start({
		port: 0,
		apiKey: KEY,
		clock: FAST_CLOCK,
		log: (line) => sandboxLog.push(line),
	});
});

afterAll(async () => {
	for (const restore of restores) restore();
	if (logLevelBefore === undefined) delete process.env.N8N_LOG_LEVEL;
	else process.env.N8N_LOG_LEVEL = logLevelBefore;
	await sandbox.stop();
	removeScratch();
});

function credentials(overrides: { apiKey?: string; baseUrl?: string } = {}) {
	return { heyGenV3Api: { apiKey: KEY, baseUrl: sandbox.apiUrl, ...overrides } };
}

const agent = videoAgentNode;

const continueOnFail: Partial<INode> = { onError: 'continueRegularOutput' };

async function record(nodes: INode[], overrides?: { apiKey?: string; baseUrl?: string }) {
	const result = await runWorkflow({ nodes, credentials: credentials(overrides) });
	runs.push(result);
	return result;
}

const png = (name: string) => ({ fileName: name, mimeType: 'image/png', content: pngBytes(4096) });
const mp4 = (name: string) => ({
	fileName: name,
	mimeType: 'video/mp4',
	content: mp4Bytes(200_000),
});
const files = (...list: Array<Record<string, ReturnType<typeof png>>>): SourceItem[] =>
	list.map((binary) => ({ binary }));

/** Every string reachable from `value`, own non-enumerable properties (stack, message, cause) included. */
function strings(value: unknown, out: string[] = [], seen = new WeakSet<object>()): string[] {
	if (typeof value === 'string') out.push(value);
	else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
		out.push(String(value));
	else if (Buffer.isBuffer(value)) out.push(value.toString('latin1'));
	else if (value && typeof value === 'object') {
		if (seen.has(value)) return out;
		seen.add(value);
		for (const key of Reflect.ownKeys(value)) {
			if (typeof key === 'string') out.push(key);
			let child: unknown;
			try {
				child = (value as Record<string | symbol, unknown>)[key];
			} catch {
				continue;
			}
			strings(child, out, seen);
		}
		const proto = Object.getPrototypeOf(value) as object | null;
		if (value instanceof Error && proto)
			strings({ message: value.message, stack: value.stack, cause: value.cause }, out, seen);
	}
	return out;
}

function filesUnder(dir: string): string[] {
	let found: string[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		found = statSync(path).isDirectory() ? [...found, ...filesUnder(path)] : [...found, path];
	}
	return found;
}

describe("the API key never appears outside the API origin's X-Api-Key header", () => {
	it('runs the representative workflows', async () => {
		// successes: upload, direct upload (storage PUT), a video with its download (storage GET)
		const uploads = await record([
			source(files({ data: png('a.png') })),
			assetsNode({ operation: 'upload' }),
		]);
		expect(uploads.error).toBeUndefined();
		const direct = await record([
			source(files({ data: mp4('b.mp4') })),
			assetsNode({ operation: 'directUpload' }),
		]);
		expect(direct.error).toBeUndefined();
		const video = await record([
			source([{ json: {} }]),
			agent({ prompt: 'Secret-safe video', options: { downloadVideo: true } }),
		]);
		expect(video.output('HeyGen Video Agent')[0].binary?.data).toBeDefined();

		// Continue On Fail error items: 400 (not retried), a retried 503 that recovers, a GIF, a storage 403,
		// a Complete of an unknown asset, a reset connection on create, a failed video
		sandbox.injectFault({ method: 'POST', path: '/v3/assets', kind: 'status', status: 400 });
		sandbox.injectFault({ method: 'POST', path: '/v3/assets', kind: 'status', status: 503 });
		const mixed = await record([
			source(
				files(
					{ data: png('c.png') },
					{ data: png('d.png') },
					{ data: { ...png('e.gif'), content: gifBytes() } },
				),
			),
			assetsNode({ operation: 'upload', options: { concurrency: 1 } }, continueOnFail),
		]);
		expect(mixed.output('HeyGen Assets').map((o) => Boolean(o.json.error))).toEqual([
			true,
			false,
			true,
		]);
		sandbox.injectFault({
			method: 'PUT',
			origin: 'storage',
			path: '/uploads/:id',
			kind: 'status',
			status: 403,
		});
		const storage = await record([
			source(files({ data: mp4('f.mp4') })),
			assetsNode({ operation: 'directUpload' }, continueOnFail),
		]);
		expect(storage.output('HeyGen Assets')[0].json.error).toMatch(/refused the upload/);
		const unknown = await record([
			source([{ json: { asset_id: 'asset_does_not_exist' } }]),
			assetsNode({ operation: 'complete' }, continueOnFail),
		]);
		expect(unknown.output('HeyGen Assets')[0].json.error).toMatch(/404/);
		sandbox.injectFault({ method: 'POST', path: '/v3/video-agents', kind: 'drop' });
		sandbox.injectFault({ method: 'POST', path: '/v3/video-agents', kind: 'hang' });
		const agents = await record([
			source([{ json: { p: 'one' } }, { json: { p: 'two' } }, { json: { p: 'three #fail' } }]),
			agent({ prompt: '={{ $json.p }}', options: { concurrency: 1, timeout: 1 } }, continueOnFail),
		]);
		expect(agents.output('HeyGen Video Agent').map((o) => o.json.error ?? o.json.status)).toEqual([
			expect.any(String),
			expect.any(String),
			'failed',
		]);

		// errors that stop the workflow: wrong key (401), 5xx on create, insecure and invalid base URLs,
		// a bad input
		const wrongKey = await record(
			[source(files({ data: png('g.png') })), assetsNode({ operation: 'upload' })],
			{
				apiKey: WRONG_KEY,
			},
		);
		expect(wrongKey.error?.message).toMatch(/401/);
		const wrongKeyAgent = await record([source([{ json: {} }]), agent({ prompt: 'p' })], {
			apiKey: `  ${WRONG_KEY} `,
		});
		expect(wrongKeyAgent.error?.message).toMatch(/401/);
		sandbox.injectFault({ method: 'POST', path: '/v3/video-agents', kind: 'status', status: 500 });
		const serverError = await record([source([{ json: {} }]), agent({ prompt: 'p' })]);
		expect(serverError.error?.message).toMatch(/500/);
		const insecure = await record(
			[source(files({ data: png('h.png') })), assetsNode({ operation: 'upload' })],
			{
				baseUrl: 'http://api.heygen.example',
			},
		);
		expect(insecure.error?.message).toMatch(/unencrypted/);
		const invalid = await record([source([{ json: {} }]), agent({ prompt: 'p' })], {
			baseUrl: 'not a url',
		});
		expect(invalid.error?.message).toMatch(/not a valid URL/);
		const badInput = await record([source([{ json: {} }]), agent({ prompt: '  ' })]);
		expect(badInput.error?.message).toMatch(/"Prompt" is empty/);
	});

	it("scans deep: a key hidden in an error's cause or a non-enumerable field would be found", () => {
		const hidden = new Error('outer', { cause: { config: { headers: { 'X-Api-Key': KEY } } } });
		Object.defineProperty(hidden, 'request', { value: { auth: WRONG_KEY }, enumerable: false });
		const seen = strings({ error: hidden }).join('\n');
		expect(seen).toContain(KEY);
		expect(seen).toContain(WRONG_KEY);
	});

	it('finds it in no output, error, stack, log line, console or process output', () => {
		expect(runs.length).toBeGreaterThanOrEqual(12);
		const observed = [
			...runs.map((r) => JSON.stringify(r.run)),
			...runs.map((r) => inspect(r.run, { depth: 30, showHidden: true })),
			...runs.flatMap((r) => strings(r.run)),
			...runs.flatMap((r) => strings(r.error)),
			...output,
			...logged,
			...sandboxLog,
		].join('\n');
		expect(observed.length).toBeGreaterThan(10_000);
		expect(sandboxLog.length).toBeGreaterThan(20);
		// n8n's own log calls (debug level) were captured, with the errors they carry
		expect(logged.join('\n')).toContain('Workflow execution finished with error');
		expect(logged.join('\n')).toContain('failed: HeyGen answered 401');
		// the errors really are in what was scanned
		expect(observed).toContain('authentication_failed');
		expect(observed).toContain('Not retried automatically');
		for (const secret of [KEY, WRONG_KEY]) {
			expect(observed).not.toContain(secret);
			expect(observed).not.toContain(secret.slice(-16));
		}
	});

	it('finds it in no binary data file n8n wrote', () => {
		const dir = process.env.N8N_BINARY_DATA_STORAGE_PATH!;
		expect(dir.startsWith(scratchRoot)).toBe(true);
		const written = filesUnder(dir);
		expect(written.length).toBeGreaterThan(0);
		for (const path of written) {
			const text = readFileSync(path).toString('latin1');
			expect(text).not.toContain(KEY);
			expect(text).not.toContain(WRONG_KEY);
		}
	});

	it("finds it nowhere in either origin's journal except the API origin's x-api-key header", () => {
		const api = sandbox.journal('api');
		const storage = sandbox.journal('storage');
		expect(storage.filter((e) => e.method === 'PUT').length).toBeGreaterThan(0);
		expect(storage.filter((e) => e.method === 'GET').length).toBeGreaterThan(0);
		for (const secret of [KEY, WRONG_KEY]) {
			expect(JSON.stringify(storage)).not.toContain(secret);
			for (const entry of api) {
				const { 'x-api-key': _sent, ...otherHeaders } = entry.headers;
				expect(JSON.stringify({ ...entry, headers: otherHeaders })).not.toContain(secret);
			}
		}
		// and where it does appear, it is exactly the key (trimmed), in that one header
		const sent = new Set(api.map((e) => e.headers['x-api-key']));
		expect([...sent].sort()).toEqual([KEY, WRONG_KEY].sort());
		expect(api.every((e) => e.headers.authorization === undefined)).toBe(true);
	});

	it('finds it in no request body HeyGen stored (uploads, direct uploads, session requests)', () => {
		const state = {
			assets: [...sandbox.assets.values()].map(({ bytes: _bytes, ...asset }) => asset),
			sessions: [...sandbox.sessions.values()],
			videos: [...sandbox.videos.values()],
		};
		expect(state.sessions.length).toBeGreaterThan(0);
		const text =
			JSON.stringify(state) +
			[...sandbox.assets.values()].map((a) => a.bytes?.toString('latin1') ?? '').join('');
		expect(text).not.toContain(KEY);
		expect(text).not.toContain(WRONG_KEY);
	});
});

describe("the HeyGen Trigger's endpoint secret never appears in a log or an output", () => {
	it('is absent from started items, answers, errors, logs and console output', async () => {
		const seenFrom = output.length;
		const loggedFrom = logged.length;
		const sandboxLogFrom = sandboxLog.length;
		const host = await hostTrigger({
			node: triggerNode({ events: ['video_agent.success'] }),
			credentials: credentials(),
		});
		const observed: unknown[] = [];
		try {
			await host.activate();
			const secret = String(host.staticData().secret ?? '');
			expect(secret).toMatch(/^whsec_[0-9a-f]{20,}$/);
			for (const kind of ['normal', 'tampered', 'stale', 'malformed', 'repeat', 'unsubscribed']) {
				const sent = await request(`${sandbox.apiUrl}/__sandbox/webhooks/deliver`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ kind }),
				});
				observed.push(await sent.body.text());
			}
			// a video id the API does not know: the fetch fails and its error is in the output item
			await until(() => host.started.length === 1, 5000);
			expect(host.started[0][0].json.result_error).toMatch(/404/);
			// an activation that fails (http webhook URL, remote API) carries its error
			const refused = await hostTrigger({
				node: triggerNode(),
				credentials: credentials({ baseUrl: 'https://api.heygen.invalid' }),
				publicBaseUrl: 'http://n8n.example.com',
			});
			await refused.activate().catch((error: unknown) => observed.push(error));
			await refused.close();
			expect(observed.at(-1)).toBeInstanceOf(Error);
			await host.deactivate();

			const text = [
				...strings(host.started),
				...strings(observed),
				inspect(observed, { depth: 12, showHidden: true }),
				...output.slice(seenFrom),
				...logged.slice(loggedFrom),
				...sandboxLog.slice(sandboxLogFrom),
			].join('\n');
			expect(text).toContain('bad_signature'); // the answers really are in what was scanned
			expect(text).toContain('WEBHOOK_URL');
			for (const hidden of [secret, secret.slice('whsec_'.length), KEY]) {
				expect(text).not.toContain(hidden);
				expect(text).not.toContain(hidden.slice(-16));
			}
		} finally {
			await host.close();
		}
	});
});
