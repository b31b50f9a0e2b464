/**
 * `npm run bench` — memory and throughput of the pack's uploads inside the real n8n-core engine,
 * each figure next to a baseline measured in the same run. Writes BENCHMARKS.md (full mode).
 *
 *   npm run bench                  full: 1 GiB, 5 runs per figure (≈ 10 min on 2 cores)
 *   npm run bench -- --quick       smoke: 64 MiB, 1 run, fewer files (< 2 min); report goes to
 *                                  .scratch/bench/BENCHMARKS.quick.md, the tree stays clean
 *   options: --runs N  --size 1G  --only 1,2,3,4,5,6,7,sweep,profile  --sweep 64K,1M,8M
 *            --out FILE  --keep (keep the scratch files)
 *            --policy '{"capToFile":true}'  emulate a change to how the pack reads binary streams
 *                                  (bench/protocol.ts ChunkPolicy), for before/after numbers
 *
 * Every measured upload runs in a fresh worker process (bench/worker.ts); the far ends (the HeyGen
 * sandbox and a discard sink, bench/server.ts) run in processes of their own. Goals are printed as
 * PASS/MISS and never fail the run; the exit code is non-zero only if the benchmark itself breaks.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

import { STREAM_CHUNK_BYTES } from '../nodes/shared/binary';
import { UPLOAD_CONCURRENCY as DEFAULT_CONCURRENCY } from '../nodes/HeyGenAssets/actions/common';
import { mp4Header, writeLargeFile } from '../test/fixtures/files';
import { FarEnd, type FarEndStats } from './farEnd';
import {
	RESULT_MARKER,
	type ManyJob,
	type ManyResult,
	type ChunkPolicy,
	type ServerInfo,
	type SingleJob,
	type SingleResult,
	type StoredBinary,
	type WorkerJob,
} from './protocol';
import { summarizeProfile, type ProfileSummary } from './profile';
import { cell, formatBytes, GiB, MiB, parseSize, ratio, ratioCell, spread } from './stats';

const ROOT = join(__dirname, '..');
const LOCAL_NODE = join(ROOT, 'node_modules', '.bin', 'node');
/** The pinned Node 24 (node_modules/.bin/node), whatever runs this script. */
const NODE = existsSync(LOCAL_NODE) ? LOCAL_NODE : process.execPath;
const CURL = ['/usr/bin/curl', '/usr/local/bin/curl', '/bin/curl'].find((path) => existsSync(path));
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
/** DESIGN §5: Direct Upload's RSS growth bounded (≤ 96 MiB on Node 24, where V8 lets ~64 MiB of spent buffers build up). */
const MEMORY_GOAL_BYTES = 96 * MiB;
/** item 6: 16 × 30 MB through Upload at the default concurrency */
const MANY_LARGE_MEMORY_GOAL_BYTES = 160 * MiB;
const WORKER_TIMEOUT_MS = 10 * 60_000;

// ---- configuration -------------------------------------------------------------------------------

const ITEMS = ['1', '2', '3', '4', '5', '6', '7', 'sweep', 'profile'] as const;
type Item = (typeof ITEMS)[number];

interface Config {
	quick: boolean;
	runs: number;
	sweepRuns: number;
	bigBytes: number;
	multipartBytes: number;
	manyCount: number;
	manyBytes: number;
	latencyMs: number;
	manyConcurrencies: Array<number | null>;
	tinyCount: number;
	tinyBytes: number;
	/** item 6: files per run and bytes per file */
	manyLargeCount: number;
	manyLargeBytes: number;
	sweep: number[];
	only: Set<Item>;
	keep: boolean;
	out: string;
	/** applied to every pack run: emulates a change to the pack without editing it (see ChunkPolicy) */
	policy?: ChunkPolicy;
	/** with --proposed, items 3 and 4 also run the pack with PROPOSED_READS (emulated), to measure a read-size change before making it */
	proposed: boolean;
}

/**
 * The change to nodes/shared/binary.ts that items 3 and 4 measure next to the current code: the
 * type-sniffing read asks for 4 KiB instead of STREAM_CHUNK_BYTES, and the body stream's chunk size
 * is capped at the file's size (n8n's file stream allocates a full chunk for every read, even for a
 * 1 KiB file, so each small item allocated 2–3 MiB that only a major GC frees).
 */
const PROPOSED_READS: ChunkPolicy = { headBytes: 4096, capToFile: true };
const PROPOSED_LABEL = 'proposed read sizes (emulated)';

function usage(message?: string): never {
	if (message) process.stderr.write(`bench: ${message}\n`);
	process.stderr.write(
		'usage: npm run bench [-- --quick] [--runs N] [--size 1G] [--only 1,2,3,4,5,6,7,sweep,profile] [--sweep 64K,1M] [--out FILE] [--keep]\n',
	);
	process.exit(2);
}

function parseArgs(argv: string[]): Config {
	const quick = argv.includes('--quick');
	const config: Config = {
		quick,
		runs: quick ? 1 : 5,
		sweepRuns: quick ? 1 : 3,
		bigBytes: quick ? 64 * MiB : GiB,
		multipartBytes: 30_000_000,
		manyCount: quick ? 40 : 100,
		manyBytes: 1_000_000,
		latencyMs: 50,
		manyConcurrencies: [1, null, 8, 16],
		tinyCount: quick ? 200 : 1000,
		tinyBytes: 1024,
		manyLargeCount: 16,
		manyLargeBytes: 30_000_000,
		sweep: quick
			? [64 * 1024, MiB, 8 * MiB]
			: [64 * 1024, 256 * 1024, MiB, 2 * MiB, 4 * MiB, 8 * MiB],
		only: new Set<Item>(quick ? ITEMS.filter((item) => item !== 'profile') : ITEMS),
		keep: false,
		proposed: false,
		out: quick
			? join(ROOT, '.scratch', 'bench', 'BENCHMARKS.quick.md')
			: join(ROOT, 'BENCHMARKS.md'),
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const value = () => argv[++i] ?? usage(`${arg} needs a value`);
		switch (arg) {
			case '--quick':
				break;
			case '--runs':
				config.runs = Number(value());
				config.sweepRuns = Math.min(config.sweepRuns, config.runs);
				if (!Number.isInteger(config.runs) || config.runs < 1)
					usage('--runs needs a positive integer');
				break;
			case '--size':
				config.bigBytes = parseSize(value());
				break;
			case '--sweep':
				config.sweep = value().split(',').map(parseSize);
				break;
			case '--sweep-runs':
				config.sweepRuns = Number(value());
				break;
			case '--proposed':
				config.proposed = true;
				break;
			case '--only': {
				const items = value().split(',');
				const unknown = items.filter((item) => !(ITEMS as readonly string[]).includes(item));
				if (unknown.length) usage(`unknown item(s) ${unknown.join(', ')}`);
				config.only = new Set(items as Item[]);
				break;
			}
			case '--out':
				config.out = value();
				break;
			case '--keep':
				config.keep = true;
				break;
			case '--policy':
				config.policy = JSON.parse(value()) as ChunkPolicy;
				break;
			case '--help':
			case '-h':
				usage();
				break;
			default:
				usage(`unknown option ${arg}`);
		}
	}
	return config;
}

// ---- processes -----------------------------------------------------------------------------------

function log(message: string): void {
	process.stderr.write(`[bench] ${message}\n`);
}

interface Exec {
	code: number | null;
	stdout: string;
	stderr: string;
}

function exec(
	command: string,
	args: string[],
	env: NodeJS.ProcessEnv = process.env,
	timeoutMs = WORKER_TIMEOUT_MS,
): Promise<Exec> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
		child.stderr.on(
			'data',
			(chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)),
		);
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({ code, stdout, stderr });
		});
	});
}

let workerTmp = '';
let binaryStore = '';

/** Stores a file into the run's n8n binary store, in a process of its own. */
async function store(file: string, fileName: string, mimeType: string): Promise<StoredBinary> {
	return await runWorker<StoredBinary>({ scenario: 'store', file, fileName, mimeType });
}

async function runWorker<R>(job: WorkerJob, extraEnv: NodeJS.ProcessEnv = {}): Promise<R> {
	const env = { ...process.env, TMPDIR: workerTmp, BENCH_BINARY_STORE: binaryStore, ...extraEnv };
	const result = await exec(
		NODE,
		['--expose-gc', '--import', 'tsx', 'bench/worker.ts', JSON.stringify(job)],
		env,
	);
	const line = result.stdout.split('\n').find((text) => text.startsWith(RESULT_MARKER));
	if (result.code !== 0 || !line) {
		throw new Error(
			`worker ${job.scenario} failed (exit ${result.code}):\n${result.stderr}\n${result.stdout.slice(-2000)}`,
		);
	}
	return JSON.parse(line.slice(RESULT_MARKER.length)) as R;
}

interface CurlResult {
	seconds: number;
	cpuSeconds: number | null;
	maxRssBytes: number | null;
}

async function runCurl(args: string[]): Promise<CurlResult> {
	if (!CURL) throw new Error('curl is not installed');
	const full = ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', ...args];
	const result = TIME
		? await exec(TIME, ['-f', 'BENCH_TIME %e %U %S %M', CURL, ...full])
		: await exec(CURL, full);
	const [status, total] = result.stdout.trim().split(' ');
	if (result.code !== 0 || status !== '200')
		throw new Error(`curl failed (exit ${result.code}, HTTP ${status}): ${result.stderr}`);
	const time = /BENCH_TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(result.stderr);
	return {
		seconds: Number(total),
		cpuSeconds: time ? Number(time[2]) + Number(time[3]) : null,
		maxRssBytes: time ? Number(time[4]) * 1024 : null,
	};
}

async function presign(
	server: ServerInfo,
	size: number,
): Promise<{ url: string; headers: Record<string, string> }> {
	const response = await fetch(`${server.apiUrl}/v3/assets/direct-uploads`, {
		method: 'POST',
		headers: {
			'x-api-key': server.apiKey,
			'content-type': 'application/json',
			'idempotency-key': randomUUID(),
		},
		body: JSON.stringify({ filename: 'big.mp4', content_type: 'video/mp4', size_bytes: size }),
	});
	const body = (await response.json()) as {
		data?: { upload_url: string; upload_headers?: Record<string, string> };
	};
	if (!response.ok || !body.data)
		throw new Error(`direct-upload init failed: ${response.status} ${JSON.stringify(body)}`);
	return { url: body.data.upload_url, headers: body.data.upload_headers ?? {} };
}

// ---- the measurements ----------------------------------------------------------------------------

interface Measured<T> {
	result: T;
	far: FarEndStats;
}

interface BigUpload {
	pack: Array<Measured<SingleResult>>;
	http: Array<Measured<SingleResult>>;
	curl: Array<Measured<CurlResult>>;
	/** plain Node.js (sink only): the floor for any Node client */
	plain: Array<Measured<SingleResult>>;
}

async function measuredOnFarEnd<T>(
	far: FarEnd,
	work: () => Promise<T>,
	minBytes: number,
): Promise<Measured<T>> {
	await far.reset();
	const result = await work();
	const stats = await far.stats();
	if (stats.bytesReceived < minBytes) {
		throw new Error(
			`${far.info.kind} received ${stats.bytesReceived} bytes, expected at least ${minBytes}`,
		);
	}
	return { result, far: stats };
}

function mibps(bytes: number, seconds: number): number {
	return bytes / MiB / seconds;
}

function describe(result: SingleResult): string {
	const again = result.again
		? ` (again in the same process: +${(result.again.peakRssGrowthBytes / MiB).toFixed(1)} MiB)`
		: '';
	return `${result.seconds.toFixed(2)} s, ${mibps(result.bytes, result.seconds).toFixed(0)} MiB/s, RSS +${(result.peakRssGrowthBytes / MiB).toFixed(1)} MiB${again}`;
}

/** Items 1 and 5 (and curl -T), interleaved run by run so that load drift hits all of them alike. */
async function bigUploads(
	config: Config,
	ends: FarEnd[],
	file: string,
	binary: StoredBinary,
): Promise<Map<string, BigUpload>> {
	const out = new Map<string, BigUpload>(
		ends.map((end) => [end.info.kind, { pack: [], http: [], curl: [], plain: [] }]),
	);
	const single = (server: ServerInfo, scenario: SingleJob['scenario']): SingleJob => ({
		scenario,
		server,
		binary,
		file,
		again: scenario !== 'httpNode',
		...(scenario === 'httpNode' ? {} : { chunkPolicy: config.policy }),
	});
	for (let run = 1; run <= config.runs; run++) {
		for (const end of ends) {
			const series = out.get(end.info.kind)!;
			const tag = `items 1/5 run ${run}/${config.runs} ${end.info.kind}:`;
			if (config.only.has('1')) {
				const pack = await measuredOnFarEnd(
					end,
					() => runWorker<SingleResult>(single(end.info, 'packDirect')),
					config.bigBytes,
				);
				series.pack.push(pack);
				log(`${tag} pack direct upload ${describe(pack.result)}`);
				if (end.info.kind === 'sink') {
					const plain = await measuredOnFarEnd(
						end,
						() => runWorker<SingleResult>(single(end.info, 'nodeStream')),
						config.bigBytes,
					);
					series.plain.push(plain);
					log(`${tag} plain Node.js stream ${describe(plain.result)}`);
				}
				if (CURL) {
					const curl = await measuredOnFarEnd(
						end,
						async () => {
							const { url, headers } = await presign(end.info, config.bigBytes);
							const args = ['-T', file, '-H', 'Expect:'];
							for (const [name, value] of Object.entries(headers))
								args.push('-H', `${name}: ${value}`);
							return await runCurl([...args, url]);
						},
						config.bigBytes,
					);
					series.curl.push(curl);
					log(
						`${tag} curl -T ${curl.result.seconds.toFixed(2)} s, ${mibps(config.bigBytes, curl.result.seconds).toFixed(0)} MiB/s`,
					);
				}
			}
			if (config.only.has('5')) {
				const http = await measuredOnFarEnd(
					end,
					() => runWorker<SingleResult>(single(end.info, 'httpNode')),
					config.bigBytes,
				);
				series.http.push(http);
				log(`${tag} HTTP Request node ${describe(http.result)}`);
			}
		}
	}
	return out;
}

async function chunkSweep(
	config: Config,
	sink: FarEnd,
	binary: StoredBinary,
): Promise<Map<number, SingleResult[]>> {
	const out = new Map<number, SingleResult[]>(config.sweep.map((size) => [size, []]));
	for (let run = 1; run <= config.sweepRuns; run++) {
		for (const chunkBytes of config.sweep) {
			const job: SingleJob = {
				scenario: 'packDirect',
				server: sink.info,
				binary,
				chunkPolicy: { ...config.policy, fixed: chunkBytes },
			};
			const { result } = await measuredOnFarEnd(
				sink,
				() => runWorker<SingleResult>(job),
				config.bigBytes,
			);
			out.get(chunkBytes)!.push(result);
			log(
				`chunk sweep run ${run}/${config.sweepRuns} ${formatBytes(chunkBytes)}: ${describe(result)}`,
			);
		}
	}
	return out;
}

interface Multipart {
	pack: SingleResult[];
	curl: CurlResult[];
}

async function multipartUploads(
	config: Config,
	sandbox: FarEnd,
	file: string,
	binary: StoredBinary,
): Promise<Multipart> {
	const out: Multipart = { pack: [], curl: [] };
	for (let run = 1; run <= config.runs; run++) {
		const job: SingleJob = {
			scenario: 'packUpload',
			server: sandbox.info,
			binary,
			chunkPolicy: config.policy,
		};
		const { result } = await measuredOnFarEnd(
			sandbox,
			() => runWorker<SingleResult>(job),
			config.multipartBytes,
		);
		out.pack.push(result);
		log(`item 2 run ${run}/${config.runs}: pack upload ${describe(result)}`);
		if (CURL) {
			const args = [
				'-H',
				`x-api-key: ${sandbox.info.apiKey}`,
				'-F',
				`file=@${file};type=video/mp4`,
				`${sandbox.info.apiUrl}/v3/assets`,
			];
			const curl = await measuredOnFarEnd(sandbox, () => runCurl(args), config.multipartBytes);
			out.curl.push(curl.result);
			log(`item 2 run ${run}/${config.runs}: curl -F ${curl.result.seconds.toFixed(3)} s`);
		}
	}
	return out;
}

/** item 6: one run of the node uploading every stored copy, measured in a fresh worker. */
async function manyLargeUploads(
	config: Config,
	sandbox: FarEnd,
	copies: StoredBinary[],
): Promise<SingleResult[]> {
	const out: SingleResult[] = [];
	for (let run = 1; run <= config.runs; run++) {
		const job: SingleJob = {
			scenario: 'packUploadMany',
			server: sandbox.info,
			binary: copies[0],
			binaries: copies,
			chunkPolicy: config.policy,
		};
		const { result } = await measuredOnFarEnd(
			sandbox,
			() => runWorker<SingleResult>(job),
			config.manyLargeCount * config.manyLargeBytes,
		);
		out.push(result);
		log(`item 6 run ${run}/${config.runs}: ${describe(result)}`);
	}
	return out;
}

/** Item 7: a file at a URL into HeyGen, by Upload from URL and by the two-node chain. */
interface FromUrl {
	pack: SingleResult[];
	chain: SingleResult[];
	baseline?: string;
}

async function fromUrlUploads(config: Config, sandbox: FarEnd): Promise<FromUrl> {
	const size = config.bigBytes;
	const out: FromUrl = { pack: [], chain: [] };
	// Generated by the sandbox's file host on the fly: served with Content-Length, never stored.
	const sourceUrl = `${sandbox.info.fileHostUrl}/files/big.mp4?type=mp4&size=${size}`;
	const binary: StoredBinary = {
		id: 'none',
		fileName: 'big.mp4',
		mimeType: 'video/mp4',
		fileSize: String(size),
		bytes: size,
		data: '',
	};
	for (let run = 1; run <= config.runs; run++) {
		for (const scenario of ['packFromUrl', 'httpToDirect'] as const) {
			const job: SingleJob = { scenario, server: sandbox.info, binary, sourceUrl };
			const { result } = await measuredOnFarEnd(sandbox, () => runWorker<SingleResult>(job), size);
			(scenario === 'packFromUrl' ? out.pack : out.chain).push(result);
			if (result.baseline) out.baseline = result.baseline;
			log(
				`item 7 run ${run}/${config.runs}: ${scenario} ${describe(result)}, written ${formatBytes(result.writtenBytes ?? 0)}`,
			);
		}
	}
	return out;
}

/** key → seconds of each run */
type ManySeries = Map<
	string,
	{
		label: string;
		concurrency: number | null;
		seconds: number[];
		items: number;
		/** worker CPU ms per item, major GCs per 100 items */
		cpuMsPerItem: number[];
		majorGcsPer100: number[];
	}
>;

async function manyUploads(
	config: Config,
	sandbox: FarEnd,
	job: Omit<ManyJob, 'scenario' | 'server'>,
	what: string,
): Promise<ManySeries> {
	const out: ManySeries = new Map();
	for (let run = 1; run <= config.runs; run++) {
		await sandbox.reset();
		const result = await runWorker<ManyResult>({
			scenario: 'many',
			server: sandbox.info,
			chunkPolicy: config.policy,
			...job,
		});
		for (const entry of result.runs) {
			const series = out.get(entry.key) ?? {
				label: entry.label,
				concurrency: entry.concurrency,
				seconds: [],
				items: entry.items,
				cpuMsPerItem: [],
				majorGcsPer100: [],
			};
			series.seconds.push(entry.seconds);
			series.cpuMsPerItem.push((entry.cpuSeconds * 1000) / entry.items);
			series.majorGcsPer100.push((entry.majorGcCount * 100) / entry.items);
			out.set(entry.key, series);
		}
		log(
			`${what} run ${run}/${config.runs}: ${result.runs.map((entry) => `${entry.key} ${entry.seconds.toFixed(2)} s`).join(', ')}`,
		);
	}
	return out;
}

interface Profiles {
	pack?: ProfileSummary;
	http?: ProfileSummary;
	dir: string;
}

async function profiles(config: Config, sink: FarEnd, binary: StoredBinary): Promise<Profiles> {
	const dir = join(ROOT, '.scratch', 'bench', 'profiles');
	mkdirSync(dir, { recursive: true });
	const out: Profiles = { dir: '.scratch/bench/profiles' };
	for (const scenario of ['packDirect', 'httpNode'] as const) {
		const path = join(dir, `${scenario}.cpuprofile`);
		const job: SingleJob = { scenario, server: sink.info, binary };
		await measuredOnFarEnd(
			sink,
			() => runWorker<SingleResult>(job, { BENCH_CPU_PROFILE: path }),
			config.bigBytes,
		);
		const summary = summarizeProfile(JSON.parse(readFileSync(path, 'utf8')));
		if (scenario === 'packDirect') out.pack = summary;
		else out.http = summary;
		log(`profile ${scenario}: ${path}`);
	}
	return out;
}

// ---- environment ---------------------------------------------------------------------------------

interface Environment {
	date: string;
	machine: string;
	kernel: string;
	node: string;
	n8nCore: string;
	n8nWorkflow: string;
	httpNode: string;
	curl: string;
	commit: string;
	loadBefore: string;
	loadAfter?: string;
}

function packageVersion(name: string, from = ROOT): string {
	try {
		return (
			JSON.parse(readFileSync(join(from, 'node_modules', name, 'package.json'), 'utf8')) as {
				version: string;
			}
		).version;
	} catch {
		return 'not installed';
	}
}

function loadAverage(): string {
	return os
		.loadavg()
		.map((value) => value.toFixed(2))
		.join(' / ');
}

function environment(): Environment {
	const cpus = os.cpus();
	const nodeVersion = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
	const curl = CURL
		? spawnSync(CURL, ['--version'], { encoding: 'utf8' })
				.stdout.split('\n')[0]
				.split(' ')
				.slice(0, 2)
				.join(' ')
		: 'not installed';
	const commit =
		spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
			cwd: ROOT,
			encoding: 'utf8',
		}).stdout.trim() || 'unknown';
	const e2eBase = packageVersion('n8n-nodes-base', join(ROOT, 'e2e'));
	return {
		date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
		machine: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / GiB).toFixed(1)} GiB RAM`,
		kernel: `${os.type()} ${os.release()} (${os.arch()})`,
		node: nodeVersion,
		n8nCore: packageVersion('n8n-core'),
		n8nWorkflow: packageVersion('n8n-workflow'),
		httpNode: e2eBase,
		curl,
		commit,
		loadBefore: loadAverage(),
	};
}

// ---- the report ----------------------------------------------------------------------------------

interface Results {
	big?: Map<string, BigUpload>;
	sweep?: Map<number, SingleResult[]>;
	multipart?: Multipart;
	manyLarge?: SingleResult[];
	many?: ManySeries;
	tiny?: ManySeries;
	profiles?: Profiles;
	httpBaseline?: string;
	fromUrl?: FromUrl;
}

interface Goal {
	text: string;
	pass: boolean;
	measured: string;
}

const mb = (bytes: number) => bytes / MiB;
const pick = <T>(list: T[], get: (value: T) => number) => list.map(get);

function report(
	config: Config,
	env: Environment,
	results: Results,
	elapsedSeconds: number,
): { markdown: string; goals: Goal[] } {
	const lines: string[] = [];
	const goals: Goal[] = [];
	const add = (...text: string[]) => lines.push(...text);
	const bigLabel = formatBytes(config.bigBytes);

	add(
		`_Generated by \`npm run bench${config.quick ? ' -- --quick' : ''}\` on ${env.date} in ${(elapsedSeconds / 60).toFixed(1)} min. Do not edit the numbers by hand; re-run the benchmark._`,
		'',
		'| | |',
		'|---|---|',
		`| Machine | ${env.machine}; ${env.kernel} |`,
		`| Load average (1/5/15 min) | before ${env.loadBefore}; after ${env.loadAfter} (the machine is shared; figures are medians of interleaved runs) |`,
		`| Node | ${env.node} (the pinned \`node\` devDependency) |`,
		`| n8n | n8n-core ${env.n8nCore}, n8n-workflow ${env.n8nWorkflow}; HTTP Request node from n8n-nodes-base ${env.httpNode} |`,
		`| curl | ${env.curl} |`,
		`| Pack | commit ${env.commit}; \`STREAM_CHUNK_BYTES\` = ${formatBytes(STREAM_CHUNK_BYTES)}; \`UPLOAD_CONCURRENCY\` = ${DEFAULT_CONCURRENCY} |`,
		...(config.policy
			? [
					`| Emulated pack change | \`${JSON.stringify(config.policy)}\` (bench/protocol.ts ChunkPolicy) — these are NOT the pack's current figures |`,
				]
			: []),
		`| Runs | ${config.runs} per figure (chunk sweep: ${config.sweepRuns}); cells are median (min–max); ratios are ratios of medians (range of the per-run paired ratios) |`,
		'',
	);

	// ---- items 1 and 5
	if (results.big) {
		add(
			`## 1 and 5. Direct upload of ${bigLabel} (filesystem binary mode)`,
			'',
			`The same file, already in n8n's filesystem binary store, PUT to a presigned URL of each far end. ` +
				`**sink**: a minimal HeyGen-shaped server that discards the bytes; **sandbox**: the HeyGen sandbox's storage origin, which checks the presigned request and sha256-hashes every byte. ` +
				`The pack runs its whole Direct Upload (init → PUT → complete); curl and the HTTP Request node only PUT (their init is done before the clock starts).`,
			'',
			`Item 5 baseline: ${results.httpBaseline ?? 'not run'}.`,
			'',
			'| far end | client | time (s) | throughput (MiB/s) | peak RSS growth (MiB) | same upload again, same process: RSS growth (MiB) | CPU (s per GiB) | far end CPU (s per GiB) | pack throughput ÷ this |',
			'|---|---|---|---|---|---|---|---|---|',
		);
		for (const [kind, series] of results.big) {
			const packSeconds = pick(series.pack, (m) => m.result.seconds);
			const gib = config.bigBytes / GiB;
			const row = (
				client: string,
				list: Array<Measured<{ seconds: number }>>,
				rss: string,
				cpu: string,
			) => {
				const seconds = pick(list, (m) => m.result.seconds);
				if (seconds.length === 0) return;
				const throughput = seconds.map((s) => mibps(config.bigBytes, s));
				const farCpu = spread(pick(list, (m) => m.far.cpuSeconds / gib));
				const speedup = client.startsWith('**HeyGen')
					? '—'
					: ratioCell(seconds, packSeconds.slice(0, seconds.length));
				const again = list
					.map((m) => (m.result as Partial<SingleResult>).again)
					.filter((a) => a !== undefined);
				const againCell = again.length
					? cell(spread(again.map((a) => mb(a.peakRssGrowthBytes))), 1)
					: '–';
				add(
					`| ${kind} | ${client} | ${cell(spread(seconds))} | ${cell(spread(throughput), 0)} | ${rss} | ${againCell} | ${cpu} | ${cell(farCpu)} | ${speedup} |`,
				);
			};
			const rssOf = (list: Array<Measured<SingleResult>>) =>
				cell(spread(pick(list, (m) => mb(m.result.peakRssGrowthBytes))), 1);
			const cpuOf = (list: Array<Measured<SingleResult>>) =>
				cell(spread(pick(list, (m) => m.result.cpuSeconds / gib)));
			row('**HeyGen Assets → Direct Upload**', series.pack, rssOf(series.pack), cpuOf(series.pack));
			const curlCpu = series.curl.every((m) => m.result.cpuSeconds !== null)
				? cell(spread(pick(series.curl, (m) => m.result.cpuSeconds! / gib)))
				: '–';
			const curlRss = series.curl.every((m) => m.result.maxRssBytes !== null)
				? `${cell(spread(pick(series.curl, (m) => mb(m.result.maxRssBytes!))), 1)} (whole process)`
				: '–';
			row('`curl -T`', series.curl, curlRss, curlCpu);
			row(
				'HTTP Request node, defaults (item 5)',
				series.http,
				rssOf(series.http),
				cpuOf(series.http),
			);
			row(
				`plain Node.js, no n8n: \`fs.createReadStream\` (${formatBytes(STREAM_CHUNK_BYTES)} chunks) → \`http.request\``,
				series.plain,
				rssOf(series.plain),
				cpuOf(series.plain),
			);
		}
		add('');
		add(
			'Where the memory and time go (medians over the same runs): V8 heap growth, growth of Buffer memory outside the heap (`arrayBuffers`), and garbage collections during the upload.',
			'',
			'| far end | client | V8 heap growth (MiB) | Buffer memory growth (MiB) | GCs (major) | GC pauses (s) | chunk size asked of getBinaryStream |',
			'|---|---|---|---|---|---|---|',
		);
		for (const [kind, series] of results.big) {
			for (const [client, list] of [
				['HeyGen Assets → Direct Upload', series.pack],
				['HTTP Request node (item 5)', series.http],
				['plain Node.js stream', series.plain],
			] as const) {
				if (list.length === 0) continue;
				const r = list.map((m) => m.result);
				const asked =
					[
						...new Set(
							r
								.flatMap((x) => x.requestedChunkBytes)
								.map((c) => (c === null ? 'default (64 KiB)' : formatBytes(c))),
						),
					].join(', ') || 'n/a (reads the file itself)';
				add(
					`| ${kind} | ${client} | ${cell(spread(pick(r, (x) => mb(x.peakHeapUsedGrowthBytes))), 1)} | ${cell(spread(pick(r, (x) => mb(x.peakArrayBuffersGrowthBytes))), 1)} | ${cell(spread(pick(r, (x) => x.gcCount)), 0)} (${cell(spread(pick(r, (x) => x.majorGcCount)), 0)}) | ${cell(spread(pick(r, (x) => x.gcPauseSeconds)))} | ${asked} |`,
				);
			}
		}
		add('');
		for (const [kind, series] of results.big) {
			if (series.pack.length === 0) continue;
			const packSeconds = pick(series.pack, (m) => m.result.seconds);
			const worst = Math.max(...pick(series.pack, (m) => m.result.peakRssGrowthBytes));
			goals.push({
				text: `1 (${kind}): RSS growth of the Direct Upload < ${mb(MEMORY_GOAL_BYTES)} MiB (worst run)`,
				pass: worst < MEMORY_GOAL_BYTES,
				measured: `${mb(worst).toFixed(1)} MiB`,
			});
			if (series.http.length) {
				const r = ratio(
					pick(series.http, (m) => m.result.seconds),
					packSeconds,
				);
				goals.push({
					text: `1 (${kind}): throughput ≥ 2× the HTTP Request node's (item 5)`,
					pass: r >= 2,
					measured: `${r.toFixed(2)}×`,
				});
			}
			if (series.curl.length) {
				const r = ratio(
					pick(series.curl, (m) => m.result.seconds),
					packSeconds,
				);
				goals.push({
					text: `1 (${kind}): throughput ≥ 0.5× curl -T's`,
					pass: r >= 0.5,
					measured: `${r.toFixed(2)}×`,
				});
			}
		}
	}

	// ---- chunk sweep
	if (results.sweep) {
		add(
			`### Stream chunk size (the \`chunkSize\` the pack passes to \`getBinaryStream\`), Direct Upload of ${bigLabel} to the sink`,
			'',
			`Measured by overriding the chunk size inside the worker (bench/worker.ts wraps \`BinaryDataService.getAsStream\`); ${config.sweepRuns} run(s) each, interleaved.`,
			'',
			'| chunk | time (s) | throughput (MiB/s) | peak RSS growth (MiB) | CPU (s per GiB) | Buffer memory growth (MiB) | major GCs | GC pauses (s) |',
			'|---|---|---|---|---|---|---|---|',
		);
		for (const [chunk, list] of results.sweep) {
			const mark = chunk === STREAM_CHUNK_BYTES ? ' (current)' : '';
			add(
				`| ${formatBytes(chunk)}${mark} | ${cell(spread(pick(list, (r) => r.seconds)))} | ${cell(spread(pick(list, (r) => mibps(r.bytes, r.seconds))), 0)} | ${cell(spread(pick(list, (r) => mb(r.peakRssGrowthBytes))), 1)} | ${cell(spread(pick(list, (r) => r.cpuSeconds / (r.bytes / GiB))))} | ${cell(spread(pick(list, (r) => mb(r.peakArrayBuffersGrowthBytes))), 1)} | ${cell(spread(pick(list, (r) => r.majorGcCount)), 0)} | ${cell(spread(pick(list, (r) => r.gcPauseSeconds)))} |`,
			);
		}
		add('');
	}

	// ---- profiles
	if (results.profiles?.pack) {
		add(
			`### CPU profile of one Direct Upload of ${bigLabel} to the sink (main thread, measured part only)`,
			'',
			`Sampled by V8 every 0.5 ms; the .cpuprofile files are written to \`${results.profiles.dir}/\` (open them in Chrome DevTools).`,
			'',
			'| where | HeyGen Assets (ms) | share | HTTP Request node (ms) | share |',
			'|---|---|---|---|---|',
		);
		const pack = results.profiles.pack;
		const http = results.profiles.http;
		const names = [
			...new Set([
				...pack.categories.map((c) => c.name),
				...(http?.categories.map((c) => c.name) ?? []),
			]),
		];
		for (const name of names) {
			const a = pack.categories.find((c) => c.name === name);
			const b = http?.categories.find((c) => c.name === name);
			add(
				`| ${name} | ${a ? a.ms.toFixed(0) : '–'} | ${a ? `${(a.share * 100).toFixed(0)} %` : '–'} | ${b ? b.ms.toFixed(0) : '–'} | ${b ? `${(b.share * 100).toFixed(0)} %` : '–'} |`,
			);
		}
		add(
			`| **total** | ${pack.totalMs.toFixed(0)} | | ${http ? http.totalMs.toFixed(0) : '–'} | |`,
			'',
		);
		if (http?.topFunctions.length) {
			add('Top JavaScript functions by self time in the HTTP Request node run:', '');
			for (const f of http.topFunctions.slice(0, 6)) add(`- \`${f.name}\` — ${f.ms.toFixed(0)} ms`);
			add('');
		}
	}

	// ---- item 2
	if (results.multipart) {
		const { pack, curl } = results.multipart;
		const packSeconds = pick(pack, (r) => r.seconds);
		add(
			`## 2. Upload (multipart) of a ${formatBytes(config.multipartBytes)} file to the sandbox`,
			'',
			"| client | time (s) | peak RSS growth (MiB) | CPU (s) | time ÷ curl's |",
			'|---|---|---|---|---|',
			`| **HeyGen Assets → Upload** | ${cell(spread(packSeconds), 3)} | ${cell(spread(pick(pack, (r) => mb(r.peakRssGrowthBytes))), 1)} | ${cell(spread(pick(pack, (r) => r.cpuSeconds)), 3)} | ${
				curl.length
					? ratioCell(
							packSeconds,
							pick(curl, (c) => c.seconds),
						)
					: '–'
			} |`,
		);
		if (curl.length) {
			const rss = curl.every((c) => c.maxRssBytes !== null)
				? `${cell(spread(pick(curl, (c) => mb(c.maxRssBytes!))), 1)} (whole process)`
				: '–';
			const cpu = curl.every((c) => c.cpuSeconds !== null)
				? cell(spread(pick(curl, (c) => c.cpuSeconds!)), 3)
				: '–';
			add(
				`| \`curl -F\` | ${cell(spread(pick(curl, (c) => c.seconds)), 3)} | ${rss} | ${cpu} | 1× |`,
			);
		}
		add(
			'',
			`The pack's time includes reading the file from n8n's binary store twice (type sniffing, then the body); the multipart body is streamed with its exact Content-Length (≤ 32 MB by design; larger files go through Direct Upload).`,
			'',
		);
	}

	// ---- item 6
	if (results.manyLarge) {
		const runs = results.manyLarge;
		const total = config.manyLargeCount * config.manyLargeBytes;
		add(
			`## 6. Upload (multipart) of ${config.manyLargeCount} files of ${formatBytes(config.manyLargeBytes)} in one run, default concurrency (${DEFAULT_CONCURRENCY}), filesystem binary mode`,
			'',
			'| time (s) | throughput (MiB/s) | peak RSS growth (MiB) | V8 heap growth (MiB) | Buffer memory growth (MiB) | CPU (s) |',
			'|---|---|---|---|---|---|',
			`| ${cell(spread(pick(runs, (r) => r.seconds)))} | ${cell(spread(pick(runs, (r) => mibps(total, r.seconds))), 0)} | ${cell(spread(pick(runs, (r) => mb(r.peakRssGrowthBytes))), 1)} | ${cell(spread(pick(runs, (r) => mb(r.peakHeapUsedGrowthBytes))), 1)} | ${cell(spread(pick(runs, (r) => mb(r.peakArrayBuffersGrowthBytes))), 1)} | ${cell(spread(pick(runs, (r) => r.cpuSeconds)))} |`,
			'',
			'Each multipart body is streamed (preamble, the file read from the binary store in chunks, closing boundary) with its exact Content-Length, and each file is opened only when its request starts, so memory does not grow with the number or size of the files.',
			'',
		);
		const worst = Math.max(...pick(runs, (r) => r.peakRssGrowthBytes));
		goals.push({
			text: `6: RSS growth of ${config.manyLargeCount} × ${formatBytes(config.manyLargeBytes)} Uploads < 160 MiB (worst run)`,
			pass: worst < MANY_LARGE_MEMORY_GOAL_BYTES,
			measured: `${mb(worst).toFixed(1)} MiB`,
		});
	}

	// ---- item 3
	if (results.many) {
		const many = results.many;
		const variantOf = (key: string) => (key.includes('@') ? key.slice(key.indexOf('@') + 1) : '');
		const baseKey = (key: string) => key.split('@')[0];
		/** the concurrency-1 series a row is compared with: same variant */
		const seqFor = (key: string) =>
			many.get(variantOf(key) ? `pack:1@${variantOf(key)}` : 'pack:1');
		const labelFor = (key: string, concurrency: number | null) =>
			(baseKey(key) === 'pack:default'
				? `default concurrency (${DEFAULT_CONCURRENCY})`
				: `concurrency ${concurrency}`) + (variantOf(key) ? `, ${variantOf(key)}` : '');
		add(
			`## 3. ${config.manyCount} files of ${formatBytes(config.manyBytes)}, Upload, sandbox adding ${config.latencyMs} ms per API request`,
			'',
			'| HeyGen Assets | wall time (s) | files per second | speed-up over concurrency 1 | worker CPU per file (ms) | major GCs per 100 files |',
			'|---|---|---|---|---|---|',
		);
		const keys = [...many.keys()].sort((x, y) => Number(x.includes('@')) - Number(y.includes('@')));
		for (const key of keys) {
			const series = many.get(key)!;
			const seq = seqFor(key);
			add(
				`| ${labelFor(key, series.concurrency)} | ${cell(spread(series.seconds))} | ${cell(spread(series.seconds.map((s) => series.items / s)), 1)} | ${seq && baseKey(key) !== 'pack:1' ? ratioCell(seq.seconds, series.seconds) : '—'} | ${cell(spread(series.cpuMsPerItem), 1)} | ${cell(spread(series.majorGcsPer100), 0)} |`,
			);
		}
		add(
			'',
			`Each file is one request, so concurrency c can at best divide the time by c: with the default concurrency the speed-up is bounded by ${DEFAULT_CONCURRENCY}×, and reaches it only if nothing but the latency costs time. Rows marked "${PROPOSED_LABEL}" run the same node with the read sizes of the change proposed in the notes below, emulated by the worker (bench/worker.ts, ChunkPolicy).`,
			'',
		);
		const proposedSeq = many.get(`pack:1@${PROPOSED_LABEL}`);
		const proposedDefault = many.get(`pack:default@${PROPOSED_LABEL}`);
		const currentDefault = many.get('pack:default');
		const currentSeq = many.get('pack:1');
		if (proposedSeq && proposedDefault && currentDefault && currentSeq) {
			const median = (values: number[]) => spread(values).median;
			add(
				`Before → after the proposed read sizes (emulated), medians of this run: speed-up of the default concurrency ${ratio(currentSeq.seconds, currentDefault.seconds).toFixed(2)}× → ${ratio(proposedSeq.seconds, proposedDefault.seconds).toFixed(2)}×; worker CPU per file at concurrency 1 ${median(currentSeq.cpuMsPerItem).toFixed(1)} → ${median(proposedSeq.cpuMsPerItem).toFixed(1)} ms; major GCs per 100 files ${median(currentSeq.majorGcsPer100).toFixed(0)} → ${median(proposedSeq.majorGcsPer100).toFixed(0)}.`,
				'',
			);
		}
		for (const key of keys) {
			const series = many.get(key)!;
			const seq = seqFor(key);
			if (!seq || baseKey(key) === 'pack:1') continue;
			const r = ratio(seq.seconds, series.seconds);
			const isDefault = baseKey(key) === 'pack:default' && !variantOf(key);
			goals.push({
				text: `3${isDefault ? '' : ' (for comparison)'}: ${labelFor(key, series.concurrency)} ≥ 4× faster than concurrency 1`,
				pass: r >= 4,
				measured: `${r.toFixed(2)}×`,
			});
		}
	}

	// ---- item 4
	if (results.tiny) {
		const tiny = results.tiny;
		const raw = tiny.get('raw:new');
		add(
			`## 4. Per-item overhead: ${config.tinyCount} uploads of ${formatBytes(config.tinyBytes)}, sandbox without latency`,
			'',
			'Sequential unless the row says otherwise. Overhead = time per item minus the raw round trip per item (first row), i.e. what n8n and the pack add to each item.',
			'',
			'| client | total (s) | per item (ms) | overhead per item (ms) | worker CPU per item (ms) | major GCs per 100 items |',
			'|---|---|---|---|---|---|',
		);
		const order = ['raw:new', 'raw:keepalive', 'helper'];
		for (const key of ['pack:1', 'pack:default']) {
			order.push(key, ...[...tiny.keys()].filter((k) => k.startsWith(`${key}@`)));
		}
		for (const key of order) {
			const series = tiny.get(key);
			if (!series) continue;
			const perItem = series.seconds.map((s) => (s * 1000) / series.items);
			const overhead = raw
				? series.seconds.map((s, i) => ((s - raw.seconds[i]) * 1000) / series.items)
				: [];
			const label = key.startsWith('pack:default')
				? series.label.replace(
						'default concurrency',
						`default concurrency (${DEFAULT_CONCURRENCY})`,
					)
				: series.label;
			add(
				`| ${key === 'pack:1' || key === 'pack:default' ? `**${label}**` : label} | ${cell(spread(series.seconds))} | ${cell(spread(perItem), 2)} | ${key === 'raw:new' ? '—' : cell(spread(overhead), 2)} | ${cell(spread(series.cpuMsPerItem), 2)} | ${cell(spread(series.majorGcsPer100), 1)} |`,
			);
		}
		add('');
		const before = tiny.get('pack:1');
		const after = tiny.get(`pack:1@${PROPOSED_LABEL}`);
		if (raw && before && after) {
			const overheadMs = (list: number[]) =>
				spread(list.map((s, i) => ((s - raw.seconds[i]) * 1000) / before.items)).median;
			const a = overheadMs(before.seconds);
			const b = overheadMs(after.seconds);
			add(
				`Before → after the proposed read sizes (emulated), concurrency 1, medians of this run: overhead per item ${a.toFixed(2)} → ${b.toFixed(2)} ms (÷${(a / b).toFixed(1)}); worker CPU per item ${spread(before.cpuMsPerItem).median.toFixed(2)} → ${spread(after.cpuMsPerItem).median.toFixed(2)} ms; major GCs per 100 items ${spread(before.majorGcsPer100).median.toFixed(1)} → ${spread(after.majorGcsPer100).median.toFixed(1)}.`,
				'',
			);
		}
	}

	// ---- item 7
	const fromUrl = results.fromUrl;
	if (fromUrl?.pack.length && fromUrl.chain.length) {
		const row = (label: string, list: SingleResult[]) =>
			`| ${label} | ${cell(spread(pick(list, (r) => r.seconds)), 2)} | ${cell(spread(pick(list, (r) => mibps(r.bytes, r.seconds))))} | ${cell(spread(pick(list, (r) => mb(r.peakRssGrowthBytes))), 1)} | ${cell(spread(pick(list, (r) => mb(r.writtenBytes ?? 0))), 1)} |`;
		const packSeconds = spread(pick(fromUrl.pack, (r) => r.seconds)).median;
		const chainSeconds = spread(pick(fromUrl.chain, (r) => r.seconds)).median;
		const packRss = spread(pick(fromUrl.pack, (r) => r.peakRssGrowthBytes)).median;
		const packWritten = Math.max(...pick(fromUrl.pack, (r) => r.writtenBytes ?? 0));
		add(
			`## 7. A ${bigLabel} file at a URL → HeyGen`,
			'',
			`The source is the sandbox's file host (generated bytes, with Content-Length); the far end is the HeyGen sandbox, which checks the presigned PUT and hashes every byte. ` +
				`**Upload from URL**: one HeyGen Assets node streams the download into the presigned PUT. ` +
				`**HTTP Request → Direct Upload**: ${fromUrl.baseline ?? 'HTTP Request'}, then HeyGen Assets → Direct Upload from n8n's filesystem binary store. ` +
				`Written = bytes the worker process wrote to files (Linux /proc/self/io write_bytes).`,
			'',
			'| client | time (s) | throughput (MiB/s) | peak RSS growth (MiB) | written to disk (MiB) |',
			'|---|---|---|---|---|',
			row('**Upload from URL**', fromUrl.pack),
			row('HTTP Request → Direct Upload', fromUrl.chain),
			'',
			`Two-node chain time ÷ Upload from URL time: ${ratioCell(
				pick(fromUrl.chain, (r) => r.seconds),
				pick(fromUrl.pack, (r) => r.seconds),
			)}.`,
			'',
		);
		goals.push(
			{
				text: `7: Upload from URL writes nothing to disk (${bigLabel})`,
				pass: packWritten < MiB,
				measured: `${formatBytes(packWritten)} written`,
			},
			{
				text: `7: Upload from URL peak RSS growth ≤ ${mb(MEMORY_GOAL_BYTES)} MiB, as for Direct Upload`,
				pass: packRss <= MEMORY_GOAL_BYTES,
				measured: `${mb(packRss).toFixed(1)} MiB`,
			},
			{
				text: '7: Upload from URL is faster than HTTP Request → Direct Upload',
				pass: packSeconds < chainSeconds,
				measured: `${packSeconds.toFixed(2)} s vs ${chainSeconds.toFixed(2)} s`,
			},
		);
	}

	return { markdown: lines.join('\n'), goals };
}

const BEGIN =
	'<!-- bench:begin (generated by npm run bench; everything up to bench:end is replaced) -->';
const END = '<!-- bench:end -->';

function goalLines(goals: Goal[]): string[] {
	return goals.map((goal) => `${goal.pass ? 'PASS' : 'MISS'}  ${goal.text}: ${goal.measured}`);
}

/** Replaces the generated part of BENCHMARKS.md; the hand-written parts around it stay. */
function writeReport(path: string, generated: string, goals: Goal[]): void {
	const block = [
		BEGIN,
		'',
		'## Goals',
		'',
		'```',
		...goalLines(goals),
		'```',
		'',
		generated,
		END,
	].join('\n');
	let text = existsSync(path) ? readFileSync(path, 'utf8') : '';
	const start = text.indexOf(BEGIN);
	const end = text.indexOf(END);
	if (start >= 0 && end > start) text = text.slice(0, start) + block + text.slice(end + END.length);
	else text = `# Benchmarks\n\n${block}\n`;
	mkdirSync(join(path, '..'), { recursive: true });
	writeFileSync(path, text);
}

// ---- main ----------------------------------------------------------------------------------------

async function main(): Promise<void> {
	const config = parseArgs(process.argv.slice(2));
	const started = Date.now();
	const env = environment();
	const scratch = join(ROOT, '.scratch', 'bench', `run-${process.pid}`);
	workerTmp = join(scratch, 'tmp');
	binaryStore = join(scratch, 'n8n-binary-data');
	mkdirSync(workerTmp, { recursive: true });
	if (config.policy)
		log(`emulating a pack change in every pack run: ${JSON.stringify(config.policy)}`);
	log(
		`${config.quick ? 'quick' : 'full'} mode: ${formatBytes(config.bigBytes)}, ${config.runs} run(s); node ${NODE} (${env.node}); scratch ${scratch}`,
	);
	if (!CURL) log('curl not found: the curl baselines are skipped');

	const ends: FarEnd[] = [];
	const results: Results = {};
	try {
		const needBig = ['1', '5', 'sweep', 'profile'].some((item) => config.only.has(item as Item));
		const bigFile = join(scratch, 'big.mp4');
		const multipartFile = join(scratch, 'clip.mp4');
		let big: StoredBinary | undefined;
		let clip: StoredBinary | undefined;
		if (needBig) {
			await writeLargeFile(bigFile, config.bigBytes, mp4Header());
			big = await store(bigFile, 'big.mp4', 'video/mp4');
		}
		if (config.only.has('2')) {
			await writeLargeFile(multipartFile, config.multipartBytes, mp4Header());
			clip = await store(multipartFile, 'clip.mp4', 'video/mp4');
		}
		let clips: StoredBinary[] | undefined;
		if (config.only.has('6')) {
			const file = join(scratch, 'clip-6.mp4');
			await writeLargeFile(file, config.manyLargeBytes, mp4Header());
			clips = await runWorker<StoredBinary[]>({
				scenario: 'storeCopies',
				file,
				fileName: 'clip.mp4',
				mimeType: 'video/mp4',
				copies: config.manyLargeCount,
			});
		}

		const sink = await FarEnd.start('sink', NODE, ROOT);
		ends.push(sink);
		const sandbox = await FarEnd.start('sandbox', NODE, ROOT);
		ends.push(sandbox);

		if (config.only.has('1') || config.only.has('5')) {
			results.big = await bigUploads(config, [sink, sandbox], bigFile, big!);
			const http = [...results.big.values()].flatMap((series) => series.http)[0];
			results.httpBaseline = http?.result.baseline;
		}
		if (config.only.has('sweep')) results.sweep = await chunkSweep(config, sink, big!);
		if (config.only.has('profile')) results.profiles = await profiles(config, sink, big!);
		if (config.only.has('2'))
			results.multipart = await multipartUploads(config, sandbox, multipartFile, clip!);
		if (config.only.has('6')) results.manyLarge = await manyLargeUploads(config, sandbox, clips!);
		if (config.only.has('3')) {
			await sandbox.setLatency(config.latencyMs);
			results.many = await manyUploads(
				config,
				sandbox,
				{
					count: config.manyCount,
					sizeBytes: config.manyBytes,
					concurrencies: config.manyConcurrencies,
					rawBaselines: false,
					variants: config.proposed
						? [{ name: PROPOSED_LABEL, policy: PROPOSED_READS, concurrencies: [1, null] }]
						: undefined,
				},
				'item 3',
			);
			await sandbox.setLatency(0);
		}
		if (config.only.has('7')) results.fromUrl = await fromUrlUploads(config, sandbox);
		if (config.only.has('4')) {
			results.tiny = await manyUploads(
				config,
				sandbox,
				{
					count: config.tinyCount,
					sizeBytes: config.tinyBytes,
					concurrencies: [1, null],
					rawBaselines: true,
					variants: config.proposed
						? [{ name: PROPOSED_LABEL, policy: PROPOSED_READS, concurrencies: [1, null] }]
						: undefined,
				},
				'item 4',
			);
		}
	} finally {
		await Promise.all(ends.map((end) => end.stop()));
		if (!config.keep) rmSync(scratch, { recursive: true, force: true });
	}

	env.loadAfter = loadAverage();
	const { markdown, goals } = report(config, env, results, (Date.now() - started) / 1000);
	process.stdout.write(`\n${markdown}\n\n${goalLines(goals).join('\n')}\n`);
	writeReport(config.out, markdown, goals);
	// Keep the report as `npm run format` would write it, so formatting never rewrites the numbers.
	const prettier = join(ROOT, 'node_modules', '.bin', 'prettier');
	if (existsSync(prettier))
		spawnSync(NODE, [prettier, '--write', config.out], { cwd: ROOT, stdio: 'ignore' });
	log(`report written to ${config.out}`);
}

main().catch((error: Error) => {
	process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
	process.exit(1);
});
