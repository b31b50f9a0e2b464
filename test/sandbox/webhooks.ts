/**
 * Registered webhook endpoints (heygen-api-generation.md §A.7) and their signed deliveries.
 *
 * API: `/v3/webhooks/endpoints` (create, list, patch, delete, rotate-secret; the secret only on
 * create and rotate) and `/v3/webhooks/event-types`. When a job finishes, `announceSessionEnd`
 * POSTs the event to every enabled endpoint subscribed to it, signed like HeyGen
 * (`Heygen-Signature` = hex HMAC-SHA256 of the raw body keyed with the secret as returned,
 * `Heygen-Timestamp`, `Heygen-Event-Id`), retrying non-2xx answers with exponential backoff.
 *
 * Control (loopback, no auth): `GET /__sandbox/webhooks` (endpoints without secrets, deliveries)
 * and `POST /__sandbox/webhooks/deliver {kind, endpoint_id?, event_type?, event_data?}`, which sends
 * one delivery now — normal or hostile (see DELIVERY_KINDS) — and answers with the receiver's reply.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as undiciRequest } from 'undici';

import { ApiError, hexId, type Core, type Ctx, type Route } from './core';
import type { SessionRecord } from './types';

/** HeyGen's event enum (gen/webhook.go); deliberately not shared with the node under test. */
export const EVENT_TYPES: Record<string, string> = {
	'avatar_video.success': 'Avatar video completed',
	'avatar_video.fail': 'Avatar video failed',
	'avatar_video_gif.success': 'Avatar video GIF completed',
	'avatar_video_gif.fail': 'Avatar video GIF failed',
	'avatar_video_caption.success': 'Avatar video caption completed',
	'avatar_video_caption.fail': 'Avatar video caption failed',
	'video_translate.success': 'Video translation completed',
	'video_translate.fail': 'Video translation failed',
	'video_translate.preflight.validation_failed': 'Video translation preflight validation failed',
	'video_translate.preflight.download_failed': 'Video translation preflight download failed',
	personalized_video: 'Personalized video',
	'instant_avatar.success': 'Instant avatar completed',
	'instant_avatar.fail': 'Instant avatar failed',
	'photo_avatar_generation.success': 'Photo avatar generation completed',
	'photo_avatar_generation.fail': 'Photo avatar generation failed',
	'photo_avatar_train.success': 'Photo avatar training completed',
	'photo_avatar_train.fail': 'Photo avatar training failed',
	'photo_avatar_add_motion.success': 'Photo avatar motion completed',
	'photo_avatar_add_motion.fail': 'Photo avatar motion failed',
	'proofread_creation.success': 'Proofread creation completed',
	'proofread_creation.fail': 'Proofread creation failed',
	'live_avatar.success': 'Live avatar completed',
	'live_avatar.fail': 'Live avatar failed',
	'video_agent.success': 'Video Agent session completed',
	'video_agent.fail': 'Video Agent session failed',
	'hyperframes_video.success': 'HyperFrames video completed',
	'hyperframes_video.fail': 'HyperFrames video failed',
	'ai_clipping.success': 'AI clipping completed',
	'ai_clipping.fail': 'AI clipping failed',
	'batch.finished': 'Batch finished',
};

/** Attempts of an automatic delivery; the wait before attempt n+1 is RETRY_BASE_MS × 2^(n-1). */
export const MAX_ATTEMPTS = 4;
export const RETRY_BASE_MS = 200;
const DELIVERY_TIMEOUT_MS = 10_000;
/** Bigger than any real event, and than the trigger's 1 MiB limit. */
const OVERSIZED_BYTES = 2 * 1024 * 1024;
/** Outside the ±5 min window. */
const SKEW_SECONDS = 600;

export const DELIVERY_KINDS = [
	'normal',
	'tampered', // body changed after signing
	'forged', // signed with another secret
	'unsigned', // no Heygen-Signature
	'no-timestamp', // no Heygen-Timestamp
	'no-event-id', // no Heygen-Event-Id
	'stale', // timestamp 10 min ago
	'future', // timestamp in 10 min
	'repeat', // the endpoint's last event again, same event id, freshly signed
	'unsubscribed', // an event type the endpoint did not subscribe to
	'malformed', // signed, but not JSON
	'oversized', // signed JSON of 2 MiB
] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

interface EndpointRecord {
	endpoint_id: string;
	url: string;
	events: string[] | null;
	entity_id: string | null;
	status: 'enabled' | 'disabled';
	created_at: string;
	secret: string;
}

interface SentEvent {
	event_id: string;
	raw: string;
}

export interface WebhookDelivery {
	endpoint_id: string;
	url: string;
	kind: DeliveryKind | 'automatic';
	event_id: string | null;
	event_type: string | null;
	attempt: number;
	/** the receiver's status, 0 when unreachable */
	status: number;
	/** the receiver's answer (first 2 KB) */
	answer: string;
	error?: string;
	at: number;
}

interface WebhookState {
	endpoints: Map<string, EndpointRecord>;
	deliveries: WebhookDelivery[];
	lastEvent: Map<string, SentEvent>;
	inFlight: Set<Promise<unknown>>;
}

const states = new WeakMap<Core, WebhookState>();

function stateOf(core: Core): WebhookState {
	let state = states.get(core);
	if (!state) {
		state = { endpoints: new Map(), deliveries: [], lastEvent: new Map(), inFlight: new Set() };
		states.set(core, state);
	}
	return state;
}

/** Called by Core.reset(). */
export function resetWebhooks(core: Core): void {
	states.delete(core);
}

function newSecret(): string {
	return `whsec_${hexId(24)}`;
}

function publicView(e: EndpointRecord, withSecret = false) {
	const { secret, ...rest } = e;
	return { ...rest, secret: withSecret ? secret : null };
}

function bad(param: string, message: string): ApiError {
	return new ApiError(400, 'invalid_parameter', message, param);
}

function readUrl(value: unknown): string {
	if (typeof value !== 'string' || !/^https?:\/\//i.test(value))
		throw bad('url', "'url' must be an http(s) URL.");
	try {
		new URL(value);
	} catch {
		throw bad('url', "'url' must be an http(s) URL.");
	}
	return value;
}

function readEvents(value: unknown): string[] | null {
	if (value === undefined || value === null) return null;
	if (!Array.isArray(value) || value.some((e) => typeof e !== 'string' || !(e in EVENT_TYPES)))
		throw bad('events', "'events' must be a list of event types from /v3/webhooks/event-types.");
	return value.length ? [...new Set(value as string[])] : null;
}

function getEndpoint(core: Core, id: string): EndpointRecord {
	const e = stateOf(core).endpoints.get(id);
	if (!e) throw new ApiError(404, 'not_found', 'Webhook endpoint not found.');
	return e;
}

const ALLOWED_CREATE_KEYS = new Set(['url', 'events', 'entity_id']);

async function createEndpoint(core: Core, ctx: Ctx) {
	const body = await core.readJsonObject(ctx);
	for (const key of Object.keys(body))
		if (!ALLOWED_CREATE_KEYS.has(key)) throw bad(key, `Unknown field '${key}'.`);
	const endpoint: EndpointRecord = {
		endpoint_id: `ep_${hexId(12)}`,
		url: readUrl(body.url),
		events: readEvents(body.events),
		entity_id: typeof body.entity_id === 'string' ? body.entity_id : null,
		status: 'enabled',
		created_at: new Date().toISOString(),
		secret: newSecret(),
	};
	stateOf(core).endpoints.set(endpoint.endpoint_id, endpoint);
	return { status: 200, body: { data: publicView(endpoint, true) } };
}

async function patchEndpoint(core: Core, ctx: Ctx) {
	const endpoint = getEndpoint(core, ctx.params.id);
	const body = await core.readJsonObject(ctx);
	if (body.url !== undefined) endpoint.url = readUrl(body.url);
	if (body.events !== undefined) endpoint.events = readEvents(body.events);
	return { status: 200, body: { data: publicView(endpoint) } };
}

export const webhookRoutes: Route[] = [
	{ method: 'POST', pattern: '/v3/webhooks/endpoints', handler: createEndpoint },
	{
		method: 'GET',
		pattern: '/v3/webhooks/endpoints',
		handler: (core, ctx) =>
			core.paginate(
				ctx,
				[...stateOf(core).endpoints.values()].map((e) => publicView(e)),
				'webhook-endpoints',
				10,
				100,
			),
	},
	{ method: 'PATCH', pattern: '/v3/webhooks/endpoints/:id', handler: patchEndpoint },
	{
		method: 'DELETE',
		pattern: '/v3/webhooks/endpoints/:id',
		handler: (core, ctx) => {
			getEndpoint(core, ctx.params.id);
			stateOf(core).endpoints.delete(ctx.params.id);
			stateOf(core).lastEvent.delete(ctx.params.id);
			return { status: 200, body: { data: {} } };
		},
	},
	{
		method: 'POST',
		pattern: '/v3/webhooks/endpoints/:id/rotate-secret',
		handler: (core, ctx) => {
			const endpoint = getEndpoint(core, ctx.params.id);
			endpoint.secret = newSecret(); // the old one is invalid at once
			return {
				status: 200,
				body: { data: { endpoint_id: endpoint.endpoint_id, secret: endpoint.secret } },
			};
		},
	},
	{
		method: 'GET',
		pattern: '/v3/webhooks/event-types',
		handler: () => ({
			status: 200,
			body: {
				data: Object.entries(EVENT_TYPES).map(([event_type, description]) => ({
					event_type,
					description,
				})),
			},
		}),
	},
];

// ---- deliveries ------------------------------------------------------------------------------------

function sign(raw: string, secret: string): string {
	return createHmac('sha256', secret).update(raw).digest('hex');
}

function newEventId(): string {
	return `evt_${randomUUID().replace(/-/g, '')}`;
}

function subscribed(endpoint: EndpointRecord, eventType: string): boolean {
	return endpoint.events === null || endpoint.events.includes(eventType);
}

interface Outgoing {
	endpoint: EndpointRecord;
	kind: WebhookDelivery['kind'];
	raw: string;
	eventId: string | null;
	eventType: string | null;
	headers: Record<string, string>;
	attempt: number;
}

async function send(core: Core, out: Outgoing): Promise<WebhookDelivery> {
	const record: WebhookDelivery = {
		endpoint_id: out.endpoint.endpoint_id,
		url: out.endpoint.url,
		kind: out.kind,
		event_id: out.eventId,
		event_type: out.eventType,
		attempt: out.attempt,
		status: 0,
		answer: '',
		at: Date.now(),
	};
	const state = stateOf(core);
	try {
		const res = await undiciRequest(out.endpoint.url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'user-agent': 'HeyGen-Sandbox-Webhook/1.0',
				...out.headers,
			},
			body: out.raw,
			signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
		});
		record.status = res.statusCode;
		record.answer = (await res.body.text()).slice(0, 2048);
	} catch (err) {
		record.error = err instanceof Error ? err.message : String(err);
	}
	if (states.get(core) === state) state.deliveries.push(record);
	return record;
}

function track<T>(core: Core, p: Promise<T>): Promise<T> {
	const inFlight = stateOf(core).inFlight;
	inFlight.add(p);
	void p.finally(() => inFlight.delete(p));
	return p;
}

function signedHeaders(raw: string, secret: string, eventId: string) {
	return {
		'heygen-signature': sign(raw, secret),
		'heygen-timestamp': String(Math.floor(Date.now() / 1000)),
		'heygen-event-id': eventId,
	};
}

/** One automatic delivery attempt; a non-2xx answer schedules the next with backoff. */
function deliverAutomatically(core: Core, endpoint: EndpointRecord, event: SentEvent, attempt = 1) {
	if (core.stopped) return;
	const eventType = (JSON.parse(event.raw) as { event_type: string }).event_type;
	void track(
		core,
		send(core, {
			endpoint,
			kind: 'automatic',
			raw: event.raw,
			eventId: event.event_id,
			eventType,
			// signed afresh per attempt (new timestamp), same event id: receivers de-duplicate on it
			headers: signedHeaders(event.raw, endpoint.secret, event.event_id),
			attempt,
		}).then((record) => {
			const ok = record.status >= 200 && record.status < 300;
			if (!ok && attempt < MAX_ATTEMPTS && stateOf(core).endpoints.has(endpoint.endpoint_id))
				core.schedule(RETRY_BASE_MS * 2 ** (attempt - 1), () =>
					deliverAutomatically(core, endpoint, event, attempt + 1),
				);
		}),
	);
}

/** Sends an event to every enabled endpoint subscribed to its type. */
export function emitWebhookEvent(
	core: Core,
	eventType: string,
	eventData: Record<string, unknown>,
) {
	for (const endpoint of stateOf(core).endpoints.values()) {
		if (endpoint.status !== 'enabled' || !subscribed(endpoint, eventType)) continue;
		const event = {
			event_id: newEventId(),
			raw: JSON.stringify({ event_type: eventType, event_data: eventData }),
		};
		stateOf(core).lastEvent.set(endpoint.endpoint_id, event);
		deliverAutomatically(core, endpoint, event);
	}
}

/** The hook in agents.ts: a Video Agent session ended. */
export function announceSessionEnd(
	core: Core,
	s: SessionRecord,
	status: 'completed' | 'failed',
	videoId: string | null,
	msg?: string,
): void {
	const base = {
		session_id: s.session_id,
		video_id: videoId,
		callback_id: typeof s.request.callback_id === 'string' ? s.request.callback_id : null,
	};
	if (status === 'completed')
		emitWebhookEvent(core, 'video_agent.success', {
			...base,
			url: `${core.storageUrl}/videos/${videoId}.mp4`,
		});
	else
		emitWebhookEvent(core, 'video_agent.fail', { ...base, msg: msg ?? 'Video generation failed.' });
}

/** Resolves once every delivery in flight has been answered (retries scheduled later are not awaited). */
export async function settleWebhooks(core: Core): Promise<void> {
	const inFlight = stateOf(core).inFlight;
	while (inFlight.size) await Promise.allSettled([...inFlight]);
}

export function webhookDeliveries(core: Core): WebhookDelivery[] {
	return [...stateOf(core).deliveries];
}

// ---- control: one delivery now ---------------------------------------------------------------------

class ControlError extends Error {}

function pickEndpoint(core: Core, id: unknown): EndpointRecord {
	const all = [...stateOf(core).endpoints.values()];
	if (typeof id === 'string') {
		const e = stateOf(core).endpoints.get(id);
		if (!e) throw new ControlError(`no endpoint ${id}`);
		return e;
	}
	if (!all.length) throw new ControlError('no webhook endpoint is registered');
	return all[all.length - 1];
}

export async function sendControlDelivery(
	core: Core,
	spec: { kind?: unknown; endpoint_id?: unknown; event_type?: unknown; event_data?: unknown },
): Promise<WebhookDelivery> {
	const kind = (spec.kind ?? 'normal') as DeliveryKind;
	if (!DELIVERY_KINDS.includes(kind))
		throw new ControlError(`kind must be one of ${DELIVERY_KINDS.join(', ')}`);
	const endpoint = pickEndpoint(core, spec.endpoint_id);
	const state = stateOf(core);
	const now = Math.floor(Date.now() / 1000);

	let eventType =
		typeof spec.event_type === 'string'
			? spec.event_type
			: (endpoint.events?.[0] ?? 'video_agent.success');
	if (kind === 'unsubscribed') {
		const other = Object.keys(EVENT_TYPES).find((t) => !subscribed(endpoint, t));
		if (!other) throw new ControlError('the endpoint subscribes to every event type');
		eventType = other;
	}
	const eventData =
		spec.event_data && typeof spec.event_data === 'object'
			? spec.event_data
			: { video_id: `video_${hexId(8)}`, session_id: `session_${hexId(8)}` };

	let event: SentEvent = {
		event_id: newEventId(),
		raw: JSON.stringify({ event_type: eventType, event_data: eventData }),
	};
	if (kind === 'repeat') {
		const last = state.lastEvent.get(endpoint.endpoint_id);
		if (!last) throw new ControlError('nothing was delivered to this endpoint yet');
		event = last;
		eventType = (JSON.parse(last.raw) as { event_type: string }).event_type;
	}
	let raw = event.raw;
	if (kind === 'malformed') raw = `{"event_type":"${eventType}","event_data":{"video_id":`;
	if (kind === 'oversized')
		raw = JSON.stringify({
			event_type: eventType,
			event_data: { ...(eventData as object), padding: 'x'.repeat(OVERSIZED_BYTES) },
		});

	const headers: Record<string, string> = signedHeaders(raw, endpoint.secret, event.event_id);
	if (kind === 'tampered') raw = raw.replace('"event_data":{', '"event_data":{"tampered":true,');
	if (kind === 'forged') headers['heygen-signature'] = sign(raw, newSecret());
	if (kind === 'unsigned') delete headers['heygen-signature'];
	if (kind === 'no-timestamp') delete headers['heygen-timestamp'];
	if (kind === 'no-event-id') delete headers['heygen-event-id'];
	if (kind === 'stale') headers['heygen-timestamp'] = String(now - SKEW_SECONDS);
	if (kind === 'future') headers['heygen-timestamp'] = String(now + SKEW_SECONDS);
	if (kind === 'normal') state.lastEvent.set(endpoint.endpoint_id, event);

	return await track(
		core,
		send(core, {
			endpoint,
			kind,
			raw,
			eventId: kind === 'no-event-id' ? null : event.event_id,
			eventType,
			headers,
			attempt: 1,
		}),
	);
}

function writeJson(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': String(Buffer.byteLength(text)),
	});
	res.end(text);
}

async function readControlBody(req: IncomingMessage): Promise<Record<string, unknown>> {
	const chunks: Buffer[] = [];
	for await (const c of req) chunks.push(c as Buffer);
	const text = Buffer.concat(chunks).toString('utf8').trim();
	return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** `/__sandbox/webhooks…` control routes; false when the path is not one of them. */
export async function webhookControl(
	core: Core,
	req: IncomingMessage,
	res: ServerResponse,
	route: string,
): Promise<boolean> {
	if (route === 'GET /__sandbox/webhooks') {
		const state = stateOf(core);
		writeJson(res, 200, {
			endpoints: [...state.endpoints.values()].map((e) => publicView(e)),
			deliveries: state.deliveries,
		});
		return true;
	}
	if (route === 'POST /__sandbox/webhooks/deliver') {
		try {
			writeJson(res, 200, await sendControlDelivery(core, await readControlBody(req)));
		} catch (err) {
			if (!(err instanceof ControlError || err instanceof SyntaxError)) throw err;
			writeJson(res, 400, { error: err.message });
		}
		return true;
	}
	return false;
}
