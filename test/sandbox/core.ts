/** The sandbox engine: request pipeline (journal → latency → faults → auth → route), state and helpers. */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Agent, request as undiciRequest } from 'undici';
import { agentRoutes } from './agents';
import { assetListRoutes } from './assetList';
import { assetRoutes } from './assets';
import { avatarRoutes } from './avatars';
import { BodyTap, EMPTY_SHA256, readAll, TooLargeError } from './body';
import * as catalog from './catalog';
import { FaultBook, FaultSpecError, normaliseFault } from './faults';
import { lipsyncRoutes } from './lipsyncs';
import type { FileHost } from './fileHost';
import { handleStorage } from './storage';
import { translationRoutes } from './translations';
import { videoRoutes } from './videos';
import { resetWebhooks, webhookControl, webhookRoutes } from './webhooks';
import type {
	AssetRecord,
	CallbackDelivery,
	CallbackFault,
	ClockOptions,
	FaultSpec,
	JournalEntry,
	Origin,
	Sandbox,
	SandboxOptions,
	SandboxOptionsSnapshot,
	SessionRecord,
	VideoRecord,
} from './types';

export const DEFAULT_CLOCK: Required<ClockOptions> = {
	thinkingMs: 200,
	generatingMs: 300,
	videoPendingMs: 100,
	videoProcessingMs: 200,
};

export type ResolvedOptions = Required<Omit<SandboxOptions, 'log' | 'clock'>> & {
	clock: Required<ClockOptions>;
	log: ((line: string) => void) | null;
};

export function resolveOptions(o: SandboxOptions = {}): ResolvedOptions {
	return {
		port: o.port ?? 0,
		storagePort: o.storagePort ?? 0,
		apiKey: o.apiKey ?? 'sandbox-api-key',
		maxBytes: o.maxBytes ?? 209_715_200,
		uploadExpiresInSeconds: o.uploadExpiresInSeconds ?? 3600,
		videoUrlExpiresInSeconds: o.videoUrlExpiresInSeconds ?? 3600,
		callbackRetries: o.callbackRetries ?? 0,
		callbackFaults: [...(o.callbackFaults ?? [])],
		latencyMs: o.latencyMs ?? 0,
		maxActiveVideoJobs: o.maxActiveVideoJobs ?? 10,
		completeLagCalls: o.completeLagCalls ?? 0,
		clock: { ...DEFAULT_CLOCK, ...(o.clock ?? {}) },
		quiet: o.quiet ?? false,
		callbackSecret: o.callbackSecret ?? 'whsec_sandbox',
		callbackTimeoutMs: o.callbackTimeoutMs ?? 10_000,
		privateVoices: o.privateVoices ?? 10,
		maxBytesCheckedAtInit: o.maxBytesCheckedAtInit ?? true,
		staleUploadUrls: o.staleUploadUrls ?? 0,
		log: o.log ?? null,
	};
}

/** An API-origin error rendered as HeyGen's envelope. */
export class ApiError extends Error {
	constructor(
		public readonly status: number,
		public readonly code: string,
		message: string,
		public readonly param: string | null = null,
		public readonly headers: Record<string, string> = {},
		/** Respond with `Connection: close` and stop reading the body after a bounded drain. */
		public readonly closeAfter = false,
	) {
		super(message);
	}
}

/** A storage-origin error rendered as S3 XML. */
export class S3Error extends Error {
	constructor(
		public readonly status: number,
		public readonly code: string,
		message: string,
	) {
		super(message);
	}
}

export interface Ctx {
	origin: Origin;
	req: IncomingMessage;
	res: ServerResponse;
	method: string;
	path: string;
	query: Record<string, string>;
	entry: JournalEntry;
	tap: BodyTap;
	params: Record<string, string>;
	requestId: string;
}

export interface Result {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

export type Handler = (core: Core, ctx: Ctx) => Promise<Result | void> | Result | void;

export interface Route {
	method: string;
	pattern: string;
	handler: Handler;
	/** No auth (only the demo video page). */
	public?: boolean;
}

type IdemRecord = { state: 'in_flight' } | { state: 'done'; result: Result; at: number };

const IDEMPOTENCY_RE = /^[A-Za-z0-9_\-:.]{1,255}$/;
const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/** After a "respond and close" error we read at most this much more of the body, then drop the socket. */
const CLOSE_DRAIN_CAP = 64 * 1024 * 1024;
export const JSON_BODY_LIMIT = 64 * 1024 * 1024;

export function hexId(bytes: number): string {
	return randomBytes(bytes).toString('hex');
}

export function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

function docUrl(code: string): string {
	return `https://developers.heygen.com/docs/error-codes#${code.replace(/_/g, '-')}`;
}

function flattenHeaders(h: IncomingMessage['headers']): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(h)) {
		if (v === undefined) continue;
		out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
	}
	return out;
}

function matchPattern(pattern: string, path: string): Record<string, string> | null {
	const a = pattern.split('/');
	const b = path.split('/');
	if (a.length !== b.length) return null;
	const params: Record<string, string> = {};
	for (let i = 0; i < a.length; i++) {
		if (a[i].startsWith(':')) {
			if (!b[i]) return null;
			try {
				params[a[i].slice(1)] = decodeURIComponent(b[i]);
			} catch {
				return null;
			}
		} else if (a[i] !== b[i]) return null;
	}
	return params;
}

const ERROR_CODES_BY_STATUS: Record<number, [string, string]> = {
	400: ['invalid_parameter', 'Invalid request (sandbox fault).'],
	401: ['authentication_failed', 'Invalid or expired API key. Verify your x-api-key header.'],
	402: ['insufficient_credit', 'Your account does not have enough credits (sandbox fault).'],
	403: ['forbidden', 'You do not have permission to perform this action (sandbox fault).'],
	404: ['not_found', 'Resource not found (sandbox fault).'],
	409: ['conflict', 'Conflict (sandbox fault).'],
	413: ['payload_too_large', 'Payload too large (sandbox fault).'],
	429: [
		'rate_limit_exceeded',
		'Too many requests. Please retry after the time given in Retry-After.',
	],
	500: ['internal_error', 'An internal error occurred. Please try again later.'],
	503: ['service_unavailable', 'The service is temporarily unavailable. Please try again later.'],
};

const S3_CODES_BY_STATUS: Record<number, [string, string]> = {
	400: ['BadRequest', 'Bad Request'],
	401: ['AccessDenied', 'Access Denied'],
	402: ['AccessDenied', 'Access Denied'],
	403: ['AccessDenied', 'Access Denied'],
	404: ['NoSuchKey', 'The specified key does not exist.'],
	409: [
		'OperationAborted',
		'A conflicting conditional operation is currently in progress against this resource.',
	],
	413: ['EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'],
	429: ['SlowDown', 'Please reduce your request rate.'],
	500: ['InternalError', 'We encountered an internal error. Please try again.'],
	503: ['SlowDown', 'Please reduce your request rate.'],
};

function gatewayHtml(status: number): string {
	const title = status === 504 ? '504 Gateway Time-out' : '502 Bad Gateway';
	return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>sandbox-gateway</center>\r\n</body>\r\n</html>\r\n`;
}

export function xmlEscape(s: string): string {
	return s.replace(
		/[<>&'"]/g,
		(c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
	);
}

export class Core implements Sandbox {
	opts: ResolvedOptions;
	apiUrl = '';
	storageUrl = '';
	readonly assets = new Map<string, AssetRecord>();
	readonly sessions = new Map<string, SessionRecord>();
	readonly videos = new Map<string, VideoRecord>();
	readonly callbacks: CallbackDelivery[] = [];
	readonly faults = new FaultBook();
	private entries: JournalEntry[] = [];
	private readonly idem = new Map<string, IdemRecord>();
	/** Session/video clock timers (cleared by reset() and stop()). */
	private readonly timers = new Set<NodeJS.Timeout>();
	/** Latency sleeps of in-flight requests (cleared only by stop()). */
	private readonly sleeps = new Set<NodeJS.Timeout>();
	private readonly sessionTimers = new Map<string, Set<NodeJS.Timeout>>();
	private readonly pendingDeliveries = new Set<Promise<unknown>>();
	private readonly deliveryAborts = new Set<AbortController>();
	private readonly agent: Agent;
	private readonly routes: Route[];
	private catalogCache: {
		styles: catalog.Style[];
		voices: catalog.Voice[];
		looks: catalog.Look[];
		brandKits: catalog.BrandKit[];
	} | null = null;
	stopped = false;
	servers: Server[] = [];
	/** Set by start() (index.ts); its server is in `servers`, so stop() closes it too. */
	files!: FileHost;
	/** Bumped by reset(): deliveries started before a reset are not recorded after it. */
	private generation = 0;

	constructor(options: SandboxOptions = {}) {
		this.opts = resolveOptions(options);
		this.agent = new Agent({
			connect: { timeout: 5_000 },
			headersTimeout: this.opts.callbackTimeoutMs,
			bodyTimeout: this.opts.callbackTimeoutMs,
			keepAliveTimeout: 1_000,
		});
		this.routes = [
			...assetRoutes,
			...agentRoutes,
			...assetListRoutes,
			...videoRoutes,
			...translationRoutes,
			...lipsyncRoutes,
			...avatarRoutes,
			...webhookRoutes,
		];
	}

	// ---- Sandbox interface -------------------------------------------------------------------------

	get apiKey(): string {
		return this.opts.apiKey;
	}

	get callbackSecret(): string {
		return this.opts.callbackSecret;
	}

	journal(origin?: Origin): JournalEntry[] {
		return this.entries.filter((e) => !origin || e.origin === origin).map((e) => ({ ...e }));
	}

	clearJournal(): void {
		this.entries = [];
	}

	injectFault(spec: FaultSpec): void {
		this.faults.add(spec);
	}

	clearFaults(): void {
		this.faults.clear();
	}

	pendingFaults(): FaultSpec[] {
		return this.faults.pending();
	}

	options(): SandboxOptionsSnapshot {
		const { log: _log, ...rest } = this.opts;
		return { ...rest, clock: { ...rest.clock } };
	}

	setOptions(partial: Partial<SandboxOptions>): void {
		const o = this.opts;
		for (const key of Object.keys(partial) as Array<keyof SandboxOptions>) {
			const v = partial[key];
			if (v === undefined) continue;
			switch (key) {
				case 'port':
				case 'storagePort':
					break; // fixed once listening
				case 'clock':
					o.clock = { ...o.clock, ...(v as ClockOptions) };
					break;
				case 'log':
					o.log = v as (line: string) => void;
					break;
				case 'apiKey':
				case 'callbackSecret':
					if (typeof v !== 'string' || !v) throw new TypeError(`${key} must be a non-empty string`);
					o[key] = v;
					break;
				case 'callbackFaults':
					if (!Array.isArray(v) || v.some((f) => f !== 'never' && f !== 'twice'))
						throw new TypeError("callbackFaults must be a list of 'never' and 'twice'");
					o.callbackFaults = [...(v as CallbackFault[])];
					break;
				case 'quiet':
				case 'maxBytesCheckedAtInit':
					o[key] = Boolean(v);
					break;
				default:
					if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
						throw new TypeError(`${key} must be a non-negative number`);
					(o as unknown as Record<string, number>)[key] = v;
			}
		}
		// the catalogues depend on options (privateVoices): rebuilt on next use
		if (partial.privateVoices !== undefined) this.catalogCache = null;
	}

	reset(): void {
		this.generation++;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		this.sessionTimers.clear();
		this.assets.clear();
		this.sessions.clear();
		this.videos.clear();
		this.callbacks.length = 0;
		this.idem.clear();
		this.entries = [];
		this.faults.clear();
		this.files?.reset();
		resetWebhooks(this);
	}

	activeVideoJobs(): number {
		let n = 0;
		for (const s of this.sessions.values()) if (this.isActive(s)) n++;
		return n;
	}

	async settleCallbacks(): Promise<void> {
		while (this.pendingDeliveries.size) await Promise.allSettled([...this.pendingDeliveries]);
	}

	async stop(): Promise<void> {
		if (this.stopped) return;
		this.stopped = true;
		for (const t of [...this.timers, ...this.sleeps]) clearTimeout(t);
		this.timers.clear();
		this.sleeps.clear();
		this.sessionTimers.clear();
		for (const ac of this.deliveryAborts) ac.abort();
		await Promise.all(
			this.servers.map(
				(s) =>
					new Promise<void>((resolve) => {
						if (!s.listening) return resolve();
						s.close(() => resolve());
						s.closeAllConnections();
					}),
			),
		);
		await Promise.allSettled([...this.pendingDeliveries]);
		await this.agent.destroy().catch(() => undefined);
	}

	// ---- timers ------------------------------------------------------------------------------------

	schedule(ms: number, fn: () => void, sessionId?: string): void {
		if (this.stopped) return;
		const t = setTimeout(
			() => {
				this.timers.delete(t);
				if (sessionId) this.sessionTimers.get(sessionId)?.delete(t);
				if (!this.stopped) fn();
			},
			Math.max(0, ms),
		);
		t.unref();
		this.timers.add(t);
		if (sessionId) {
			let set = this.sessionTimers.get(sessionId);
			if (!set) this.sessionTimers.set(sessionId, (set = new Set()));
			set.add(t);
		}
	}

	cancelSessionTimers(sessionId: string): void {
		const set = this.sessionTimers.get(sessionId);
		if (!set) return;
		for (const t of set) {
			clearTimeout(t);
			this.timers.delete(t);
		}
		set.clear();
	}

	sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const t = setTimeout(() => {
				this.sleeps.delete(t);
				resolve();
			}, ms);
			this.sleeps.add(t);
		});
	}

	// ---- video-job accounting ----------------------------------------------------------------------

	isActive(s: SessionRecord): boolean {
		if (s.status === 'thinking' || s.status === 'generating') return true;
		return s.video_ids.some((id) => {
			const v = this.videos.get(id);
			return v !== undefined && (v.status === 'pending' || v.status === 'processing');
		});
	}

	/** Seconds until the earliest active job is expected to end (≥ 1). */
	capRetryAfter(): number {
		const now = Date.now();
		let best = Infinity;
		for (const s of this.sessions.values()) {
			if (!this.isActive(s)) continue;
			const end = s.expected_end_at ?? now + 1000;
			best = Math.min(best, end - now);
		}
		return Number.isFinite(best) ? Math.max(1, Math.ceil(best / 1000)) : 1;
	}

	assertJobCapacity(): void {
		const max = this.opts.maxActiveVideoJobs;
		if (this.activeVideoJobs() >= max) {
			throw new ApiError(
				429,
				'rate_limit_exceeded',
				`Concurrent video job limit reached (${max} active jobs). Retry after a job finishes.`,
				null,
				{ 'retry-after': String(this.capRetryAfter()) },
			);
		}
	}

	// ---- catalogues --------------------------------------------------------------------------------

	catalog() {
		if (!this.catalogCache) {
			const voices = catalog.voices(this.opts.privateVoices);
			this.catalogCache = {
				styles: catalog.styles(this.storageUrl),
				voices,
				looks: catalog.looks(this.storageUrl, voices),
				brandKits: catalog.brandKits(),
			};
		}
		return this.catalogCache;
	}

	/** Cursor pagination per heygen-api.md §1.9 with opaque tokens. */
	paginate<T>(ctx: Ctx, items: T[], endpoint: string, def: number, max: number): Result {
		let limit = def;
		if (ctx.query.limit !== undefined) {
			const n = /^\d+$/.test(ctx.query.limit) ? Number(ctx.query.limit) : NaN;
			if (!(n >= 1 && n <= max))
				throw new ApiError(
					400,
					'invalid_parameter',
					`'limit' must be between 1 and ${max}.`,
					'limit',
				);
			limit = n;
		}
		let offset = 0;
		if (ctx.query.token) {
			let decoded: unknown;
			try {
				decoded = JSON.parse(Buffer.from(ctx.query.token, 'base64url').toString('utf8'));
			} catch {
				decoded = null;
			}
			const d = decoded as { e?: unknown; o?: unknown } | null;
			if (!d || d.e !== endpoint || !Number.isInteger(d.o) || (d.o as number) < 0)
				throw new ApiError(400, 'invalid_parameter', 'Invalid pagination token.', 'token');
			offset = d.o as number;
		}
		const page = items.slice(offset, offset + limit);
		const next = offset + limit;
		const hasMore = next < items.length;
		return {
			status: 200,
			body: {
				data: page,
				has_more: hasMore,
				next_token: hasMore
					? Buffer.from(JSON.stringify({ e: endpoint, o: next })).toString('base64url')
					: null,
			},
		};
	}

	// ---- callbacks ---------------------------------------------------------------------------------

	/** POSTs one delivery; resolves to the receiver's status (0: no answer, or the sandbox stopped). */
	deliverCallback(url: string, payload: unknown): Promise<number> {
		if (this.stopped) return Promise.resolve(0);
		const raw = JSON.stringify(payload);
		const headers: Record<string, string> = {
			'content-type': 'application/json',
			'heygen-signature': createHmac('sha256', this.opts.callbackSecret).update(raw).digest('hex'),
			'heygen-timestamp': String(nowSeconds()),
			'heygen-event-id': `evt_${randomUUID().replace(/-/g, '')}`,
			'user-agent': 'HeyGen-Sandbox-Webhook/1.0',
		};
		const ac = new AbortController();
		this.deliveryAborts.add(ac);
		const generation = this.generation;
		const p = (async (): Promise<number> => {
			let status = 0;
			let error: string | undefined;
			try {
				const res = await undiciRequest(url, {
					method: 'POST',
					headers: {
						'Content-Type': headers['content-type'],
						'Heygen-Signature': headers['heygen-signature'],
						'Heygen-Timestamp': headers['heygen-timestamp'],
						'Heygen-Event-Id': headers['heygen-event-id'],
						'User-Agent': headers['user-agent'],
					},
					body: raw,
					dispatcher: this.agent,
					signal: ac.signal,
				});
				status = res.statusCode;
				await res.body.dump().catch(() => undefined);
			} catch (err) {
				error = err instanceof Error ? err.message : String(err);
			} finally {
				this.deliveryAborts.delete(ac);
			}
			if (this.stopped || generation !== this.generation) return 0;
			if (error && !this.opts.quiet) console.error(`[sandbox] callback to ${url} failed: ${error}`);
			this.callbacks.push({
				url,
				headers,
				body: JSON.parse(raw),
				status,
				...(error ? { error } : {}),
				at: Date.now(),
			});
			return status;
		})();
		this.pendingDeliveries.add(p);
		void p.finally(() => this.pendingDeliveries.delete(p));
		return p;
	}

	// ---- request pipeline --------------------------------------------------------------------------

	handle(origin: Origin, req: IncomingMessage, res: ServerResponse): void {
		const at = Date.now();
		const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
		const method = (req.method ?? 'GET').toUpperCase();
		const path = url.pathname;
		if (origin === 'api' && (path === '/__sandbox' || path.startsWith('/__sandbox/'))) {
			void this.control(req, res, url, method).catch((err) => {
				if (!res.headersSent) this.sendRaw(res, 500, { error: String(err) });
			});
			return;
		}
		const entry: JournalEntry = {
			origin,
			method,
			path,
			query: Object.fromEntries(url.searchParams),
			headers: flattenHeaders(req.headers),
			bodySize: 0,
			sha256: EMPTY_SHA256,
			status: 0,
			at,
		};
		this.entries.push(entry);
		const tap = new BodyTap(req, entry);
		const ctx: Ctx = {
			origin,
			req,
			res,
			method,
			path,
			query: entry.query,
			entry,
			tap,
			params: {},
			requestId: `req_${hexId(12)}`,
		};
		res.on('finish', () => {
			entry.status = res.statusCode;
			// Whatever the handler did not read is discarded (still hashed for the journal).
			if (tap.digest === null) tap.resume();
			this.opts.log?.(
				`${origin.padEnd(7)} ${method} ${req.url} → ${res.statusCode}${entry.fault ? ` [${entry.fault}]` : ''} (${Date.now() - at} ms)`,
			);
		});
		void this.run(ctx);
	}

	private async run(ctx: Ctx): Promise<void> {
		try {
			// A request with an Idempotency-Key gets its latency in withIdempotency, after the key is
			// registered: a copy re-sent meanwhile then meets 409 request_in_progress.
			if (ctx.origin === 'api' && ctx.req.headers['idempotency-key'] === undefined)
				await this.latency();
			if (this.stopped) return;
			const fault = this.faults.take(ctx.origin, ctx.method, ctx.path);
			if (fault) return await this.applyFault(ctx, fault);
			if (ctx.origin === 'storage') await handleStorage(this, ctx);
			else await this.routeApi(ctx);
		} catch (err) {
			this.renderError(ctx, err);
		}
	}

	private async routeApi(ctx: Ctx): Promise<void> {
		let methodMismatch = false;
		for (const route of this.routes) {
			const params = matchPattern(route.pattern, ctx.path);
			if (!params) continue;
			if (route.method !== ctx.method && !(route.method === 'GET' && ctx.method === 'HEAD')) {
				methodMismatch = true;
				continue;
			}
			if (!route.public) this.authenticate(ctx);
			ctx.params = params;
			const result = await route.handler(this, ctx);
			if (result) this.sendResult(ctx, result);
			return;
		}
		this.authenticate(ctx);
		if (methodMismatch)
			throw new ApiError(
				405,
				'method_not_allowed',
				`Method ${ctx.method} is not allowed on ${ctx.path}.`,
			);
		throw new ApiError(404, 'not_found', `No such endpoint: ${ctx.method} ${ctx.path}.`);
	}

	private authenticate(ctx: Ctx): void {
		const key = ctx.req.headers['x-api-key'];
		const auth = ctx.req.headers.authorization;
		const bearer = typeof auth === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1] : undefined;
		if (key === this.opts.apiKey || bearer === this.opts.apiKey) return;
		throw new ApiError(
			401,
			'authentication_failed',
			'Invalid or expired API key. Verify your x-api-key header.',
		);
	}

	// ---- responses ---------------------------------------------------------------------------------

	private sendRaw(
		res: ServerResponse,
		status: number,
		body: unknown,
		headers: Record<string, string> = {},
	): void {
		const text = JSON.stringify(body);
		res.writeHead(status, {
			'content-type': 'application/json; charset=utf-8',
			'content-length': String(Buffer.byteLength(text)),
			...headers,
		});
		res.end(text);
	}

	sendResult(ctx: Ctx, result: Result): void {
		if (ctx.res.headersSent || ctx.res.destroyed) return;
		const text = JSON.stringify(result.body);
		ctx.res.writeHead(result.status, {
			'content-type': 'application/json; charset=utf-8',
			'content-length': String(Buffer.byteLength(text)),
			'x-request-id': ctx.requestId,
			...(result.headers ?? {}),
		});
		ctx.res.end(ctx.method === 'HEAD' ? undefined : text);
	}

	errorBody(status: number, code: string, message: string, param: string | null): unknown {
		return {
			error: { code, message, param, doc_url: status === 401 ? null : docUrl(code) },
		};
	}

	sendS3Error(
		ctx: Ctx,
		status: number,
		code: string,
		message: string,
		headers: Record<string, string> = {},
	): void {
		if (ctx.res.headersSent || ctx.res.destroyed) return;
		const xml =
			`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code>` +
			`<Message>${xmlEscape(message)}</Message><RequestId>${ctx.requestId}</RequestId></Error>`;
		ctx.res.writeHead(status, {
			'content-type': 'application/xml',
			'content-length': String(Buffer.byteLength(xml)),
			'x-amz-request-id': ctx.requestId,
			...headers,
		});
		ctx.res.end(ctx.method === 'HEAD' ? undefined : xml);
	}

	renderError(ctx: Ctx, err: unknown): void {
		if (ctx.res.headersSent || ctx.res.destroyed || ctx.req.socket.destroyed) {
			if (!ctx.res.writableEnded) ctx.req.socket.destroy();
			return;
		}
		if (err instanceof S3Error) return this.sendS3Error(ctx, err.status, err.code, err.message);
		if (err instanceof TooLargeError)
			err = new ApiError(413, 'payload_too_large', 'Request body is too large.', null, {}, true);
		if (!(err instanceof ApiError)) {
			if (!this.opts.quiet) console.error('[sandbox] internal error', err);
			err = new ApiError(
				500,
				'internal_error',
				`Sandbox internal error: ${String((err as Error)?.message ?? err)}`,
			);
		}
		const e = err as ApiError;
		const headers = { ...e.headers };
		if (e.closeAfter) {
			headers.connection = 'close';
			const tap = ctx.tap;
			const readSoFar = tap.size;
			tap.onBytes = (total) => {
				if (total - readSoFar > CLOSE_DRAIN_CAP) ctx.req.socket.destroy();
			};
		}
		this.sendResult(ctx, {
			status: e.status,
			body: this.errorBody(e.status, e.code, e.message, e.param),
			headers,
		});
	}

	// ---- faults ------------------------------------------------------------------------------------

	private async applyFault(ctx: Ctx, fault: FaultSpec): Promise<void> {
		const { entry, tap, res } = ctx;
		switch (fault.kind) {
			case 'drop': {
				entry.fault = 'drop';
				const after = fault.dropAfterBytes ?? 0;
				const bodyless =
					ctx.req.headers['content-length'] === undefined &&
					ctx.req.headers['transfer-encoding'] === undefined;
				if (after <= 0 || bodyless || ctx.req.headers['content-length'] === '0') {
					ctx.req.socket.destroy();
					return;
				}
				tap.onBytes = (total) => {
					if (total >= after) ctx.req.socket.destroy();
				};
				await tap.drain();
				ctx.req.socket.destroy();
				return;
			}
			case 'hang':
				entry.fault = 'hang';
				await tap.drain();
				return; // never answer; stop() closes the connection
			case 'malformed': {
				entry.fault = 'malformed';
				await tap.drain();
				const text =
					ctx.origin === 'api'
						? '{"data":{"asset_id":"asset_'
						: '<?xml version="1.0" encoding="UTF-8"?>\n<Err';
				res.writeHead(200, {
					'content-type': ctx.origin === 'api' ? 'application/json' : 'application/xml',
					'content-length': String(Buffer.byteLength(text)),
				});
				res.end(text);
				return;
			}
			case 'status': {
				const status = fault.status ?? 500;
				entry.fault = `status:${status}`;
				await tap.drain();
				if (res.destroyed) return;
				const headers: Record<string, string> = {};
				const retryAfter =
					fault.retryAfter === undefined ? (status === 429 ? 1 : null) : fault.retryAfter;
				if (retryAfter !== null && (status === 429 || status === 503))
					headers['retry-after'] = String(retryAfter);
				if (status === 502 || status === 504) {
					const html = gatewayHtml(status);
					res.writeHead(status, {
						'content-type': 'text/html',
						'content-length': String(Buffer.byteLength(html)),
						...headers,
					});
					res.end(html);
					return;
				}
				if (ctx.origin === 'storage') {
					const [code, message] = S3_CODES_BY_STATUS[status] ?? ['InternalError', 'Sandbox fault'];
					return this.sendS3Error(ctx, status, code, message, headers);
				}
				const [code, message] = ERROR_CODES_BY_STATUS[status] ?? [
					'internal_error',
					'Sandbox fault',
				];
				this.sendResult(ctx, {
					status,
					body: this.errorBody(status, code, message, status === 400 ? 'sandbox_fault' : null),
					headers,
				});
				return;
			}
		}
	}

	// ---- idempotency ---------------------------------------------------------------------------------

	private async latency(): Promise<void> {
		if (this.opts.latencyMs > 0) await this.sleep(this.opts.latencyMs);
	}

	/** heygen-api.md §1.7: replay 2xx responses for 24 h; 409 request_in_progress while in flight. */
	async withIdempotency(ctx: Ctx, scope: string, fn: () => Promise<Result>): Promise<Result> {
		const raw = ctx.req.headers['idempotency-key'];
		if (raw === undefined) return fn();
		if (typeof raw !== 'string' || !IDEMPOTENCY_RE.test(raw))
			throw new ApiError(
				400,
				'invalid_parameter',
				"'Idempotency-Key' must be 1-255 characters of A-Z, a-z, 0-9, '_', '-', ':' or '.'.",
				'Idempotency-Key',
			);
		const key = `${scope}\n${raw}`;
		const rec = this.idem.get(key);
		if (rec?.state === 'done' && Date.now() - rec.at < IDEMPOTENCY_TTL_MS) {
			return {
				...rec.result,
				headers: { ...(rec.result.headers ?? {}), 'idempotent-replayed': 'true' },
			};
		}
		if (rec?.state === 'in_flight')
			throw new ApiError(
				409,
				'request_in_progress',
				'A request with this Idempotency-Key is still in progress. Retry after it completes.',
				'Idempotency-Key',
			);
		this.idem.set(key, { state: 'in_flight' });
		try {
			await this.latency();
			if (this.stopped) return { status: 503, body: {} };
			const result = await fn();
			if (result.status < 300) this.idem.set(key, { state: 'done', result, at: Date.now() });
			else this.idem.delete(key);
			return result;
		} catch (err) {
			this.idem.delete(key);
			throw err;
		}
	}

	// ---- JSON bodies ---------------------------------------------------------------------------------

	/** Reads a JSON object body; an empty body counts as {} when allowEmpty. */
	async readJsonObject(ctx: Ctx, allowEmpty = false): Promise<Record<string, unknown>> {
		const buf = await readAll(ctx.tap, JSON_BODY_LIMIT);
		if (!ctx.tap.complete)
			throw new ApiError(400, 'invalid_parameter', 'Request body was cut short.');
		if (buf.length === 0 || buf.toString('utf8').trim() === '') {
			if (allowEmpty) return {};
			throw new ApiError(400, 'invalid_parameter', 'Request body must be a JSON object.');
		}
		// JSON endpoints take Content-Type: application/json (heygen-api.md §1.3); a body sent as
		// text/plain or form data is refused even when it happens to parse.
		const contentType = String(ctx.req.headers['content-type'] ?? '');
		if (!/^\s*application\/json\s*(;|$)/i.test(contentType))
			throw new ApiError(
				400,
				'invalid_parameter',
				`Content-Type must be application/json, got ${contentType ? `'${contentType}'` : 'none'}.`,
			);
		let parsed: unknown;
		try {
			parsed = JSON.parse(buf.toString('utf8'));
		} catch {
			throw new ApiError(400, 'invalid_parameter', 'Request body is not valid JSON.');
		}
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
			throw new ApiError(400, 'invalid_parameter', 'Request body must be a JSON object.');
		return parsed as Record<string, unknown>;
	}

	// ---- control API (/__sandbox/*; loopback only, no auth, never journaled) ----------------------

	state() {
		return {
			apiUrl: this.apiUrl,
			storageUrl: this.storageUrl,
			assets: [...this.assets.values()].map(({ head: _h, bytes, upload, ...a }) => ({
				...a,
				has_bytes: bytes !== null,
				upload: upload && { ...upload },
			})),
			sessions: [...this.sessions.values()],
			videos: [...this.videos.values()],
			callbacks: this.callbacks,
			activeVideoJobs: this.activeVideoJobs(),
			faults: this.faults
				.pending()
				.map((f) =>
					f.path instanceof RegExp ? { ...f, path: undefined, pathRegex: f.path.source } : f,
				),
			options: this.options(),
		};
	}

	private async control(
		req: IncomingMessage,
		res: ServerResponse,
		url: URL,
		method: string,
	): Promise<void> {
		const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
		const readBody = async (): Promise<unknown> => {
			const chunks: Buffer[] = [];
			let size = 0;
			for await (const c of req) {
				size += (c as Buffer).length;
				if (size > 1024 * 1024) throw new Error('control body too large');
				chunks.push(c as Buffer);
			}
			const text = Buffer.concat(chunks).toString('utf8').trim();
			return text ? JSON.parse(text) : {};
		};
		const bad = (message: string) => this.sendRaw(res, 400, { error: message });
		switch (route) {
			case 'GET /__sandbox':
			case 'GET /__sandbox/health':
				return this.sendRaw(res, 200, {
					ok: true,
					apiUrl: this.apiUrl,
					storageUrl: this.storageUrl,
				});
			case 'GET /__sandbox/journal': {
				const origin = url.searchParams.get('origin');
				if (origin !== null && origin !== 'api' && origin !== 'storage')
					return bad('origin must be api or storage');
				return this.sendRaw(res, 200, this.journal((origin ?? undefined) as Origin | undefined));
			}
			case 'DELETE /__sandbox/journal':
				this.clearJournal();
				return this.sendRaw(res, 200, { ok: true });
			case 'GET /__sandbox/faults':
				return this.sendRaw(res, 200, this.state().faults);
			case 'POST /__sandbox/faults': {
				let body: unknown;
				try {
					body = await readBody();
				} catch (err) {
					return bad(`invalid JSON: ${String(err)}`);
				}
				const specs = Array.isArray(body) ? body : [body];
				try {
					const normalised = specs.map((s) => normaliseFault(s));
					for (const s of normalised) this.faults.add(s);
				} catch (err) {
					if (err instanceof FaultSpecError) return bad(err.message);
					throw err;
				}
				return this.sendRaw(res, 200, { ok: true, pending: this.faults.pending().length });
			}
			case 'DELETE /__sandbox/faults':
				this.clearFaults();
				return this.sendRaw(res, 200, { ok: true });
			case 'GET /__sandbox/state':
				return this.sendRaw(res, 200, this.state());
			case 'GET /__sandbox/options':
				return this.sendRaw(res, 200, this.options());
			case 'POST /__sandbox/options': {
				let body: unknown;
				try {
					body = await readBody();
				} catch (err) {
					return bad(`invalid JSON: ${String(err)}`);
				}
				if (!body || typeof body !== 'object' || Array.isArray(body))
					return bad('options must be an object');
				try {
					const { log: _log, ...partial } = body as SandboxOptions;
					this.setOptions(partial);
				} catch (err) {
					return bad(String((err as Error).message));
				}
				return this.sendRaw(res, 200, this.options());
			}
			case 'POST /__sandbox/reset':
				this.reset();
				return this.sendRaw(res, 200, { ok: true });
			default:
				if (await webhookControl(this, req, res, route)) return;
				return this.sendRaw(res, 404, { error: `unknown control route ${route}` });
		}
	}
}
