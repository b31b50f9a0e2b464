import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_CONCURRENCY } from '../../shared/items';
import { locator } from '../../shared/parameters';
import { requestTimeoutOption } from '../../shared/requestTimeout';
import {
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	MAX_VIDEO_CONCURRENCY,
} from './common';
import { toolWaitOption } from '../../shared/toolMode';

// Each option with its display rules ('/operation' is the node's Operation parameter).

const avatarOption = {
	...locator(
		'Avatar',
		'avatarId',
		'searchAvatarLooks',
		'The avatar look that presents the video (sent as avatar_id). Leave out to let the agent choose.',
		'e.g. 7b2c4f0e9a1d4c3b8e5f6a7b8c9d0e1f',
	),
	displayOptions: { show: { '/operation': ['create', 'sendMessage'] } },
};

const voiceOption = {
	...locator(
		'Voice',
		'voiceId',
		'searchVoices',
		'The voice of the narration (sent as voice_id). Your own voices are listed first. Leave out to let the agent choose.',
		'e.g. 1bd001e7e50f421d891986aad5158bc8',
	),
	displayOptions: { show: { '/operation': ['create', 'sendMessage'] } },
};

const styleOption = {
	...locator(
		'Style',
		'styleId',
		'searchStyles',
		"A visual style from HeyGen's Video Agent style gallery (sent as style_id)",
		'e.g. style_abc123',
	),
	displayOptions: { show: { '/operation': ['create'] } },
};

const brandKitOption = {
	...locator(
		'Brand Kit',
		'brandKitId',
		'searchBrandKits',
		'Apply one of your brand kits: colors, fonts, logo (sent as brand_kit_id)',
		'e.g. bk_abc123',
	),
	displayOptions: { show: { '/operation': ['create', 'sendMessage'] } },
};

const fileUrlsOption: INodeProperties = {
	displayName: 'File URLs',
	name: 'fileUrls',
	type: 'string',
	default: '',
	placeholder: 'https://example.com/brief.pdf, https://example.com/logo.png',
	description:
		'Publicly reachable HTTPS URLs of files for the agent (PNG, JPEG, MP4, WebM, MP3, WAV, PDF), separated by commas or new lines, or a list from an expression',
	displayOptions: { show: { '/operation': ['create', 'sendMessage'] } },
};

const inputBinaryFieldsOption: INodeProperties = {
	displayName: 'Binary Fields to Attach',
	name: 'inputBinaryFields',
	type: 'string',
	default: '',
	placeholder: 'data',
	description:
		'Names of input binary fields (comma-separated) to send inline as base64. Only for small files (up to 5 MB each); upload bigger files with the HeyGen Assets node and pass their asset IDs instead.',
	displayOptions: { show: { '/operation': ['create', 'sendMessage'] } },
};

const autoProceedOption: INodeProperties = {
	displayName: 'Auto Proceed',
	name: 'autoProceed',
	type: 'boolean',
	default: false,
	description:
		"Whether the agent skips its storyboard review and goes straight to rendering (sent as auto_proceed). Listed on HeyGen's reference pages but not in its newest API spec, so it is sent only when you add this option.",
	displayOptions: { show: { '/operation': ['create', 'sendMessage'] } },
};

const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_VIDEO_CONCURRENCY },
	default: DEFAULT_CONCURRENCY,
	description:
		'How many items to process at the same time. HeyGen runs at most 10 video jobs per account at once.',
};

const downloadVideoOption: INodeProperties = {
	displayName: 'Download Video',
	name: 'downloadVideo',
	type: 'boolean',
	default: false,
	description:
		'Whether to download the finished MP4 into the output item as binary data (only when the video is completed)',
	// Hidden parameters have no value, so `hide` (not `show`) keeps this visible for Get Video.
	displayOptions: {
		show: { '/operation': ['create', 'getVideo'] },
		hide: { '/waitForCompletion': [false] },
	},
};

const binaryPropertyNameOption: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	description: 'The name of the output binary field to put the downloaded video in',
	displayOptions: {
		show: { '/operation': ['create', 'getVideo'], downloadVideo: [true] },
		hide: { '/waitForCompletion': [false] },
	},
};

/** The entries of the "Options" collection, sorted by display name. */
const entries: INodeProperties[] = [
	autoProceedOption,
	avatarOption,
	inputBinaryFieldsOption,
	brandKitOption,
	{
		displayName: 'Callback ID',
		name: 'callbackId',
		type: 'string',
		default: '',
		description: 'Your own reference, echoed in the callback (needs a Callback URL)',
		displayOptions: { show: { '/operation': ['create'] } },
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'https://your-n8n.example.com/webhook/heygen',
		description:
			'HTTPS address HeyGen calls when the video is done or failed, e.g. the production URL of a Webhook node',
		displayOptions: { show: { '/operation': ['create'] } },
	},
	concurrencyOption,
	downloadVideoOption,
	fileUrlsOption,
	{
		displayName: 'Incognito Mode',
		name: 'incognitoMode',
		type: 'boolean',
		default: false,
		description:
			'Whether the agent works without its memory of your earlier sessions, and keeps nothing from this one (sent as incognito_mode)',
		displayOptions: { show: { '/operation': ['create'] } },
	},
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWaitSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_WAIT_SECONDS,
		description:
			'How long to wait for the video. Then the item is output with its IDs and last known status (or fails, see When Max Wait Is Reached); HeyGen keeps working on it either way.',
		displayOptions: { show: { '/operation': ['create'], '/waitForCompletion': [true] } },
	},
	{
		displayName: 'When Max Wait Is Reached',
		name: 'maxWaitAction',
		type: 'options',
		options: [
			{
				name: 'Output the Item With Its Status',
				value: 'output',
				description:
					'Pass the session on with session_id, video_id, its last status, finished: false and a wait_note',
			},
			{
				name: 'Fail the Item',
				value: 'error',
				description:
					'An error (with session_id and video_id in it); with Continue On Fail an error item that keeps the IDs',
			},
		],
		// Unset: version 1 fails the item (its released behaviour), version 2 outputs it.
		default: 'output',
		description: 'What to do with a video that is not finished within Max Wait',
		displayOptions: { show: { '/operation': ['create'], '/waitForCompletion': [true] } },
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		options: [
			{
				name: 'Chat',
				value: 'chat',
				description:
					'A conversation: the agent may ask questions or show a storyboard first; continue with Send Message',
			},
			{
				name: 'Generate',
				value: 'generate',
				description: 'One video straight from the prompt',
			},
		],
		default: 'generate',
		description: "How the agent works (HeyGen's default is Generate)",
		displayOptions: { show: { '/operation': ['create'] } },
	},
	{
		displayName: 'Orientation',
		name: 'orientation',
		type: 'options',
		options: [
			{ name: 'Landscape (16:9)', value: 'landscape' },
			{ name: 'Portrait (9:16)', value: 'portrait' },
		],
		default: 'landscape',
		description: 'Video orientation. Leave out to let the agent choose.',
		displayOptions: { show: { '/operation': ['create'] } },
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_POLL_INTERVAL_SECONDS,
		description: 'How often to ask HeyGen about the progress while waiting',
		displayOptions: { show: { '/operation': ['create'], '/waitForCompletion': [true] } },
	},
	binaryPropertyNameOption,
	requestTimeoutOption,
	styleOption,
	voiceOption,
	{ ...toolWaitOption, displayOptions: { show: { '/operation': ['create'] } } },
];

export const optionsDescription: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: entries,
};
