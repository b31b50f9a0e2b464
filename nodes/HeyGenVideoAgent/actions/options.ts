import type { INodeProperties } from 'n8n-workflow';

import {
	autoProceedOption,
	avatarOption,
	binaryPropertyNameOption,
	brandKitOption,
	concurrencyOption,
	DEFAULT_MAX_WAIT_SECONDS,
	DEFAULT_POLL_INTERVAL_SECONDS,
	downloadVideoOption,
	fileUrlsOption,
	inputBinaryFieldsOption,
	styleOption,
	voiceOption,
} from './common';
import { requestTimeoutOption } from '../../shared/requestTimeout';
import { toolWaitOption } from '../../shared/toolMode';

/** The entries of the "Options" collection, sorted by display name, each shown where it applies. */
const entries: INodeProperties[] = [
	{ ...autoProceedOption, displayOptions: { show: { '/operation': ['create', 'sendMessage'] } } },
	{ ...avatarOption, displayOptions: { show: { '/operation': ['create', 'sendMessage'] } } },
	{
		...inputBinaryFieldsOption,
		displayOptions: { show: { '/operation': ['create', 'sendMessage'] } },
	},
	{ ...brandKitOption, displayOptions: { show: { '/operation': ['create', 'sendMessage'] } } },
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
	{ ...concurrencyOption },
	{
		...downloadVideoOption,
		// Hidden parameters have no value, so `hide` (not `show`) keeps this visible for Get Video.
		displayOptions: {
			show: { '/operation': ['create', 'getVideo'] },
			hide: { '/waitForCompletion': [false] },
		},
	},
	{ ...fileUrlsOption, displayOptions: { show: { '/operation': ['create', 'sendMessage'] } } },
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
			'How long to wait for the video before failing the item. HeyGen keeps working on it either way; check later with Get Session.',
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
	{
		...binaryPropertyNameOption,
		displayOptions: {
			show: { '/operation': ['create', 'getVideo'], downloadVideo: [true] },
			hide: { '/waitForCompletion': [false] },
		},
	},
	{ ...requestTimeoutOption },
	{ ...styleOption, displayOptions: { show: { '/operation': ['create'] } } },
	{ ...voiceOption, displayOptions: { show: { '/operation': ['create', 'sendMessage'] } } },
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
