import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from '../../../shared/errors';
import { callbackFields, describe, enumValue } from '../../../shared/parameters';
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
import { runCreate, translationJob } from '../jobs';
import { booleanOptions, copyBooleans, timeRangeFields, timeRangeOptions } from '../mediaOptions';

const show = { resource: ['videoTranslation'], operation: ['create'] };
const MODES = ['speed', 'precision'] as const;
const FPS_MODES = ['vfr', 'cfr', 'passthrough'] as const;
const SRT_ROLES = ['input', 'output'] as const;
const MAX_SPEAKERS = 10;

/** The documented switches of POST /v3/video-translations (heygen-api-generation.md §A.4). */
const BOOLEANS = {
	translateAudioOnly: 'translate_audio_only',
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
		'The video to translate: a HeyGen asset ID (the default takes the asset_id of a HeyGen Assets node) or a public https:// URL. HeyGen takes no inline files here.',
		show,
	),
	{
		displayName: 'Output Language Names or IDs',
		name: 'outputLanguages',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getTranslationLanguages' },
		required: true,
		default: [],
		description:
			'Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
		hint: 'One job and one output item per language. An expression may give a list or comma-separated names as HeyGen lists them, e.g. Spanish (Spain).',
		displayOptions: { show },
	},
	...waitParameters(show),
	optionsCollection(
		show,
		[
			{
				displayName: 'Audio',
				name: 'audio',
				type: 'string',
				default: '',
				placeholder: 'asset_abc123 or https://example.com/voice.mp3',
				description:
					'A separate audio track of the source: an audio asset ID or a public https:// URL',
			},
			...booleanOptions(BOOLEANS),
			{
				displayName: 'Brand Glossary ID',
				name: 'brandGlossaryId',
				type: 'string',
				default: '',
				description: 'A brand glossary (terms HeyGen must not translate)',
			},
			{ displayName: 'Folder ID', name: 'folderId', type: 'string', default: '' },
			{
				displayName: 'FPS Mode',
				name: 'fpsMode',
				type: 'options',
				options: [
					{ name: 'Constant (CFR)', value: 'cfr' },
					{ name: 'Passthrough', value: 'passthrough' },
					{ name: 'Variable (VFR)', value: 'vfr' },
				],
				default: 'vfr',
			},
			{
				displayName: 'Input Language',
				name: 'inputLanguage',
				type: 'string',
				default: '',
				placeholder: 'English (United States)',
				description: 'The language spoken in the source; HeyGen detects it when empty',
			},
			{
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				options: [
					{ name: 'Speed', value: 'speed', description: "Faster (HeyGen's default)" },
					{ name: 'Precision', value: 'precision', description: 'Better lip-sync, slower' },
				],
				default: 'speed',
			},
			{
				displayName: 'Number of Speakers',
				name: 'speakerNum',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_SPEAKERS },
				default: 1,
			},
			{
				displayName: 'Preferred Stock Voice IDs',
				name: 'preferredStockVoiceIds',
				type: 'string',
				default: '',
				description: 'Comma-separated voice IDs to prefer when stock voices are used',
			},
			{
				displayName: 'SRT',
				name: 'srt',
				type: 'string',
				default: '',
				placeholder: 'asset_abc123 or https://example.com/captions.srt',
				description: 'Your own subtitles: an SRT asset ID or a public https:// URL',
			},
			{
				displayName: 'SRT Role',
				name: 'srtRole',
				type: 'options',
				options: [
					{ name: 'Input (Transcript of the Source)', value: 'input' },
					{ name: 'Output (the Translation to Use)', value: 'output' },
				],
				default: 'input',
			},
			...timeRangeOptions,
			{ displayName: 'Title', name: 'title', type: 'string', default: '' },
			{
				displayName: 'Use Stock Voice',
				name: 'useStockVoice',
				type: 'boolean',
				default: false,
				description: 'Whether to speak the translation with a stock voice instead of a clone',
			},
		],
		jobOptions({ create: true, download: true, callback: true }),
	),
];

interface Plan {
	itemIndex: number;
	body: IDataObject;
	wait: WaitMethod;
	options: HeyGenOptions;
	known: IDataObject[];
}

/** `outputLanguages`: a list, or a comma-separated string, of language names. */
function readLanguages(context: IExecuteFunctions, itemIndex: number): string[] {
	const raw = context.getNodeParameter('outputLanguages', itemIndex, []);
	const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
	const languages: string[] = [];
	for (const entry of list) {
		if (typeof entry !== 'string') {
			throw inputError(
				context,
				`Item ${itemIndex}: "Output Languages" contains ${describe(entry)}, not a language name`,
				'Choose languages from the list, or give names such as "Spanish (Spain)" as a list or comma-separated text.',
				itemIndex,
			);
		}
		const name = entry.trim();
		if (name && !languages.includes(name)) languages.push(name);
	}
	if (languages.length === 0) {
		throw inputError(
			context,
			`Item ${itemIndex}: "Output Languages" is empty`,
			'Choose at least one language to translate into; each one becomes a job and an output item.',
			itemIndex,
		);
	}
	return languages;
}

function optionalAsset(
	context: IExecuteFunctions,
	itemIndex: number,
	name: 'audio' | 'srt',
	label: string,
	kind: string,
): IDataObject | undefined {
	return readAssetInput(context, itemIndex, {
		parameter: `options.${name}`,
		label,
		kind,
		allowBase64: false,
		required: false,
	}) as unknown as IDataObject | undefined;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Plan> {
	const options = readOptions(this, itemIndex);
	const video = readAssetInput(this, itemIndex, {
		parameter: 'video',
		label: 'Video',
		kind: 'video',
		allowBase64: false,
		required: true,
	});
	const languages = readLanguages(this, itemIndex);
	const body: IDataObject = {
		video: video as unknown as IDataObject,
		output_languages: languages,
	};
	const audio = optionalAsset(this, itemIndex, 'audio', 'Audio', 'audio file');
	const srt = optionalAsset(this, itemIndex, 'srt', 'SRT', 'SRT file');
	if (audio) body.audio = audio;
	if (srt) body.srt = srt;
	const mode = enumValue(this, itemIndex, options.mode, 'Mode', MODES);
	const fps = enumValue(this, itemIndex, options.fpsMode, 'FPS Mode', FPS_MODES);
	const srtRole = enumValue(this, itemIndex, options.srtRole, 'SRT Role', SRT_ROLES);
	if (mode) body.mode = mode;
	if (fps) body.fps_mode = fps;
	if (srtRole) body.srt_role = srtRole;
	if (options.speakerNum !== undefined) {
		const speakers = Number(options.speakerNum);
		if (!Number.isInteger(speakers) || speakers < 1 || speakers > MAX_SPEAKERS) {
			throw inputError(
				this,
				`Item ${itemIndex}: "Number of Speakers" is ${String(options.speakerNum)}; it must be a whole number from 1 to ${MAX_SPEAKERS}`,
				'Set how many people speak in the video, or remove the option.',
				itemIndex,
			);
		}
		body.speaker_num = speakers;
	}
	const fields = {
		inputLanguage: 'input_language',
		folderId: 'folder_id',
		title: 'title',
		brandGlossaryId: 'brand_glossary_id',
	} as const;
	for (const [name, field] of Object.entries(fields)) {
		const value = text(options[name]);
		if (value) body[field] = value;
	}
	const preferred = text(options.preferredStockVoiceIds)
		?.split(',')
		.map((id) => id.trim());
	if (options.useStockVoice !== undefined || preferred) {
		body.stock_voice_config = {
			...(options.useStockVoice !== undefined
				? { use_stock_voice: options.useStockVoice === true }
				: {}),
			...(preferred ? { preferred_stock_voice_ids: preferred.filter(Boolean) } : {}),
		};
	}
	Object.assign(body, timeRangeFields(this, itemIndex, options), copyBooleans(options, BOOLEANS));
	Object.assign(body, await callbackFields(this, itemIndex, options));
	const { wait, options: waitOptions } = readWait(this, itemIndex, options);
	if (wait === 'callback' && languages.length > 1) {
		// A callback wait keeps one job per input item (job.ts); a translation makes one per language.
		throw inputError(
			this,
			`Item ${itemIndex}: "Wait Method: Callback" works with one output language per item, not ${languages.length}`,
			'Use "Wait Method: Poll" (one item per language comes out), or split the languages over several input items.',
			itemIndex,
		);
	}
	// HeyGen answers one id per language, in the order asked (§A.4).
	const known = languages.map((language) => ({ output_language: language }));
	return { itemIndex, body, wait, options: waitOptions, known };
}

async function run(this: IExecuteFunctions, plan: Plan, env: RunEnv) {
	return await runCreate(this, translationJob, plan, env);
}

export const operation: Operation<Plan> = {
	description,
	prepare,
	run,
	callbackJobs: { kind: translationJob, idFields: ['video_translation_id'] },
};
