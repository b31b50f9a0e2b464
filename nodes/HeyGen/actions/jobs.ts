/**
 * The HeyGen node's jobs as kinds of the shared job engine (nodes/shared/job.ts), and the two
 * steps every create and get share: create → wait → output, and read → output.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OutputItem } from '../../shared/items';
import {
	createJobs,
	jobOutput,
	resumeCallbackUrl,
	simpleJobKind,
	VIDEO_RESULT_FIELDS,
	waitForJob,
	type Job,
	type JobKind,
	type JobResult,
} from '../../shared/job';
import {
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	jobOptions,
	optionsCollection,
	readId,
	readOptions,
	timeoutMs,
	type HeyGenOptions,
	type Operation,
	type Resource,
	type RunEnv,
	type WaitMethod,
} from './common';

/** `POST /v3/videos` → `GET /v3/videos/{id}` (heygen-api-generation.md §A.1, §A.2). */
export const videoJob = simpleJobKind({
	label: 'video',
	createPath: '/v3/videos',
	idempotentCreate: true,
	jobIds: (data) => [String(data.video_id)],
	idField: 'video_id',
	getPath: (id) => `/v3/videos/${encodeURIComponent(id)}`,
	statusWords: { completed: ['completed'], failed: ['failed'] },
	resultFields: VIDEO_RESULT_FIELDS,
	infoFields: ['title'],
	downloadUrlField: 'video_url',
});

/** One job per output language; HeyGen's word for "in progress" here is `running` (§A.4). */
export const translationJob = simpleJobKind({
	label: 'video translation',
	createPath: '/v3/video-translations',
	idempotentCreate: true,
	jobIds: (data) =>
		Array.isArray(data.video_translation_ids) ? data.video_translation_ids.map(String) : [],
	idField: 'video_translation_id',
	getPath: (id) => `/v3/video-translations/${encodeURIComponent(id)}`,
	statusWords: { completed: ['completed'], failed: ['failed'] },
	resultFields: ['video_url', 'audio_url', 'srt_caption_url', 'vtt_caption_url', 'duration'],
	infoFields: ['output_language', 'input_language', 'title'],
	downloadUrlField: 'video_url',
});

/** `POST /v3/lipsyncs` → `GET /v3/lipsyncs/{id}` (§A.5). */
export const lipsyncJob = simpleJobKind({
	label: 'lipsync',
	createPath: '/v3/lipsyncs',
	idempotentCreate: true,
	jobIds: (data) => [String(data.lipsync_id)],
	idField: 'lipsync_id',
	getPath: (id) => `/v3/lipsyncs/${encodeURIComponent(id)}`,
	statusWords: { completed: ['completed'], failed: ['failed'] },
	resultFields: ['video_url', 'caption_url', 'duration'],
	infoFields: ['title'],
	downloadUrlField: 'video_url',
});

/** What a user must do about an avatar HeyGen holds in `pending_consent`. */
export const CONSENT_NEXT_STEP =
	'HeyGen needs the consent of the person in the photo before this avatar can be used in videos. Open the avatar in HeyGen (Avatars) and complete the consent step, then read it again with Avatar → Get.';

const lookJob = simpleJobKind({
	label: 'photo avatar',
	createPath: '/v3/avatars',
	idempotentCreate: true,
	jobIds: (data) => [String((data.avatar_item as IDataObject | undefined)?.id)],
	idField: 'avatar_id',
	getPath: (id) => `/v3/avatars/looks/${encodeURIComponent(id)}`,
	statusWords: { completed: ['completed'], failed: ['failed'], needsAction: ['pending_consent'] },
	resultFields: ['avatar_type', 'preview_image_url', 'supported_api_engines'],
	infoFields: ['name', 'group_id'],
});

/**
 * A photo avatar (§A.3): the look (`avatar_id`, what POST /v3/videos takes) is the job; its group
 * id is kept beside it. `pending_consent` ends the wait: waiting longer would not help.
 */
export const avatarJob: JobKind = {
	...lookJob,
	jobsFromCreate: (data) =>
		lookJob.jobsFromCreate(data).map((job) => {
			const group = data.avatar_group as IDataObject | undefined;
			const item = data.avatar_item as IDataObject | undefined;
			job.ids.avatar_group_id = group?.id ?? null;
			if (typeof item?.status === 'string') job.snapshot.status = item.status;
			return job;
		}),
};

/** Settings of waiting and output, from the Options. */
function waitSettings(options: HeyGenOptions, itemIndex: number, signal: AbortSignal) {
	return {
		intervalMs: Number(options.pollIntervalSeconds ?? DEFAULT_POLL_INTERVAL_SECONDS) * 1000,
		maxWaitMs: Number(options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS) * 1000,
		itemIndex,
		timeoutMs: timeoutMs(options),
		signal,
	};
}

function downloadField(options: HeyGenOptions): string | undefined {
	if (!options.downloadVideo) return undefined;
	return String(options.binaryPropertyName ?? '').trim() || 'data';
}

/** Adds what the user must do next to an output that needs their action. */
function withNextStep(kind: JobKind, item: OutputItem, result: JobResult): OutputItem {
	if (result.ending === 'needs_action' && kind === avatarJob)
		item.json.next_step = CONSENT_NEXT_STEP;
	return item;
}

export interface CreateRun {
	itemIndex: number;
	body: IDataObject;
	wait: WaitMethod;
	options: HeyGenOptions;
	/** output fields known from the request, per job in order (a translation's language) */
	known?: IDataObject[];
}

/**
 * Creates the job(s) of one item, waits for each when asked, and returns one output item per job
 * — always with its ids, whatever happens after HeyGen accepted the create.
 */
export async function runCreate(
	context: IExecuteFunctions,
	kind: JobKind,
	run: CreateRun,
	env: RunEnv,
): Promise<OutputItem[]> {
	const { itemIndex, options } = run;
	const body = { ...run.body };
	// A callback wait: HeyGen calls this execution's resume URL (job.ts, callback wait).
	if (run.wait === 'callback') body.callback_url = await resumeCallbackUrl(context, itemIndex);
	const jobs = await createJobs(context, kind, body, {
		itemIndex,
		timeoutMs: timeoutMs(options),
		ledger: env.ledger,
	});
	jobs.forEach((job, index) => Object.assign(job.snapshot.fields, run.known?.[index] ?? {}));
	const output: OutputItem[] = [];
	for (const job of jobs) {
		if (run.wait !== 'poll') {
			output.push({ json: { ...job.ids, status: job.snapshot.status, ...job.snapshot.fields } });
			continue;
		}
		const result = await waitForJob(
			context,
			kind,
			job,
			waitSettings(options, itemIndex, env.signal),
		);
		const item = await jobOutput(context, kind, result, {
			itemIndex,
			timeoutMs: timeoutMs(options),
			downloadField: downloadField(options),
		});
		output.push(withNextStep(kind, item, result));
	}
	return output;
}

/** Reads one job by id (a Get operation) and outputs it like a finished wait would. */
export async function runGet(
	context: IExecuteFunctions,
	kind: JobKind,
	ids: IDataObject,
	itemIndex: number,
	options: HeyGenOptions,
): Promise<OutputItem[]> {
	const job: Job = { ids, snapshot: { phase: 'running', status: 'unknown', ids, fields: {} } };
	job.snapshot = await kind.read(context, job, { itemIndex, timeoutMs: timeoutMs(options) });
	Object.assign(job.ids, job.snapshot.ids);
	if (job.snapshot.phase === 'running') {
		return [{ json: { ...job.ids, status: job.snapshot.status, ...job.snapshot.fields } }];
	}
	const result: JobResult = { ending: job.snapshot.phase, job };
	const item = await jobOutput(context, kind, result, {
		itemIndex,
		timeoutMs: timeoutMs(options),
		downloadField: downloadField(options),
	});
	return [withNextStep(kind, item, result)];
}

/** What a Get operation of one job needs: the id parameter and the job kind that reads it. */
export interface JobGetSpec {
	resource: Resource;
	kind: JobKind;
	/** the parameter, e.g. `lipsyncId`, and its label, e.g. "Lipsync ID" */
	parameter: string;
	label: string;
	/** the id field of the create's output, e.g. `lipsync_id` (the parameter's default maps it) */
	idField: string;
	description: string;
	placeholder?: string;
	/** whether the job makes a video that "Download Video" can fetch */
	download: boolean;
}

/** A Get operation: re-reads one job by its id and outputs it like a finished create. */
export function jobGetOperation(spec: JobGetSpec): Operation<{
	itemIndex: number;
	id: string;
	options: HeyGenOptions;
}> {
	const show = { resource: [spec.resource], operation: ['get'] };
	const description: INodeProperties[] = [
		{
			displayName: spec.label,
			name: spec.parameter,
			type: 'string',
			required: true,
			default: `={{ $json.${spec.idField} }}`,
			...(spec.placeholder ? { placeholder: spec.placeholder } : {}),
			description: spec.description,
			displayOptions: { show },
		},
		optionsCollection(
			show,
			[],
			jobOptions({ create: false, download: spec.download, callback: false }),
		),
	];
	return {
		description,
		async prepare(this: IExecuteFunctions, itemIndex: number) {
			const id = readId(this, itemIndex, spec.parameter, spec.label, spec.idField);
			return { itemIndex, id, options: readOptions(this, itemIndex) };
		},
		async run(this: IExecuteFunctions, plan) {
			return await runGet(
				this,
				spec.kind,
				{ [spec.idField]: plan.id },
				plan.itemIndex,
				plan.options,
			);
		},
	};
}
