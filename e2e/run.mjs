// The demo and the e2e suite: a real n8n 2.41.1 (e2e/node_modules) runs the example workflows from
// examples/ with the pack installed the way users install it, against the HeyGen sandbox (default)
// or against HeyGen itself (--heygen, with HEYGEN_API_KEY).
//
//   node e2e/run.mjs demo [--heygen] [--editor] [--only 1,3]
//   node e2e/run.mjs test [--no-browser]
//
// Run through `npm run demo` / `npm run test:e2e`, which install what is missing first (e2e/setup.sh).
import {
	existsSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import path from 'node:path';

import { chromiumPath, editorCheck, serverChecks } from './lib/editor-check.mjs';
import { callbackWaitRuns } from './lib/callback-wait.mjs';
import { CREDENTIAL, EXAMPLES, exampleWorkflow, loadExample } from './lib/examples.mjs';
import { acquireDemoDirLock } from './lib/lock.mjs';
import { DEMO_DIR, prepareDemoFiles } from './lib/inputs.mjs';
import { N8n, N8N_VERSION, nodeItems, runError } from './lib/n8n.mjs';
import { buildPack, installIntoNodesDir, packTarball } from './lib/pack.mjs';
import { Sandbox } from './lib/sandbox.mjs';
import { triggerRun } from './lib/trigger.mjs';
import {
	UserFacingError,
	assertPortFree,
	bold,
	dim,
	formatBytes,
	freshRunDir,
	green,
	killAllChildren,
	log,
	red,
	seconds,
	step,
	timings,
	yellow,
} from './lib/util.mjs';

const args = process.argv.slice(2);
const mode = args[0];
if (mode !== 'demo' && mode !== 'test') {
	console.error(
		'usage: node e2e/run.mjs demo [--heygen] [--editor] [--only 1,3] | test [--no-browser]',
	);
	process.exit(2);
}
const flag = (name) => args.includes(name);
const againstHeyGen = mode === 'demo' && flag('--heygen');
const keepEditor = mode === 'demo' && flag('--editor');
const onlyArg = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const only = onlyArg ? onlyArg.split(',').map(Number) : undefined;

const started = Date.now();
const cleanups = [];
let interrupted = false;
async function cleanup() {
	while (cleanups.length) {
		const fn = cleanups.pop();
		try {
			await fn();
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

async function main() {
	const runDir = freshRunDir(mode);
	log(
		`${bold(mode === 'demo' ? 'HeyGen for n8n: demo' : 'HeyGen for n8n: end-to-end tests')} in a real n8n ${N8N_VERSION} ${dim(`(scratch: ${path.relative(process.cwd(), runDir) || runDir})`)}`,
	);

	// --- target ------------------------------------------------------------------------------
	let target;
	if (againstHeyGen) {
		const apiKey = process.env.HEYGEN_API_KEY?.trim();
		if (!apiKey)
			throw new UserFacingError(
				'--heygen needs your key in HEYGEN_API_KEY (HeyGen → Settings → API).',
			);
		target = {
			kind: 'heygen',
			apiUrl: (process.env.HEYGEN_BASE_URL ?? 'https://api.heygen.com').replace(/\/+$/, ''),
			apiKey,
		};
		log(
			yellow(
				`Running against HeyGen at ${target.apiUrl}: this uploads files and creates real videos on your account.`,
			),
		);
	} else if (process.env.HEYGEN_API_KEY && mode === 'demo') {
		log(
			dim(
				'HEYGEN_API_KEY is set but ignored: the demo uses the local sandbox unless you pass --heygen.',
			),
		);
	}

	// Fixed ports are checked first, so a clash fails in a second with a clear message.
	const editorPort = Number(process.env.N8N_PORT ?? 5678);
	if (keepEditor)
		await assertPortFree(
			editorPort,
			'n8n editor for --editor',
			'Stop the program using it (another n8n?), or pick another port: N8N_PORT=5679 npm run demo -- --editor',
		);
	const sandboxPort = Number(process.env.HEYGEN_SANDBOX_PORT ?? 0);
	if (sandboxPort && !againstHeyGen) {
		await assertPortFree(
			sandboxPort,
			'HeyGen sandbox API',
			'Stop the program using it, or unset HEYGEN_SANDBOX_PORT (a free port is picked by default).',
		);
		await assertPortFree(
			sandboxPort + 1,
			'HeyGen sandbox storage origin',
			'Stop the program using it, or choose another HEYGEN_SANDBOX_PORT.',
		);
	}

	// The example workflows read and write /tmp/heygen-demo; one run at a time uses it.
	const releaseLock = await acquireDemoDirLock();
	cleanups.push(releaseLock);

	const largeVideoFrom = process.env.HEYGEN_DEMO_VIDEO;
	if (largeVideoFrom && !existsSync(largeVideoFrom))
		throw new UserFacingError(`HEYGEN_DEMO_VIDEO=${largeVideoFrom}: no such file.`);
	if (againstHeyGen && !largeVideoFrom)
		log(
			yellow(
				'Example 2 uploads a generated 40 MiB MP4-headed file that is not a playable video; HeyGen may refuse it. Set HEYGEN_DEMO_VIDEO=/path/to/a/real.mp4 (over 32 MB) to upload a real one.',
			),
		);
	const files = await step(
		'Generating the input files in /tmp/heygen-demo',
		async () => prepareDemoFiles(DEMO_DIR, { largeVideoFrom }),
		{ heartbeat: 0 },
	);
	cleanups.push(() => rmSync(files.largeVideo, { force: true }));
	log(
		dim(
			`  image.png ${formatBytes(statSync(files.image).size)}, brief.pdf ${formatBytes(statSync(files.pdf).size)}, voiceover.wav ${formatBytes(statSync(files.audio).size)}, large-video.mp4 ${formatBytes(statSync(files.largeVideo).size)}, inbox/ 2 files`,
		),
	);

	const buildLog = path.join(runDir, 'build.log');
	await step('Building the pack (npm run build)', () => buildPack(buildLog));
	const tarball = await step('Packing it (npm pack)', () => packTarball(runDir, buildLog), {
		heartbeat: 0,
	});
	log(dim(`  ${path.basename(tarball.file)}: ${tarball.files.length} files`));

	let sandbox;
	if (!target) {
		sandbox = await step(
			'Starting the HeyGen sandbox',
			() =>
				Sandbox.start({
					fast: mode === 'test',
					port: sandboxPort,
					logFile: path.join(runDir, 'sandbox.log'),
				}),
			{ heartbeat: 0 },
		);
		cleanups.push(() => sandbox.stop());
		target = { kind: 'sandbox', apiUrl: sandbox.apiUrl, apiKey: sandbox.apiKey };
		log(
			dim(
				`  API ${sandbox.apiUrl}, storage ${sandbox.storageUrl}, ${mode === 'test' ? 'fast clock' : 'demo clock (a video takes ≈ 15 s)'}`,
			),
		);
	}

	const n8n = new N8n({ runDir, filesDir: DEMO_DIR });
	await installInto(n8n, tarball, buildLog);
	await step('n8n: first start (database migrations) + importing the credential', () =>
		n8n.importCredentials([
			{ ...CREDENTIAL, data: { apiKey: target.apiKey, baseUrl: target.apiUrl } },
		]),
	);
	const selected = EXAMPLES.filter((ex) => !only || only.includes(Number.parseInt(ex.file, 10)));
	await step(
		`n8n: importing ${selected.length} example workflow${selected.length > 1 ? 's' : ''} from examples/`,
		async () => {
			await n8n.importWorkflows(selected.map((ex) => exampleWorkflow(ex, { sandbox })));
			const listed = await n8n.listWorkflows();
			for (const ex of selected) {
				const wf = loadExample(ex.file);
				if (!listed.some((w) => w.id === wf.id))
					throw new Error(`n8n does not list the imported workflow ${wf.id} (${wf.name})`);
			}
		},
	);

	// --- run the examples --------------------------------------------------------------------
	const results = [];
	for (const ex of selected) {
		const wf = loadExample(ex.file);
		const n = Number.parseInt(ex.file, 10); // the number in the file name (examples/NN-…)
		if (sandbox) await sandbox.clearJournal();
		const res = await step(
			`Example ${n}: ${ex.title} (n8n execute --id=${wf.id})`,
			() => n8n.execute(wf.id, { timeoutMs: target.kind === 'heygen' ? 3_600_000 : 300_000 }),
			{
				heartbeat: 10_000,
			},
		);
		results.push(await verify(ex, n, res, { files, sandbox, target, n8n }));
	}

	// --- extra checks of the e2e suite ---------------------------------------------------------
	if (mode === 'test') {
		results.push(await emptyInboxRun(n8n, files));
		results.push(await databaseModeRun({ runDir, tarball, buildLog, files, sandbox, target }));
		const install = (instance) => installInto(instance, tarball, buildLog);
		results.push(await triggerRun({ runDir, filesDir: DEMO_DIR, sandbox, target, install }));
	}

	let editor;
	if (mode === 'test') {
		// n8n as a server on the same user folder: REST checks, the schedule, and the editor.
		await n8n.cli(['publish:workflow', '--id=heygenExample04']);
		await step('n8n start (editor server) until /healthz/readiness', () => n8n.start(), {
			heartbeat: 5_000,
		});
		cleanups.push(() => n8n.stop());
		await step(
			'Owner account through the REST API (POST /rest/owner/setup, /rest/login)',
			() => n8n.setupOwner(),
			{ heartbeat: 0 },
		);
		results.push(
			await step(
				'REST checks: types, icon, credential test, active schedule',
				() =>
					serverChecks({
						n8n,
						credential: CREDENTIAL,
						target,
						scheduledWorkflowId: 'heygenExample04',
					}),
				{ heartbeat: 0 },
			),
		);
		if (flag('--no-browser')) log(yellow('SKIP editor check in a browser: --no-browser'));
		else if (!chromiumPath())
			log(
				yellow(
					'SKIP editor check in a browser: Chromium not found (Debian: apt-get install -y chromium; or set CHROMIUM_PATH)',
				),
			);
		else {
			editor = await editorCheck({
				n8n,
				runDir,
				workflow: loadExample('03-files-to-video-agent.json'),
				otherWorkflows: EXAMPLES.filter((e) => e.file !== '03-files-to-video-agent.json').map((e) =>
					loadExample(e.file),
				),
				credential: CREDENTIAL,
			});
			results.push(editor.result);
		}
		await step('Stopping n8n', () => n8n.stop(), { heartbeat: 0 });
		results.push(await callbackWaitRuns({ n8n, sandbox, files, credential: CREDENTIAL }));
	}

	// --- report ------------------------------------------------------------------------------
	printSummary(results, { target, runDir, editor });
	const failed = results.filter((r) => !r.ok);

	if (keepEditor && failed.length === 0) {
		await openEditor(n8n, editorPort);
	}
	return failed.length === 0;
}

async function installInto(n8n, tarball, buildLog) {
	const pkg = await step(
		"Installing the pack into n8n's nodes folder (npm install <tarball>, as users do)",
		() => installIntoNodesDir(n8n.nodesDir, tarball.file, buildLog),
		{ heartbeat: 0 },
	);
	log(
		dim(
			`  ${pkg.name}@${pkg.version} → ${n8n.nodesDir}/node_modules (nodes: ${(pkg.n8n?.nodes ?? []).map((p) => path.basename(p, '.node.js')).join(', ')})`,
		),
	);
	return pkg;
}

async function verify(ex, n, res, { files, sandbox, target, n8n }) {
	const base = { n, title: ex.title, output: res.output };
	if (!res.ok) {
		const why = runError(res.run) ?? lastLines(res.output);
		return { ...base, ok: false, failures: [`the workflow failed in n8n: ${why}`] };
	}
	const { checks, summary } = await ex.verify({
		run: res.run,
		files,
		sandbox,
		outputDir: files.output,
		targetIsSandbox: target.kind === 'sandbox',
		n8n,
	});
	return {
		...base,
		ok: checks.failed.length === 0,
		failures: checks.failed.map(
			(f) => `${f.what}${f.detail !== undefined ? ` (got ${f.detail})` : ''}`,
		),
		checks: checks.results.length,
		summary,
	};
}

/** The scheduled example with an empty inbox: the run succeeds and nothing is uploaded. */
async function emptyInboxRun(n8n, files) {
	const title = 'Scheduled example, empty inbox: ends quietly';
	const inbox = path.dirname(files.inboxImage);
	const saved = [files.inboxImage, files.inboxPdf].map((f) => [f, readFileSync(f)]);
	for (const [f] of saved) rmSync(f);
	try {
		const res = await step(`Extra: ${title}`, () => n8n.execute('heygenExample04'));
		const failures = [];
		if (!res.ok) failures.push(`the run failed: ${runError(res.run) ?? lastLines(res.output)}`);
		else {
			const filtered = nodeItems(res.run, 'Only if there are files') ?? [];
			if (filtered.length !== 0) failures.push(`the filter let ${filtered.length} items through`);
			if (nodeItems(res.run, 'Upload to HeyGen')?.length)
				failures.push('Upload ran with an empty inbox');
		}
		return { n: 'x1', title, ok: failures.length === 0, failures, checks: 3 };
	} finally {
		mkdirSync(inbox, { recursive: true });
		for (const [f, bytes] of saved) writeFileSync(f, bytes);
	}
}

/** Example 1 again in a second n8n whose binary data lives in its database, not in files. */
async function databaseModeRun({ runDir, tarball, buildLog, files, sandbox, target }) {
	const title = 'Example 1 with N8N_DEFAULT_BINARY_DATA_MODE=database';
	const n8n = new N8n({ runDir, filesDir: DEMO_DIR, binaryMode: 'database', name: 'n8n-dbmode' });
	await installInto(n8n, tarball, buildLog);
	await step('n8n (database binary mode): migrations, credential, workflow', async () => {
		await n8n.importCredentials([
			{ ...CREDENTIAL, data: { apiKey: target.apiKey, baseUrl: target.apiUrl } },
		]);
		await n8n.importWorkflows([loadExample(EXAMPLES[0].file)]);
	});
	if (sandbox) await sandbox.clearJournal();
	const res = await step(`Extra: ${title}`, () => n8n.execute('heygenExample01'));
	const result = await verify(EXAMPLES[0], 'x2', res, { files, sandbox, target, n8n });
	result.title = title;
	if (res.ok) {
		const read = nodeItems(res.run, 'Read image and PDF') ?? [];
		const ids = read.map((i) => i.binary?.data?.id ?? '');
		const dbIds = ids.every((id) => id.startsWith('database:'));
		if (!dbIds) {
			result.ok = false;
			result.failures.push(`binary ids are not database ids: ${ids.join(', ')}`);
		}
		const binDir = path.join(n8n.n8nDir, 'binaryData');
		const filesOnDisk = existsSync(binDir) ? countFiles(binDir) : 0;
		if (filesOnDisk > 0) {
			result.ok = false;
			result.failures.push(
				`${filesOnDisk} binary files were written to ${binDir} in database mode`,
			);
		}
		result.note = `binary ids: ${ids.map((id) => id.slice(0, 24) + '…').join(', ')}; no files under .n8n/binaryData`;
	}
	return result;
}

function countFiles(dir) {
	let n = 0;
	const walk = (d) => {
		for (const e of readdirSyncSafe(d)) {
			const p = path.join(d, e.name);
			if (e.isDirectory()) walk(p);
			else n++;
		}
	};
	walk(dir);
	return n;
}
function readdirSyncSafe(d) {
	try {
		return readdirSync(d, { withFileTypes: true });
	} catch {
		return [];
	}
}

function lastLines(text, n = 15) {
	return text
		.split('\n')
		.filter((l) => l.trim())
		.slice(-n)
		.join('\n');
}

function printSummary(results, { target, runDir, editor }) {
	console.log('');
	console.log(
		bold(
			`Results (${target.kind === 'sandbox' ? `HeyGen sandbox at ${target.apiUrl}` : `HeyGen at ${target.apiUrl}`})`,
		),
	);
	for (const r of results) {
		const mark = r.ok ? green('✔') : red('✘');
		console.log(
			`${mark} ${bold(`${r.n}. ${r.title}`)}${r.checks ? dim(` (${r.checks} checks)`) : ''}`,
		);
		const s = r.summary;
		for (const u of s?.uploads ?? []) {
			console.log(
				`    ${u.name.padEnd(16)} ${formatBytes(u.size).padStart(9)}  ${String(u.mime_type).padEnd(16)} → ${bold(u.asset_id ?? '?')} ${dim(`(${u.upload_method})`)}`,
			);
		}
		for (const v of s?.videos ?? (s?.video ? [s.video] : [])) {
			const id = v.video_id ?? v.video_translation_id ?? v.lipsync_id;
			console.log(
				`    video ${bold(id ?? '?')} ${v.status}${v.duration ? `, ${v.duration} s` : ''}${v.session_id ? ` (session ${v.session_id})` : ''}`,
			);
			console.log(`    video URL:  ${v.video_url}`);
			console.log(
				`    saved MP4:  ${v.saved} ${v.savedSize ? dim(`(${formatBytes(v.savedSize)})`) : ''}`,
			);
		}
		if (r.note) console.log(dim(`    ${r.note}`));
		for (const f of r.failures ?? []) console.log(red(`    ✘ ${f}`));
		if (!r.ok && r.output && !(r.failures ?? []).length) console.log(dim(lastLines(r.output)));
	}
	if (editor?.screenshots?.length) {
		console.log(
			dim(
				`  screenshots: ${editor.screenshots.map((f) => path.relative(process.cwd(), f)).join(', ')}`,
			),
		);
	}
	console.log('');
	console.log(bold('Time'));
	for (const t of timings)
		console.log(`  ${seconds(t.ms).padStart(8)}  ${t.title}${t.failed ? red(' (failed)') : ''}`);
	console.log(`  ${seconds(Date.now() - started).padStart(8)}  ${bold('total (after setup)')}`);
	console.log(dim(`  logs: ${runDir}`));
}

async function openEditor(n8n, port) {
	await step(`Starting the n8n editor on http://127.0.0.1:${port}`, () => n8n.start({ port }), {
		heartbeat: 5_000,
	});
	cleanups.push(() => n8n.stop());
	const owner = await n8n.setupOwner({ email: 'demo@example.com', password: 'HeyGen-demo-1' });
	console.log('');
	console.log(
		bold(`n8n is running at ${n8n.baseUrl}`) + ` — sign in as ${owner.email} / ${owner.password}.`,
	);
	console.log(
		'The example workflows and the executions you just saw are there. Ctrl-C stops n8n and the sandbox.',
	);
	await new Promise(() => {});
}

main()
	.then(async (ok) => {
		await cleanup();
		if (!ok) {
			console.log(
				red(
					bold(
						mode === 'demo' ? 'The demo found problems (see ✘ above).' : 'End-to-end tests FAILED.',
					),
				),
			);
			process.exit(1);
		}
		console.log(green(bold(mode === 'demo' ? 'Demo finished.' : 'End-to-end tests passed.')));
		process.exit(0);
	})
	.catch(async (err) => {
		if (err instanceof UserFacingError) console.error(red(`\n✘ ${err.message}`));
		else console.error(red(`\n✘ ${err.stack ?? err}`));
		await cleanup();
		killAllChildren();
		process.exit(1);
	});
