/**
 * Options that translations and lipsyncs share (heygen-api-generation.md §A.4, §A.5): on/off
 * switches sent only when the user adds them, and a start/end time range.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from '../../shared/errors';

/** Display name of each switch, by option name. */
const SWITCH_NAMES: Record<string, [string, string]> = {
	disableMusicTrack: ['Disable Music Track', 'Whether to drop the background music'],
	enableCaption: ['Enable Caption', 'Whether to add captions'],
	enableDynamicDuration: [
		'Enable Dynamic Duration',
		'Whether the result may be longer or shorter than the source to fit the speech (HeyGen default: on)',
	],
	enableSpeechEnhancement: ['Enable Speech Enhancement', 'Whether to clean up the speech audio'],
	enableWatermark: ['Enable Watermark', 'Whether to add a HeyGen watermark'],
	keepTheSameFormat: [
		'Keep the Same Format',
		'Whether the result keeps the bitrate and format of the source',
	],
	translateAudioOnly: [
		'Translate Audio Only',
		'Whether to translate only the audio, without lip-sync',
	],
};

/** Boolean option entries for the given option names (option name → body field). */
export function booleanOptions(fields: Record<string, string>): INodeProperties[] {
	return Object.keys(fields).map((name) => ({
		displayName: SWITCH_NAMES[name][0],
		name,
		type: 'boolean' as const,
		default: false,
		description: SWITCH_NAMES[name][1],
	}));
}

/** The switches the user added, as body fields (unset ones are not sent). */
export function copyBooleans(options: IDataObject, fields: Record<string, string>): IDataObject {
	const body: IDataObject = {};
	for (const [name, field] of Object.entries(fields)) {
		if (options[name] !== undefined) body[field] = options[name] === true;
	}
	return body;
}

export const timeRangeOptions: INodeProperties[] = [
	{
		displayName: 'End Time (Seconds)',
		name: 'endTime',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'Process the source only up to this second',
	},
	{
		displayName: 'Start Time (Seconds)',
		name: 'startTime',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'Process the source from this second on',
	},
];

/** `start_time` / `end_time` from the options, checked: numbers ≥ 0, start before end. */
export function timeRangeFields(
	context: IExecuteFunctions,
	itemIndex: number,
	options: IDataObject,
): IDataObject {
	const body: IDataObject = {};
	for (const [name, field, label] of [
		['startTime', 'start_time', 'Start Time (Seconds)'],
		['endTime', 'end_time', 'End Time (Seconds)'],
	] as const) {
		const raw = options[name];
		if (raw === undefined || raw === '') continue;
		const value = Number(raw);
		if (!Number.isFinite(value) || value < 0) {
			throw inputError(
				context,
				`Item ${itemIndex}: "${label}" is ${String(raw)}, not a number of seconds`,
				'Give a number of seconds from 0, or remove the option.',
				itemIndex,
			);
		}
		body[field] = value;
	}
	if (
		typeof body.start_time === 'number' &&
		typeof body.end_time === 'number' &&
		body.end_time <= body.start_time
	) {
		throw inputError(
			context,
			`Item ${itemIndex}: "End Time (Seconds)" (${body.end_time}) is not after "Start Time (Seconds)" (${body.start_time})`,
			'Set the end after the start, or remove one of them.',
			itemIndex,
		);
	}
	return body;
}
