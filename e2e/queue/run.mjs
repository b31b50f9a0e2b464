// `npm run test:queue` — the pack in n8n's production setup: queue mode with a main process and two
// workers over Redis, PostgreSQL, binary data in the database, against the HeyGen sandbox.
//
//   1. load:   24 webhook-started executions at once; all succeed, both workers take some, the sandbox
//              sees exactly one asset (sha256 intact) and one session per execution;
//   2. fault:  kill -9 of the worker streaming a direct upload; every execution ends visible in n8n,
//              no asset is completed from a partial body, retrying the crashed execution succeeds;
//   3. Redis:  restarted between two runs; the next run succeeds.
//
// Run through e2e/queue/test.sh (installs redis-server / PostgreSQL when missing).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';

import { CREDENTIAL } from '../lib/examples.mjs';
import { makePdf, writeLargeMp4 } from '../lib/inputs.mjs';
import { N8n, N8N_VERSION } from '../lib/n8n.mjs';
import { buildPack, installIntoNodesDir, packTarball } from '../lib/pack.mjs';
import { Sandbox } from '../lib/sandbox.mjs';
import {
	E2E_BIN,
	UserFacingError,
	bold,
	dim,
	formatBytes,
	freePort,
	freshRunDir,
	green,
	killAllChildren,
	killGroup,
	log,
	red,
	seconds,
	sha256,
	sha256File,
	startBackground,
	step,
	yellow,
} from '../lib/util.mjs';
import { Postgres, Redis } from './services.mjs';
import {
	CALLBACK_WEBHOOK_PATH,
	CALLBACK_WORKFLOW_ID,
	LOAD_WEBHOOK_PATH,
	LOAD_WORKFLOW_ID,
	callbackWorkflow,
	loadWorkflow,
} from './workflow.mjs';

const LOAD_RUNS = 24;
/** Runs of the load whose file is over 32 MB (Direct Upload from the database store); the rest are PDFs. */
const LOAD_LARGE_RUNS = 2;
const LARGE_BYTES = 34_000_000;
/** The fault run's file: big enough that the upload lasts long enough to be caught mid-stream. */
const FAULT_BYTES = 60_000_000;
const FAULT_SMALL_RUNS = 4;
const WORKERS = 2;
const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

const started = Date.now();
const cleanups = [];
let interrupted = false;
async function cleanup() {
	while (cleanups.length) {
		try {
			await cleanups.pop()();
		} catch (err) {
			log(yellow(`cleanup: ${err.message}`));
		}
	}
}
for (const sig of ['SIGINT', 'SIGTERM']) {
	process.on(sig, () => {
		if (interrupted) return;
		interrupted = true;
		log(yellow(`${sig}: stopping everything this run started…`));
		cleanup().finally(() => {
			killAllChildren();
			process.exit(130);
		});
	});
}

// ---- checks -------------------------------------------------------------------------------------

const results = [];
function check(cond, what, detail) {
	results.push({ ok: Boolean(cond), what, detail });
	log(
		`  ${cond ? green('✔') : red('✘')} ${what}${!cond && detail !== undefined ? red(` (got ${detail})`) : ''}`,
	);
	return Boolean(cond);
}

// ---- n8n processes ------------------------------------------------------------------------------

/** A `n8n worker` process: same env as main (shared key, Postgres, Redis), its own user folder. */
class Worker extends N8n {
	async startWorker() {
		this.finished = this.finished ?? [];
		this.started = this.started ?? [];
		let exited = null;
		const env = await this.env();
		const ready = new Promise((resolve) => {
			this.server = startBackground(path.join(E2E_BIN, 'n8n'), ['worker'], {
				cwd: this.userFolder,
				env,
				logFile: this.logFile,
				onLine: (line) => {
					if (line.includes('n8n worker is now ready')) resolve();
					const m = /Worker (started|finished) execution (\d+)/.exec(line);
					if (m) (m[1] === 'started' ? this.started : this.finished).push(m[2]);
				},
			});
		});
		this.server.on('close', (code, signal) => (exited = code ?? signal));
		const deadline = Date.now() + 120_000;
		let isReady = false;
		ready.then(() => (isReady = true));
		while (!isReady) {
			if (exited !== null) throw new Error(`${this.name} exited (${exited}); see ${this.logFile}`);
			if (Date.now() > deadline) throw new Error(`${this.name} not ready within 120 s`);
			await new Promise((r) => setTimeout(r, 200));
		}
	}
}

/** Resident memory of an n8n process we started, in MB: `VmHWM` = peak so far, `VmRSS` = now (Linux). */
function rssMb(n8n, field = 'VmHWM') {
	const status = readFileSync(`/proc/${n8n.server.pid}/status`, 'utf8');
	return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]) / 1024);
}

async function startAll({ runDir, tarball, buildLog, sandbox, redis, postgres }) {
	// Workers build the resume URL a waiting execution hands to HeyGen: they need main's public URL too.
	const mainPort = await freePort();
	const shared = {
		WEBHOOK_URL: `http://127.0.0.1:${mainPort}/`,
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		...postgres.n8nEnv(),
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		// n8n pings its database every 2 s through the same pool (default 2 connections) that reads and
		// writes the files; with large files in flight the ping waits > 5 s three times, n8n rebuilds
		// the pool and the in-flight read fails the execution (seen with the default under load).
		DB_POSTGRESDB_POOL_SIZE: '10',
		// Bull's stalled-job detection: a killed worker's job is noticed after ≈ 15–20 s instead of 60–90 s.
		QUEUE_WORKER_LOCK_DURATION: '15000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		N8N_ENCRYPTION_KEY: `queue-${sha256(String(Date.now())).slice(0, 32)}`,
	};
	const filesDir = path.join(runDir, 'files');
	const main = new N8n({
		runDir,
		filesDir,
		binaryMode: 'database',
		name: 'main',
		extraEnv: shared,
	});
	const workers = Array.from(
		{ length: WORKERS },
		(_, i) =>
			new Worker({
				runDir,
				filesDir,
				binaryMode: 'database',
				name: `worker-${i + 1}`,
				extraEnv: shared,
			}),
	);
	await step(`Installing the packed pack into main's and ${WORKERS} workers' user folders`, () =>
		Promise.all(
			[main, ...workers].map((n) => installIntoNodesDir(n.nodesDir, tarball.file, buildLog)),
		),
	);
	await step('main: migrations on PostgreSQL, credential, workflow, publish', async () => {
		await main.importCredentials([
			{ ...CREDENTIAL, data: { apiKey: sandbox.apiKey, baseUrl: sandbox.apiUrl } },
		]);
		await main.importWorkflows([loadWorkflow(), callbackWorkflow()]);
		await main.cli(['publish:workflow', `--id=${LOAD_WORKFLOW_ID}`]);
		await main.cli(['publish:workflow', `--id=${CALLBACK_WORKFLOW_ID}`]);
	});
	// Workers only need the migrated database, so all three processes boot at once.
	cleanups.push(() => main.stop());
	for (const w of workers) cleanups.push(() => w.stop());
	await step(
		`Starting n8n main (n8n start) and ${WORKERS} workers (n8n worker) until ready`,
		() => Promise.all([main.start({ port: mainPort }), ...workers.map((w) => w.startWorker())]),
		{ heartbeat: 5_000 },
	);
	await main.setupOwner();
	for (const n of [main, ...workers]) n.idleRssMb = rssMb(n, 'VmRSS');
	return { main, workers };
}

// ---- executions ---------------------------------------------------------------------------------

async function listExecutions(main, workflowId = LOAD_WORKFLOW_ID) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	// n8n answers 503 "Database is not ready!" while its periodic DB ping is late (seen under this
	// load on 2 cores); that is a moment, not a failure: ask again.
	for (let attempt = 1; ; attempt++) {
		const res = await main.rest('GET', `/rest/executions?filter=${filter}&limit=100`);
		if (res.status === 200) return res.body.data.results;
		if (res.status !== 503 || attempt === 20)
			throw new Error(`GET /rest/executions → ${res.status}: ${JSON.stringify(res.body)}`);
		await new Promise((r) => setTimeout(r, 1000));
	}
}

/** Polls until `count` executions newer than `sinceIds` exist and all have ended. */
async function waitForExecutions(
	main,
	{ count, sinceIds, timeoutMs = 240_000, workflowId = LOAD_WORKFLOW_ID },
) {
	const deadline = Date.now() + timeoutMs;
	let mine = [];
	while (Date.now() < deadline) {
		mine = (await listExecutions(main, workflowId)).filter((e) => !sinceIds.has(String(e.id)));
		if (mine.length >= count && mine.every((e) => FINISHED.has(e.status))) return mine;
		await new Promise((r) => setTimeout(r, 500));
	}
	const states = mine.map((e) => `${e.id}:${e.status}`).join(', ');
	throw new Error(`executions did not all end within ${timeoutMs / 1000} s: ${states}`);
}

/** Writes an execution as the REST API returns it to <runDir>/execution-<id>.json (for the log). */
async function saveExecution(main, id, runDir) {
	if (id === undefined) return;
	const res = await main.rest('GET', `/rest/executions/${id}`);
	const file = path.join(runDir, `execution-${id}.json`);
	writeFileSync(file, JSON.stringify(res.body, null, 2));
	log(dim(`  execution ${id} saved to ${file}`));
}

/**
 * POSTs a file to the production webhook, as a client system would. n8n registers a published
 * workflow's webhook shortly after it reports ready: a 404 started nothing, so it is asked again.
 */
async function postFile(main, file, run, webhookPath = LOAD_WEBHOOK_PATH) {
	const body = readFileSync(file);
	const deadline = Date.now() + 60_000;
	for (;;) {
		const res = await request(`${main.baseUrl}/webhook/${webhookPath}?run=${run}`, {
			method: 'POST',
			headers: {
				'content-type': file.endsWith('.pdf') ? 'application/pdf' : 'video/mp4',
				'content-disposition': `attachment; filename="${path.basename(file)}"`,
			},
			body,
		});
		const text = await res.body.text();
		if (res.statusCode === 200) return;
		if (res.statusCode !== 404 || Date.now() > deadline)
			throw new Error(`webhook POST (${run}) → ${res.statusCode}: ${text}`);
		await new Promise((r) => setTimeout(r, 1000));
	}
}

function makeRunFiles(dir, runs, largeRuns, largeBytes, prefix) {
	return Array.from({ length: runs }, (_, i) => {
		const run = `${prefix}${String(i + 1).padStart(2, '0')}`;
		if (i < largeRuns) {
			const file = path.join(dir, `${run}.mp4`);
			writeLargeMp4(file, largeBytes + i); // distinct sizes, so distinct checksums
			return { run, file, size: largeBytes + i };
		}
		const file = path.join(dir, `${run}.pdf`);
		const pdf = makePdf([`Queue-mode check`, `run ${run}`]);
		writeFileSync(file, pdf);
		return { run, file, size: pdf.length };
	});
}

/** The sandbox side of a set of runs: one asset per file (sha256 intact), one session per asset. */
async function checkSandbox(sandbox, runs, { label }) {
	const state = await sandbox.state();
	const journal = await sandbox.journal('api');
	for (const r of runs) r.sha256 ??= await sha256File(r.file);
	const assets = Object.values(state.assets).filter((a) =>
		runs.some((r) => r.file.endsWith(a.filename)),
	);
	const usable = assets.filter((a) => a.status === 'processing');
	const problems = [];
	for (const r of runs) {
		const name = path.basename(r.file);
		const mine = usable.filter((a) => a.filename === name);
		if (mine.length !== 1) problems.push(`${name}: ${mine.length} usable assets`);
		else if (mine[0].sha256 !== r.sha256) problems.push(`${name}: sha256 ${mine[0].sha256} ≠ sent`);
		else if (mine[0].stored_bytes !== r.size)
			problems.push(`${name}: ${mine[0].stored_bytes} bytes`);
		else r.assetId = mine[0].asset_id;
	}
	check(
		problems.length === 0,
		`${label}: one usable asset per file, sha256 and size intact`,
		problems.slice(0, 5).join('; '),
	);
	const sessions = Object.values(state.sessions).filter((s) =>
		runs.some((r) => JSON.stringify(s.request).includes(r.assetId ?? '∅')),
	);
	const perAsset = runs.map(
		(r) => sessions.filter((s) => JSON.stringify(s.request).includes(r.assetId ?? '∅')).length,
	);
	check(
		perAsset.every((n) => n === 1),
		`${label}: exactly one Video Agent session per asset`,
		perAsset.join(','),
	);
	check(
		sessions.every((s) => s.status === 'completed' && s.video_id),
		`${label}: every session completed with a video`,
		sessions.map((s) => s.status).join(','),
	);
	const creates = journal.filter(
		(e) => e.method === 'POST' && e.path === '/v3/video-agents' && e.status === 200,
	);
	return { assets, sessions, creates };
}

// ---- main ---------------------------------------------------------------------------------------

async function main() {
	const runDir = freshRunDir('queue', 1);
	log(
		`${bold('HeyGen for n8n: queue mode')} — n8n ${N8N_VERSION} main + ${WORKERS} workers, Redis, PostgreSQL, binary data in the database ${dim(`(scratch: ${path.relative(process.cwd(), runDir)})`)}`,
	);
	const buildLog = path.join(runDir, 'build.log');
	await step('Building the pack (npm run build)', () => buildPack(buildLog));
	const tarball = await step('Packing it (npm pack)', () => packTarball(runDir, buildLog), {
		heartbeat: 0,
	});

	const sandbox = await step(
		'Starting the HeyGen sandbox (test clock)',
		() => Sandbox.start({ fast: true, logFile: path.join(runDir, 'sandbox.log') }),
		{ heartbeat: 0 },
	);
	cleanups.push(() => sandbox.stop());

	const redis = new Redis(path.join(runDir, 'redis'));
	const postgres = new Postgres(path.join(runDir, 'postgres'));
	await step('Starting Redis and a throwaway PostgreSQL cluster', async () => {
		cleanups.push(() => redis.stop());
		cleanups.push(() => postgres.stop());
		await Promise.all([redis.start(), postgres.start()]);
	});
	log(
		dim(`  redis 127.0.0.1:${redis.port}, postgres 127.0.0.1:${postgres.port} (${postgres.bin})`),
	);

	const { main: n8n, workers } = await startAll({
		runDir,
		tarball,
		buildLog,
		sandbox,
		redis,
		postgres,
	});
	const filesDir = path.join(runDir, 'files');
	mkdirSync(filesDir, { recursive: true });

	// ---- 1. load ----------------------------------------------------------------------------------
	const loadRuns = makeRunFiles(filesDir, LOAD_RUNS, LOAD_LARGE_RUNS, LARGE_BYTES, 'load-');
	await sandbox.clearJournal();
	const loadStart = Date.now();
	const loadExecutions = await step(
		`Load: ${LOAD_RUNS} webhook POSTs at once (${LOAD_LARGE_RUNS} × ${formatBytes(LARGE_BYTES)}, ${LOAD_RUNS - LOAD_LARGE_RUNS} PDFs), until every execution ended`,
		async () => {
			await Promise.all(loadRuns.map((r) => postFile(n8n, r.file, r.run)));
			return waitForExecutions(n8n, { count: LOAD_RUNS, sinceIds: new Set() });
		},
	);
	const loadWallMs = Date.now() - loadStart;
	check(
		loadExecutions.length === LOAD_RUNS,
		`load: ${LOAD_RUNS} executions in n8n`,
		loadExecutions.length,
	);
	check(
		loadExecutions.every((e) => e.status === 'success'),
		'load: every execution succeeded',
		loadExecutions.map((e) => `${e.id}:${e.status}`).join(', '),
	);
	for (const e of loadExecutions.filter((x) => x.status !== 'success'))
		await saveExecution(n8n, e.id, runDir);
	const split = workers.map((w) => w.finished.length);
	check(
		split.every((n) => n > 0) && split.reduce((a, b) => a + b, 0) === LOAD_RUNS,
		`load: both workers ran executions (split ${split.join(' / ')})`,
		split.join(' / '),
	);
	const onMain = /Worker (started|finished)/.test(readFileSync(n8n.logFile, 'utf8'));
	check(!onMain, 'load: main ran none of them (production executions go to the workers)');
	const load = await checkSandbox(sandbox, loadRuns, { label: 'load' });
	check(
		load.creates.length === LOAD_RUNS,
		`load: ${LOAD_RUNS} accepted POST /v3/video-agents in the journal`,
		load.creates.length,
	);
	const journal = await sandbox.journal();
	const puts = journal.filter((e) => e.method === 'PUT' && e.path.startsWith('/uploads/'));
	check(
		puts.length === LOAD_LARGE_RUNS && puts.every((p) => p.status === 200),
		`load: ${LOAD_LARGE_RUNS} direct-upload PUTs, all 200`,
		puts.map((p) => p.status).join(','),
	);
	const rss = [
		{ name: 'main', ran: 0, idleMb: n8n.idleRssMb, peakMb: rssMb(n8n) },
		...workers.map((w) => ({
			name: w.name,
			ran: w.finished.length,
			idleMb: w.idleRssMb,
			peakMb: rssMb(w),
		})),
	];

	// ---- 2. fault: kill -9 the worker streaming a direct upload ------------------------------------
	const faultDir = path.join(filesDir, 'fault');
	mkdirSync(faultDir, { recursive: true });
	const faultRuns = makeRunFiles(faultDir, 1 + FAULT_SMALL_RUNS, 1, FAULT_BYTES, 'fault-');
	const beforeFault = new Set((await listExecutions(n8n)).map((e) => String(e.id)));
	await sandbox.clearJournal();
	const startedBefore = workers.map((w) => w.started.length);
	const kill = await step(
		`Fault: kill -9 the worker that streams a ${formatBytes(FAULT_BYTES)} direct upload`,
		async () => {
			const t0 = Date.now();
			await postFile(n8n, faultRuns[0].file, faultRuns[0].run);
			log(
				dim(
					`  webhook accepted the ${formatBytes(FAULT_BYTES)} file after ${seconds(Date.now() - t0)}`,
				),
			);
			// The worker that took the large file's execution is the one whose log says so first.
			const deadline = Date.now() + 60_000;
			let victim;
			while (!victim && Date.now() < deadline) {
				victim = workers.find((w, i) => w.started.length > startedBefore[i]);
				if (!victim) await new Promise((r) => setTimeout(r, 50));
			}
			if (!victim) throw new Error('no worker started the fault run within 60 s');
			const executionId = victim.started.at(-1);
			log(
				dim(`  ${victim.name} started execution ${executionId} after ${seconds(Date.now() - t0)}`),
			);
			await Promise.all(faultRuns.slice(1).map((r) => postFile(n8n, r.file, r.run)));
			// Wait for the PUT to be under way: the sandbox journal counts the body as it arrives.
			while (Date.now() < deadline) {
				const put = (await sandbox.journal('storage')).find(
					(e) => e.method === 'PUT' && e.bodySize > 0 && e.status === 0,
				);
				if (put && put.bodySize < FAULT_BYTES) {
					killGroup(victim.server, 'SIGKILL');
					return { victim, executionId, atBytes: put.bodySize, putPath: put.path };
				}
				await new Promise((r) => setTimeout(r, 20));
			}
			throw new Error('the direct upload was never seen under way');
		},
		{ heartbeat: 0 },
	);
	log(
		dim(
			`  killed ${kill.victim.name} (execution ${kill.executionId}) at ${formatBytes(kill.atBytes)} of ${formatBytes(FAULT_BYTES)} streamed`,
		),
	);
	const faultExecutions = await step(
		'Fault: every execution ends visible in n8n (Bull notices the dead worker)',
		() =>
			waitForExecutions(n8n, {
				count: faultRuns.length,
				sinceIds: beforeFault,
				timeoutMs: 180_000,
			}),
	);
	const crashed = faultExecutions.find((e) => String(e.id) === kill.executionId);
	check(
		faultExecutions.length === faultRuns.length &&
			faultExecutions.every((e) => FINISHED.has(e.status)),
		`fault: all ${faultRuns.length} executions ended (${faultExecutions.map((e) => `${e.id}:${e.status}`).join(', ')})`,
	);
	check(
		crashed && (crashed.status === 'crashed' || crashed.status === 'error'),
		`fault: the killed execution ${kill.executionId} is marked crashed/error, not lost`,
		crashed?.status,
	);
	check(
		faultExecutions.filter((e) => e !== crashed).every((e) => e.status === 'success'),
		'fault: the other executions succeeded',
		faultExecutions.map((e) => e.status).join(','),
	);
	const afterKill = await sandbox.state();
	const cutAssetId = kill.putPath.split('/').pop();
	const cut = Object.values(afterKill.assets).find((a) => a.asset_id === cutAssetId);
	check(
		cut && cut.status === 'pending_upload' && cut.stored_bytes === null,
		`fault: the asset whose PUT was cut (${cutAssetId}) is not stored nor completed`,
		JSON.stringify(cut && { ...cut, head: undefined, upload: undefined }),
	);
	const partial = Object.values(afterKill.assets).filter(
		(a) => a.status !== 'pending_upload' && a.stored_bytes !== a.size_bytes,
	);
	check(
		partial.length === 0,
		'fault: no asset anywhere was stored or completed from a partial body',
		partial.length,
	);

	await step(`Fault: restarting ${kill.victim.name}`, () => kill.victim.startWorker(), {
		heartbeat: 5_000,
	});
	// n8n 2.41.1 replaces the data of an execution whose job stalled with the stall error (runData {}),
	// so its own Retry has nothing to resume: the caller re-sends the file, which is the re-run.
	const beforeRetry = new Set((await listExecutions(n8n)).map((e) => String(e.id)));
	const builtIn = await n8n.rest('POST', `/rest/executions/${kill.executionId}/retry`, {
		loadWorkflow: false,
	});
	const builtInRun =
		builtIn.status === 200
			? (await waitForExecutions(n8n, { count: 1, sinceIds: beforeRetry }))[0]
			: undefined;
	log(
		dim(
			`  note: n8n's own Retry of execution ${kill.executionId} → ${builtIn.status}${builtInRun ? `, execution ${builtInRun.id} ${builtInRun.status}` : ''} (the stalled execution's input was replaced by the error)`,
		),
	);
	const beforeRerun = new Set((await listExecutions(n8n)).map((e) => String(e.id)));
	const rerun = await step(
		`Fault: re-running execution ${kill.executionId} (the same file POSTed again)`,
		async () => {
			await postFile(n8n, faultRuns[0].file, faultRuns[0].run);
			return waitForExecutions(n8n, { count: 1, sinceIds: beforeRerun, timeoutMs: 120_000 });
		},
	);
	check(
		rerun.length === 1 && rerun[0].status === 'success',
		`fault: the re-run (execution ${rerun[0]?.id}) succeeded`,
		rerun.map((e) => `${e.id}:${e.status}`).join(','),
	);
	if (rerun[0]?.status !== 'success') await saveExecution(n8n, rerun[0]?.id, runDir);
	await checkSandbox(sandbox, faultRuns, { label: 'fault + re-run' });

	// ---- 3. Redis restarted between two runs ------------------------------------------------------
	await step('Redis: stop and start again on the same port', async () => {
		await redis.stop();
		await redis.start();
	});
	const redisRuns = makeRunFiles(path.join(filesDir), 2, 0, 0, 'redis-');
	const beforeRedis = new Set((await listExecutions(n8n)).map((e) => String(e.id)));
	const afterRedis = await step('Redis: the next runs succeed', async () => {
		// main and the workers reconnect on their own; the first POST may race the reconnect.
		const deadline = Date.now() + 30_000;
		for (;;) {
			try {
				await postFile(n8n, redisRuns[0].file, redisRuns[0].run);
				break;
			} catch (err) {
				if (Date.now() > deadline) throw err;
				await new Promise((r) => setTimeout(r, 500));
			}
		}
		await postFile(n8n, redisRuns[1].file, redisRuns[1].run);
		return waitForExecutions(n8n, { count: 2, sinceIds: beforeRedis, timeoutMs: 120_000 });
	});
	check(
		afterRedis.length === 2 && afterRedis.every((e) => e.status === 'success'),
		'redis: both runs after the restart succeeded',
		afterRedis.map((e) => `${e.id}:${e.status}`).join(','),
	);
	await checkSandbox(sandbox, redisRuns, { label: 'after Redis restart' });

	// ---- 4. workflow 2: the callback wait, resumed through main, continued on a worker -------------
	// A render of ≈ 6 s, so the execution is seen waiting; the sandbox re-sends a callback n8n refused.
	await sandbox.control('POST', '/__sandbox/options', {
		clock: { thinkingMs: 1500, generatingMs: 4500, videoPendingMs: 1000, videoProcessingMs: 3000 },
		callbackRetries: 8,
	});
	await sandbox.clearJournal();
	const [cbRun] = makeRunFiles(filesDir, 1, 0, 0, 'callback-');
	const workerStarts = () => workers.flatMap((w) => w.started);
	const cb = await step('Workflow 2: webhook → waiting for the callback → resumed', async () => {
		await postFile(n8n, cbRun.file, cbRun.run, CALLBACK_WEBHOOK_PATH);
		const deadline = Date.now() + 120_000;
		let sawWaiting = false;
		let execution;
		while (Date.now() < deadline) {
			[execution] = await listExecutions(n8n, CALLBACK_WORKFLOW_ID);
			if (execution?.status === 'waiting') sawWaiting = true;
			if (execution && FINISHED.has(execution.status)) break;
			await new Promise((r) => setTimeout(r, 250));
		}
		return { execution, sawWaiting };
	});
	const cbId = String(cb.execution?.id);
	check(cb.sawWaiting, `callback: execution ${cbId} was waiting while HeyGen rendered`);
	check(cb.execution?.status === 'success', 'callback: it ended in success', cb.execution?.status);
	const cbState = await sandbox.state();
	const cbSession = Object.values(cbState.sessions).at(-1);
	const callbackUrl = cbSession?.request?.callback_url ?? '';
	check(
		callbackUrl.startsWith(`${n8n.baseUrl}/webhook-waiting/`),
		"callback: the callback_url sent to HeyGen is main's resume URL",
		callbackUrl,
	);
	check(
		cbState.callbacks.some((c) => c.status === 200),
		'callback: main answered the callback 200',
		cbState.callbacks.map((c) => c.status).join(','),
	);
	const cbStarts = workerStarts().filter((id) => id === cbId).length;
	check(
		cbStarts >= 2,
		`callback: a worker ran the start and the continuation (${cbStarts} worker starts of execution ${cbId})`,
		cbStarts,
	);
	check(
		!/Worker (started|finished)/.test(readFileSync(n8n.logFile, 'utf8')),
		'callback: main ran no part of it',
	);

	// ---- figures ----------------------------------------------------------------------------------
	console.log('');
	console.log(
		bold(
			`Load: ${LOAD_RUNS} executions, wall time ${seconds(loadWallMs)} (first POST → last execution ended)`,
		),
	);
	console.log('  process    executions  RSS when ready  peak RSS');
	for (const r of rss)
		console.log(
			`  ${r.name.padEnd(10)} ${String(r.ran).padStart(10)}  ${String(r.idleMb).padStart(11)} MB  ${String(r.peakMb).padStart(5)} MB`,
		);
	writeFileSync(
		path.join(runDir, 'figures.json'),
		JSON.stringify(
			{
				n8n: N8N_VERSION,
				loadRuns: LOAD_RUNS,
				loadWallMs,
				rss,
				fault: { bytes: FAULT_BYTES, killedAtBytes: kill.atBytes },
			},
			null,
			2,
		),
	);
	const failed = results.filter((r) => !r.ok);
	console.log('');
	console.log(
		`${results.length - failed.length}/${results.length} checks passed; total ${seconds(Date.now() - started)}; logs: ${runDir}`,
	);
	return failed.length === 0;
}

main()
	.then(async (ok) => {
		await cleanup();
		console.log(
			ok ? green(bold('Queue-mode tests passed.')) : red(bold('Queue-mode tests FAILED.')),
		);
		process.exit(ok ? 0 : 1);
	})
	.catch(async (err) => {
		if (err instanceof UserFacingError) console.error(red(`\n✘ ${err.message}`));
		else console.error(red(`\n✘ ${err.stack ?? err}`));
		await cleanup();
		killAllChildren();
		process.exit(1);
	});
