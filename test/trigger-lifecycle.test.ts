/**
 * The HeyGen Trigger against the sandbox, in n8n-core's real HookContext / WebhookContext (see
 * test/harness/trigger.ts for what is and is not n8n here): registration on activation, a real
 * finished Video Agent session delivered, signed and fetched; every hostile delivery answered and
 * starting nothing; restart with the same endpoint; lost secret or changed events replace it;
 * deactivation deletes it; the https-only rule.
 */
import type { INodeParameters } from 'n8n-workflow';

import { removeScratch } from './harness/engine';
import { sandboxCredentials, triggerNode } from './harness/heygen';
import { hostTrigger, type TriggerHost } from './harness/trigger';
import { start, type Sandbox } from './sandbox';
import { api, call, until } from './sandbox/testkit';

let sb: Sandbox;
const hosts: TriggerHost[] = [];

beforeAll(async () => {
	sb = await start({
		port: 0,
		quiet: true,
		clock: { thinkingMs: 20, generatingMs: 40, videoPendingMs: 10, videoProcessingMs: 20 },
	});
});

afterAll(async () => {
	await sb.stop();
	removeScratch();
});

beforeEach(() => sb.reset());

afterEach(async () => {
	while (hosts.length) await hosts.pop()!.close();
});

async function host(parameters: INodeParameters = {}, publicBaseUrl?: string) {
	const h = await hostTrigger({
		node: triggerNode(parameters),
		credentials: sandboxCredentials(sb),
		publicBaseUrl,
	});
	hosts.push(h);
	return h;
}

const control = (path: string, json?: unknown) =>
	call(sb.apiUrl, sb, json === undefined ? 'GET' : 'POST', path, { json, auth: false });
const deliver = async (kind: string) =>
	(await control('/__sandbox/webhooks/deliver', { kind })).json as {
		status: number;
		answer: string;
		event_id: string | null;
	};
const endpoints = async () =>
	(await control('/__sandbox/webhooks')).json.endpoints as Array<{
		endpoint_id: string;
		url: string;
		events: string[] | null;
	}>;
/** The node answers before it fetches the result, so the started items come a little later. */
const startedOnce = async (h: TriggerHost, n = 1) => {
	await until(() => h.started.length >= n, 5000);
	await new Promise((r) => setTimeout(r, 100)); // and no more than n
	expect(h.started).toHaveLength(n);
};
const calls = (method: string, prefix: string) =>
	sb.journal('api').filter((e) => e.method === method && e.path.startsWith(prefix));

async function finishedSession() {
	const created = await api(sb, 'POST', '/v3/video-agents', { json: { prompt: 'A teaser' } });
	return created.json.data.session_id as string;
}

it('registers on activation, and a finished session starts the workflow once with the fetched video', async () => {
	const h = await host({ events: ['video_agent.success', 'video_agent.fail'] });
	expect(await h.activate()).toBe(true);
	const [registration] = calls('POST', '/v3/webhooks/endpoints');
	expect(registration).toBeDefined();
	const [endpoint] = await endpoints();
	expect(endpoint).toMatchObject({
		url: h.webhookUrl,
		events: ['video_agent.success', 'video_agent.fail'],
	});
	expect(h.staticData()).toMatchObject({
		endpointId: endpoint.endpoint_id,
		secret: expect.stringMatching(/^whsec_/),
	});

	const sessionId = await finishedSession();
	await until(() => h.started.length === 1, 5000);
	const [item] = h.started[0];
	const videoId = sb.sessions.get(sessionId)!.video_id!;
	expect(item.json).toMatchObject({
		event_type: 'video_agent.success',
		event_id: expect.stringMatching(/^evt_/),
		event_data: { session_id: sessionId, video_id: videoId },
		delivered_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		result_type: 'video',
		result: { id: videoId, status: 'completed', video_url: expect.stringContaining(videoId) },
	});
	expect(calls('GET', `/v3/videos/${videoId}`)).toHaveLength(1);
	const [auto] = (await control('/__sandbox/webhooks')).json.deliveries;
	expect([auto.kind, auto.status, JSON.parse(auto.answer)]).toEqual([
		'automatic',
		200,
		{ received: true, started: true },
	]);
});

it('answers every hostile delivery as documented and starts nothing', async () => {
	const h = await host({ events: ['video_agent.success'] });
	await h.activate();
	expect((await deliver('normal')).status).toBe(200);
	await startedOnce(h);
	const answers: Record<string, [number, string]> = {};
	for (const kind of [
		'tampered',
		'forged',
		'unsigned',
		'no-timestamp',
		'no-event-id',
		'stale',
		'future',
		'repeat',
		'unsubscribed',
		'malformed',
		'oversized',
	]) {
		const sent = await deliver(kind);
		answers[kind] = [sent.status, JSON.parse(sent.answer).reason];
	}
	expect(answers).toEqual({
		tampered: [401, 'bad_signature'],
		forged: [401, 'bad_signature'],
		unsigned: [401, 'missing_signature'],
		'no-timestamp': [400, 'missing_timestamp'],
		'no-event-id': [400, 'missing_event_id'],
		stale: [400, 'stale_timestamp'],
		future: [400, 'future_timestamp'],
		repeat: [200, 'duplicate'],
		unsubscribed: [200, 'not_selected'],
		malformed: [400, 'malformed_body'],
		oversized: [413, 'too_large'],
	});
	await startedOnce(h);
	// nothing of the rejected bodies was fetched either
	expect(calls('GET', '/v3/videos/')).toHaveLength(1);
});

it('keeps the same endpoint across a restart and still accepts deliveries', async () => {
	const h = await host();
	await h.activate();
	const [before] = await endpoints();
	const restarted = await h.restart();
	hosts.push(restarted);
	sb.clearJournal();
	expect(await restarted.activate()).toBe(false);
	expect(calls('POST', '/v3/webhooks/endpoints')).toHaveLength(0);
	expect(await endpoints()).toEqual([before]);
	expect((await deliver('normal')).status).toBe(200);
	await startedOnce(restarted);
});

it('replaces the endpoint when the stored secret is lost or the events changed', async () => {
	const h = await host({ events: ['video_agent.success'] });
	await h.activate();
	const [first] = await endpoints();
	delete h.staticData().secret;
	expect(await h.activate()).toBe(true);
	const [second, ...more] = await endpoints();
	expect(more).toEqual([]);
	expect(second.endpoint_id).not.toBe(first.endpoint_id);
	expect(calls('DELETE', `/v3/webhooks/endpoints/${first.endpoint_id}`)).toHaveLength(1);

	// the same URL, now with other events selected (what a re-published workflow looks like)
	h.node.parameters.events = ['video_agent.fail'];
	expect(await h.activate()).toBe(true);
	const [third, ...rest] = await endpoints();
	expect(rest).toEqual([]);
	expect(third).toMatchObject({ url: h.webhookUrl, events: ['video_agent.fail'] });
	expect((await deliver('normal')).status).toBe(200);
	await startedOnce(h);
});

it('deletes the endpoint on deactivation and forgets its secret', async () => {
	const h = await host();
	await h.activate();
	const [endpoint] = await endpoints();
	expect(await h.deactivate()).toBe(true);
	expect(calls('DELETE', `/v3/webhooks/endpoints/${endpoint.endpoint_id}`)).toHaveLength(1);
	expect(await endpoints()).toEqual([]);
	expect(h.staticData()).toEqual({});
});

it('passes the event on with result_error when the named video cannot be read, and skips the read when Fetch the Result is off', async () => {
	const h = await host();
	await h.activate();
	expect((await deliver('normal')).status).toBe(200); // a made-up video id
	await startedOnce(h);
	expect(h.started[0][0].json).toMatchObject({
		result_type: 'video',
		result: null,
		result_error: expect.stringContaining('404'),
	});

	const quiet = await host({ fetchResult: false });
	await quiet.activate();
	sb.clearJournal();
	await control('/__sandbox/webhooks/deliver', {
		kind: 'normal',
		endpoint_id: quiet.staticData().endpointId,
	});
	await startedOnce(quiet);
	expect(Object.keys(quiet.started[0][0].json).sort()).toEqual([
		'delivered_at',
		'event_data',
		'event_id',
		'event_type',
	]);
	expect(calls('GET', '/v3/videos/')).toHaveLength(0);
});

it('refuses to activate with a plain-http webhook URL unless the API is the local sandbox', async () => {
	const remote = await hostTrigger({
		node: triggerNode(),
		credentials: {
			heyGenV3Api: { apiKey: sb.apiKey, baseUrl: 'https://api.heygen.invalid' },
		},
		publicBaseUrl: 'http://n8n.example.com',
	});
	hosts.push(remote);
	await expect(remote.activate()).rejects.toThrow(
		"HeyGen can only deliver events to an https:// URL, and this n8n's webhook URL is http://n8n.example.com",
	);
	await expect(remote.activate()).rejects.toMatchObject({
		description: expect.stringContaining('WEBHOOK_URL'),
	});

	// https is fine anywhere; http only because the sandbox's base URL is loopback
	const https = await host({}, 'https://n8n.example.com');
	expect(await https.activate()).toBe(true);
	expect((await endpoints())[0].url).toMatch(/^https:\/\/n8n\.example\.com\/webhook\//);
});

it('works the same for the editor\'s "listen for test event" on the test URL, and cleans up', async () => {
	const h = await hostTrigger({
		node: triggerNode({ events: ['video_agent.success'] }),
		credentials: sandboxCredentials(sb),
		test: true,
	});
	hosts.push(h);
	expect(h.webhookUrl).toContain('/webhook-test/');
	expect(await h.activate()).toBe(true);
	expect((await endpoints()).map((e) => e.url)).toEqual([h.webhookUrl]);
	await finishedSession();
	await startedOnce(h);
	expect(h.started[0][0].json).toMatchObject({
		event_type: 'video_agent.success',
		result_type: 'video',
	});
	expect(await h.deactivate()).toBe(true);
	expect(await endpoints()).toEqual([]);
});
