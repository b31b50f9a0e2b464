import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { inputError } from '../../shared/errors';
import { DEFAULT_CONCURRENCY } from '../../shared/items';

export { timeoutMs } from '../../shared/requestTimeout';

export type VideoAgentOperation = 'create' | 'get' | 'getVideo' | 'sendMessage' | 'stop';

/** The "Options" collection as n8n hands it over (resource locators still as `{ mode, value }`). */
export interface VideoAgentOptions {
	autoProceed?: boolean;
	avatarId?: unknown;
	binaryPropertyName?: string;
	brandKitId?: unknown;
	callbackId?: string;
	callbackUrl?: string;
	concurrency?: number;
	downloadVideo?: boolean;
	fileUrls?: unknown;
	incognitoMode?: boolean;
	inputBinaryFields?: unknown;
	maxWaitSeconds?: number;
	mode?: unknown;
	orientation?: unknown;
	pollIntervalSeconds?: number;
	styleId?: unknown;
	timeout?: number;
	toolWaitSeconds?: number;
	voiceId?: unknown;
}

/** HeyGen's bounds for `prompt` and `message`. */
export const MAX_TEXT_CHARS = 10_000;

/** HeyGen's concurrent video job cap on pay-as-you-go plans (more only earns 429s). */
export const MAX_VIDEO_CONCURRENCY = 10;

export const DEFAULT_POLL_INTERVAL_SECONDS = 15;
export const DEFAULT_MAX_WAIT_SECONDS = 1800;
/** Expressions can go below the UI minimum; never poll in a tight loop. */
export const MIN_POLL_INTERVAL_MS = 100;

/** Session and video ids are opaque but URL-safe; anything else is a mapping mistake upstream. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;

export function readOptions(context: IExecuteFunctions, itemIndex: number): VideoAgentOptions {
	const options = context.getNodeParameter('options', itemIndex, {});
	return (options && typeof options === 'object' ? options : {}) as VideoAgentOptions;
}

export function concurrencyOf(options: VideoAgentOptions): number {
	const value = Number(options.concurrency ?? DEFAULT_CONCURRENCY);
	return Number.isFinite(value) && value >= 1
		? Math.min(Math.floor(value), MAX_VIDEO_CONCURRENCY)
		: 1;
}

function describe(value: unknown): string {
	if (value === undefined) return 'empty';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string')
		return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
	return `${typeof value === 'number' ? 'the number' : 'a'} ${String(value)}`;
}

/**
 * A session or video id parameter (`sessionId`, `videoId`): a non-empty, URL-safe string. Bad
 * values are reported with the item, the field and how to map it.
 */
export function readId(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: 'sessionId' | 'videoId',
): string {
	const raw = context.getNodeParameter(parameter, itemIndex, '');
	const value = typeof raw === 'string' ? raw.trim() : raw;
	const label = parameter === 'sessionId' ? 'Session ID' : 'Video ID';
	const field = parameter === 'sessionId' ? 'session_id' : 'video_id';
	if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
		throw inputError(
			context,
			`Item ${itemIndex}: "${label}" is ${value === '' || value === undefined ? 'empty' : describe(value)}, not a HeyGen ${parameter === 'sessionId' ? 'session' : 'video'} id`,
			`Map the ${field} field of a HeyGen Video Agent output, e.g. {{ $json.${field} }}.`,
			itemIndex,
		);
	}
	return value;
}

/**
 * The value of a resource locator option (`{ mode, value }`, or a plain string set by an
 * expression); undefined when unset or empty.
 */
export function locatorValue(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	label: string,
): string | undefined {
	const value =
		raw && typeof raw === 'object' && !Array.isArray(raw) && 'value' in raw
			? (raw as IDataObject).value
			: raw;
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string' || !ID_PATTERN.test(value.trim())) {
		throw inputError(
			context,
			`Item ${itemIndex}: "${label}" is ${describe(value)}, not a HeyGen id`,
			`Pick one from the list, or enter the id HeyGen shows for it. Remove the option to let the agent choose.`,
			itemIndex,
		);
	}
	return value.trim();
}

/** An options-type value that may come from an expression: checked against its allowed values. */
export function enumValue<T extends string>(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	label: string,
	allowed: readonly T[],
): T | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	const value = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
	if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
		throw inputError(
			context,
			`Item ${itemIndex}: "${label}" is ${describe(raw)}; it must be ${allowed.map((a) => `"${a}"`).join(' or ')}`,
			`Choose one of ${allowed.join(', ')} (an expression must produce exactly one of them), or remove the option.`,
			itemIndex,
		);
	}
	return value as T;
}

/** A free text field with HeyGen's 1–10000 character bounds (`prompt`, `message`). */
export function readText(
	context: IExecuteFunctions,
	itemIndex: number,
	parameter: 'prompt' | 'message',
): string {
	const raw = context.getNodeParameter(parameter, itemIndex, '');
	const label = parameter === 'prompt' ? 'Prompt' : 'Message';
	const value =
		raw === undefined || raw === null
			? ''
			: typeof raw === 'number' || typeof raw === 'boolean'
				? String(raw)
				: raw;
	if (typeof value !== 'string') {
		throw inputError(
			context,
			`Item ${itemIndex}: "${label}" is ${describe(value)}, not text`,
			`Enter text, or map a text field, e.g. {{ $json.text }}. To use a field holding an object, pick one of its text properties or use {{ JSON.stringify(...) }}.`,
			itemIndex,
		);
	}
	if (value.trim() === '') {
		throw inputError(
			context,
			`Item ${itemIndex}: "${label}" is empty`,
			parameter === 'prompt'
				? 'Describe the video you want (topic, audience, length, tone), or map a text field, e.g. {{ $json.text }}.'
				: 'Enter the message for the agent, or map a text field, e.g. {{ $json.text }}.',
			itemIndex,
		);
	}
	const length = Array.from(value).length;
	if (length > MAX_TEXT_CHARS) {
		throw inputError(
			context,
			`Item ${itemIndex}: "${label}" has ${length.toLocaleString('en-US')} characters; HeyGen accepts at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}`,
			'Shorten the text. Long source material can be attached as a file instead (PDF via the HeyGen Assets node, then "Asset IDs").',
			itemIndex,
		);
	}
	return value;
}

/** "Put Output File in Field" for the downloaded video. */
export function downloadField(options: VideoAgentOptions): string {
	const name = String(options.binaryPropertyName ?? '').trim();
	return name || 'data';
}

// ---- shared parameter descriptions --------------------------------------------------------------

function locator(
	displayName: string,
	name: string,
	searchListMethod: string,
	description: string,
	placeholder: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$',
							errorMessage: 'Not a HeyGen id (letters, digits, _ - . : only)',
						},
					},
				],
			},
		],
	};
}

export const avatarOption = locator(
	'Avatar',
	'avatarId',
	'searchAvatarLooks',
	'The avatar look that presents the video (sent as avatar_id). Leave out to let the agent choose.',
	'e.g. 7b2c4f0e9a1d4c3b8e5f6a7b8c9d0e1f',
);

export const voiceOption = locator(
	'Voice',
	'voiceId',
	'searchVoices',
	'The voice of the narration (sent as voice_id). Your own voices are listed first. Leave out to let the agent choose.',
	'e.g. 1bd001e7e50f421d891986aad5158bc8',
);

export const styleOption = locator(
	'Style',
	'styleId',
	'searchStyles',
	"A visual style from HeyGen's Video Agent style gallery (sent as style_id)",
	'e.g. style_abc123',
);

export const brandKitOption = locator(
	'Brand Kit',
	'brandKitId',
	'searchBrandKits',
	'Apply one of your brand kits: colors, fonts, logo (sent as brand_kit_id)',
	'e.g. bk_abc123',
);

export const fileUrlsOption: INodeProperties = {
	displayName: 'File URLs',
	name: 'fileUrls',
	type: 'string',
	default: '',
	placeholder: 'https://example.com/brief.pdf, https://example.com/logo.png',
	description:
		'Publicly reachable HTTPS URLs of files for the agent (PNG, JPEG, MP4, WebM, MP3, WAV, PDF), separated by commas or new lines, or a list from an expression',
};

export const inputBinaryFieldsOption: INodeProperties = {
	displayName: 'Binary Fields to Attach',
	name: 'inputBinaryFields',
	type: 'string',
	default: '',
	placeholder: 'data',
	description:
		'Names of input binary fields (comma-separated) to send inline as base64. Only for small files (up to 5 MB each); upload bigger files with the HeyGen Assets node and pass their asset IDs instead.',
};

export const autoProceedOption: INodeProperties = {
	displayName: 'Auto Proceed',
	name: 'autoProceed',
	type: 'boolean',
	default: false,
	description:
		"Whether the agent skips its storyboard review and goes straight to rendering (sent as auto_proceed). Listed on HeyGen's reference pages but not in its newest API spec, so it is sent only when you add this option.",
};

export const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_VIDEO_CONCURRENCY },
	default: DEFAULT_CONCURRENCY,
	description:
		'How many items to process at the same time. HeyGen runs at most 10 video jobs per account at once.',
};

export const downloadVideoOption: INodeProperties = {
	displayName: 'Download Video',
	name: 'downloadVideo',
	type: 'boolean',
	default: false,
	description:
		'Whether to download the finished MP4 into the output item as binary data (only when the video is completed)',
};

export const binaryPropertyNameOption: INodeProperties = {
	displayName: 'Put Output File in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	description: 'The name of the output binary field to put the downloaded video in',
	displayOptions: { show: { downloadVideo: [true] } },
};

/**
 * An error found while preparing an item, as a node error tied to that item. n8n's own node errors
 * pass through; others (e.g. an expression that failed to resolve) keep their message and
 * description.
 */
export function toItemError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const { message, description } = (error ?? {}) as { message?: unknown; description?: unknown };
	return new NodeOperationError(context.getNode(), String(message ?? error), {
		itemIndex,
		description: typeof description === 'string' ? description : undefined,
	});
}
