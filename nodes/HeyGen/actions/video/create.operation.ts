import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from '../../../shared/errors';
import { callbackFields, enumValue, locator, locatorValue } from '../../../shared/parameters';
import {
	assetInputParameter,
	jobOptions,
	optionsCollection,
	readAssetInput,
	readOptions,
	readText,
	waitParameters,
	type HeyGenOptions,
	type Operation,
	readWait,
	type RunEnv,
	type WaitMethod,
} from '../common';
import { runCreate, videoJob } from '../jobs';

const show = { resource: ['video'], operation: ['create'] };
const ASPECT_RATIOS = ['16:9', '9:16', '4:5', '5:4', '1:1', 'auto'] as const;
const RESOLUTIONS = ['4k', '1080p', '720p'] as const;
const ENGINES = ['avatar_iv', 'avatar_v', 'avatar_iii'] as const;
/** HeyGen's script limit for one video. */
const MAX_SCRIPT_CHARS = 5000;
const COLOR = /^#[0-9a-f]{6}$/i;

export const description: INodeProperties[] = [
	{
		displayName: 'Presenter',
		name: 'videoType',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Avatar',
				value: 'avatar',
				description: 'One of your avatar looks (e.g. a photo avatar made with Avatar → Create)',
			},
			{
				name: 'Image',
				value: 'image',
				description: 'Any portrait image becomes the talking presenter',
			},
		],
		default: 'avatar',
		displayOptions: { show },
	},
	{
		...locator(
			'Avatar',
			'avatarId',
			'searchAvatarLooks',
			'The avatar look that presents the video (sent as avatar_id)',
			'e.g. 7b2c4f0e9a1d4c3b8e5f6a7b8c9d0e1f',
		),
		required: true,
		displayOptions: { show: { ...show, videoType: ['avatar'] } },
	},
	assetInputParameter(
		'Image',
		'image',
		'The presenter image: a HeyGen asset ID (the default takes the asset_id of a HeyGen Assets node), a public https:// URL, or a data:image/…;base64 URI',
		{ ...show, videoType: ['image'] },
	),
	{
		displayName: 'Speech',
		name: 'speechSource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Script', value: 'script', description: 'HeyGen speaks your text with a voice' },
			{ name: 'Audio', value: 'audio', description: 'Your own voice-over, lip-synced' },
		],
		default: 'script',
		displayOptions: { show },
	},
	{
		displayName: 'Script',
		name: 'script',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'Hi, I am your new assistant. Here is what we will cover today…',
		description: 'What the presenter says (up to 5,000 characters)',
		displayOptions: { show: { ...show, speechSource: ['script'] } },
	},
	{
		...locator(
			'Voice',
			'voiceId',
			'searchVoices',
			'The voice that speaks the script (sent as voice_id). Required for image videos; an avatar speaks with its own default voice when this is empty. Your own voices are listed first.',
			'e.g. 1bd001e7e50f421d891986aad5158bc8',
		),
		displayOptions: { show: { ...show, speechSource: ['script'] } },
	},
	{
		displayName: 'Audio',
		name: 'audio',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'asset_abc123 or https://example.com/voice-over.mp3',
		description:
			'The voice-over: a HeyGen audio asset ID (map the asset_id output by a HeyGen Assets upload) or a public https:// URL',
		displayOptions: { show: { ...show, speechSource: ['audio'] } },
	},
	...waitParameters(show),
	optionsCollection(
		show,
		[
			{
				displayName: 'Aspect Ratio',
				name: 'aspectRatio',
				type: 'options',
				options: ASPECT_RATIOS.map((value) => ({ name: value === 'auto' ? 'Auto' : value, value })),
				default: '16:9',
			},
			{
				displayName: 'Background Color',
				name: 'backgroundColor',
				type: 'color',
				default: '#FFFFFF',
				description: 'A solid background (sent as background type color)',
			},
			{
				displayName: 'Background Image',
				name: 'backgroundImage',
				type: 'string',
				default: '',
				placeholder: 'asset_abc123 or https://example.com/background.png',
				description: 'An image asset ID or a public https:// URL as the background',
			},
			{
				displayName: 'Captions',
				name: 'captions',
				type: 'boolean',
				default: false,
				description: 'Whether HeyGen also makes a captioned version and an SRT file',
			},
			{
				displayName: 'Engine',
				name: 'engine',
				type: 'options',
				options: [
					{ name: 'Avatar IV (HeyGen Default)', value: 'avatar_iv' },
					{ name: 'Avatar V', value: 'avatar_v' },
					{ name: 'Avatar III', value: 'avatar_iii' },
				],
				default: 'avatar_iv',
				displayOptions: { show: { '/videoType': ['avatar'] } },
			},
			{
				displayName: 'Resolution',
				name: 'resolution',
				type: 'options',
				options: [
					{ name: '4K', value: '4k' },
					{ name: '1080p', value: '1080p' },
					{ name: '720p', value: '720p' },
				],
				default: '1080p',
			},
			{
				displayName: 'Title',
				name: 'title',
				type: 'string',
				default: '',
				description: 'The video title in HeyGen',
			},
			{
				displayName: 'Voice Pitch',
				name: 'voicePitch',
				type: 'number',
				typeOptions: { minValue: -50, maxValue: 50 },
				default: 0,
				description: 'From -50 to 50',
			},
			{
				displayName: 'Voice Speed',
				name: 'voiceSpeed',
				type: 'number',
				typeOptions: { minValue: 0.5, maxValue: 1.5, numberPrecision: 2 },
				default: 1,
				description: 'From 0.5 to 1.5',
			},
		],
		jobOptions({ create: true, download: true, callback: true }),
	),
];

interface VideoOptions extends HeyGenOptions {
	aspectRatio?: string;
	backgroundColor?: string;
	backgroundImage?: string;
	captions?: boolean;
	engine?: string;
	resolution?: string;
	title?: string;
	voicePitch?: number;
	voiceSpeed?: number;
}

interface Plan {
	itemIndex: number;
	body: IDataObject;
	wait: WaitMethod;
	options: HeyGenOptions;
}

function numberIn(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	label: string,
	min: number,
	max: number,
): number | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < min || value > max) {
		throw inputError(
			context,
			`Item ${itemIndex}: "${label}" is ${String(raw)}; it must be between ${min} and ${max}`,
			`Set a number from ${min} to ${max}, or remove the option.`,
			itemIndex,
		);
	}
	return value;
}

/** background, caption, voice_settings and the layout fields from the options. */
function optionFields(context: IExecuteFunctions, itemIndex: number, options: VideoOptions) {
	const body: IDataObject = {};
	const aspect = enumValue(context, itemIndex, options.aspectRatio, 'Aspect Ratio', ASPECT_RATIOS);
	const resolution = enumValue(context, itemIndex, options.resolution, 'Resolution', RESOLUTIONS);
	if (aspect) body.aspect_ratio = aspect;
	if (resolution) body.resolution = resolution;
	if (typeof options.title === 'string' && options.title.trim()) body.title = options.title.trim();
	if (options.captions === true) body.caption = { file_format: 'srt' };
	if (options.backgroundColor !== undefined && options.backgroundImage !== undefined) {
		throw inputError(
			context,
			`Item ${itemIndex}: "Background Color" and "Background Image" are both set`,
			'A video has one background: remove one of the two options.',
			itemIndex,
		);
	}
	if (options.backgroundColor !== undefined) {
		const color = String(options.backgroundColor).trim();
		if (!COLOR.test(color)) {
			throw inputError(
				context,
				`Item ${itemIndex}: "Background Color" is "${color}", not a color like #1E40AF`,
				'Pick a color, or give six hex digits after #.',
				itemIndex,
			);
		}
		body.background = { type: 'color', value: color.toUpperCase() };
	}
	if (options.backgroundImage !== undefined) {
		const input = readAssetInput(context, itemIndex, {
			parameter: 'options.backgroundImage',
			label: 'Background Image',
			kind: 'image',
			allowBase64: false,
			required: true,
		});
		body.background =
			input?.type === 'asset_id'
				? { type: 'image', asset_id: input.asset_id }
				: { type: 'image', url: input?.type === 'url' ? input.url : undefined };
	}
	const speed = numberIn(context, itemIndex, options.voiceSpeed, 'Voice Speed', 0.5, 1.5);
	const pitch = numberIn(context, itemIndex, options.voicePitch, 'Voice Pitch', -50, 50);
	if (speed !== undefined || pitch !== undefined) {
		body.voice_settings = {
			...(speed !== undefined ? { speed } : {}),
			...(pitch !== undefined ? { pitch } : {}),
		};
	}
	return body;
}

async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Plan> {
	const options = readOptions(this, itemIndex) as VideoOptions;
	const type = this.getNodeParameter('videoType', itemIndex, 'avatar') as 'avatar' | 'image';
	const body: IDataObject = { type };
	if (type === 'avatar') {
		const avatar = locatorValue(
			this,
			itemIndex,
			this.getNodeParameter('avatarId', itemIndex, ''),
			'Avatar',
			'Every avatar video needs one.',
		);
		if (!avatar) {
			throw inputError(
				this,
				`Item ${itemIndex}: "Avatar" is empty`,
				'Pick an avatar look from the list, or map the avatar_id output by Avatar → Create, e.g. {{ $json.avatar_id }}.',
				itemIndex,
			);
		}
		body.avatar_id = avatar;
		const engine = enumValue(this, itemIndex, options.engine, 'Engine', ENGINES);
		if (engine) body.engine = { type: engine };
	} else {
		body.image = readAssetInput(this, itemIndex, {
			parameter: 'image',
			label: 'Image',
			kind: 'image',
			allowBase64: true,
			required: true,
		}) as unknown as IDataObject;
	}
	const speech = this.getNodeParameter('speechSource', itemIndex, 'script');
	if (speech === 'audio') {
		const audio = readAssetInput(this, itemIndex, {
			parameter: 'audio',
			label: 'Audio',
			kind: 'audio file',
			allowBase64: false,
			required: true,
		});
		if (audio?.type === 'asset_id') body.audio_asset_id = audio.asset_id;
		if (audio?.type === 'url') body.audio_url = audio.url;
	} else {
		body.script = readText(
			this,
			itemIndex,
			'script',
			'Script',
			MAX_SCRIPT_CHARS,
			'Enter what the presenter says, or map a text field, e.g. {{ $json.text }}.',
		);
		const voice = locatorValue(
			this,
			itemIndex,
			this.getNodeParameter('voiceId', itemIndex, ''),
			'Voice',
			'Leave it empty only for avatar videos (the avatar then uses its own voice).',
		);
		if (voice) body.voice_id = voice;
		else if (type === 'image') {
			throw inputError(
				this,
				`Item ${itemIndex}: "Voice" is empty`,
				'An image has no voice of its own: pick a voice from the list, or switch Speech to Audio and give a voice-over.',
				itemIndex,
			);
		}
	}
	Object.assign(body, optionFields(this, itemIndex, options));
	Object.assign(body, await callbackFields(this, itemIndex, options));
	return { itemIndex, body, ...readWait(this, itemIndex, options) };
}

async function run(this: IExecuteFunctions, plan: Plan, env: RunEnv) {
	return await runCreate(this, videoJob, plan, env);
}

export const operation: Operation<Plan> = {
	description,
	prepare,
	run,
	callbackJobs: { kind: videoJob, idFields: ['video_id'] },
};
