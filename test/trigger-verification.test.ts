/**
 * The HeyGen Trigger's delivery rules, as pure functions: signature (both key readings, constant
 * time, hex only), the ±5 min window, body and event checks, de-duplication and event filtering.
 */
import { createHmac } from 'node:crypto';

import {
	judgeDelivery,
	MAX_BODY_BYTES,
	REMEMBERED_EVENT_IDS,
	rememberEventId,
	type Delivery,
} from '../nodes/HeyGenTrigger/delivery';
import { checkTimestamp, signatureMatches } from '../nodes/HeyGenTrigger/signature';

const SECRET = 'whsec_0123456789abcdef';
const NOW = 1_800_000_000;
const hmac = (key: string, body: Buffer | string) =>
	createHmac('sha256', key).update(body).digest('hex');

function delivery(over: Partial<Delivery> & { body?: string } = {}): Delivery {
	const body = Buffer.from(
		over.body ??
			JSON.stringify({ event_type: 'video_agent.success', event_data: { video_id: 'v1' } }),
	);
	return {
		headers: {
			'heygen-signature': hmac(SECRET, body),
			'heygen-timestamp': String(NOW),
			'heygen-event-id': 'evt_1',
		},
		rawBody: body,
		secret: SECRET,
		nowSeconds: NOW,
		recentEventIds: [],
		events: [],
		...over,
	};
}

describe('signatureMatches', () => {
	const body = Buffer.from('{"event_type":"avatar_video.success"}');

	it('accepts the HMAC keyed with the secret as returned, and without its whsec_ prefix', () => {
		expect(signatureMatches(body, hmac(SECRET, body), SECRET)).toBe(true);
		expect(signatureMatches(body, hmac('0123456789abcdef', body), SECRET)).toBe(true);
		expect(signatureMatches(body, hmac(SECRET, body).toUpperCase(), SECRET)).toBe(true);
	});

	it('rejects another key, another body, and anything that is not 64 hex digits', () => {
		expect(signatureMatches(body, hmac('whsec_other', body), SECRET)).toBe(false);
		expect(signatureMatches(Buffer.from(`${body} `), hmac(SECRET, body), SECRET)).toBe(false);
		expect(signatureMatches(body, hmac(SECRET, body).slice(0, 63), SECRET)).toBe(false);
		expect(signatureMatches(body, `sha256=${hmac(SECRET, body)}`, SECRET)).toBe(false);
		expect(signatureMatches(body, 'z'.repeat(64), SECRET)).toBe(false);
		expect(signatureMatches(body, hmac('', body), '')).toBe(false);
	});

	it('without the prefix in the secret, only the secret itself is a key', () => {
		expect(signatureMatches(body, hmac('plain', body), 'plain')).toBe(true);
		expect(signatureMatches(body, hmac('whsec_plain', body), 'plain')).toBe(false);
	});
});

describe('checkTimestamp', () => {
	it('accepts up to 300 s either way, and nothing further', () => {
		expect(checkTimestamp(String(NOW), NOW)).toBe('fresh');
		expect(checkTimestamp(String(NOW - 300), NOW)).toBe('fresh');
		expect(checkTimestamp(String(NOW + 300), NOW)).toBe('fresh');
		expect(checkTimestamp(String(NOW - 301), NOW)).toBe('stale');
		expect(checkTimestamp(String(NOW + 301), NOW)).toBe('future');
	});

	it('calls anything but unix seconds invalid', () => {
		for (const bad of ['', 'abc', '-5', '1.5', '2026-01-01T00:00:00Z', '1'.repeat(13)])
			expect(checkTimestamp(bad, NOW)).toBe('invalid');
	});
});

describe('judgeDelivery', () => {
	it('accepts a signed, fresh, new, selected event and reports its fields and delivery time', () => {
		const verdict = judgeDelivery(delivery({ events: ['video_agent.success'] }));
		expect(verdict).toEqual({
			start: true,
			status: 200,
			answer: { received: true, started: true },
			event: {
				event_type: 'video_agent.success',
				event_id: 'evt_1',
				event_data: { video_id: 'v1' },
				delivered_at: new Date(NOW * 1000).toISOString(),
			},
		});
	});

	it('reads `event` when `event_type` is missing, and the body event_id when the header is', () => {
		const body = JSON.stringify({ event: 'avatar_video.fail', event_id: 'evt_b', event_data: {} });
		const d = delivery({ body });
		delete d.headers['heygen-event-id'];
		d.headers['heygen-signature'] = hmac(SECRET, body);
		const verdict = judgeDelivery(d);
		expect(verdict.start && verdict.event.event_type).toBe('avatar_video.fail');
		expect(verdict.start && verdict.event.event_id).toBe('evt_b');
	});

	const rejected: Array<[string, (d: Delivery) => void, number, string]> = [
		['no stored secret', (d) => (d.secret = undefined), 401, 'not_registered'],
		['no signature', (d) => delete d.headers['heygen-signature'], 401, 'missing_signature'],
		[
			'a wrong signature',
			(d) => (d.headers['heygen-signature'] = hmac('x', 'y')),
			401,
			'bad_signature',
		],
		[
			'a changed body',
			(d) => (d.rawBody = Buffer.from('{"event_type":"x"}')),
			401,
			'bad_signature',
		],
		['no timestamp', (d) => delete d.headers['heygen-timestamp'], 400, 'missing_timestamp'],
		[
			'a non-numeric timestamp',
			(d) => (d.headers['heygen-timestamp'] = 'soon'),
			400,
			'invalid_timestamp',
		],
		['a stale timestamp', (d) => (d.nowSeconds = NOW + 301), 400, 'stale_timestamp'],
		['a future timestamp', (d) => (d.nowSeconds = NOW - 301), 400, 'future_timestamp'],
		['no event id anywhere', (d) => delete d.headers['heygen-event-id'], 400, 'missing_event_id'],
	];
	it.each(rejected)(
		'answers %s with its status and starts nothing',
		(_, change, status, reason) => {
			const d = delivery();
			change(d);
			const verdict = judgeDelivery(d);
			expect(verdict.start).toBe(false);
			expect(verdict.status).toBe(status);
			expect(verdict.answer.reason).toBe(reason);
		},
	);

	it('rejects signed bodies that are not a JSON object or have no event type (400)', () => {
		for (const [body, reason] of [
			['{"event_type":', 'malformed_body'],
			['[1,2]', 'malformed_body'],
			['{"event_data":{}}', 'missing_event_type'],
		]) {
			const d = delivery({ body });
			d.headers['heygen-signature'] = hmac(SECRET, body);
			const verdict = judgeDelivery(d);
			expect([verdict.start, verdict.status, verdict.answer.reason]).toEqual([false, 400, reason]);
		}
	});

	it('answers an oversized body 413 before computing any HMAC over it', () => {
		const body = `{"event_type":"a","pad":"${'x'.repeat(MAX_BODY_BYTES)}"}`;
		const d = delivery({ body });
		d.headers['heygen-signature'] = hmac(SECRET, body);
		const verdict = judgeDelivery(d);
		expect([verdict.start, verdict.status, verdict.answer.reason]).toEqual([
			false,
			413,
			'too_large',
		]);
	});

	it('answers a repeated event id and an unselected event type 200 but starts nothing', () => {
		const repeat = judgeDelivery(delivery({ recentEventIds: ['evt_0', 'evt_1'] }));
		expect([repeat.start, repeat.status, repeat.answer.reason]).toEqual([false, 200, 'duplicate']);
		const other = judgeDelivery(delivery({ events: ['video_agent.fail'] }));
		expect([other.start, other.status, other.answer.reason]).toEqual([false, 200, 'not_selected']);
	});

	it('never puts the secret in an answer', () => {
		const d = delivery();
		d.headers['heygen-signature'] = hmac('x', 'y');
		expect(JSON.stringify(judgeDelivery(d))).not.toContain(SECRET);
		expect(JSON.stringify(judgeDelivery(delivery()))).not.toContain(SECRET);
	});
});

describe('rememberEventId', () => {
	it('keeps the newest ids, at most REMEMBERED_EVENT_IDS', () => {
		let ids: string[] = [];
		for (let i = 0; i < REMEMBERED_EVENT_IDS + 20; i++) ids = rememberEventId(ids, `evt_${i}`);
		expect(ids).toHaveLength(REMEMBERED_EVENT_IDS);
		expect(ids[0]).toBe('evt_20');
		expect(ids.at(-1)).toBe(`evt_${REMEMBERED_EVENT_IDS + 19}`);
	});
});
