/**
 * The job engine: every HeyGen create that starts paid work (a Video Agent session, a video, a
 * translation, a lipsync, a photo avatar) runs create → wait → result → (download) through here.
 *
 * The rule it enforces: **once HeyGen has accepted a create, no later failure loses the job's ids.**
 * A wait that runs out, status reads that keep failing and a failed download all end in an output
 * item that carries the ids (and the last known status); a job HeyGen reports as failed ends in an
 * item with `failure_code` / `failure_message`. Only the user's own choice ("error when not
 * finished in time") turns an ending into an error, and that error carries the ids too.
 *
 * Adding an endpoint = describing it as a `JobKind`. Most endpoints fit `simpleJobKind`:
 *
 *   const lipsyncJob = simpleJobKind({
 *     label: 'lipsync',
 *     createPath: '/v3/lipsyncs',
 *     idempotentCreate: true,                       // POST takes an Idempotency-Key (heygen-api §1.7)
 *     jobIds: (data) => [String(data.lipsync_id)],   // one job per id (translations: one per language)
 *     idField: 'lipsync_id',                         // output name of the id
 *     getPath: (id) => `/v3/lipsyncs/${encodeURIComponent(id)}`,
 *     statusWords: { completed: ['completed'], failed: ['failed'] }, // anything else = running
 *     resultFields: ['video_url', 'caption_url', 'duration'],
 *     downloadUrlField: 'video_url',
 *   });
 *   const jobs = await createJobs(this, lipsyncJob, body, { itemIndex, ledger });
 *   const result = await waitForJob(this, lipsyncJob, jobs[0], { intervalMs, maxWaitMs, itemIndex });
 *   items.push(await jobOutput(this, lipsyncJob, result, { itemIndex, download }));
 *
 * Kinds whose state takes more than one read (the Video Agent: session, then its video) implement
 * `JobKind.read` themselves and return the same `JobSnapshot`.
 */
import { randomUUID } from 'node:crypto';

import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IBinaryKeyData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { downloadToBinary, isExpiredDownload } from './download';
import { asNodeError, isTransientFailure, type HeyGenContext } from './errors';
import { settleWithConcurrency, type OutputItem } from './items';
import { dataOf, heyGenApiRequest, isCallbackTarget } from './transport';

/** Where a job stands, whatever words its endpoint uses. */
export type JobPhase = 'running' | 'completed' | 'failed' | 'needs_action';

/** An endpoint's status vocabulary. Words in no list (including new ones) mean "still running". */
export interface StatusWords {
	completed: readonly string[];
	failed: readonly string[];
	/** the job waits for the user (a chat reply, a consent); waiting longer will not help */
	needsAction?: readonly string[];
}

export function phaseOf(words: StatusWords, status: unknown): JobPhase {
	const word = typeof status === 'string' ? status : '';
	if (words.completed.includes(word)) return 'completed';
	if (words.failed.includes(word)) return 'failed';
	if (words.needsAction?.includes(word)) return 'needs_action';
	return 'running';
}

/** What one status read (or the create answer) says about a job. */
export interface JobSnapshot {
	phase: JobPhase;
	/** HeyGen's status word, output as `status` */
	status: string;
	/** the job's ids, output in every ending (e.g. `{ session_id, video_id }`) */
	ids: IDataObject;
	/** further output fields for this state: result URLs, failure fields, progress, ... */
	fields: IDataObject;
	/** the result file to download when completed */
	downloadUrl?: string;
}

/** A job HeyGen has accepted. */
export interface Job {
	/** the ids known right after create (reads may add more, e.g. a session's video_id) */
	ids: IDataObject;
	/** the state as of the newest read (or the create answer) */
	snapshot: JobSnapshot;
}

export interface ReadRequest {
	itemIndex: number;
	timeoutMs?: number;
}

/** One kind of job: how it is created, read and reported. */
export interface JobKind {
	/** what it is, for messages: "video", "Video Agent session", "video translation" */
	label: string;
	createPath: string;
	/**
	 * Whether the create endpoint honours an Idempotency-Key. Then a fresh key is sent and the create
	 * is retried after a 5xx or a dropped connection; otherwise only after a 429.
	 */
	idempotentCreate: boolean;
	/** the jobs one create answer started (`data` of the answer) */
	jobsFromCreate(data: IDataObject): Job[];
	/** reads the job's current state (the transport's retries included; throws when they run out) */
	read(context: HeyGenContext, job: Job, request: ReadRequest): Promise<JobSnapshot>;
	/** file name of the downloaded result, e.g. `heygen-<id>.mp4` */
	fileName(job: Job): string;
	mimeType: string;
	/** how to look at an unfinished job later, e.g. 'with the "Get Video" operation (video_id)' */
	readLater?: string;
}

// ---- simple kinds: one GET per job ---------------------------------------------------------------

/** What GET /v3/videos/{id} gives for a finished video (heygen-api.md §7), copied to the output. */
export const VIDEO_RESULT_FIELDS = [
	'video_url',
	'thumbnail_url',
	'duration',
	'video_page_url',
	'captioned_video_url',
	'subtitle_url',
	'gif_url',
] as const;

export interface SimpleJobSpec {
	label: string;
	createPath: string;
	idempotentCreate: boolean;
	/** the ids of the jobs a create answer started, from its `data` */
	jobIds(data: IDataObject): string[];
	/** output name of the id, e.g. `video_id` */
	idField: string;
	getPath(id: string): string;
	statusWords: StatusWords;
	/** fields of the GET answer copied to the output once completed (null when absent) */
	resultFields: readonly string[];
	/** fields of the GET answer copied in every state when present (e.g. `title`, `progress`) */
	infoFields?: readonly string[];
	/** the field holding the result file's URL, when there is one to download */
	downloadUrlField?: string;
	/** default `video/mp4` */
	mimeType?: string;
	/** default `mp4` */
	extension?: string;
	/** see JobKind.readLater */
	readLater?: string;
}

export function simpleJobKind(spec: SimpleJobSpec): JobKind {
	const snapshotOf = (id: string, data: IDataObject): JobSnapshot => {
		const status = typeof data.status === 'string' ? data.status : 'unknown';
		const phase = phaseOf(spec.statusWords, status);
		const fields: IDataObject = {};
		for (const field of spec.infoFields ?? []) {
			if (data[field] !== undefined && data[field] !== null) fields[field] = data[field];
		}
		if (phase === 'completed') {
			for (const field of spec.resultFields) fields[field] = data[field] ?? null;
		}
		if (phase === 'failed') Object.assign(fields, failureFields(data, `${spec.label} ${id}`));
		const url = spec.downloadUrlField ? data[spec.downloadUrlField] : undefined;
		return {
			phase,
			status,
			ids: { [spec.idField]: id },
			fields,
			downloadUrl: phase === 'completed' && typeof url === 'string' && url ? url : undefined,
		};
	};
	return {
		label: spec.label,
		createPath: spec.createPath,
		idempotentCreate: spec.idempotentCreate,
		mimeType: spec.mimeType ?? 'video/mp4',
		readLater: spec.readLater,
		jobsFromCreate: (data) =>
			spec.jobIds(data).map((id) => ({
				ids: { [spec.idField]: id },
				snapshot: { ...snapshotOf(id, { status: data.status ?? 'pending' }), phase: 'running' },
			})),
		read: async (context, job, request) => {
			const id = String(job.ids[spec.idField]);
			const response = await heyGenApiRequest.call(context, {
				method: 'GET',
				path: spec.getPath(id),
				retry: 'safe',
				what: `Reading ${spec.label} ${id}`,
				itemIndex: request.itemIndex,
				timeoutMs: request.timeoutMs,
			});
			return snapshotOf(id, dataOf<IDataObject>(response));
		},
		fileName: (job) =>
			`heygen-${safeName(String(job.ids[spec.idField]))}.${spec.extension ?? 'mp4'}`,
	};
}

/**
 * `failure_code` / `failure_message` of a failed job; HeyGen sometimes sends neither (ISS321),
 * then a generic message naming the job (`fallbackMessage` lets a kind offer a better one).
 */
export function failureFields(
	data: IDataObject | undefined,
	what: string,
	fallbackMessage?: string,
): IDataObject {
	const code =
		typeof data?.failure_code === 'string' && data.failure_code ? data.failure_code : null;
	const message =
		(typeof data?.failure_message === 'string' && data.failure_message) ||
		fallbackMessage ||
		`HeyGen reported the ${what} as failed without giving a reason`;
	return { failure_code: code, failure_message: message };
}

export function safeName(id: string): string {
	return id.replace(/[^A-Za-z0-9_-]/g, '_');
}

// ---- the ledger: every job created in this run ----------------------------------------------------

/**
 * Every job created by one node run, so that an error that stops the node can still name them
 * (the user must not re-run and pay twice without knowing what already exists).
 */
export class JobLedger {
	private readonly created: Array<{ itemIndex: number; ids: IDataObject }> = [];
	private readonly inFlight = new Set<Promise<unknown>>();

	record(itemIndex: number, ids: IDataObject): void {
		this.created.push({ itemIndex, ids });
	}

	/** Registers a create request, so `settled()` can wait for answers still on their way. */
	track<T>(request: Promise<T>): Promise<T> {
		this.inFlight.add(request);
		void request.then(
			() => this.inFlight.delete(request),
			() => this.inFlight.delete(request),
		);
		return request;
	}

	/** Resolves once no create is in flight any more (their ids are then recorded). */
	async settled(): Promise<void> {
		await Promise.allSettled([...this.inFlight]);
	}

	/** "item 0: session_id sess_1, video_id v1; item 2: session_id sess_3" (undefined when empty). */
	describe(): string | undefined {
		if (this.created.length === 0) return undefined;
		return this.created
			.map(
				({ itemIndex, ids }) =>
					`item ${itemIndex}: ${Object.entries(ids)
						.filter(([, value]) => value !== null && value !== undefined && value !== '')
						.map(([key, value]) => `${key} ${String(value)}`)
						.join(', ')}`,
			)
			.join('; ');
	}

	/**
	 * Adds the list of created jobs to an error that stops the node, so nothing paid for is lost.
	 * Waits (briefly: one request) for creates still in flight first.
	 */
	async annotate(context: HeyGenContext, error: Error): Promise<Error> {
		await this.settled();
		const list = this.describe();
		if (!list) return error;
		const note = `Already created in this run (HeyGen keeps working on them; read them with Get instead of running the node again): ${list}.`;
		const nodeError =
			error instanceof NodeApiError || error instanceof NodeOperationError
				? error
				: new NodeOperationError(context.getNode(), error);
		nodeError.description = [nodeError.description, note].filter(Boolean).join(' ');
		return nodeError;
	}
}

// ---- create ---------------------------------------------------------------------------------------

export interface CreateSettings {
	itemIndex: number;
	timeoutMs?: number;
	/** records the created jobs (see JobLedger) */
	ledger?: JobLedger;
	/** "Creating the video": used in error messages */
	what?: string;
}

/** Network failures where the request may have reached HeyGen (not: refused, name not resolved). */
const SENT_CONNECTION_FAILURES = [
	'ECONNRESET',
	'EPIPE',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'ERR_STREAM_PREMATURE_CLOSE',
];

/**
 * Whether HeyGen may have acted on a request that failed (a 5xx, a dropped connection, an
 * unreadable success). Such a request that starts paid work is never re-sent without an
 * Idempotency-Key, and its error says so (`mayHaveStartedNote`).
 */
export function mayHaveStarted(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	const connection = (error.errorResponse as { connection_error?: unknown } | undefined)
		?.connection_error;
	return (
		status >= 500 ||
		(status >= 200 && status < 300) ||
		(typeof connection === 'string' && SENT_CONNECTION_FAILURES.includes(connection))
	);
}

/** Adds "HeyGen may have started it anyway" to the error of a request that starts paid work. */
export function explainMayHaveStarted(error: unknown, what: string): unknown {
	if (mayHaveStarted(error)) {
		const apiError = error as NodeApiError;
		apiError.description = [
			apiError.description,
			`Not retried automatically: HeyGen may have started the ${what} anyway (the request is not idempotent). Check in HeyGen before running again, to avoid a duplicate (and a double charge).`,
		]
			.filter(Boolean)
			.join(' ');
	}
	return error;
}

/** POSTs the create and returns the jobs HeyGen accepted (recorded in the ledger at once). */
export async function createJobs(
	context: IExecuteFunctions,
	kind: JobKind,
	body: IDataObject,
	settings: CreateSettings,
): Promise<Job[]> {
	const { itemIndex } = settings;
	const request = heyGenApiRequest.call(context, {
		method: 'POST',
		path: kind.createPath,
		body,
		// With a key, HeyGen replays the first answer to a re-sent create: safe to retry.
		headers: kind.idempotentCreate ? { 'idempotency-key': randomUUID() } : undefined,
		retry: kind.idempotentCreate ? 'safe' : 'once',
		what: settings.what ?? `Creating the ${kind.label}`,
		itemIndex,
		timeoutMs: settings.timeoutMs,
	});
	let data: IDataObject;
	try {
		data = dataOf<IDataObject>(await (settings.ledger?.track(request) ?? request));
	} catch (error) {
		throw kind.idempotentCreate ? error : explainMayHaveStarted(error, kind.label);
	}
	const jobs = kind.jobsFromCreate(data);
	for (const job of jobs) settings.ledger?.record(itemIndex, job.ids);
	return jobs;
}

// ---- wait -----------------------------------------------------------------------------------------

/**
 * How a job's part in this run ended. `created`: not waited for (the create answer as it is);
 * `timed_out` and `read_failed` leave the job running at HeyGen.
 */
export type JobEnding =
	'created' | 'completed' | 'failed' | 'needs_action' | 'timed_out' | 'read_failed';

export interface JobResult {
	ending: JobEnding;
	job: Job;
	/** for `timed_out` / `read_failed`: what happened, e.g. 'did not finish within 60 s ("Max Wait")' */
	summary?: string;
	/** for `timed_out` / `read_failed`: why, and what to do (output as `wait_note`) */
	note?: string;
}

export interface WaitSettings {
	intervalMs: number;
	maxWaitMs: number;
	itemIndex: number;
	timeoutMs?: number;
	/** ends the wait early (cancellation, or another item failing the node) */
	signal?: AbortSignal;
}

/** Expressions can go below the UI minimum; never poll in a tight loop. */
export const MIN_POLL_INTERVAL_MS = 100;

/** After failed reads the interval doubles per failure, up to this (or the interval, if longer). */
export const MAX_READ_BACKOFF_MS = 60_000;

/**
 * Reads the job until it reaches a final phase or `maxWaitMs` has passed. A read that fails in a
 * transient way (429, 5xx, dropped connection, timeout — after the transport's own retries) does
 * not end the wait: the next read comes after a growing pause, until the deadline. A read that
 * fails for good (401, 404, ...) ends it with `read_failed`, the ids kept.
 */
export async function waitForJob(
	context: HeyGenContext,
	kind: JobKind,
	job: Job,
	settings: WaitSettings,
): Promise<JobResult> {
	const { itemIndex, timeoutMs, signal } = settings;
	const deadline = Date.now() + settings.maxWaitMs;
	const intervalMs = Math.max(MIN_POLL_INTERVAL_MS, settings.intervalMs);
	let failuresInARow = 0;
	let lastFailure: Error | undefined;
	for (;;) {
		try {
			job.snapshot = await kind.read(context, job, { itemIndex, timeoutMs });
			Object.assign(job.ids, job.snapshot.ids);
			failuresInARow = 0;
			lastFailure = undefined;
		} catch (error) {
			if (signal?.aborted) throw asNodeError(context, error, itemIndex);
			if (!isTransientFailure(error)) {
				return {
					ending: 'read_failed',
					job,
					summary: 'could not be read any more',
					note: readFailedNote(kind, error as Error),
				};
			}
			failuresInARow++;
			lastFailure = error as Error;
		}
		const { phase } = job.snapshot;
		if (phase !== 'running') return { ending: phase, job };

		const remaining = deadline - Date.now();
		if (remaining <= 0) {
			return {
				ending: 'timed_out',
				job,
				summary: `did not finish within ${settings.maxWaitMs / 1000} s ("Max Wait")`,
				note: timedOutNote(kind, job, lastFailure),
			};
		}
		const pause =
			failuresInARow === 0
				? intervalMs
				: Math.min(intervalMs * 2 ** failuresInARow, Math.max(intervalMs, MAX_READ_BACKOFF_MS));
		await sleep(Math.min(pause, remaining), signal);
	}
}

function timedOutNote(kind: JobKind, job: Job, lastFailure?: Error): string {
	return `Not finished within Max Wait; the ${kind.label} was ${job.snapshot.status} at the last read${lastFailure ? ` (the newest reads failed: ${lastFailure.message})` : ''}. Nothing was cancelled: HeyGen keeps working on it. Check it later ${kind.readLater ?? 'with its id'}, or raise "Max Wait".`;
}

function readFailedNote(kind: JobKind, error: Error): string {
	return `Stopped waiting: reading the ${kind.label} failed (${error.message}). Nothing was cancelled: HeyGen keeps working on it. Check it later ${kind.readLater ?? 'with its id'}.`;
}

// ---- result ---------------------------------------------------------------------------------------

export interface OutputSettings {
	itemIndex: number;
	timeoutMs?: number;
	/** download the result file into this binary field (completed jobs only) */
	downloadField?: string;
	/** turn `timed_out` / `read_failed` into an error (carrying the ids) instead of an item */
	errorIfUnfinished?: boolean;
}

/** An error that still carries a job's ids: they go into the "Continue On Fail" error item. */
export class JobError extends NodeOperationError {
	constructor(
		context: HeyGenContext,
		message: string,
		description: string,
		itemIndex: number,
		/** merged into the error item (items.ts) */
		readonly outputFields: IDataObject,
	) {
		super(context.getNode(), message, { description, itemIndex });
	}
}

/**
 * The output item of a job, for every ending: ids and `status` always; result fields when
 * completed (plus the file, or `download_error` with the URL kept, when asked to download);
 * failure fields when failed; `wait_note` when the wait ended before a final state.
 */
export async function jobOutput(
	context: IExecuteFunctions,
	kind: JobKind,
	result: JobResult,
	settings: OutputSettings,
): Promise<OutputItem> {
	const { job } = result;
	const json: IDataObject = {
		...job.ids,
		status: job.snapshot.status,
		...job.snapshot.fields,
	};
	if (result.ending === 'timed_out' || result.ending === 'read_failed') {
		json.finished = false;
		json.wait_note = result.note ?? null;
		if (settings.errorIfUnfinished) {
			throw new JobError(
				context,
				`Item ${settings.itemIndex}: the ${kind.label} ${result.summary ?? 'did not finish'} (${describeIds(job.ids)})`,
				result.note ?? '',
				settings.itemIndex,
				json,
			);
		}
		return { json };
	}
	if (result.ending !== 'completed' || !settings.downloadField) return { json };
	const binary = await downloadJobResult(context, kind, job, {
		...settings,
		downloadField: settings.downloadField,
	});
	if (binary instanceof Error) {
		json.status = job.snapshot.status;
		json.download_error = binary.message;
		return { json };
	}
	return { json, binary };
}

function describeIds(ids: IDataObject): string {
	return Object.entries(ids)
		.filter(([, value]) => value !== null && value !== undefined && value !== '')
		.map(([key, value]) => `${key} ${String(value)}`)
		.join(', ');
}

/**
 * The result file as binary data, or the error that kept it from being downloaded (the caller
 * outputs it as `download_error`). An expired URL is replaced once by a fresh one from a new read.
 */
export async function downloadJobResult(
	context: IExecuteFunctions,
	kind: JobKind,
	job: Job,
	settings: OutputSettings & { downloadField: string },
): Promise<IBinaryKeyData | Error> {
	const what = `Download of ${kind.label} ${describeIds(job.ids)}`;
	for (let attempt = 1; ; attempt++) {
		const url = job.snapshot.downloadUrl;
		if (!url) {
			return new Error(
				`${what} failed: HeyGen gave no download URL. Read the video again in a minute (Get Video) for one.`,
			);
		}
		try {
			const binary = await downloadToBinary.call(context, {
				url,
				fileName: kind.fileName(job),
				mimeType: kind.mimeType,
				what,
				itemIndex: settings.itemIndex,
				timeoutMs: settings.timeoutMs,
			});
			return { [settings.downloadField]: binary };
		} catch (error) {
			if (context.getExecutionCancelSignal()?.aborted)
				throw asNodeError(context, error, settings.itemIndex);
			if (attempt === 1 && isExpiredDownload(error)) {
				try {
					job.snapshot = await kind.read(context, job, settings);
					continue;
				} catch {
					// keep the download error: it says what to do
				}
			}
			const { message, description } = error as { message: string; description?: string };
			return new Error([message, description].filter(Boolean).join('. '));
		}
	}
}

// ---- callback wait: the execution waits without holding a worker ---------------------------------
//
// n8n's engine rules (shared/n8n-wait-and-webhooks.md §B.1) shape this design:
// - One resume per execution. Every job of the node sends the same `callback_url`: this
//   execution's resume URL. `webhook()` re-reads every job from HeyGen (the callback body is never
//   trusted) and resumes only when all have finished; until then it answers 200 and keeps waiting.
// - `webhook()` cannot see what `execute()` returned, only the node's input. At Max Wait n8n passes
//   that input on without running the node. So before waiting, the node writes each job's ids and
//   status into its input items: that is what `webhook()` re-reads, and what Max Wait passes on.
//   (The items are the previous node's output objects, so its output shows the ids too.)
// - The execution, and so the ids, live in n8n's database: a restart or another process (queue
//   mode: webhook() runs on main) changes nothing.

/** Jobs re-read at once when a callback arrives. */
export const CALLBACK_READ_CONCURRENCY = 8;

/** Written into a waiting item: what n8n passes on at Max Wait. */
export const CALLBACK_WAIT_NOTE =
	"Waiting for HeyGen's callback. If this item is passed on as it is, Max Wait was reached first: HeyGen keeps working on the job; read it later with its id.";

/**
 * The URL HeyGen must call to resume this execution: n8n's `$execution.resumeUrl` (it carries the
 * resume token). HTTPS, so HeyGen can reach it from the internet; plain http only on loopback while
 * the API is on loopback too (the local sandbox).
 */
export async function resumeCallbackUrl(
	context: IExecuteFunctions,
	itemIndex: number,
): Promise<string> {
	const raw = context.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex);
	let url: URL | undefined;
	try {
		url = typeof raw === 'string' ? new URL(raw) : undefined;
	} catch {
		url = undefined;
	}
	if (url && (await isCallbackTarget(context, url, itemIndex))) return url.href;
	throw new NodeOperationError(
		context.getNode(),
		`Item ${itemIndex}: "Wait Method: Callback" needs a public HTTPS address of this n8n, but its resume URL is ${url ? `"${url.origin}"` : 'not a URL'}`,
		{
			description:
				'HeyGen must reach n8n from the internet: set the WEBHOOK_URL environment variable of n8n to its public https:// address (e.g. https://n8n.example.com/), or use "Wait Method: Poll".',
			itemIndex,
		},
	);
}

/** One item's part of a callback wait: its job's output so far, or the error of its create. */
export interface WaitingItem {
	itemIndex: number;
	json: IDataObject;
}

/**
 * Writes the ids and status of each item's job into the node's input items, then puts the
 * execution to wait until `maxWaitMs` from now. The caller returns the input items afterwards.
 */
export async function waitForCallbacks(
	context: IExecuteFunctions,
	waiting: WaitingItem[],
	maxWaitMs: number,
): Promise<INodeExecutionData[]> {
	const input = context.getInputData();
	for (const { itemIndex, json } of waiting) {
		const item = input[itemIndex];
		if (!item) continue;
		// In place: n8n keeps these very objects as the input of the waiting node.
		Object.assign(item.json, json);
		if (json.error === undefined) {
			item.json.finished = false;
			item.json.wait_note = CALLBACK_WAIT_NOTE;
		}
	}
	await context.putExecutionToWait(new Date(Date.now() + maxWaitMs));
	return input;
}

/** How `resumeFromCallback` finds the jobs in the waiting items. */
export interface CallbackJobs {
	kind: JobKind;
	/** the id fields of a job in an item, e.g. `['session_id', 'video_id']`; the first must be set */
	idFields: readonly string[];
}

/**
 * The node's `webhook()` for a callback wait. Re-reads every job written into the waiting items;
 * while any is still running (or a read fails for now) it answers 200 and the execution keeps
 * waiting; once all have finished it resumes the execution with one output item per job (paired
 * to every item that shares it) and the error items of creates that failed.
 */
export async function resumeFromCallback(
	context: IWebhookFunctions,
	{ kind, idFields }: CallbackJobs,
): Promise<IWebhookResponseData> {
	const items = waitingItems(context);
	const groups = new Map<string, { job: Job; items: number[] }>();
	const errors: INodeExecutionData[] = [];
	items.forEach((json, index) => {
		const ids: IDataObject = {};
		for (const field of idFields) ids[field] = json[field] ?? null;
		const key = String(ids[idFields[0]] ?? '');
		if (!key) {
			errors.push({
				json: pick(json, ['error', 'description', 'httpCode', 'itemIndex']),
				pairedItem: { item: index },
			});
			return;
		}
		const group = groups.get(key);
		if (group) {
			group.items.push(index);
			return;
		}
		const snapshot: JobSnapshot = {
			phase: 'running',
			status: String(json.status ?? 'unknown'),
			ids,
			fields: pick(json, ['created_at']),
		};
		groups.set(key, { job: { ids: { ...ids }, snapshot }, items: [index] });
	});

	// Read side by side, and stop at the first job still running: HeyGen expects an answer within
	// 10 s, and with many jobs every one of their callbacks lands here.
	const stop = new AbortController();
	const reads = await settleWithConcurrency(
		[...groups.values()],
		CALLBACK_READ_CONCURRENCY,
		async ({ job, items: paired }): Promise<INodeExecutionData | 'running'> => {
			const pairedItem = paired.map((item) => ({ item }));
			try {
				job.snapshot = await kind.read(context, job, { itemIndex: paired[0] });
				Object.assign(job.ids, job.snapshot.ids);
			} catch (error) {
				// Likely fine on the next callback (or at Max Wait): keep waiting.
				if (isTransientFailure(error)) return stopAt('running');
				const note = readFailedNote(kind, error as Error);
				return { json: unfinishedJson({ ending: 'read_failed', job, note }), pairedItem };
			}
			if (job.snapshot.phase === 'running') return stopAt('running');
			return {
				json: { ...job.ids, status: job.snapshot.status, ...job.snapshot.fields },
				pairedItem,
			};
		},
		stop.signal,
	);
	function stopAt(value: 'running'): 'running' {
		stop.abort();
		return value;
	}
	if (stop.signal.aborted) return stillWaiting();
	const outputs = reads.map((read) => (read as PromiseFulfilledResult<INodeExecutionData>).value);
	// In input order, like every other output of the node.
	const first = (item: INodeExecutionData) => {
		const paired = item.pairedItem;
		return Array.isArray(paired)
			? (paired[0]?.item ?? 0)
			: typeof paired === 'object'
				? paired.item
				: 0;
	};
	return { workflowData: [[...outputs, ...errors].sort((a, b) => first(a) - first(b))] };
}

function stillWaiting(): IWebhookResponseData {
	return { webhookResponse: { received: true, resumed: false } };
}

function unfinishedJson(result: JobResult): IDataObject {
	return {
		...result.job.ids,
		status: result.job.snapshot.status,
		...result.job.snapshot.fields,
		finished: false,
		wait_note: result.note ?? null,
	};
}

/** The waiting node's input items (with the ids `waitForCallbacks` wrote into them). */
function waitingItems(context: IWebhookFunctions): IDataObject[] {
	const items = context.evaluateExpression('{{ $input.all().map((item) => item.json) }}', 0);
	return Array.isArray(items) ? (items as IDataObject[]) : [];
}

function pick(json: IDataObject, keys: readonly string[]): IDataObject {
	const picked: IDataObject = {};
	for (const key of keys) if (json[key] !== undefined) picked[key] = json[key];
	return picked;
}
