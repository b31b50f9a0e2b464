import {
	NodeApiError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { downloadToBinary } from '../../shared/download';
import { inputError } from '../../shared/errors';
import { runUnits, type OutputItem, type WorkUnit } from '../../shared/items';
import { dataOf, getBaseUrl, heyGenApiRequest } from '../../shared/transport';
import { waitInToolMode } from '../../shared/toolMode';
import {
	concurrencyOf,
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	downloadField,
	enumValue,
	locatorValue,
	readOptions,
	readText,
	toItemError,
	timeoutMs,
	type VideoAgentOptions,
} from './common';
import {
	buildFiles,
	checkFileCount,
	describeFiles,
	parseAssetIds,
	parseUrls,
	planInlineFiles,
	unique,
	type FilePlan,
} from './files';
import { sessionOutput, waitForVideo, type SessionData, type VideoData } from './session';

const show = { operation: ['create'] };

export const assetIdsDescription: INodeProperties = {
	displayName: 'Asset IDs',
	name: 'assetIds',
	type: 'string',
	default: '={{ $json.asset_id }}',
	placeholder: 'asset_abc123def456, asset_789ghi',
	description:
		'HeyGen asset IDs of files for the agent (images, videos, audio, PDFs): one ID, a comma-separated list, or a list from an expression. The default takes the asset_id output by a HeyGen Assets node before this one. Empty means no asset files.',
	displayOptions: { show: { operation: ['create', 'sendMessage'] } },
};

export const description: INodeProperties[] = [
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'A 60-second product explainer for small business owners, friendly tone',
		description: 'What the video should be about (1 to 10,000 characters)',
		displayOptions: { show },
	},
	assetIdsDescription,
	{
		displayName: 'Combine Items',
		name: 'combineItems',
		type: 'boolean',
		default: false,
		description:
			'Whether to make one video from all input items (their asset IDs in item order, the prompt and options of the first item) instead of one video per item',
		displayOptions: { show },
	},
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the video is completed or failed (or the agent asks for input) before passing the item on. Off: output the new session right away.',
		displayOptions: { show },
	},
];

const MODES = ['generate', 'chat'] as const;
const ORIENTATIONS = ['landscape', 'portrait'] as const;
const LOOPBACK_HOST = /^(127(\.\d{1,3}){3}|localhost|\[::1\])$/i;

/** Everything one create request needs, validated before any request is made. */
interface CreatePlan {
	/** the item whose prompt and options are used (the first one when combined) */
	itemIndex: number;
	items: number[];
	body: IDataObject;
	files: FilePlan;
	wait: boolean;
	options: VideoAgentOptions;
}

/** The callback URL must be HTTPS; plain http only on loopback against a loopback API (the sandbox). */
async function callbackUrl(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
): Promise<string | undefined> {
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === ''))
		return undefined;
	let url: URL | undefined;
	try {
		url = typeof raw === 'string' ? new URL(raw.trim()) : undefined;
	} catch {
		url = undefined;
	}
	if (url?.protocol === 'https:') return url.href;
	if (url?.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname)) {
		const api = new URL(await getBaseUrl(context, itemIndex));
		if (LOOPBACK_HOST.test(api.hostname)) return url.href;
	}
	throw inputError(
		context,
		`Item ${itemIndex}: "Callback URL" ${url ? `"${url.href}" is not an HTTPS URL` : 'is not a valid URL'}`,
		'HeyGen calls back only over HTTPS, to an address it can reach from the internet: use the production URL of a Webhook node on an n8n reachable via https://. Or remove the option and let this node wait for the video.',
		itemIndex,
	);
}

/** Common fields of create and send-message bodies, from the options. */
export function personaFields(
	context: IExecuteFunctions,
	itemIndex: number,
	options: VideoAgentOptions,
): IDataObject {
	const body: IDataObject = {};
	const avatar = locatorValue(context, itemIndex, options.avatarId, 'Avatar');
	const voice = locatorValue(context, itemIndex, options.voiceId, 'Voice');
	const brandKit = locatorValue(context, itemIndex, options.brandKitId, 'Brand Kit');
	if (avatar) body.avatar_id = avatar;
	if (voice) body.voice_id = voice;
	if (brandKit) body.brand_kit_id = brandKit;
	if (options.autoProceed !== undefined) body.auto_proceed = options.autoProceed === true;
	return body;
}

/** The files of one request from its items: asset ids of every item, URLs and inline files. */
export async function planFiles(
	context: IExecuteFunctions,
	items: number[],
	options: VideoAgentOptions,
	combined: boolean,
): Promise<FilePlan> {
	const assetIds: string[] = [];
	for (const itemIndex of items) {
		assetIds.push(
			...parseAssetIds(context, itemIndex, context.getNodeParameter('assetIds', itemIndex, '')),
		);
	}
	const plan: FilePlan = {
		assetIds: unique(assetIds),
		urls: unique(parseUrls(context, items[0], options.fileUrls)),
		inline: [],
	};
	checkFileCount(context, items[0], plan, combined);
	plan.inline = await planInlineFiles(context, items, options.inputBinaryFields);
	checkFileCount(context, items[0], plan, combined);
	return plan;
}

async function planCreate(
	context: IExecuteFunctions,
	items: number[],
	combined: boolean,
): Promise<CreatePlan> {
	const itemIndex = items[0];
	const options = readOptions(context, itemIndex);
	const body: IDataObject = { prompt: readText(context, itemIndex, 'prompt') };
	const mode = enumValue(context, itemIndex, options.mode, 'Mode', MODES);
	const orientation = enumValue(
		context,
		itemIndex,
		options.orientation,
		'Orientation',
		ORIENTATIONS,
	);
	if (mode) body.mode = mode;
	Object.assign(body, personaFields(context, itemIndex, options));
	const style = locatorValue(context, itemIndex, options.styleId, 'Style');
	if (style) body.style_id = style;
	if (orientation) body.orientation = orientation;

	const callback = await callbackUrl(context, itemIndex, options.callbackUrl);
	const callbackId =
		typeof options.callbackId === 'string' ? options.callbackId.trim() : options.callbackId;
	if (callbackId !== undefined && callbackId !== null && callbackId !== '') {
		if (typeof callbackId !== 'string' && typeof callbackId !== 'number') {
			throw inputError(
				context,
				`Item ${itemIndex}: "Callback ID" is not text`,
				'Map a text or number field, e.g. {{ $json.id }}.',
				itemIndex,
			);
		}
		if (!callback) {
			throw inputError(
				context,
				`Item ${itemIndex}: "Callback ID" is set but "Callback URL" is not`,
				'HeyGen only uses the Callback ID in its callback. Add the Callback URL option, or remove Callback ID.',
				itemIndex,
			);
		}
	}
	if (callback) {
		body.callback_url = callback;
		if (callbackId !== undefined && callbackId !== null && callbackId !== '')
			body.callback_id = String(callbackId);
	}
	if (options.incognitoMode !== undefined) body.incognito_mode = options.incognitoMode === true;

	const files = await planFiles(context, items, options, combined);
	const wanted = context.getNodeParameter('waitForCompletion', itemIndex, true) !== false;
	const maxWait = Number(options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS);
	// As an AI agent's tool: return the ids at once, or wait only as long as the author allowed.
	const { wait, maxWaitSeconds } = waitInToolMode(
		context,
		wanted,
		maxWait,
		options.toolWaitSeconds,
	);
	return { itemIndex, items, body, files, wait, options: { ...options, maxWaitSeconds } };
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
 * Create is never re-sent after a 5xx, a lost connection or an unreadable answer: HeyGen may have
 * started (and will charge) the video anyway, so the error says so.
 */
function explainCreateFailure(error: unknown): unknown {
	if (!(error instanceof NodeApiError)) return error;
	const status = Number(error.httpCode);
	const connection = (error.errorResponse as { connection_error?: unknown } | undefined)
		?.connection_error;
	const mayHaveStarted =
		status >= 500 ||
		(status >= 200 && status < 300) ||
		(typeof connection === 'string' && SENT_CONNECTION_FAILURES.includes(connection));
	if (mayHaveStarted) {
		error.description = [
			error.description,
			'Not retried automatically: creating a video is not idempotent, so HeyGen may have started it anyway. Check your Video Agent sessions in HeyGen before running again, to avoid a duplicate (and a double charge).',
		]
			.filter(Boolean)
			.join(' ');
	}
	return error;
}

async function runCreate(context: IExecuteFunctions, plan: CreatePlan): Promise<OutputItem[]> {
	const { itemIndex, options } = plan;
	const body: IDataObject = { ...plan.body };
	const files = await buildFiles(plan.files);
	if (files.length > 0) body.files = files as unknown as IDataObject[];

	let created: SessionData;
	try {
		const response = await heyGenApiRequest.call(context, {
			method: 'POST',
			path: '/v3/video-agents',
			body,
			// No Idempotency-Key on this endpoint: only a 429 (not processed) may be re-sent.
			retry: 'once',
			what: 'Creating the Video Agent session',
			itemIndex,
			timeoutMs: timeoutMs(options),
		});
		created = dataOf<SessionData>(response);
	} catch (error) {
		throw explainCreateFailure(error);
	}

	const extra: IDataObject = { files: describeFiles(plan.files) };
	if (!plan.wait) {
		return [{ json: { ...sessionOutput(created, undefined, undefined), ...extra } }];
	}
	const result = await waitForVideo(context, created.session_id, {
		intervalMs: Number(options.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000,
		maxWaitSeconds: Number(options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS),
		itemIndex,
		timeoutMs: timeoutMs(options),
	});
	const session = {
		...result.session,
		created_at: result.session.created_at ?? created.created_at,
	};
	const json = { ...sessionOutput(session, result.video, result.outcome), ...extra };
	if (options.downloadVideo && result.outcome === 'completed' && result.video) {
		return [{ json, binary: await downloadVideo(context, result.video, itemIndex, options) }];
	}
	return [{ json }];
}

/** The finished MP4 as binary output, streamed into n8n's binary data store. */
export async function downloadVideo(
	context: IExecuteFunctions,
	video: VideoData,
	itemIndex: number,
	options: VideoAgentOptions,
) {
	if (typeof video.video_url !== 'string' || !video.video_url) {
		throw inputError(
			context,
			`Item ${itemIndex}: video ${video.id} is ${video.status} but HeyGen gave no video_url to download`,
			'Try again in a minute with the "Get Video" operation and "Download Video" on.',
			itemIndex,
		);
	}
	const id = String(video.id ?? 'video');
	const binary = await downloadToBinary.call(context, {
		url: video.video_url,
		fileName: `heygen-${id.replace(/[^A-Za-z0-9_-]/g, '_')}.mp4`,
		mimeType: 'video/mp4',
		what: `Download of video ${id}`,
		itemIndex,
		timeoutMs: timeoutMs(options),
	});
	return { [downloadField(options)]: binary };
}

/**
 * One request per item, or one for all items with "Combine Items". Every request is planned and
 * validated first, so bad input fails before anything is sent (or, with "Continue On Fail",
 * becomes that item's error while the others go on).
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const count = this.getInputData().length;
	if (count === 0) return [];
	const combined = this.getNodeParameter('combineItems', 0, false) === true;
	const groups = combined
		? [Array.from({ length: count }, (_, i) => i)]
		: Array.from({ length: count }, (_, i) => [i]);

	const units: Array<WorkUnit<CreatePlan | Error>> = [];
	for (const items of groups) {
		try {
			units.push({ items, input: await planCreate(this, items, combined) });
		} catch (error) {
			const nodeError = toItemError(this, error, items[0]);
			if (!this.continueOnFail()) throw nodeError;
			units.push({ items, input: nodeError });
		}
	}
	const concurrency = concurrencyOf(readOptions(this, 0));
	return await runUnits(this, units, concurrency, async (unit) => {
		if (unit.input instanceof Error) throw unit.input;
		return await runCreate(this, unit.input);
	});
}
