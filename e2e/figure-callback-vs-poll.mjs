// The "20 videos, poll vs callback" figure (issue 11): a real n8n 2.41.1 with the pack installed
// makes 20 Video Agent videos of a 60 s sandbox render in one production execution, once with
// "Wait Method: Poll" and once with "Callback", while this script samples every 2 s how many
// executions are running and the RSS of the n8n process. Printed, never asserted.
//
//   e2e/node_modules/.bin/node e2e/figure-callback-vs-poll.mjs [--videos 20] [--render 60]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';

import { CREDENTIAL } from './lib/examples.mjs';
import { N8n } from './lib/n8n.mjs';
import { buildPack, installIntoNodesDir, packTarball } from './lib/pack.mjs';
import { Sandbox } from './lib/sandbox.mjs';
import { freshRunDir, killAllChildren, log, step } from './lib/util.mjs';

const arg = (name, fallback) =>
	process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const VIDEOS = arg('--videos', 20);
const RENDER_S = arg('--render', 60);

function workflow(method) {
	const id = `heygenFigure${method === 'poll' ? 'Poll' : 'Callback'}`;
	const cred = { heyGenV3Api: { id: CREDENTIAL.id, name: CREDENTIAL.name } };
	return {
		id,
		name: `figure: ${VIDEOS} videos, ${method}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${id}-start`,
				name: 'Start',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `0b7e6c1a-0000-4000-8000-${method === 'poll' ? '000000000001' : '000000000002'}`,
				parameters: {
					httpMethod: 'POST',
					path: `figure-${method}`,
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				id: `${id}-split`,
				name: 'One item per video',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [0, 0],
				parameters: { fieldToSplitOut: 'body.topics', options: {} },
			},
			{
				id: `${id}-create`,
				name: 'Create',
				type: 'n8n-nodes-heygen-v3.heyGenVideoAgent',
				typeVersion: 2,
				position: [0, 0],
				credentials: cred,
				parameters: {
					operation: 'create',
					prompt: '=A short video about {{ $json["body.topics"] ?? $json.topic ?? "topic" }}',
					assetIds: '',
					waitForCompletion: true,
					waitMethod: method,
					options: { concurrency: 10, pollIntervalSeconds: 15, maxWaitSeconds: 900 },
				},
			},
		],
		connections: {
			Start: { main: [[{ node: 'One item per video', type: 'main', index: 0 }]] },
			'One item per video': { main: [[{ node: 'Create', type: 'main', index: 0 }]] },
		},
	};
}

function rssMb(pid) {
	try {
		const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
		return kb ? Number(kb) / 1024 : NaN;
	} catch {
		return NaN;
	}
}

async function executions(n8n, workflowId) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const res = await n8n.rest('GET', `/rest/executions?filter=${filter}`);
	return res.body?.data?.results ?? [];
}

async function measure(n8n, sandbox, method) {
	const wf = workflow(method);
	await sandbox.reset();
	await sandbox.control('POST', '/__sandbox/options', {
		clock: {
			thinkingMs: 1000,
			generatingMs: RENDER_S * 1000,
			videoPendingMs: 1000,
			videoProcessingMs: RENDER_S * 1000 - 2000,
		},
		maxActiveVideoJobs: VIDEOS,
		callbackRetries: 8,
	});
	const topics = Array.from({ length: VIDEOS }, (_, i) => `topic ${i + 1}`);
	for (let i = 0; ; i++) {
		const res = await request(`${n8n.baseUrl}/webhook/figure-${method}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ topics }),
		});
		await res.body.dump();
		if (res.statusCode === 200) break;
		if (i > 120) throw new Error(`webhook figure-${method} → ${res.statusCode}`);
		await new Promise((r) => setTimeout(r, 1000));
	}
	const samples = [];
	const started = Date.now();
	for (;;) {
		const list = await executions(n8n, wf.id);
		const state = await sandbox.state();
		const rendering = state.sessions.filter(
			(s) => s.status !== 'completed' && s.status !== 'failed',
		);
		samples.push({
			t: (Date.now() - started) / 1000,
			running: list.filter((e) => e.status === 'running').length,
			waiting: list.filter((e) => e.status === 'waiting').length,
			rss: rssMb(n8n.server.pid),
			rendering: rendering.length,
			sessions: state.sessions.length,
		});
		if (list[0] && !['running', 'waiting', 'new'].includes(list[0].status)) break;
		if (Date.now() - started > 15 * 60_000) throw new Error('no end after 15 min');
		await new Promise((r) => setTimeout(r, 2000));
	}
	const during = samples.filter((s) => s.rendering > 0 && s.sessions >= VIDEOS);
	const reads = (await sandbox.journal('api')).filter(
		(e) => e.method === 'GET' && /^\/v3\/(video-agents|videos)\/[^/]+$/.test(e.path),
	).length;
	const [final] = await executions(n8n, wf.id);
	const pick = (k) => during.map((s) => s[k]).filter((v) => !Number.isNaN(v));
	const rss = pick('rss');
	return {
		method,
		status: final?.status,
		seconds: Math.round(samples.at(-1).t * 10) / 10,
		maxRunning: Math.max(0, ...pick('running')),
		maxWaiting: Math.max(0, ...pick('waiting')),
		rssMin: Math.min(...rss),
		rssMax: Math.max(...rss),
		statusReads: reads,
		samples: during.length,
	};
}

async function main() {
	const runDir = freshRunDir('figure');
	const buildLog = path.join(runDir, 'build.log');
	await step('Building and packing the pack', () => buildPack(buildLog));
	const tarball = await packTarball(runDir, buildLog);
	const sandbox = await step('Starting the sandbox', () =>
		Sandbox.start({ logFile: path.join(runDir, 'sandbox.log') }),
	);
	const n8n = new N8n({ runDir, filesDir: runDir });
	try {
		await installIntoNodesDir(n8n.nodesDir, tarball.file, buildLog);
		await n8n.importCredentials([
			{ ...CREDENTIAL, data: { apiKey: sandbox.apiKey, baseUrl: sandbox.apiUrl } },
		]);
		const workflows = [workflow('poll'), workflow('callback')];
		await n8n.importWorkflows(workflows);
		for (const wf of workflows) await n8n.cli(['publish:workflow', `--id=${wf.id}`]);
		await step('n8n start', () => n8n.start(), { heartbeat: 10_000 });
		await n8n.setupOwner();
		const rows = [];
		for (const method of ['poll', 'callback'])
			rows.push(
				await step(
					`${VIDEOS} videos, ${RENDER_S} s render, ${method}`,
					() => measure(n8n, sandbox, method),
					{ heartbeat: 15_000 },
				),
			);
		console.log(
			`\n${VIDEOS} videos, ${RENDER_S} s sandbox render, one production execution each (n8n ${'2.41.1'}, regular mode, SQLite)\n`,
		);
		console.log(
			'| Wait method | ends | total s | running executions during the render (max) | waiting (max) | n8n RSS during the render, MB (min–max) | status reads |',
		);
		console.log('|---|---|---|---|---|---|---|');
		for (const r of rows)
			console.log(
				`| ${r.method} | ${r.status} | ${r.seconds} | ${r.maxRunning} | ${r.maxWaiting} | ${r.rssMin.toFixed(0)}–${r.rssMax.toFixed(0)} | ${r.statusReads} |`,
			);
	} finally {
		await n8n.stop();
		await sandbox.stop();
	}
}

main().catch((err) => {
	console.error(err);
	killAllChildren();
	process.exit(1);
});
