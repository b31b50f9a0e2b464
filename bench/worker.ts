/**
 * The measured process. run.ts starts one per measurement (`node --expose-gc --import tsx
 * bench/worker.ts '<job json>'`), so every RSS figure starts from a clean process:
 *
 *   1. set up: n8n-core's binary data service in filesystem mode on the run's shared store (big
 *      files were stored into it beforehand by a `store` job in another process), the nodes registered, and one small warm-up run through the same code path (so lazily
 *      loaded modules and JIT are not counted as upload memory);
 *   2. gc, reset the kernel's peak-RSS counter (VmHWM), take the baseline RSS;
 *   3. run the workflow inside the real n8n-core engine while sampling RSS every 10 ms;
 *   4. print one line `BENCH_RESULT {json}` on stdout.
 *
 * The far end (sandbox or sink) runs in another process (bench/server.ts).
 */
import { removeScratch } from '../test/harness/env';
import './resolveTs';

import { randomUUID } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'node:http';
import { Session } from 'node:inspector';
import { constants, PerformanceObserver } from 'node:perf_hooks';

import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import {
	NodeConnectionTypes,
	type IBinaryData,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { STREAM_CHUNK_BYTES } from '../nodes/shared/binary';
import { mp4Bytes, pngBytes } from '../test/fixtures/files';
import {
	node,
	registerNodeType,
	runWorkflow,
	useBinaryMode,
	type WorkflowResult,
} from '../test/harness/engine';
import { assetsNode, sandboxCredentials } from '../test/harness/heygen';
import { httpBaseline, httpDownloadBaseline } from './httpRequestNode';
import {
	RESULT_MARKER,
	type ManyJob,
	type ManyResult,
	type Measurement,
	type ServerInfo,
	type SingleJob,
	type SingleResult,
	type ChunkPolicy,
	type WorkerJob,
} from './protocol';

// ---- the start node: emits items whose binaries were stored before the measurement ----------------

const ITEMS_TYPE = 'bench.items';
let currentItems: INodeExecutionData[] = [];

class ItemsNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Items',
		name: ITEMS_TYPE,
		group: ['input'],
		version: 1,
		description: 'Emits pre-stored items',
		defaults: { name: 'Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(): Promise<INodeExecutionData[][]> {
		return [currentItems.map((item) => ({ json: { ...item.json }, binary: { ...item.binary } }))];
	}
}
registerNodeType(ITEMS_TYPE, new ItemsNode());

/** Item 4's middle baseline: n8n's HTTP helper with a ready multipart body, no pack code at all. */
const HELPER_TYPE = 'bench.helperPost';
let helperBodies: Buffer[] = [];
const BOUNDARY = '----benchBoundary7MA4YWxkTrZu0gW';

class HelperPostNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Helper POST',
		name: HELPER_TYPE,
		group: ['output'],
		version: 1,
		description: 'POSTs a prepared multipart body per item with httpRequestWithAuthentication',
		defaults: { name: 'Helper POST' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heyGenV3Api', required: true }],
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const url = this.getNodeParameter('url', 0) as string;
		for (let i = 0; i < this.getInputData().length; i++) {
			const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'heyGenV3Api', {
				method: 'POST',
				url,
				body: helperBodies[i % helperBodies.length],
				headers: {
					'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
					'idempotency-key': randomUUID(),
				},
				json: false,
				disableFollowRedirect: true,
				returnFullResponse: true,
			})) as { statusCode: number };
			if (response.statusCode !== 200)
				throw new Error(`helper POST answered ${response.statusCode}`);
			out.push({ json: {}, pairedItem: { item: i } });
		}
		return [out];
	}
}
registerNodeType(HELPER_TYPE, new HelperPostNode());

// ---- measurement -------------------------------------------------------------------------------------

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readHwmBytes(): number | null {
	try {
		const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
		return kb ? Number(kb) * 1024 : null;
	} catch {
		return null;
	}
}

/** Resets the kernel's peak-RSS counter (Linux ≥ 4.0); false where that is not possible. */
function resetHwm(): boolean {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
		return readHwmBytes() !== null;
	} catch {
		return false;
	}
}

/**
 * `BENCH_CPU_PROFILE=<file>`: a V8 CPU profile of the measured part only (not setup); in a `many`
 * job, of the timed run whose key is `BENCH_CPU_PROFILE_KEY` (e.g. `pack:1`).
 */
async function profiled<T>(work: () => Promise<T>, key?: string): Promise<T> {
	const target = process.env.BENCH_CPU_PROFILE;
	if (!target || key !== process.env.BENCH_CPU_PROFILE_KEY) return await work();
	const session = new Session();
	session.connect();
	const post = (method: string, params?: object) =>
		new Promise<unknown>((resolve, reject) =>
			session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
		);
	await post('Profiler.enable');
	await post('Profiler.setSamplingInterval', { interval: 500 });
	await post('Profiler.start');
	try {
		return await work();
	} finally {
		const { profile } = (await post('Profiler.stop')) as { profile: object };
		writeFileSync(target, JSON.stringify(profile));
		session.disconnect();
	}
}

/** Collects garbage collections (kind, pause) until stop(). */
function observeGc(): { stop(): Promise<Array<{ kind: number; ms: number }>> } {
	const gcs: Array<{ kind: number; ms: number }> = [];
	const observer = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) {
			gcs.push({
				kind: (entry as unknown as { detail: { kind: number } }).detail.kind,
				ms: entry.duration,
			});
		}
	});
	observer.observe({ entryTypes: ['gc'] });
	return {
		async stop() {
			await sleep(20); // let the observer deliver
			observer.disconnect();
			return gcs;
		},
	};
}

async function measure<T>(work: () => Promise<T>): Promise<{ value: T; measurement: Measurement }> {
	gc();
	await sleep(50);
	gc();
	const observer = observeGc();
	const hwmReset = resetHwm();
	const start = process.memoryUsage();
	let peak = start.rss;
	let peakArrayBuffers = start.arrayBuffers;
	let peakHeapUsed = start.heapUsed;
	let samples = 0;
	const sampler = setInterval(() => {
		const now = process.memoryUsage();
		peak = Math.max(peak, now.rss);
		peakArrayBuffers = Math.max(peakArrayBuffers, now.arrayBuffers);
		peakHeapUsed = Math.max(peakHeapUsed, now.heapUsed);
		samples++;
	}, 10);
	const cpu = process.cpuUsage();
	const started = performance.now();
	let value: T;
	try {
		value = await profiled(work);
	} finally {
		clearInterval(sampler);
	}
	const seconds = (performance.now() - started) / 1000;
	const used = process.cpuUsage(cpu);
	peak = Math.max(peak, process.memoryUsage.rss());
	const hwm = hwmReset ? readHwmBytes() : null;
	const gcs = await observer.stop();
	const sampled = peak - start.rss;
	const kernel = hwm === null ? null : hwm - start.rss;
	const major = gcs.filter((g) => g.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
	return {
		value,
		measurement: {
			seconds,
			peakRssGrowthBytes: Math.max(sampled, kernel ?? 0),
			sampledPeakRssGrowthBytes: sampled,
			hwmPeakRssGrowthBytes: kernel,
			baselineRssBytes: start.rss,
			peakArrayBuffersGrowthBytes: peakArrayBuffers - start.arrayBuffers,
			peakHeapUsedGrowthBytes: peakHeapUsed - start.heapUsed,
			cpuSeconds: (used.user + used.system) / 1e6,
			gcCount: gcs.length,
			majorGcCount: major.length,
			gcPauseSeconds: gcs.reduce((sum, g) => sum + g.ms, 0) / 1000,
			rssSamples: samples,
		},
	};
}

// ---- setup helpers -----------------------------------------------------------------------------------

const location = {
	type: 'execution' as const,
	workflowId: 'harness-workflow',
	executionId: 'bench-setup',
};

async function storeFile(path: string, fileName: string, mimeType: string): Promise<IBinaryData> {
	return await Container.get(BinaryDataService).copyBinaryFile(
		location,
		{ data: '', fileName, mimeType },
		path,
	);
}

async function storeCopies(
	path: string,
	fileName: string,
	mimeType: string,
	copies: number,
): Promise<IBinaryData[]> {
	const stored: IBinaryData[] = [];
	for (let copy = 0; copy < copies; copy++)
		stored.push(await storeFile(path, fileName.replace(/(\.\w+)?$/, `-${copy}$1`), mimeType));
	return stored;
}

async function storeBuffer(
	bytes: Buffer,
	fileName: string,
	mimeType: string,
): Promise<IBinaryData> {
	return await Container.get(BinaryDataService).store(location, bytes, {
		data: '',
		fileName,
		mimeType,
	});
}

let activePolicy: ChunkPolicy = {};
/** binaries a stream was opened for since the last reset: the first open is the type-sniffing read */
const opened = new Set<string>();

/** Records the chunk size every getBinaryStream call asks for, and applies the job's ChunkPolicy. */
function instrumentStreams(policy: ChunkPolicy = {}): Array<number | null> {
	activePolicy = policy;
	const asked: Array<number | null> = [];
	const sizes = new Map<string, number>();
	const service = Container.get(BinaryDataService);
	const original = service.getAsStream.bind(service);
	service.getAsStream = async (id: string, chunkSize?: number) => {
		const policy = activePolicy;
		asked.push(chunkSize ?? null);
		let size = policy.fixed ?? chunkSize;
		const first = !opened.has(id);
		opened.add(id);
		if (first && policy.headBytes) size = policy.headBytes;
		else if (policy.capToFile && size) {
			// the pack knows the size already (getBinaryMetadata); the emulation reads it once per file
			let fileSize = sizes.get(id);
			if (fileSize === undefined)
				sizes.set(id, (fileSize = (await service.getMetadata(id)).fileSize));
			size = Math.max(1, Math.min(size, fileSize));
		}
		return await original(id, size);
	};
	return asked;
}

function check(result: WorkflowResult, nodeName: string, expected: number): INodeExecutionData[] {
	if (result.error)
		throw new Error(`workflow failed: ${result.error.message} ${result.error.description ?? ''}`);
	const output = result.output(nodeName);
	if (output.length !== expected)
		throw new Error(`${nodeName} returned ${output.length} items, expected ${expected}`);
	const failed = output.find((item) => item.json.error);
	if (failed) throw new Error(`${nodeName}: ${JSON.stringify(failed.json)}`);
	return output;
}

async function presign(server: ServerInfo, fileName: string, mimeType: string, size: number) {
	const response = await fetch(`${server.apiUrl}/v3/assets/direct-uploads`, {
		method: 'POST',
		headers: {
			'x-api-key': server.apiKey,
			'content-type': 'application/json',
			'idempotency-key': randomUUID(),
		},
		body: JSON.stringify({ filename: fileName, content_type: mimeType, size_bytes: size }),
	});
	const body = (await response.json()) as { data?: { upload_url: string } };
	if (!response.ok || !body.data)
		throw new Error(`direct-upload init failed: ${response.status} ${JSON.stringify(body)}`);
	return body.data.upload_url;
}

function workflow(
	server: ServerInfo,
	target: INode,
): { nodes: INode[]; credentials: ReturnType<typeof sandboxCredentials> } {
	return {
		nodes: [node('Items', ITEMS_TYPE, {}), target],
		credentials: sandboxCredentials(server),
	};
}

// ---- scenarios ---------------------------------------------------------------------------------------

async function runSingle(job: SingleJob): Promise<SingleResult> {
	const { server } = job;
	const big = job.binary as IBinaryData;
	const size = (job.binaries ?? [job.binary]).reduce((sum, binary) => sum + binary.bytes, 0);
	const small = await storeBuffer(mp4Bytes(64 * 1024), 'warmup.mp4', 'video/mp4');
	const asked = instrumentStreams(job.chunkPolicy);

	let baseline: string | undefined;
	/** everything before the clock starts (e.g. the presigned URL), then the measured work */
	let prepare: (binary: IBinaryData, bytes: number) => Promise<() => Promise<string | undefined>>;
	if (job.scenario === 'httpNode') {
		const http = httpBaseline(!job.forceStandIn);
		registerNodeType(http.type, http.node);
		baseline = http.description;
		prepare = async (binary, bytes) => {
			const url = await presign(server, binary.fileName ?? 'file', binary.mimeType, bytes);
			const target = node('HTTP Request', http.type, http.parameters(url), {
				typeVersion: http.typeVersion,
			});
			return async () => {
				currentItems = [{ json: {}, binary: { data: binary } }];
				check(await runWorkflow(workflow(server, target)), 'HTTP Request', 1);
				return undefined;
			};
		};
	} else if (job.scenario === 'packFromUrl' || job.scenario === 'httpToDirect') {
		// Item 6: the file is at a URL. The pack streams it from there; the two-node chain downloads
		// it into n8n's binary store (HTTP Request) and then direct-uploads it (HeyGen Assets).
		const download = httpDownloadBaseline(!job.forceStandIn);
		registerNodeType(download.type, download.node);
		if (job.scenario === 'httpToDirect') baseline = download.description;
		prepare = async (binary) => async () => {
			// the warm-up binary stands for "the small file"; the measured run for the big one
			const url =
				binary === small
					? `${server.fileHostUrl}/files/warmup.mp4?type=mp4&size=65536`
					: job.sourceUrl!;
			currentItems = [{ json: {} }];
			const nodes =
				job.scenario === 'packFromUrl'
					? [assetsNode({ operation: 'uploadFromUrl', url, options: {} })]
					: [
							node('HTTP Request', download.type, download.parameters(url), {
								typeVersion: download.typeVersion,
							}),
							assetsNode({ operation: 'directUpload', binaryPropertyName: 'data', options: {} }),
						];
			const result = await runWorkflow({
				nodes: [node('Items', ITEMS_TYPE, {}), ...nodes],
				credentials: sandboxCredentials(server),
			});
			const [item] = check(result, 'HeyGen Assets', 1);
			return item.json.asset_id as string;
		};
	} else if (job.scenario === 'nodeStream') {
		const chunk = job.chunkPolicy?.fixed ?? STREAM_CHUNK_BYTES;
		baseline = `fs.createReadStream(file, { highWaterMark: ${chunk} }).pipe(http.request(url, { method: 'PUT', content-length }))`;
		prepare = async (binary, bytes) => {
			const url = await presign(server, binary.fileName ?? 'file', binary.mimeType, bytes);
			return async () => {
				await plainPut(url, job.file!, bytes, binary.mimeType, chunk);
				return undefined;
			};
		};
	} else {
		const parameters: INodeParameters = {
			operation: job.scenario === 'packDirect' ? 'directUpload' : 'upload',
			binaryPropertyName: 'data',
			options: {},
		};
		prepare = async (binary) => async () => {
			// item 6: the measured run sends every file of `binaries`, one input item each
			const files =
				job.scenario === 'packUploadMany' && binary === big
					? (job.binaries as IBinaryData[])
					: [binary];
			currentItems = files.map((data) => ({ json: {}, binary: { data } }));
			const [item] = check(
				await runWorkflow(workflow(server, assetsNode(parameters))),
				'HeyGen Assets',
				files.length,
			);
			return item.json.asset_id as string;
		};
	}

	await (
		await prepare(small, small.bytes ?? 0)
	)(); // warm-up
	asked.length = 0;
	const work = await prepare(big, size);
	const writtenBefore = writtenBytes();
	const { value: assetId, measurement } = await measure(work);
	const writtenAfter = writtenBytes();
	const requestedChunkBytes = [...asked];
	// The same upload once more in this (no longer fresh) process: what a long-running n8n sees.
	const again = job.again ? (await measure(await prepare(big, size))).measurement : undefined;
	return {
		scenario: job.scenario,
		...measurement,
		bytes: size,
		requestedChunkBytes,
		baseline,
		assetId,
		again,
		writtenBytes:
			writtenBefore === null || writtenAfter === null ? null : writtenAfter - writtenBefore,
	};
}

/**
 * Bytes this process has written to files so far, to tell "streamed" from "stored": the kernel's
 * write_bytes (Linux; counted when the page cache is written, socket writes not included), else
 * the size of n8n's binary store.
 */
function writtenBytes(): number | null {
	let kernel: number | null = null;
	try {
		const value = /write_bytes:\s+(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1];
		kernel = value === undefined ? null : Number(value);
	} catch {
		kernel = null;
	}
	if (kernel !== null) return kernel;
	const store = process.env.N8N_BINARY_DATA_STORAGE_PATH;
	return store ? directoryBytes(store) : null;
}

function directoryBytes(dir: string): number {
	let total = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
		if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
	}
	return total;
}

/** item 1's floor: the same PUT in plain Node.js, reading the file directly (no n8n at all). */
function plainPut(
	url: string,
	file: string,
	size: number,
	mimeType: string,
	chunk: number,
): Promise<void> {
	return new Promise((resolve, reject) => {
		const req = request(
			url,
			{ method: 'PUT', headers: { 'content-length': size, 'content-type': mimeType } },
			(res) => {
				res.resume();
				res.on('end', () =>
					res.statusCode === 200
						? resolve()
						: reject(new Error(`plain PUT answered ${res.statusCode}`)),
				);
			},
		);
		req.on('error', reject);
		createReadStream(file, { highWaterMark: chunk, end: size - 1 }).pipe(req);
	});
}

/** The body of a one-file multipart upload, as the pack builds it. */
function multipart(bytes: Buffer, fileName: string, mimeType: string): Buffer {
	return Buffer.concat([
		Buffer.from(
			`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${mimeType}\r\n\r\n`,
		),
		bytes,
		Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
	]);
}

/** One raw POST with node:http; `agent` undefined = a fresh connection, like n8n's helpers. */
function rawPost(server: ServerInfo, body: Buffer, agent: Agent | false): Promise<void> {
	return new Promise((resolve, reject) => {
		const req = request(
			`${server.apiUrl}/v3/assets`,
			{
				method: 'POST',
				agent,
				headers: {
					'x-api-key': server.apiKey,
					'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
					'content-length': body.length,
					'idempotency-key': randomUUID(),
					accept: 'application/json',
				},
			},
			(res) => {
				res.resume();
				res.on('end', () =>
					res.statusCode === 200
						? resolve()
						: reject(new Error(`raw POST answered ${res.statusCode}`)),
				);
			},
		);
		req.on('error', reject);
		req.end(body);
	});
}

async function resetServer(server: ServerInfo): Promise<void> {
	if (server.kind === 'sandbox')
		await fetch(`${server.apiUrl}/__sandbox/reset`, { method: 'POST' });
}

async function runMany(job: ManyJob): Promise<ManyResult> {
	const { server } = job;
	const files: Buffer[] = [];
	const items: INodeExecutionData[] = [];
	for (let i = 0; i < job.count; i++) {
		const bytes = pngBytes(job.sizeBytes);
		files.push(bytes);
		items.push({
			json: {},
			binary: { data: await storeBuffer(bytes, `file-${i}.png`, 'image/png') },
		});
	}
	const basePolicy = job.chunkPolicy ?? {};
	instrumentStreams(basePolicy);
	const runs: ManyResult['runs'] = [];
	const timed = async (
		key: string,
		label: string,
		concurrency: number | null,
		work: () => Promise<void>,
	) => {
		await resetServer(server);
		opened.clear();
		gc();
		const gcs = observeGc();
		const cpu = process.cpuUsage();
		const started = performance.now();
		await profiled(work, key);
		const seconds = (performance.now() - started) / 1000;
		const used = process.cpuUsage(cpu);
		const collections = await gcs.stop();
		runs.push({
			key,
			label,
			concurrency,
			seconds,
			items: job.count,
			cpuSeconds: (used.user + used.system) / 1e6,
			majorGcCount: collections.filter((g) => g.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
				.length,
			gcPauseSeconds: collections.reduce((sum, g) => sum + g.ms, 0) / 1000,
		});
	};
	const pack = async (concurrency: number | null, subset = items) => {
		currentItems = subset;
		const options = concurrency === null ? {} : { concurrency };
		const target = assetsNode({ operation: 'upload', binaryPropertyName: 'data', options });
		check(await runWorkflow(workflow(server, target)), 'HeyGen Assets', subset.length);
	};

	// warm-up: every code path once
	await pack(1, items.slice(0, 2));
	if (job.rawBaselines) {
		helperBodies = files
			.slice(0, 2)
			.map((bytes, i) => multipart(bytes, `file-${i}.png`, 'image/png'));
		currentItems = items.slice(0, 2);
		const helper = node(
			'Helper POST',
			HELPER_TYPE,
			{ url: `${server.apiUrl}/v3/assets` },
			{ credentials: { heyGenV3Api: { id: '1', name: 'bench' } } },
		);
		check(await runWorkflow(workflow(server, helper)), 'Helper POST', 2);
		await rawPost(server, helperBodies[0], false);
	}

	for (const concurrency of job.concurrencies) {
		const key = `pack:${concurrency ?? 'default'}`;
		const label =
			concurrency === null
				? 'HeyGen Assets, default concurrency'
				: `HeyGen Assets, concurrency ${concurrency}`;
		await timed(key, label, concurrency, () => pack(concurrency));
		for (const variant of job.variants ?? []) {
			if (!variant.concurrencies.includes(concurrency)) continue;
			activePolicy = variant.policy;
			await timed(`${key}@${variant.name}`, `${label}, ${variant.name}`, concurrency, () =>
				pack(concurrency),
			);
			activePolicy = basePolicy;
		}
	}
	if (job.rawBaselines) {
		const bodies = files.map((bytes, i) => multipart(bytes, `file-${i}.png`, 'image/png'));
		await timed(
			'raw:new',
			'raw node:http, a new connection per request (as n8n does)',
			1,
			async () => {
				for (const body of bodies) await rawPost(server, body, false);
			},
		);
		const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
		await timed('raw:keepalive', 'raw node:http, one kept-alive connection', 1, async () => {
			for (const body of bodies) await rawPost(server, body, keepAlive);
		});
		keepAlive.destroy();
		helperBodies = bodies;
		currentItems = items;
		const helper = node(
			'Helper POST',
			HELPER_TYPE,
			{ url: `${server.apiUrl}/v3/assets` },
			{ credentials: { heyGenV3Api: { id: '1', name: 'bench' } } },
		);
		await timed(
			'helper',
			"n8n's httpRequestWithAuthentication in a bare node (body prepared)",
			1,
			async () => {
				check(await runWorkflow(workflow(server, helper)), 'Helper POST', job.count);
			},
		);
	}
	return { scenario: 'many', runs };
}

async function main(): Promise<void> {
	const job = JSON.parse(process.argv[2]) as WorkerJob;
	// The store shared by all workers of a run (see StoredBinary); read by useBinaryMode.
	if (process.env.BENCH_BINARY_STORE)
		process.env.N8N_BINARY_DATA_STORAGE_PATH = process.env.BENCH_BINARY_STORE;
	await useBinaryMode('filesystem');
	const result =
		job.scenario === 'store'
			? await storeFile(job.file, job.fileName, job.mimeType)
			: job.scenario === 'storeCopies'
				? await storeCopies(job.file, job.fileName, job.mimeType, job.copies)
				: job.scenario === 'many'
					? await runMany(job)
					: await runSingle(job);
	process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
}

main()
	.catch((error: Error) => {
		process.stderr.write(`worker failed: ${error.stack ?? error.message}\n`);
		process.exitCode = 1;
	})
	.finally(() => {
		removeScratch();
		// n8n-core may leave timers behind; the result is out, so end now.
		setImmediate(() => process.exit());
	});
