/** What run.ts sends to a worker (argv[2], JSON) and what the worker prints back (one marked line). */

export const RESULT_MARKER = 'BENCH_RESULT ';

export interface ServerInfo {
	kind: 'sandbox' | 'sink';
	apiUrl: string;
	storageUrl: string;
	apiKey: string;
	/** the sandbox's file host (item 6's source); absent for the sink */
	fileHostUrl?: string;
}

/**
 * How the worker rewrites the chunk size that code under test asks `getBinaryStream` for, to measure
 * changes to the pack without editing it: `fixed` replaces it; `capToFile` caps it at the file's
 * size; `headBytes` is used for the first stream opened per binary (the pack's type-sniffing read).
 */
export interface ChunkPolicy {
	fixed?: number;
	capToFile?: boolean;
	headBytes?: number;
}

/**
 * A file stored once into n8n's filesystem binary store by a `store` job (its own process, so the
 * measured processes never copy the bytes themselves); every worker uses the same store folder
 * (BENCH_BINARY_STORE).
 */
export interface StoredBinary {
	id: string;
	fileName: string;
	mimeType: string;
	fileSize: string;
	bytes: number;
	data: string;
}

export interface StoreJob {
	scenario: 'store';
	file: string;
	fileName: string;
	mimeType: string;
}

/** The same file stored `copies` times (distinct binaries, item 6's many files). */
export interface StoreCopiesJob extends Omit<StoreJob, 'scenario'> {
	scenario: 'storeCopies';
	copies: number;
}

/**
 * One measured upload of one file (items 1, 2, 5 and the chunk-size sweep), or of several files
 * in one run of the node (`packUploadMany`, item 6: one input item per binary of `binaries`).
 */
export interface SingleJob {
	/** nodeStream: plain Node.js, no n8n — fs.createReadStream(file) piped into http.request */
	scenario:
		| 'packDirect'
		| 'packUpload'
		| 'packUploadMany'
		| 'httpNode'
		| 'nodeStream'
		| 'packFromUrl'
		| 'httpToDirect';
	server: ServerInfo;
	binary: StoredBinary;
	/** packUploadMany: the files of the measured run (`binary` is then the first of them) */
	binaries?: StoredBinary[];
	/** the original file (nodeStream reads it directly) */
	file?: string;
	/** measure the same upload a second time in the same process (`again`) */
	again?: boolean;
	chunkPolicy?: ChunkPolicy;
	/** item 5: use the stand-in instead of n8n-nodes-base even when e2e is installed */
	forceStandIn?: boolean;
	/** item 6: the file's URL on the file host (the measured download; the warm-up uses a small one) */
	sourceUrl?: string;
}

/** Many small uploads, timed (items 3 and 4). Runs every configuration once, in order. */
export interface ManyJob {
	scenario: 'many';
	server: ServerInfo;
	count: number;
	sizeBytes: number;
	/** the node's Concurrency option for each timed run; null = not set (the node's default) */
	concurrencies: Array<number | null>;
	/** also time the same requests without the pack (item 4's baselines) */
	rawBaselines: boolean;
	chunkPolicy?: ChunkPolicy;
	/** the pack runs again under each of these policies (emulated pack changes), keys `pack:<c>@<name>` */
	variants?: Array<{ name: string; policy: ChunkPolicy; concurrencies: Array<number | null> }>;
}

export type WorkerJob = StoreJob | StoreCopiesJob | SingleJob | ManyJob;

export interface Measurement {
	seconds: number;
	/** max(sampled peak, kernel VmHWM) − RSS at the start of the measurement */
	peakRssGrowthBytes: number;
	sampledPeakRssGrowthBytes: number;
	/** from /proc/self/status VmHWM after resetting it; null where that is unavailable */
	hwmPeakRssGrowthBytes: number | null;
	baselineRssBytes: number;
	/** Buffers (outside the V8 heap) and the V8 heap, peak over the start */
	peakArrayBuffersGrowthBytes: number;
	peakHeapUsedGrowthBytes: number;
	/** process.cpuUsage(), user + system, all threads */
	cpuSeconds: number;
	/** garbage collections during the measurement (PerformanceObserver 'gc') and their summed pauses */
	gcCount: number;
	majorGcCount: number;
	gcPauseSeconds: number;
	rssSamples: number;
}

export interface SingleResult extends Measurement {
	scenario: SingleJob['scenario'];
	bytes: number;
	/** chunk sizes the code under test asked getBinaryStream for */
	requestedChunkBytes: Array<number | null>;
	/** what the baseline node was (item 5) */
	baseline?: string;
	assetId?: string;
	/** the second upload in the same process, when the job asked for it */
	again?: Measurement;
	/** item 6: bytes the worker wrote through write() during the measurement (/proc/self/io wchar) */
	writtenBytes?: number | null;
}

export interface ManyResult {
	scenario: 'many';
	runs: Array<{
		key: string;
		label: string;
		concurrency: number | null;
		seconds: number;
		items: number;
		/** of the worker process during the run (the far end not included) */
		cpuSeconds: number;
		majorGcCount: number;
		gcPauseSeconds: number;
	}>;
}

export type WorkerResult = StoredBinary | StoredBinary[] | SingleResult | ManyResult;
