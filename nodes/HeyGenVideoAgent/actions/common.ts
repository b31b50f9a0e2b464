import { type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../../shared/errors';
import { DEFAULT_CONCURRENCY } from '../../shared/items';
import { describe, ID_PATTERN, locatorValue } from '../../shared/parameters';

export { enumValue, ID_PATTERN, locatorValue, toItemError } from '../../shared/parameters';

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
	maxWaitAction?: 'output' | 'error';
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

/** "Put Output File in Field" for the downloaded video. */
export function downloadField(options: VideoAgentOptions): string {
	const name = String(options.binaryPropertyName ?? '').trim();
	return name || 'data';
}
