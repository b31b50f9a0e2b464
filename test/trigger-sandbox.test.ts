/**
 * The sandbox's webhook endpoints API and its deliveries, checked by a plain loopback receiver:
 * secrets only on create/rotate, validation, event types, signed automatic deliveries when a Video
 * Agent session ends, retries with backoff, and every kind of control-API delivery.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { start, type Sandbox } from './sandbox';
import { api, call, until } from './sandbox/testkit';
import { DELIVERY_KINDS, EVENT_TYPES, MAX_ATTEMPTS, RETRY_BASE_MS } from './sandbox/webhooks';

interface Received {
	headers: IncomingHttpHeaders;
	raw: Buffer;
	at: number;
}

let sb: Sandbox;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** statuses the receiver answers with, in order; then 200 */
const answers: number[] = [];

beforeAll(async () => {
	sb = await start({
		port: 0,
		quiet: true,
		clock: { thinkingMs: 20, generatingMs: 40, videoPendingMs: 10, videoProcessingMs: 20 },
	});
	receiver = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push({ headers: req.headers, raw: Buffer.concat(chunks), at: Date.now() });
			res.writeHead(answers.shift() ?? 200).end('ok');
		});
	});
	await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
	await sb.stop();
	await new Promise<void>((r) => receiver.close(() => r()));
});

beforeEach(() => {
	sb.reset();
	received.length = 0;
	answers.length = 0;
});

const control = (path: string, json?: unknown) =>
	call(sb.apiUrl, sb, json === undefined ? 'GET' : 'POST', path, { json, auth: false });

async function register(events?: string[]) {
	const res = await api(sb, 'POST', '/v3/webhooks/endpoints', {
		json: { url: receiverUrl, ...(events ? { events } : {}) },
	});
	expect(res.status).toBe(200);
	return res.json.data as { endpoint_id: string; secret: string; events: string[] | null };
}

const sign = (secret: string, raw: Buffer) =>
	createHmac('sha256', secret).update(raw).digest('hex');

describe('endpoints API', () => {
	it('returns the secret on create and rotate only; rotate replaces it', async () => {
		const created = await register(['video_agent.success']);
		expect(created.secret).toMatch(/^whsec_[0-9a-f]{48}$/);
		expect(created.events).toEqual(['video_agent.success']);
		const list = await api(sb, 'GET', '/v3/webhooks/endpoints');
		expect(list.json.data).toEqual([
			expect.objectContaining({
				endpoint_id: created.endpoint_id,
				url: receiverUrl,
				secret: null,
				status: 'enabled',
			}),
		]);
		expect(list.json.has_more).toBe(false);
		const patched = await api(sb, 'PATCH', `/v3/webhooks/endpoints/${created.endpoint_id}`, {
			json: { events: ['video_agent.fail'] },
		});
		expect(patched.json.data).toMatchObject({ events: ['video_agent.fail'], secret: null });
		const rotated = await api(
			sb,
			'POST',
			`/v3/webhooks/endpoints/${created.endpoint_id}/rotate-secret`,
		);
		expect(rotated.json.data.endpoint_id).toBe(created.endpoint_id);
		expect(rotated.json.data.secret).toMatch(/^whsec_/);
		expect(rotated.json.data.secret).not.toBe(created.secret);
		const sent = await control('/__sandbox/webhooks/deliver', { kind: 'normal' });
		expect(sent.json.status).toBe(200);
		expect(received[0].headers['heygen-signature']).toBe(
			sign(rotated.json.data.secret, received[0].raw),
		);
	});

	it('validates url and events, needs the API key, and 404s unknown ids', async () => {
		const badUrl = await api(sb, 'POST', '/v3/webhooks/endpoints', { json: { url: 'ftp://x' } });
		expect([badUrl.status, badUrl.json.error.param]).toEqual([400, 'url']);
		const badEvent = await api(sb, 'POST', '/v3/webhooks/endpoints', {
			json: { url: receiverUrl, events: ['video.done'] },
		});
		expect([badEvent.status, badEvent.json.error.param]).toEqual([400, 'events']);
		const noKey = await api(sb, 'GET', '/v3/webhooks/endpoints', { auth: false });
		expect(noKey.status).toBe(401);
		expect((await api(sb, 'DELETE', '/v3/webhooks/endpoints/ep_nope')).status).toBe(404);
		const created = await register();
		expect((await api(sb, 'DELETE', `/v3/webhooks/endpoints/${created.endpoint_id}`)).status).toBe(
			200,
		);
		expect((await api(sb, 'GET', '/v3/webhooks/endpoints')).json.data).toEqual([]);
	});

	it('lists the event types with descriptions', async () => {
		const res = await api(sb, 'GET', '/v3/webhooks/event-types');
		expect(res.json.data).toHaveLength(30);
		expect(res.json.data).toContainEqual({
			event_type: 'video_agent.success',
			description: EVENT_TYPES['video_agent.success'],
		});
	});
});

describe('deliveries', () => {
	it('signs and delivers video_agent.success when a session finishes, to subscribed endpoints only', async () => {
		const mine = await register(['video_agent.success']);
		await api(sb, 'POST', '/v3/webhooks/endpoints', {
			json: { url: `${receiverUrl}-fail-only`, events: ['video_agent.fail'] },
		});
		const session = await api(sb, 'POST', '/v3/video-agents', { json: { prompt: 'A teaser' } });
		expect(session.status).toBe(200);
		await until(() => received.length === 1, 5000);
		await new Promise((r) => setTimeout(r, 100)); // nothing else arrives
		expect(received).toHaveLength(1);
		const [got] = received;
		const body = JSON.parse(got.raw.toString('utf8'));
		expect(body).toEqual({
			event_type: 'video_agent.success',
			event_data: expect.objectContaining({
				session_id: session.json.data.session_id,
				video_id: expect.stringMatching(/\w/),
				url: expect.stringContaining('/videos/'),
			}),
		});
		expect(got.headers['heygen-signature']).toBe(sign(mine.secret, got.raw));
		expect(Math.abs(Number(got.headers['heygen-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
		expect(got.headers['heygen-event-id']).toMatch(/^evt_[0-9a-f]{32}$/);
	});

	it('retries a non-2xx answer with exponential backoff, same event id, fresh signature', async () => {
		const mine = await register();
		answers.push(500, 503);
		await api(sb, 'POST', '/v3/video-agents', { json: { prompt: 'A teaser' } });
		await until(() => received.length === 3, 5000);
		const ids = new Set(received.map((r) => r.headers['heygen-event-id']));
		expect(ids.size).toBe(1);
		for (const r of received) expect(r.headers['heygen-signature']).toBe(sign(mine.secret, r.raw));
		expect(received[1].at - received[0].at).toBeGreaterThanOrEqual(RETRY_BASE_MS - 20);
		expect(received[2].at - received[1].at).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS - 20);
		const state = (await control('/__sandbox/webhooks')).json;
		const automatic = state.deliveries.filter((d: { kind: string }) => d.kind === 'automatic');
		expect(
			automatic.map((d: { attempt: number; status: number }) => [d.attempt, d.status]),
		).toEqual([
			[1, 500],
			[2, 503],
			[3, 200],
		]);
	});

	it(`gives up after ${MAX_ATTEMPTS} attempts`, async () => {
		await register();
		answers.push(...Array(MAX_ATTEMPTS + 2).fill(500));
		await api(sb, 'POST', '/v3/video-agents', { json: { prompt: 'A teaser' } });
		await until(() => received.length === MAX_ATTEMPTS, 10_000);
		// the next attempt would have come RETRY_BASE_MS × 2^(MAX_ATTEMPTS-1) after the last one
		await new Promise((r) => setTimeout(r, RETRY_BASE_MS * 2 ** (MAX_ATTEMPTS - 1) + 300));
		expect(received).toHaveLength(MAX_ATTEMPTS);
	});

	it('sends each control kind as described', async () => {
		const mine = await register(['video_agent.success']);
		const byKind: Record<string, Received> = {};
		for (const kind of DELIVERY_KINDS) {
			const before = received.length;
			const res = await control('/__sandbox/webhooks/deliver', { kind });
			expect(res.status).toBe(200);
			expect(res.json.kind).toBe(kind);
			expect(received.length).toBe(before + 1);
			byKind[kind] = received[received.length - 1];
		}
		const ok = (r: Received) => r.headers['heygen-signature'] === sign(mine.secret, r.raw);
		const now = Date.now() / 1000;
		const ts = (r: Received) => Number(r.headers['heygen-timestamp']);
		expect(ok(byKind.normal)).toBe(true);
		expect(ok(byKind.tampered)).toBe(false);
		expect(ok(byKind.forged)).toBe(false);
		expect(byKind.unsigned.headers['heygen-signature']).toBeUndefined();
		expect(byKind['no-timestamp'].headers['heygen-timestamp']).toBeUndefined();
		expect(byKind['no-event-id'].headers['heygen-event-id']).toBeUndefined();
		expect(ok(byKind.stale) && ts(byKind.stale) < now - 300).toBe(true);
		expect(ok(byKind.future) && ts(byKind.future) > now + 300).toBe(true);
		expect(ok(byKind.repeat)).toBe(true);
		expect(byKind.repeat.headers['heygen-event-id']).toBe(byKind.normal.headers['heygen-event-id']);
		expect(byKind.repeat.raw.equals(byKind.normal.raw)).toBe(true);
		const unsubscribed = JSON.parse(byKind.unsubscribed.raw.toString('utf8'));
		expect(ok(byKind.unsubscribed) && unsubscribed.event_type !== 'video_agent.success').toBe(true);
		expect(ok(byKind.malformed)).toBe(true);
		expect(() => JSON.parse(byKind.malformed.raw.toString('utf8'))).toThrow();
		expect(ok(byKind.oversized) && byKind.oversized.raw.length > 2 * 1024 * 1024).toBe(true);
	});

	it('refuses an unknown kind and a delivery without endpoints (400)', async () => {
		expect((await control('/__sandbox/webhooks/deliver', { kind: 'normal' })).status).toBe(400);
		await register();
		expect((await control('/__sandbox/webhooks/deliver', { kind: 'nonsense' })).status).toBe(400);
		expect((await control('/__sandbox/webhooks/deliver', { kind: 'unsubscribed' })).status).toBe(
			400,
		);
	});
});
