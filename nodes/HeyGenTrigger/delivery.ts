/**
 * What to do with one incoming delivery: the checks in order (size, signature, timestamp, body,
 * event id, repeat, event filter) and the HTTP answer for each outcome. Pure: the node reads the
 * request, calls `judgeDelivery` and writes the answer, so every rule is testable on its own.
 */
import type { IDataObject } from 'n8n-workflow';

import { checkTimestamp, signatureMatches, TIMESTAMP_TOLERANCE_SECONDS } from './signature';

/** HeyGen's events are small JSON documents; anything bigger is not from HeyGen. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** How many recent event ids are remembered to drop repeats (oldest forgotten first). */
export const REMEMBERED_EVENT_IDS = 500;

export interface Delivery {
	headers: Record<string, string | string[] | undefined>;
	rawBody: Buffer | undefined;
	/** the endpoint's secret from the node's static data (undefined if never registered) */
	secret: string | undefined;
	nowSeconds: number;
	recentEventIds: readonly string[];
	/** selected event types; empty = all */
	events: readonly string[];
}

export interface AcceptedEvent {
	event_type: string;
	event_id: string;
	event_data: IDataObject;
	/** from Heygen-Timestamp, ISO 8601 */
	delivered_at: string;
}

/** `start`: run the workflow with `event`; otherwise answer and start nothing. */
export type Verdict =
	| { start: true; status: 200; answer: IDataObject; event: AcceptedEvent }
	| { start: false; status: number; answer: IDataObject };

function reject(status: number, reason: string, message: string): Verdict {
	return { start: false, status, answer: { received: false, reason, message } };
}

/** Delivered but deliberately not run: answered 2xx so HeyGen stops retrying. */
function skip(reason: string, message: string): Verdict {
	return { start: false, status: 200, answer: { received: true, started: false, reason, message } };
}

function header(headers: Delivery['headers'], name: string): string | undefined {
	const value = headers[name];
	const first = Array.isArray(value) ? value[0] : value;
	return first === undefined || first.trim() === '' ? undefined : first;
}

export function judgeDelivery(delivery: Delivery): Verdict {
	const { rawBody, secret } = delivery;
	if (!secret)
		return reject(
			401,
			'not_registered',
			'This trigger has no registered HeyGen endpoint; activate the workflow again.',
		);
	if (rawBody && rawBody.length > MAX_BODY_BYTES)
		return reject(413, 'too_large', `Body over ${MAX_BODY_BYTES} bytes.`);
	const signature = header(delivery.headers, 'heygen-signature');
	if (!signature) return reject(401, 'missing_signature', 'Heygen-Signature header missing.');
	if (!rawBody || !signatureMatches(rawBody, signature, secret))
		return reject(401, 'bad_signature', 'Heygen-Signature does not match the body.');

	const timestamp = header(delivery.headers, 'heygen-timestamp');
	if (!timestamp) return reject(400, 'missing_timestamp', 'Heygen-Timestamp header missing.');
	const freshness = checkTimestamp(timestamp, delivery.nowSeconds);
	if (freshness === 'invalid')
		return reject(400, 'invalid_timestamp', 'Heygen-Timestamp is not unix seconds.');
	if (freshness !== 'fresh')
		return reject(
			400,
			`${freshness}_timestamp`,
			`Heygen-Timestamp is more than ${TIMESTAMP_TOLERANCE_SECONDS} s in the ${freshness === 'stale' ? 'past' : 'future'}.`,
		);

	let body: unknown;
	try {
		body = JSON.parse(rawBody.toString('utf8'));
	} catch {
		return reject(400, 'malformed_body', 'The body is not JSON.');
	}
	if (!body || typeof body !== 'object' || Array.isArray(body))
		return reject(400, 'malformed_body', 'The body is not a JSON object.');
	const payload = body as IDataObject;
	// HeyGen documents `event_type`; its older deliveries (and HeyGen's own n8n node) use `event`.
	const eventType = [payload.event_type, payload.event].find(
		(v): v is string => typeof v === 'string' && v !== '',
	);
	if (!eventType) return reject(400, 'missing_event_type', 'The body has no event_type.');
	const eventId =
		header(delivery.headers, 'heygen-event-id') ??
		(typeof payload.event_id === 'string' && payload.event_id ? payload.event_id : undefined);
	if (!eventId) return reject(400, 'missing_event_id', 'Heygen-Event-Id header missing.');

	if (delivery.recentEventIds.includes(eventId))
		return skip('duplicate', `Event ${eventId} was already received.`);
	// HeyGen has been seen delivering event types an endpoint did not subscribe to.
	if (delivery.events.length > 0 && !delivery.events.includes(eventType))
		return skip('not_selected', `Event type ${eventType} is not selected in this trigger.`);

	const data = payload.event_data;
	return {
		start: true,
		status: 200,
		answer: { received: true, started: true },
		event: {
			event_type: eventType,
			event_id: eventId,
			event_data:
				data && typeof data === 'object' && !Array.isArray(data) ? (data as IDataObject) : {},
			delivered_at: new Date(Number(timestamp.trim()) * 1000).toISOString(),
		},
	};
}

/** The remembered ids after accepting `eventId`, bounded to REMEMBERED_EVENT_IDS. */
export function rememberEventId(recent: readonly string[], eventId: string): string[] {
	return [...recent.slice(-(REMEMBERED_EVENT_IDS - 1)), eventId];
}
