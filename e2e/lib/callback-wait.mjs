// "Wait Method: Callback" in a real n8n: a published, webhook-started workflow
// (Webhook → Read file → HeyGen Assets → HeyGen Video Agent) pauses while the sandbox renders and is
// resumed by the sandbox's callback to n8n's resume URL. Three runs:
//   A. plain: the execution is `waiting`, the node reads nothing during the wait, the callback resumes
//      it, it ends with the completed video; a callback with a wrong resume token gets 401 and
//      changes nothing;
//   B. n8n is stopped while the execution waits and started again; the sandbox re-sends the callback
//      it could not deliver (callbackRetries), and the execution finishes the same way.
import { parse as parseFlatted } from 'flatted';
import { request } from 'undici';

import { Checks } from './examples.mjs';
import { step } from './util.mjs';

const WORKFLOW_ID = 'heygenCallbackE2E';
const WEBHOOK_PATH = 'heygen-callback-e2e';
const CREATE_NODE = 'Create the video';
/** A render of about 6 s: long enough to see the execution wait, short for CI. */
const CLOCK = {
	thinkingMs: 1500,
	generatingMs: 4500,
	videoPendingMs: 1000,
	videoProcessingMs: 3000,
};

function workflow(credential, imagePath) {
	const node = (name, type, typeVersion, parameters, extra = {}) => ({
		id: `${WORKFLOW_ID}-${name.replace(/\W+/g, '-')}`,
		name,
		type,
		typeVersion,
		position: [0, 0],
		parameters,
		...extra,
	});
	const cred = { heyGenV3Api: { id: credential.id, name: credential.name } };
	const nodes = [
		node(
			'Start',
			'n8n-nodes-base.webhook',
			2,
			{
				httpMethod: 'POST',
				path: WEBHOOK_PATH,
				responseMode: 'onReceived',
				options: {},
			},
			{ webhookId: '5f0c8a52-3c55-4d3e-9f0e-2b1f1c6a7e11' },
		),
		node('Read the image', 'n8n-nodes-base.readWriteFile', 1.1, {
			fileSelector: imagePath,
			options: {},
		}),
		node(
			'Upload to HeyGen',
			'n8n-nodes-heygen-v3.heyGenAssets',
			1,
			{
				operation: 'upload',
				binaryPropertyName: 'data',
				options: {},
			},
			{ credentials: cred },
		),
		node(
			CREATE_NODE,
			'n8n-nodes-heygen-v3.heyGenVideoAgent',
			2,
			{
				operation: 'create',
				prompt: 'A 20-second teaser from the attached image (callback e2e)',
				assetIds: '={{ $json.asset_id }}',
				waitForCompletion: true,
				waitMethod: 'callback',
				options: { maxWaitSeconds: 600 },
			},
			{ credentials: cred },
		),
	];
	const link = (from, to) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });
	return {
		id: WORKFLOW_ID,
		name: 'e2e: Video Agent waits for the callback',
		active: false,
		nodes,
		connections: {
			...link('Start', 'Read the image'),
			...link('Read the image', 'Upload to HeyGen'),
			...link('Upload to HeyGen', CREATE_NODE),
		},
		settings: { executionOrder: 'v1' },
	};
}

async function until(what, fn, timeoutMs = 90_000, everyMs = 250) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await fn();
		if (value) return value;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await new Promise((r) => setTimeout(r, everyMs));
	}
}

async function login(n8n) {
	const res = await n8n.rest('POST', '/rest/login', {
		emailOrLdapLoginId: n8n.owner.email,
		password: n8n.owner.password,
	});
	if (res.status !== 200) throw new Error(`POST /rest/login → ${res.status}`);
}

async function executions(n8n) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId: WORKFLOW_ID }));
	const res = await n8n.rest('GET', `/rest/executions?filter=${filter}`);
	if (res.status !== 200) throw new Error(`GET /rest/executions → ${res.status}`);
	return res.body?.data?.results ?? res.body?.data ?? [];
}

async function executionData(n8n, id) {
	const res = await n8n.rest('GET', `/rest/executions/${id}`);
	if (res.status !== 200) throw new Error(`GET /rest/executions/${id} → ${res.status}`);
	const data = res.body?.data?.data;
	return typeof data === 'string' ? parseFlatted(data) : data;
}

/** Ids of the executions already started, so each run finds its own. */
const known = new Set();

async function startRun(n8n) {
	// n8n registers a published workflow's webhooks shortly after it reports ready: 404 until then.
	await until(
		'the production webhook to be registered',
		async () => {
			const res = await request(`${n8n.baseUrl}/webhook/${WEBHOOK_PATH}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: '{}',
			});
			await res.body.dump();
			if (res.statusCode !== 200 && res.statusCode !== 404)
				throw new Error(`POST /webhook/${WEBHOOK_PATH} → ${res.statusCode}`);
			return res.statusCode === 200;
		},
		120_000,
		1000,
	);
	// The newest execution of the workflow (run A's is still listed during run B).
	const execution = await until('the execution to be waiting', async () => {
		const newest = (await executions(n8n)).sort((a, b) => Number(b.id) - Number(a.id))[0];
		return newest && !known.has(String(newest.id)) && newest.status === 'waiting'
			? newest
			: undefined;
	});
	known.add(String(execution.id));
	return execution.id;
}

/** Status reads of session and video, in the sandbox journal. */
async function statusReads(sandbox) {
	return (await sandbox.journal('api')).filter(
		(e) => e.method === 'GET' && /^\/v3\/(video-agents|videos)\/[^/]+$/.test(e.path),
	);
}

async function finish({ n8n, sandbox, checks, executionId, label }) {
	const ended = await until(`run ${label} to end`, async () => {
		const e = (await executions(n8n)).find((x) => String(x.id) === String(executionId));
		return e && e.status !== 'waiting' && e.status !== 'running' && e.status !== 'new'
			? e
			: undefined;
	});
	checks.ok(
		ended.status === 'success',
		`run ${label}: the execution ends in success`,
		ended.status,
	);
	const state = await sandbox.state();
	const [session] = state.sessions;
	const delivered = state.callbacks.find((c) => c.status === 200);
	checks.ok(
		delivered,
		`run ${label}: the sandbox's callback was answered 200 by n8n`,
		state.callbacks.map((c) => c.status).join(','),
	);
	const reads = await statusReads(sandbox);
	// The sandbox sends the callback the moment the session ends (end of its generating phase).
	const endedAt = session ? session.phase_started_at + session.phase_ms : Infinity;
	const early = reads.filter((r) => r.at < endedAt - 50);
	checks.ok(
		early.length === 0,
		`run ${label}: no status read during the wait (all after the session ended)`,
		early.length,
	);
	checks.ok(
		reads.length >= 2,
		`run ${label}: the callback made the node re-read session and video`,
		reads.length,
	);
	const data = await executionData(n8n, executionId);
	const [item] = data?.resultData?.runData?.[CREATE_NODE]?.at(-1)?.data?.main?.[0] ?? [];
	checks.ok(
		item?.json?.status === 'completed',
		`run ${label}: the node outputs the completed video`,
		item?.json?.status,
	);
	checks.ok(
		item?.json?.session_id === session?.session_id,
		`run ${label}: with its session_id`,
		item?.json?.session_id,
	);
	checks.ok(
		typeof item?.json?.video_url === 'string' && item.json.video_id === session?.video_id,
		`run ${label}: with video_id and video_url`,
		item?.json?.video_id,
	);
	return { session, item };
}

/** Runs A and B; returns one result for the summary. */
export async function callbackWaitRuns({ n8n, sandbox, files, credential }) {
	const title =
		'Wait Method: Callback (webhook-started, published workflow; n8n restarted mid-wait)';
	const checks = new Checks(title);
	await n8n.importWorkflows([workflow(credential, files.image)]);
	await n8n.cli(['publish:workflow', `--id=${WORKFLOW_ID}`]);
	await sandbox.control('POST', '/__sandbox/options', { clock: CLOCK, callbackRetries: 8 });
	let note = '';
	try {
		await step('n8n start for the callback runs', () => n8n.start(), { heartbeat: 5_000 });
		await login(n8n);

		// --- run A --------------------------------------------------------------------------------
		await sandbox.reset();
		const a = await step('Callback run A: webhook → waiting → callback resumes it', async () => {
			const executionId = await startRun(n8n);
			checks.ok(true, 'run A: the execution is waiting while the sandbox renders');
			const [session] = (await sandbox.state()).sessions;
			const resumeUrl = new URL(session.request.callback_url);
			checks.ok(
				resumeUrl.pathname === `/webhook-waiting/${executionId}` &&
					resumeUrl.searchParams.has('signature'),
				"run A: the callback_url sent to HeyGen is this execution's resume URL (with its token)",
				resumeUrl.pathname,
			);
			// A caller without the token: 401, and the execution keeps waiting.
			resumeUrl.searchParams.set('signature', 'not-the-token');
			const forged = await request(resumeUrl.href, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					event_type: 'video_agent.success',
					event_data: { session_id: session.session_id },
				}),
			});
			await forged.body.dump();
			checks.ok(
				forged.statusCode === 401,
				'run A: a callback with a wrong resume token gets 401',
				forged.statusCode,
			);
			const still = (await executions(n8n)).find((x) => String(x.id) === String(executionId));
			checks.ok(
				still.status === 'waiting',
				'run A: … and the execution is still waiting',
				still.status,
			);
			return await finish({ n8n, sandbox, checks, executionId, label: 'A' });
		});

		// --- run B --------------------------------------------------------------------------------
		await sandbox.reset();
		await sandbox.control('POST', '/__sandbox/options', { clock: CLOCK, callbackRetries: 8 });
		const b = await step(
			'Callback run B: n8n stopped and started again during the wait',
			async () => {
				const executionId = await startRun(n8n);
				await n8n.stop();
				// The video finishes while n8n is down: the first delivery fails.
				await until('the sandbox to fail its first delivery', async () => {
					const { callbacks } = await sandbox.state();
					return callbacks.some((c) => c.status !== 200);
				});
				await n8n.start({ port: n8n.port }); // the resume URL names this port
				await login(n8n);
				return await finish({ n8n, sandbox, checks, executionId, label: 'B' });
			},
		);
		note = `A: ${a.item?.json?.video_id}, B: ${b.item?.json?.video_id}`;
	} catch (err) {
		checks.ok(false, err.message);
	} finally {
		await n8n.stop();
	}
	return {
		n: 'x5',
		title,
		ok: checks.failed.length === 0,
		failures: checks.failed.map(
			(f) => `${f.what}${f.detail !== undefined ? ` (got ${f.detail})` : ''}`,
		),
		checks: checks.results.length,
		note,
	};
}
