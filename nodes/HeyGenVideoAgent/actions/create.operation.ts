import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { asNodeError } from '../../shared/errors';
import { runUnits, type OutputItem, type WorkUnit } from '../../shared/items';
import { refuseUnsupportedCallbackWait, waitMethodParameter } from '../../shared/callbackWait';
import {
	createJobs,
	JobLedger,
	jobOutput,
	resumeCallbackUrl,
	resumeFromCallback,
	waitForCallbacks,
	waitForJob,
	type JobResult,
} from '../../shared/job';
import { callbackFields } from '../../shared/parameters';
import { runsAsTool, waitInToolMode } from '../../shared/toolMode';
import {
	concurrencyOf,
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	downloadField,
	enumValue,
	locatorValue,
	personaFields,
	readOptions,
	readText,
	timeoutMs,
	type VideoAgentOptions,
} from './common';
import { buildFiles, describeFiles, planFiles, type FilePlan } from './files';
import { videoAgentJob } from './session';

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
	waitMethodParameter(show, 'How to wait for the video'),
];

const MODES = ['generate', 'chat'] as const;
const ORIENTATIONS = ['landscape', 'portrait'] as const;

/** Whether and how create waits for the video (decided in `chooseWait`, one place). */
export interface WaitPlan {
	/**
	 * `none`: output the new session at once; `poll`: read it until it is done; `callback`: the
	 * execution waits for HeyGen's callback (nodes/shared/job.ts, "callback wait")
	 */
	method: 'none' | 'poll' | 'callback';
	intervalMs: number;
	maxWaitMs: number;
	/** "not finished within Max Wait" fails the item (with its ids) instead of outputting it */
	errorIfUnfinished: boolean;
}

/** Everything one create request needs, validated before any request is made. */
interface CreatePlan {
	/** the item whose prompt and options are used (the first one when combined) */
	itemIndex: number;
	items: number[];
	body: IDataObject;
	files: FilePlan;
	wait: WaitPlan;
	options: VideoAgentOptions;
}

/**
 * Whether and how to wait, from "Wait for Completion" and the options. Node version 1 kept its
 * released meaning of Max Wait (the item fails, now with its ids) unless "When Max Wait Is
 * Reached" says otherwise; from version 2 the item is output with its last known status.
 */
export function chooseWait(
	context: IExecuteFunctions,
	itemIndex: number,
	options: VideoAgentOptions,
): WaitPlan {
	const wanted = context.getNodeParameter('waitForCompletion', itemIndex, true) !== false;
	// As an AI agent's tool: return the ids at once, or wait only as long as the author allowed,
	// and never by callback (the agent is waiting for an answer).
	const { wait, maxWaitSeconds } = waitInToolMode(
		context,
		wanted,
		Number(options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS),
		options.toolWaitSeconds,
	);
	const callback =
		wait &&
		!runsAsTool(context) &&
		context.getNodeParameter('waitMethod', 0, 'poll') === 'callback';
	if (callback)
		refuseUnsupportedCallbackWait(context, itemIndex, {
			...options,
			downloadFix:
				'Remove "Download Video" and add a HeyGen Video Agent node with "Get Video" and "Download Video" after this one.',
		});
	const action = options.maxWaitAction ?? (context.getNode().typeVersion < 2 ? 'error' : 'output');
	return {
		method: callback ? 'callback' : wait ? 'poll' : 'none',
		intervalMs: Number(options.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000,
		maxWaitMs: maxWaitSeconds * 1000,
		errorIfUnfinished: action === 'error',
	};
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

	Object.assign(body, await callbackFields(context, itemIndex, options));
	if (options.incognitoMode !== undefined) body.incognito_mode = options.incognitoMode === true;

	const files = await planFiles(context, items, options, combined);
	return { itemIndex, items, body, files, wait: chooseWait(context, itemIndex, options), options };
}

async function runCreate(
	context: IExecuteFunctions,
	plan: CreatePlan,
	ledger: JobLedger,
	signal: AbortSignal,
): Promise<OutputItem[]> {
	const { itemIndex, options, wait } = plan;
	const body: IDataObject = { ...plan.body };
	const files = await buildFiles(plan.files);
	if (files.length > 0) body.files = files as unknown as IDataObject[];
	if (wait.method === 'callback') body.callback_url = await resumeCallbackUrl(context, itemIndex);

	const [job] = await createJobs(context, videoAgentJob, body, {
		itemIndex,
		timeoutMs: timeoutMs(options),
		ledger,
		what: 'Creating the Video Agent session',
	});
	const extra: IDataObject = { files: describeFiles(plan.files) };
	const result: JobResult =
		wait.method !== 'poll'
			? { ending: 'created', job }
			: await waitForJob(context, videoAgentJob, job, {
					intervalMs: wait.intervalMs,
					maxWaitMs: wait.maxWaitMs,
					itemIndex,
					timeoutMs: timeoutMs(options),
					signal,
				});
	const item = await jobOutput(context, videoAgentJob, result, {
		itemIndex,
		timeoutMs: timeoutMs(options),
		downloadField:
			wait.method === 'poll' && options.downloadVideo ? downloadField(options) : undefined,
		errorIfUnfinished: wait.errorIfUnfinished,
	});
	return [{ ...item, json: { ...item.json, ...extra } }];
}

/**
 * One request per item, or one for all items with "Combine Items". Every request is planned and
 * validated first, so bad input fails before anything is sent (or, with "Continue On Fail",
 * becomes that item's error while the others go on). Without "Continue On Fail" the first failure
 * stops the node at once, and its error lists every session already created.
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
			const nodeError = asNodeError(this, error, items[0]);
			if (!this.continueOnFail()) throw nodeError;
			units.push({ items, input: nodeError });
		}
	}
	const ledger = new JobLedger();
	const concurrency = concurrencyOf(readOptions(this, 0));
	const output = await runUnits(
		this,
		units,
		concurrency,
		async (unit, signal) => {
			if (unit.input instanceof Error) throw unit.input;
			return await runCreate(this, unit.input, ledger, signal);
		},
		{ annotateFailure: async (error) => await ledger.annotate(this, error) },
	);
	const callback = units.find((unit) => !(unit.input instanceof Error))?.input as
		CreatePlan | undefined;
	if (callback?.wait.method !== 'callback' || !ledger.describe()) return output;
	// Every session is created: the execution now waits for HeyGen's callbacks (see job.ts).
	const waiting = output.flatMap((item) =>
		(item.pairedItem as Array<{ item: number }>).map(({ item: itemIndex }) => ({
			itemIndex,
			json: item.json,
		})),
	);
	return await waitForCallbacks(this, waiting, callback.wait.maxWaitMs);
}

/** `webhook()` of the node: HeyGen's callback re-reads every session of the waiting execution. */
export async function resume(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	return await resumeFromCallback(this, {
		kind: videoAgentJob,
		idFields: ['session_id', 'video_id'],
	});
}
