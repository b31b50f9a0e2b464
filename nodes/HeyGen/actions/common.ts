/**
 * What the HeyGen node's operations share: reading ids and asset inputs, the Options every create
 * has (waiting, download, callback, timeout, concurrency), and the shape of an operation module.
 */
import type {
	IDataObject,
	IDisplayOptions,
	IExecuteFunctions,
	INodeProperties,
} from 'n8n-workflow';

import { inputError } from '../../shared/errors';
import { DEFAULT_CONCURRENCY, type OutputItem } from '../../shared/items';
import { ASSET_ID_PATTERN } from '../../shared/assetId';
import { refuseUnsupportedCallbackWait, waitMethodParameter } from '../../shared/callbackWait';
import type { CallbackJobs, JobLedger } from '../../shared/job';
import { describe, ID_PATTERN } from '../../shared/parameters';
import { requestTimeoutOption } from '../../shared/requestTimeout';
import { runsAsTool, toolWaitOption, waitInToolMode } from '../../shared/toolMode';

export { timeoutMs } from '../../shared/requestTimeout';

/** The `show` of displayOptions. */
export type Show = NonNullable<IDisplayOptions['show']>;

/** How a create waits: not at all, by polling, or for HeyGen's callback (nodes/shared/job.ts). */
export type WaitMethod = 'none' | 'poll' | 'callback';

/**
 * "Wait for Completion" + "Wait Method" of a create (`callback: false` where the endpoint has no
 * callback), with what a callback wait cannot be combined with refused before any request. As an
 * AI agent's tool a create returns its ids at once, unless the author allowed a bounded wait
 * ("Wait in Tool Mode"), which then polls: the agent waits for an answer a callback cannot give.
 * Returns the options to wait with (Max Wait bounded in tool mode).
 */
export function readWait<O extends HeyGenOptions>(
	context: IExecuteFunctions,
	itemIndex: number,
	options: O,
	endpoint: { callback: boolean } = { callback: true },
): { wait: WaitMethod; options: O } {
	const wanted = context.getNodeParameter('waitForCompletion', itemIndex, true) !== false;
	if (runsAsTool(context)) {
		const tool = waitInToolMode(
			context,
			wanted,
			Number(options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS),
			options.toolWaitSeconds,
		);
		return {
			wait: tool.wait ? 'poll' : 'none',
			options: { ...options, maxWaitSeconds: tool.maxWaitSeconds },
		};
	}
	if (!wanted) return { wait: 'none', options };
	if (
		!endpoint.callback ||
		context.getNodeParameter('waitMethod', itemIndex, 'poll') !== 'callback'
	)
		return { wait: 'poll', options };
	refuseUnsupportedCallbackWait(context, itemIndex, {
		...options,
		downloadFix:
			'Remove "Download Video" and add a HeyGen node with the Get operation and "Download Video" after this one.',
	});
	return { wait: 'callback', options };
}

/** What the router hands every operation's `run`. */
export interface RunEnv {
	/** every job created in this node run, so an error that stops the node still names them */
	ledger: JobLedger;
	/** aborts when the execution is cancelled or another item failed the node */
	signal: AbortSignal;
}

/**
 * Each operation file: its parameters, a check of one item's input that sends no request (so bad
 * input fails before anything is created), and the work for that item.
 */
export interface Operation<Plan = unknown> {
	description: INodeProperties[];
	/** the jobs a callback wait resumes on (creates that offer "Wait Method: Callback") */
	callbackJobs?: CallbackJobs;
	prepare(this: IExecuteFunctions, itemIndex: number): Promise<Plan>;
	run(this: IExecuteFunctions, plan: Plan, env: RunEnv): Promise<OutputItem[]>;
}

export type Resource = 'video' | 'videoTranslation' | 'lipsync' | 'avatar' | 'asset';

/** The "Options" collection as n8n hands it over. */
export interface HeyGenOptions extends IDataObject {
	binaryPropertyName?: string;
	callbackId?: string;
	callbackUrl?: string;
	concurrency?: number;
	downloadVideo?: boolean;
	maxWaitSeconds?: number;
	pollIntervalSeconds?: number;
	timeout?: number;
	toolWaitSeconds?: number;
}

/** HeyGen runs at most 10 video jobs per account at once; more only earns 429s. */
export const MAX_JOB_CONCURRENCY = 10;
export const DEFAULT_POLL_INTERVAL_SECONDS = 15;
export const DEFAULT_MAX_WAIT_SECONDS = 1800;

export function readOptions(context: IExecuteFunctions, itemIndex: number): HeyGenOptions {
	const options = context.getNodeParameter('options', itemIndex, {});
	return (options && typeof options === 'object' ? options : {}) as HeyGenOptions;
}

export function concurrencyOf(options: HeyGenOptions): number {
	const value = Number(options.concurrency ?? DEFAULT_CONCURRENCY);
	return Number.isFinite(value) && value >= 1
		? Math.min(Math.floor(value), MAX_JOB_CONCURRENCY)
		: 1;
}

/**
 * A required id parameter (`videoId`, `lipsyncId`, `assetId`, …): non-empty and URL-safe. `field`
 * is the output field it is usually mapped from.
 */
export function readId(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	label: string,
	field: string,
): string {
	const raw = context.getNodeParameter(parameter, itemIndex, '');
	const value = typeof raw === 'string' ? raw.trim() : raw;
	if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
		throw inputError(
			context,
			`Item ${itemIndex}: "${label}" is ${value === '' ? 'empty' : describe(value)}, not a HeyGen id`,
			`Map the ${field} field of an earlier HeyGen node, e.g. {{ $json.${field} }}, or paste the id from HeyGen.`,
			itemIndex,
		);
	}
	return value;
}

/** A required text parameter (script, name); `max` in characters. */
export function readText(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: string,
	label: string,
	max: number,
	hint: string,
): string {
	const raw = context.getNodeParameter(parameter, itemIndex, '');
	const value = typeof raw === 'number' ? String(raw) : raw;
	const empty =
		value === undefined || value === null || (typeof value === 'string' && !value.trim());
	if (typeof value !== 'string' || empty) {
		throw inputError(
			context,
			`Item ${itemIndex}: "${label}" is ${empty ? 'empty' : `${describe(value)}, not text`}`,
			hint,
			itemIndex,
		);
	}
	const length = Array.from(value).length;
	if (length > max) {
		throw inputError(
			context,
			`Item ${itemIndex}: "${label}" has ${length.toLocaleString('en-US')} characters; HeyGen accepts at most ${max.toLocaleString('en-US')}`,
			'Shorten the text, or split it over several videos.',
			itemIndex,
		);
	}
	return value;
}

/** HeyGen's asset input (heygen-api-generation.md §A.0). */
export type AssetInput =
	| { type: 'asset_id'; asset_id: string }
	| { type: 'url'; url: string }
	| { type: 'base64'; media_type: string; data: string };

const DATA_URI = /^data:([a-z]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]+={0,2})$/i;

export interface AssetInputRule {
	parameter: string;
	label: string;
	/** what the file must be, for messages: 'video', 'audio file', 'image' */
	kind: string;
	/** only translations and lipsyncs refuse inline base64 */
	allowBase64: boolean;
	required: boolean;
}

/**
 * One asset input parameter: an asset id (the default maps `asset_id` from a HeyGen Assets node),
 * an http(s) URL, or — where the endpoint accepts it — a `data:` URI sent as base64.
 */
export function readAssetInput(
	context: IExecuteFunctions,
	itemIndex: number,
	rule: AssetInputRule,
): AssetInput | undefined {
	const raw = context.getNodeParameter(rule.parameter, itemIndex, '');
	const value = typeof raw === 'string' ? raw.trim() : raw;
	if (value === '' || value === undefined || value === null) {
		if (!rule.required) return undefined;
		throw inputError(
			context,
			`Item ${itemIndex}: "${rule.label}" is empty`,
			`Give the ${rule.kind} as a HeyGen asset ID (upload it with the HeyGen Assets node first; the default {{ $json.asset_id }} takes its output) or as a public https:// URL.`,
			itemIndex,
		);
	}
	if (typeof value === 'string') {
		if (/^https?:\/\//i.test(value)) {
			try {
				return { type: 'url', url: new URL(value).href };
			} catch {
				// reported below
			}
		}
		const dataUri = DATA_URI.exec(value);
		if (dataUri) {
			if (!rule.allowBase64) {
				throw inputError(
					context,
					`Item ${itemIndex}: "${rule.label}" is an inline data: URI, which HeyGen does not accept here`,
					`This endpoint takes only an asset ID or a URL. Upload the ${rule.kind} with the HeyGen Assets node and map its asset_id, e.g. {{ $json.asset_id }}.`,
					itemIndex,
				);
			}
			return { type: 'base64', media_type: dataUri[1].toLowerCase(), data: dataUri[2] };
		}
		if (ASSET_ID_PATTERN.test(value)) return { type: 'asset_id', asset_id: value };
	}
	throw inputError(
		context,
		`Item ${itemIndex}: "${rule.label}" is ${describe(value)}, neither a HeyGen asset ID nor an http(s) URL`,
		`Map the asset_id of a HeyGen Assets node (e.g. {{ $json.asset_id }}) or give a public https:// URL of the ${rule.kind}.`,
		itemIndex,
	);
}

// ---- parameter descriptions shared by the operations ---------------------------------------------

/** An asset input parameter, defaulting to the asset_id of the input item. */
export function assetInputParameter(
	displayName: string,
	name: string,
	description: string,
	show: Show,
	defaultValue = '={{ $json.asset_id }}',
): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		required: true,
		default: defaultValue,
		placeholder: 'asset_abc123 or https://example.com/file.mp4',
		description,
		displayOptions: { show },
	};
}

/** `waitForCompletion` and `waitMethod` for a create (DESIGN §2: the same names as Video Agent). */
export function waitParameters(show: Show, callback = true): INodeProperties[] {
	const wait: INodeProperties = {
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until HeyGen has finished (or failed) before passing the item on. Off: output the new job IDs right away.',
		displayOptions: { show },
	};
	if (!callback) return [wait];
	return [wait, waitMethodParameter(show, 'How to wait for HeyGen')];
}

/**
 * The Options entries about jobs, to put into an operation's own Options collection: `create`
 * adds callback, waiting and concurrency entries; `download` the MP4 download.
 */
export function jobOptions(kind: { create: boolean; download: boolean; callback: boolean }) {
	const whenWaiting = { show: { '/waitForCompletion': [true] } };
	const entries: INodeProperties[] = [];
	if (kind.create && kind.callback) {
		entries.push(
			{
				displayName: 'Callback ID',
				name: 'callbackId',
				type: 'string',
				default: '',
				description: 'Your own reference, echoed in the callback (needs a Callback URL)',
			},
			{
				displayName: 'Callback URL',
				name: 'callbackUrl',
				type: 'string',
				default: '',
				placeholder: 'https://your-n8n.example.com/webhook/heygen',
				description:
					'HTTPS address HeyGen calls when the job is done or failed, e.g. the production URL of a Webhook node',
			},
		);
	}
	entries.push({
		displayName: 'Concurrency',
		name: 'concurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_JOB_CONCURRENCY },
		default: DEFAULT_CONCURRENCY,
		description:
			'How many items to process at the same time. HeyGen runs at most 10 video jobs per account at once.',
	});
	if (kind.download) {
		entries.push(
			{
				displayName: 'Download Video',
				name: 'downloadVideo',
				type: 'boolean',
				default: false,
				description:
					'Whether to download the finished MP4 into the output item as binary data (only when it is completed)',
				...(kind.create ? { displayOptions: whenWaiting } : {}),
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'The name of the output binary field to put the downloaded video in',
				displayOptions: { show: { downloadVideo: [true] } },
			},
		);
	}
	if (kind.create) {
		entries.push(
			{
				displayName: 'Max Wait (Seconds)',
				name: 'maxWaitSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_MAX_WAIT_SECONDS,
				description:
					'How long to wait. HeyGen keeps working after that; the item then carries the job IDs and the last status.',
				displayOptions: whenWaiting,
			},
			{
				displayName: 'Poll Interval (Seconds)',
				name: 'pollIntervalSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: DEFAULT_POLL_INTERVAL_SECONDS,
				description: 'How often to ask HeyGen about the progress while waiting',
				displayOptions: whenWaiting,
			},
			{ ...toolWaitOption },
		);
	}
	entries.push({ ...requestTimeoutOption });
	return entries;
}

/** An operation's "Options" collection: its own entries and the job entries, sorted by name. */
export function optionsCollection(
	show: Show,
	own: INodeProperties[],
	jobs: INodeProperties[],
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [...own, ...jobs].sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}
