// The HeyGen Trigger in a real n8n: example 8 published in its own n8n instance (WEBHOOK_URL = its
// loopback URL, the credential's base URL = the sandbox on loopback). Registration seen by the
// sandbox; a real finished Video Agent session delivered, signed, starting exactly one execution
// that saves the MP4; hostile deliveries answered and starting nothing; a restart on the same URL
// keeping the endpoint; unpublishing deleting it.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';

import { CREDENTIAL, Checks, loadExample } from './examples.mjs';
import { N8n } from './n8n.mjs';
import { step } from './util.mjs';

const FILE = '08-video-ready-download-and-save.json';
const TRIGGER = 'When a Video Agent video is ready';

/** Each hostile delivery and the answer it must get; none may start an execution. */
export const HOSTILE = [
	['tampered', 401, 'bad_signature'],
	['forged', 401, 'bad_signature'],
	['unsigned', 401, 'missing_signature'],
	['no-timestamp', 400, 'missing_timestamp'],
	['no-event-id', 400, 'missing_event_id'],
	['stale', 400, 'stale_timestamp'],
	['future', 400, 'future_timestamp'],
	['repeat', 200, 'duplicate'],
	['unsubscribed', 200, 'not_selected'],
	// n8n's own body parser refuses JSON it cannot parse before the node runs
	['malformed', 422, undefined],
	['oversized', 413, 'too_large'],
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(fn, timeoutMs, what) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await fn();
		if (value) return value;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(200);
	}
}

/**
 * n8n's REST API sends an execution's data in the "flatted" encoding: a JSON array whose first
 * entry is the root and whose objects hold string indices into that array (so cycles survive).
 */
function unflatten(text) {
	const table = JSON.parse(text);
	const revived = new Map();
	const revive = (index) => {
		const value = table[index];
		if (value === null || typeof value !== 'object') return value;
		if (revived.has(index)) return revived.get(index);
		const out = Array.isArray(value) ? [] : {};
		revived.set(index, out);
		for (const [key, ref] of Object.entries(value))
			out[key] = typeof ref === 'string' ? revive(Number(ref)) : ref;
		return out;
	};
	return revive(0);
}

function reasonOf(answer) {
	try {
		return JSON.parse(answer).reason;
	} catch {
		return undefined;
	}
}

/**
 * @param {{ runDir: string, filesDir: string, sandbox: import('./sandbox.mjs').Sandbox,
 *   target: {apiKey: string, apiUrl: string}, install: (n8n: N8n) => Promise<unknown> }} o
 */
export async function triggerRun({ runDir, filesDir, sandbox, target, install }) {
	const title =
		'Example 8: HeyGen Trigger published in n8n (registration, signed deliveries, restart, unpublish)';
	const c = new Checks(title);
	const workflow = loadExample(FILE);
	const n8n = new N8n({ runDir, filesDir, name: 'n8n-trigger' });
	const webhooks = async () => await sandbox.control('GET', '/__sandbox/webhooks');
	const deliver = async (kind) =>
		await sandbox.control('POST', '/__sandbox/webhooks/deliver', { kind });
	const executions = async () => {
		const filter = encodeURIComponent(JSON.stringify({ workflowId: workflow.id }));
		const res = await n8n.rest('GET', `/rest/executions?filter=${filter}`);
		return res.body?.data?.results ?? [];
	};
	const execution = async (id) => {
		const res = await n8n.rest('GET', `/rest/executions/${id}`);
		return unflatten(res.body.data.data);
	};
	const finishSession = async () => {
		const res = await request(`${target.apiUrl}/v3/video-agents`, {
			method: 'POST',
			headers: { 'x-api-key': target.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: 'A teaser for the trigger test' }),
		});
		const body = await res.body.json();
		return body.data.session_id;
	};
	let hostile = [];
	try {
		await install(n8n);
		await step('n8n (trigger): migrations, credential, example 8, publish', async () => {
			await n8n.importCredentials([
				{ ...CREDENTIAL, data: { apiKey: target.apiKey, baseUrl: target.apiUrl } },
			]);
			await n8n.importWorkflows([workflow]);
			await n8n.cli(['publish:workflow', `--id=${workflow.id}`]);
		});
		await sandbox.clearJournal();
		await step('n8n (trigger): start; the trigger registers itself', () => n8n.start(), {
			heartbeat: 5_000,
		});
		await n8n.setupOwner();
		const webhookUrl = `${n8n.baseUrl}/webhook/${workflow.nodes[0].webhookId}/webhook`;
		// n8n reports ready before it has activated the published workflows
		const registered = await until(
			async () => {
				const list = (await webhooks()).endpoints;
				return list.length > 0 && list;
			},
			60_000,
			'the trigger to register its endpoint',
		).catch(() => []);
		const journal = await sandbox.journal('api');
		c.ok(
			journal.some((e) => e.method === 'POST' && e.path === '/v3/webhooks/endpoints'),
			'the sandbox saw POST /v3/webhooks/endpoints',
		);
		c.ok(
			registered.length === 1 &&
				registered[0].url === webhookUrl &&
				JSON.stringify(registered[0].events) === '["video_agent.success"]',
			`one endpoint for ${webhookUrl}, events [video_agent.success]`,
			JSON.stringify(registered),
		);
		const endpointId = registered[0]?.endpoint_id;

		// a real job finishes → HeyGen (the sandbox) delivers, signed → one execution
		const sessionId = await finishSession();
		const [first] = await step('Trigger: a Video Agent video finishes → one execution', () =>
			until(
				async () => {
					const list = await executions();
					return list.some((e) => ['success', 'error', 'crashed'].includes(e.status)) && list;
				},
				60_000,
				'the execution started by the delivery',
			),
		);
		const state = await sandbox.state();
		const videoId = state.sessions.find((s) => s.session_id === sessionId)?.video_id;
		const auto = (await webhooks()).deliveries.filter((d) => d.kind === 'automatic');
		c.ok(
			auto.length === 1 && auto[0].status === 200,
			'the automatic delivery was answered 200 at the first attempt',
			JSON.stringify(auto.map((d) => [d.attempt, d.status])),
		);
		c.ok(first.status === 'success', 'the execution succeeded', first.status);
		const run = await execution(first.id);
		const out = run?.resultData?.runData?.[TRIGGER]?.[0]?.data?.main?.[0]?.[0]?.json ?? {};
		c.ok(
			out.event_type === 'video_agent.success' &&
				/^evt_/.test(out.event_id ?? '') &&
				out.event_data?.session_id === sessionId &&
				out.event_data?.video_id === videoId &&
				typeof out.delivered_at === 'string',
			'trigger output: event_type, event_id, event_data of that session, delivered_at',
			JSON.stringify(out).slice(0, 300),
		);
		c.ok(
			out.result_type === 'video' &&
				out.result?.id === videoId &&
				out.result?.status === 'completed',
			'Fetch the Result: the video as HeyGen reports it (completed)',
			JSON.stringify(out.result ?? null).slice(0, 200),
		);
		const saved = path.join(filesDir, 'output', `ready-${videoId}.mp4`);
		c.ok(
			existsSync(saved) && statSync(saved).size > 1000,
			`the MP4 was saved to ${saved}`,
			existsSync(saved) ? statSync(saved).size : 'missing',
		);

		// hostile deliveries: the documented answer, and no execution
		hostile = await step(`Trigger: ${HOSTILE.length} hostile deliveries`, async () => {
			const answers = [];
			for (const [kind] of HOSTILE) {
				const sent = await deliver(kind);
				answers.push({
					kind,
					status: sent.status,
					reason: reasonOf(sent.answer),
					answer: sent.answer,
				});
			}
			return answers;
		});
		for (const [i, [kind, status, reason]] of HOSTILE.entries()) {
			const got = hostile[i];
			c.ok(
				got.status === status && (reason === undefined || got.reason === reason),
				`hostile "${kind}" → ${status}${reason ? ` ${reason}` : ''}`,
				`${got.status} ${got.answer.slice(0, 120)}`,
			);
		}
		await sleep(2_000);
		const afterHostile = await executions();
		c.ok(
			afterHostile.length === 1,
			'the hostile deliveries started no execution',
			afterHostile.length,
		);

		// restart on the same URL: the endpoint is found again, not registered anew
		await step('n8n (trigger): restart on the same port', async () => {
			await n8n.stop();
			await sandbox.clearJournal();
			await n8n.start({ port: n8n.port });
			await n8n.rest('POST', '/rest/login', {
				emailOrLdapLoginId: n8n.owner.email,
				password: n8n.owner.password,
			});
			// n8n 2.41 finds the webhook already stored and skips the node's checkExists/create
			// altogether; give a (wrong) re-registration time to show up before checking.
			await sleep(3_000);
		});
		await finishSession();
		await step('Trigger: after the restart, a second video → a second execution', () =>
			until(
				async () =>
					(await executions()).filter((e) => ['success', 'error', 'crashed'].includes(e.status))
						.length === 2,
				60_000,
				'the second execution',
			),
		);
		await sleep(1_000);
		const all = await executions();
		c.ok(
			all.length === 2 && all.every((e) => e.status === 'success'),
			'two executions in all, both successful',
			JSON.stringify(all.map((e) => e.status)),
		);

		const afterRestart = (await webhooks()).endpoints;
		const restartJournal = await sandbox.journal('api');
		c.ok(
			afterRestart.length === 1 && afterRestart[0].endpoint_id === endpointId,
			'after the restart: the same single endpoint',
			JSON.stringify(afterRestart.map((e) => e.endpoint_id)),
		);
		c.ok(
			!restartJournal.some((e) => e.method === 'POST' && e.path === '/v3/webhooks/endpoints'),
			'after the restart: nothing registered anew',
		);

		// unpublish → the endpoint is deleted
		await sandbox.clearJournal();
		const off = await n8n.rest('POST', `/rest/workflows/${workflow.id}/deactivate`, {});
		c.ok(off.status === 200, 'unpublished through the REST API', off.status);
		// n8n may tear the published version down after answering (its publication outbox)
		const left = await until(
			async () => {
				const list = (await webhooks()).endpoints;
				return list.length === 0 ? list : false;
			},
			60_000,
			'the endpoint to be deleted',
		).catch(async () => (await webhooks()).endpoints);
		const deleteJournal = await sandbox.journal('api');
		c.ok(
			left.length === 0 &&
				deleteJournal.some(
					(e) => e.method === 'DELETE' && e.path === `/v3/webhooks/endpoints/${endpointId}`,
				),
			'unpublishing deleted the endpoint at HeyGen',
			JSON.stringify(left),
		);
	} catch (err) {
		c.ok(false, `the trigger run failed: ${err.message}`);
	} finally {
		await n8n.stop();
	}
	return {
		n: 8,
		title,
		ok: c.failed.length === 0,
		failures: c.failed.map((f) => `${f.what}${f.detail !== undefined ? ` (got ${f.detail})` : ''}`),
		checks: c.results.length,
		note: hostile.length
			? `hostile answers: ${hostile.map((h) => `${h.kind} ${h.status}`).join(', ')}`
			: undefined,
	};
}
