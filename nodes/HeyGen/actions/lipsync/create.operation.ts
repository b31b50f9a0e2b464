import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { callbackFields, enumValue } from '../../../shared/parameters';
import {
	assetInputParameter,
	jobOptions,
	optionsCollection,
	readAssetInput,
	readOptions,
	waitParameters,
	type HeyGenOptions,
	type Operation,
	readWait,
	type RunEnv,
	type WaitMethod,
} from '../common';
import { lipsyncJob, runCreate } from '../jobs';
import { booleanOptions, copyBooleans, timeRangeOptions, timeRangeFields } from '../mediaOptions';

const show = { resource: ['lipsync'], operation: ['create'] };
const MODES = ['speed', 'precision'] as const;

/** The documented switches of POST /v3/lipsyncs (heygen-api-generation.md §A.5). */
const BOOLEANS = {
	enableCaption: 'enable_caption',
	enableDynamicDuration: 'enable_dynamic_duration',
	enableSpeechEnhancement: 'enable_speech_enhancement',
	enableWatermark: 'enable_watermark',
	disableMusicTrack: 'disable_music_track',
	keepTheSameFormat: 'keep_the_same_format',
};

export const description: INodeProperties[] = [
	assetInputParameter(
		'Video',
		'video',
		'The video whose lips are synced: a HeyGen asset ID (the default takes the asset_id of the input item) or a public https:// URL. HeyGen takes no inline files here.',
		show,
	),
	assetInputParameter(
		'Audio',
		'audio',
		"The new speech: a HeyGen audio asset ID or a public https:// URL. Map it from the node that uploaded it, e.g. {{ $('Upload Voice-Over').item.json.asset_id }}.",
		show,
	),
	...waitParameters(show),
	optionsCollection(
		show,
		[
			...booleanOptions(BOOLEANS),
			{ displayName: 'Folder ID', name: 'folderId', type: 'string', default: '' },
			{
				displayName: 'FPS Mode',
				name: 'fpsMode',
				type: 'string',
				default: '',
				placeholder: 'vfr',
				description: 'Frame rate handling, passed to HeyGen as given (e.g. vfr, cfr, passthrough)',
			},
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				options: [
					{ name: 'Speed', value: 'speed' },
					{ name: 'Precision', value: 'precision' },
				],
				default: 'speed',
			},
			...timeRangeOptions,
			{ displayName: 'Title', name: 'title', type: 'string', default: '' },
		],
		jobOptions({ create: true, download: true, callback: true }),
	),
];

interface Plan {
	itemIndex: number;
	body: IDataObject;
	wait: WaitMethod;
	options: HeyGenOptions;
}

async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Plan> {
	const options = readOptions(this, itemIndex);
	const body: IDataObject = {
		video: readAssetInput(this, itemIndex, {
			parameter: 'video',
			label: 'Video',
			kind: 'video',
			allowBase64: false,
			required: true,
		}) as unknown as IDataObject,
		audio: readAssetInput(this, itemIndex, {
			parameter: 'audio',
			label: 'Audio',
			kind: 'audio file',
			allowBase64: false,
			required: true,
		}) as unknown as IDataObject,
	};
	const mode = enumValue(this, itemIndex, options.mode, 'Mode', MODES);
	if (mode) body.mode = mode;
	if (typeof options.fpsMode === 'string' && options.fpsMode.trim())
		body.fps_mode = options.fpsMode.trim();
	for (const key of ['folderId', 'title'] as const) {
		const value = options[key];
		if (typeof value === 'string' && value.trim())
			body[key === 'folderId' ? 'folder_id' : 'title'] = value.trim();
	}
	Object.assign(body, timeRangeFields(this, itemIndex, options), copyBooleans(options, BOOLEANS));
	Object.assign(body, await callbackFields(this, itemIndex, options));
	return { itemIndex, body, ...readWait(this, itemIndex, options) };
}

async function run(this: IExecuteFunctions, plan: Plan, env: RunEnv) {
	return await runCreate(this, lipsyncJob, plan, env);
}

export const operation: Operation<Plan> = {
	description,
	prepare,
	run,
	callbackJobs: { kind: lipsyncJob, idFields: ['lipsync_id'] },
};
