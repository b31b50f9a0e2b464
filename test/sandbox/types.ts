/** Public types of the HeyGen sandbox (see README.md in this folder). */
import type { FileHost } from './fileHost';

export interface ClockOptions {
	/** Session stays `thinking` this long. */
	thinkingMs?: number;
	/** Minimum time the session spends `generating` (it also waits for its video to finish). */
	generatingMs?: number;
	/** Video stays `pending` this long after its id appears. */
	videoPendingMs?: number;
	/** Video stays `processing` this long, then `completed` (or `failed`). */
	videoProcessingMs?: number;
}

export interface SandboxOptions {
	/** API origin port, 0 = random (default 0). */
	port?: number;
	/** Storage origin port, 0 = random (default 0). */
	storagePort?: number;
	/** The one valid key, default 'sandbox-api-key'. */
	apiKey?: string;
	/** Direct-upload `max_bytes`, default 209_715_200. */
	maxBytes?: number;
	/** Direct-upload URL lifetime, default 3600. */
	uploadExpiresInSeconds?: number;
	/** Lifetime of a finished video's presigned URLs, default 3600; 0 = expired when issued. */
	videoUrlExpiresInSeconds?: number;
	/** Added before answering every API-origin request (not the storage origin, not `/__sandbox`). */
	latencyMs?: number;
	/** Default 10; a new job above it → 429 rate_limit_exceeded + Retry-After. */
	maxActiveVideoJobs?: number;
	/** `/complete` answers 409 conflict this many times after the PUT (default 0). */
	completeLagCalls?: number;
	/** Session/video clock; defaults 200/300/100/200 ms. */
	clock?: ClockOptions;
	/** Suppress the sandbox's own error logging (internal 500s, callback failures). */
	quiet?: boolean;
	/** Optional request logger (one line per request); the CLI passes console.log. */
	log?: (line: string) => void;
	/** Secret for `Heygen-Signature` on callback deliveries, default 'whsec_sandbox'. */
	callbackSecret?: string;
	/** Per-attempt timeout of a callback delivery, default 10_000 ms. */
	callbackTimeoutMs?: number;
	/**
	 * How often a `callback_url` delivery that got no 2xx is sent again (after 1, 2, 4, … s, like
	 * HeyGen's registered-endpoint retries), default 0.
	 */
	callbackRetries?: number;
	/**
	 * What the next job-end callbacks do instead of one delivery, consumed in order: `never` (none is
	 * sent), `twice` (the same delivery again 200 ms later). Default none.
	 */
	callbackFaults?: CallbackFault[];
	/**
	 * Whether an init over `maxBytes` is refused (400, default true). Off, the init answers with the
	 * lower `max_bytes` and the client has to check it itself.
	 */
	maxBytesCheckedAtInit?: boolean;
	/** The next N direct-upload URLs are issued already expired on the storage side (default 0). */
	staleUploadUrls?: number;
	/** How many of the account's own (private) voices the catalogue has, default 10 (after 120 public). */
	privateVoices?: number;
}

/** A fault of one job-end callback delivery (option `callbackFaults`). */
export type CallbackFault = 'never' | 'twice';

export type SandboxOptionsSnapshot = Required<Omit<SandboxOptions, 'log' | 'clock'>> & {
	clock: Required<ClockOptions>;
};

export type Origin = 'api' | 'storage';

export interface JournalEntry {
	origin: Origin;
	method: string;
	path: string;
	query: Record<string, string>;
	/** Lower-cased names, as received (repeated headers joined with ', '). */
	headers: Record<string, string>;
	/** Of the request body as received (streamed hash); final once the body ended or the socket closed. */
	bodySize: number;
	sha256: string;
	/** What the sandbox answered (0 if the socket was dropped or the request hangs). */
	status: number;
	/** Which injected fault applied, if any: 'status:503', 'hang', 'drop', 'malformed'. */
	fault?: string;
	/** Date.now() when the request arrived. */
	at: number;
}

export type FaultKind = 'status' | 'hang' | 'drop' | 'malformed';

export interface FaultSpec {
	/** Default: any method. */
	method?: string;
	/**
	 * Exact path or a route pattern like '/v3/assets/:id/complete' (`:name` matches one segment,
	 * a trailing `*` matches the rest). RegExp is tested against the path (no query).
	 * Over the HTTP control API use a string, or `pathRegex` (a RegExp source).
	 */
	path: string | RegExp;
	/** Only this origin; default both. */
	origin?: Origin;
	/** How many matching requests it applies to, default 1. */
	times?: number;
	kind: FaultKind;
	/** For kind 'status': 429, 500, 502 (HTML body), 503; any other 4xx/5xx gets an envelope too. */
	status?: number;
	/** Seconds for 429 (default 1; null = no header). */
	retryAfter?: number | null;
	/** For 'drop': destroy the socket after reading this many body bytes (default 0 = at once). */
	dropAfterBytes?: number;
}

export type AssetStatus = 'pending_upload' | 'uploaded' | 'processing' | 'deleted';

export interface AssetRecord {
	asset_id: string;
	/**
	 * pending_upload: direct upload initialised, no bytes yet; uploaded: PUT stored, not completed;
	 * processing: usable (multipart uploads start here, direct uploads after /complete); deleted.
	 */
	status: AssetStatus;
	source: 'multipart' | 'direct';
	filename: string;
	/** Declared content_type (direct uploads) or the multipart part's Content-Type (informational). */
	declared_content_type: string | null;
	/** Detected from the bytes (null until bytes arrive). */
	mime_type: string | null;
	/** Declared size (direct) or stored size (multipart). */
	size_bytes: number;
	/** Bytes actually stored (null until stored). */
	stored_bytes: number | null;
	/** Hex sha256 of the stored bytes (null until stored). */
	sha256: string | null;
	url: string;
	created_at: number;
	uploaded_at: number | null;
	completed_at: number | null;
	/** Declared checksum_sha256 (hex) for direct uploads. */
	checksum_sha256: string | null;
	/** First 4 KB of the stored bytes (what the sniffer sees). */
	head: Buffer | null;
	/** Whole body, kept only when ≤ 32,000,000 bytes (served by GET on `url`). */
	bytes: Buffer | null;
	/** Direct upload bookkeeping. */
	upload: {
		url: string;
		query: Record<string, string>;
		headers: Record<string, string>;
		issued_at: number;
		expires_at: number;
		/** completed or deleted: the URL takes no more PUTs (before that, any number until expiry, like S3) */
		used: boolean;
	} | null;
	/** Number of /complete calls that got 409 after the PUT (for completeLagCalls). */
	complete_lag_served: number;
	/** Stored /complete success body, replayed on repeats. */
	complete_response: Record<string, unknown> | null;
}

export type SessionStatus =
	'thinking' | 'waiting_for_input' | 'reviewing' | 'generating' | 'completed' | 'failed';

export interface SessionMessage {
	role: 'user' | 'model';
	content: string;
	type: 'text' | 'resource' | 'error';
	created_at: number;
	resource_ids?: string[];
}

export interface SessionRecord {
	session_id: string;
	mode: 'generate' | 'chat';
	status: SessionStatus;
	title: string | null;
	video_id: string | null;
	/** All videos of the session, oldest first. */
	video_ids: string[];
	created_at: number;
	/** Oldest first internally; the API returns newest first. */
	messages: SessionMessage[];
	/** The create request body as received (for assertions). */
	request: Record<string, unknown>;
	run_id: string;
	/** Which prompt hook drives the current run, if any. */
	hook: 'fail' | 'fail-bare' | 'fail-early' | 'input' | null;
	/** ms timestamp and length of the current phase, for progress and Retry-After. */
	phase_started_at: number;
	phase_ms: number;
	/** Progress frozen when the session left thinking/generating. */
	progress: number;
	expected_end_at: number | null;
	stopped: boolean;
	callbacks_sent: number;
}

export type VideoStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface VideoRecord {
	id: string;
	/** null for videos made by POST /v3/videos, translations and lipsyncs */
	session_id: string | null;
	status: VideoStatus;
	title: string;
	created_at: number;
	completed_at: number | null;
	/** 'full' = failure_code + failure_message; 'bare' = only {id,status,created_at,title:""}. */
	failure: 'full' | 'bare' | null;
	failure_code: string | null;
	failure_message: string | null;
	orientation: 'landscape' | 'portrait' | null;
}

export interface CallbackDelivery {
	url: string;
	headers: Record<string, string>;
	body: unknown;
	/** Receiver's status, 0 when it could not be reached. */
	status: number;
	error?: string;
	at: number;
}

export interface Sandbox {
	apiUrl: string;
	storageUrl: string;
	apiKey: string;
	/** Secret used for `Heygen-Signature` (default 'whsec_sandbox'). */
	callbackSecret: string;
	journal(origin?: Origin): JournalEntry[];
	clearJournal(): void;
	injectFault(spec: FaultSpec): void;
	clearFaults(): void;
	/** Faults not yet used up. */
	pendingFaults(): FaultSpec[];
	assets: Map<string, AssetRecord>;
	sessions: Map<string, SessionRecord>;
	videos: Map<string, VideoRecord>;
	callbacks: CallbackDelivery[];
	/** The current options (after setOptions). */
	options(): SandboxOptionsSnapshot;
	setOptions(partial: Partial<SandboxOptions>): void;
	/** Forget assets, sessions, videos, callbacks, idempotency keys, journal and faults. */
	reset(): void;
	/** Number of video jobs currently counted against maxActiveVideoJobs. */
	activeVideoJobs(): number;
	/** Resolves once every callback delivery started so far has finished. */
	settleCallbacks(): Promise<void>;
	/** The file host (sources for Upload from URL), started and stopped with the sandbox. */
	files: FileHost;
	stop(): Promise<void>;
}
