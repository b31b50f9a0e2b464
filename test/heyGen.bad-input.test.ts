/**
 * The HeyGen node's bad-input table: every case a user can get wrong, the exact message they see
 * (naming the item and the field), part of the fix it suggests, and how many requests were made —
 * none wherever the problem can be found locally. Each row is one workflow run in the engine
 * against the sandbox; the journal proves the request count.
 */
import type { INodeParameters } from 'n8n-workflow';

import { removeScratch, runWorkflow, source, type SourceItem } from './harness/engine';
import { heyGenNode, sandboxCredentials } from './harness/heygen';
import { start, type Sandbox } from './sandbox';

let sandbox: Sandbox;
let look: string;

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true });
	const answer = await fetch(`${sandbox.apiUrl}/v3/avatars/looks`, {
		headers: { 'x-api-key': sandbox.apiKey },
	});
	look = ((await answer.json()) as { data: Array<{ id: string }> }).data[0].id;
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

beforeEach(() => sandbox.reset());

interface HeyGenBadInputCase {
	name: string;
	items?: SourceItem[];
	parameters: INodeParameters;
	/** the error message, exactly */
	message: string;
	/** part of the error description (the fix) */
	description: string;
	/** requests that reached the sandbox; 0 unless HeyGen has to be asked */
	requests?: number;
}

const byId = (value: string) => ({ __rl: true, mode: 'id', value });
const LOOK = '{{LOOK}}';
const avatarVideo = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'video',
	operation: 'create',
	avatarId: byId(LOOK),
	script: 'Hello',
	...extra,
});
const translation = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'videoTranslation',
	operation: 'create',
	video: 'asset_video1',
	outputLanguages: ['Spanish (Spain)'],
	...extra,
});
const lipsync = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'lipsync',
	operation: 'create',
	video: 'asset_video1',
	audio: 'asset_audio1',
	...extra,
});

export const HEYGEN_CASES: HeyGenBadInputCase[] = [
	{
		name: 'video: no avatar on the input item',
		items: [{ json: { look: '' } }],
		parameters: avatarVideo({ avatarId: byId('={{ $json.look }}') }),
		message: 'Item 0: "Avatar" is empty',
		description: 'map the avatar_id output by Avatar → Create',
	},
	{
		name: 'video: avatar id with a space',
		parameters: avatarVideo({ avatarId: byId('={{ "my look" }}') }),
		message: 'Item 0: "Avatar" is "my look", not a HeyGen id',
		description: 'Pick one from the list',
	},
	{
		name: 'video: script mapped from an empty field',
		items: [{ json: { text: '  ' } }],
		parameters: avatarVideo({ script: '={{ $json.text }}' }),
		message: 'Item 0: "Script" is empty',
		description: 'Enter what the presenter says',
	},
	{
		name: 'video: script over 5,000 characters',
		parameters: avatarVideo({ script: 'a'.repeat(5001) }),
		message: 'Item 0: "Script" has 5,001 characters; HeyGen accepts at most 5,000',
		description: 'split it over several videos',
	},
	{
		name: 'image video: no voice for the script',
		items: [{ json: { asset_id: 'asset_img1' } }],
		parameters: { resource: 'video', operation: 'create', videoType: 'image', script: 'Hi' },
		message: 'Item 0: "Voice" is empty',
		description: 'An image has no voice of its own',
	},
	{
		name: 'image video: no asset_id on the input item',
		items: [{ json: { id: 'x' } }],
		parameters: {
			resource: 'video',
			operation: 'create',
			videoType: 'image',
			speechSource: 'audio',
			audio: 'asset_audio1',
		},
		message: 'Item 0: "Image" is empty',
		description: 'upload it with the HeyGen Assets node first',
	},
	{
		name: 'image video: an ftp:// link as the image',
		parameters: {
			resource: 'video',
			operation: 'create',
			videoType: 'image',
			image: 'ftp://files.example.com/p.png',
			speechSource: 'audio',
			audio: 'asset_audio1',
		},
		message:
			'Item 0: "Image" is "ftp://files.example.com/p.png", neither a HeyGen asset ID nor an http(s) URL',
		description: 'give a public https:// URL of the image',
	},
	{
		name: 'video: background color "red"',
		parameters: avatarVideo({ options: { backgroundColor: 'red' } }),
		message: 'Item 0: "Background Color" is "red", not a color like #1E40AF',
		description: 'six hex digits after #',
	},
	{
		name: 'video: both a background color and image',
		parameters: avatarVideo({
			options: { backgroundColor: '#000000', backgroundImage: 'asset_bg1' },
		}),
		message: 'Item 0: "Background Color" and "Background Image" are both set',
		description: 'remove one of the two options',
	},
	{
		name: 'video: voice speed 3 from an expression',
		parameters: avatarVideo({ options: { voiceSpeed: '={{ 3 }}' } }),
		message: 'Item 0: "Voice Speed" is 3; it must be between 0.5 and 1.5',
		description: 'Set a number from 0.5 to 1.5',
	},
	{
		name: 'video: aspect ratio "3:2" from an expression',
		parameters: avatarVideo({ options: { aspectRatio: '={{ "3:2" }}' } }),
		message:
			'Item 0: "Aspect Ratio" is "3:2"; it must be "16:9" or "9:16" or "4:5" or "5:4" or "1:1" or "auto"',
		description: 'Choose one of 16:9, 9:16',
	},
	{
		name: 'video: Callback ID without a Callback URL',
		parameters: avatarVideo({ options: { callbackId: 'order-7' } }),
		message: 'Item 0: "Callback ID" is set but "Callback URL" is not',
		description: 'Add the Callback URL option',
	},
	{
		name: 'video: plain-http Callback URL on the internet',
		parameters: avatarVideo({ options: { callbackUrl: 'http://example.com/hook' } }),
		message: 'Item 0: "Callback URL" "http://example.com/hook" is not an HTTPS URL',
		description: 'HeyGen calls back only over HTTPS',
	},
	{
		name: 'translation: no output language',
		parameters: translation({ outputLanguages: '={{ [] }}' }),
		message: 'Item 0: "Output Languages" is empty',
		description: 'Choose at least one language',
	},
	{
		name: 'translation: a number among the languages',
		parameters: translation({ outputLanguages: '={{ ["Spanish (Spain)", 7] }}' }),
		message: 'Item 0: "Output Languages" contains the number 7, not a language name',
		description: 'give names such as "Spanish (Spain)"',
	},
	{
		name: 'translation: the video as an inline data: URI',
		parameters: translation({ video: 'data:video/mp4;base64,AAAA' }),
		message: 'Item 0: "Video" is an inline data: URI, which HeyGen does not accept here',
		description: 'Upload the video with the HeyGen Assets node',
	},
	{
		name: 'translation: 0 speakers',
		parameters: translation({ options: { speakerNum: 0 } }),
		message: 'Item 0: "Number of Speakers" is 0; it must be a whole number from 1 to 10',
		description: 'how many people speak',
	},
	{
		name: 'translation: end time before start time',
		parameters: translation({ options: { startTime: 10, endTime: 5 } }),
		message: 'Item 0: "End Time (Seconds)" (5) is not after "Start Time (Seconds)" (10)',
		description: 'Set the end after the start',
	},
	{
		name: 'translation: a language HeyGen does not list (HeyGen decides)',
		parameters: translation({
			video: 'https://videos.example.com/talk.mp4',
			outputLanguages: ['Klingon'],
		}),
		message:
			'Creating the video translation failed: HeyGen answered 400 invalid_parameter: Unsupported output language "Klingon". List the supported ones with GET /v3/video-translations/languages.',
		description: 'Parameter: output_languages[0].',
		requests: 1,
	},
	{
		name: 'translation: Wait Method Callback with two languages',
		parameters: translation({
			outputLanguages: ['Spanish (Spain)', 'French (France)'],
			waitMethod: 'callback',
		}),
		message: 'Item 0: "Wait Method: Callback" works with one output language per item, not 2',
		description: 'Use "Wait Method: Poll"',
	},
	{
		name: 'lipsync: Wait Method Callback with Download Video',
		parameters: lipsync({ waitMethod: 'callback', options: { downloadVideo: true } }),
		message: 'Item 0: "Wait Method: Callback" cannot be used together with "Download Video"',
		description: 'add a HeyGen node with the Get operation and "Download Video"',
	},
	{
		name: 'lipsync: no audio on the input item',
		parameters: lipsync({ audio: '={{ $json.voice }}' }),
		message: 'Item 0: "Audio" is empty',
		description: 'Give the audio file as a HeyGen asset ID',
	},
	{
		name: 'lipsync: the audio as an inline data: URI',
		parameters: lipsync({ audio: 'data:audio/wav;base64,UklGRg==' }),
		message: 'Item 0: "Audio" is an inline data: URI, which HeyGen does not accept here',
		description: 'Upload the audio file with the HeyGen Assets node',
	},
	{
		name: 'lipsync: mode "fast" from an expression',
		parameters: lipsync({ options: { mode: '={{ "fast" }}' } }),
		message: 'Item 0: "Mode" is "fast"; it must be "speed" or "precision"',
		description: 'Choose one of speed, precision',
	},
	{
		name: 'avatar: name mapped from an empty field',
		items: [{ json: { name: '' } }],
		parameters: {
			resource: 'avatar',
			operation: 'create',
			name: '={{ $json.name }}',
			file: 'asset_img1',
		},
		message: 'Item 0: "Name" is empty',
		description: 'Give the avatar a name',
	},
	{
		name: 'avatar: a group id with spaces',
		parameters: {
			resource: 'avatar',
			operation: 'create',
			name: 'Me',
			file: 'asset_img1',
			options: { avatarGroupId: 'my group' },
		},
		message: 'Item 0: "Avatar Group ID" is "my group", not a HeyGen id',
		description: 'remove the option to make a new avatar',
	},
	{
		name: 'video get: no video_id on the input item',
		items: [{ json: { id: 'x' } }],
		parameters: { resource: 'video', operation: 'get' },
		message: 'Item 0: "Video ID" is empty, not a HeyGen id',
		description: 'Map the video_id field of an earlier HeyGen node',
	},
	{
		name: 'asset delete: an object mapped as the asset id',
		items: [{ json: { asset_id: { id: 'asset_1' } } }],
		parameters: { resource: 'asset', operation: 'delete' },
		message: 'Item 0: "Asset ID" is an object, not a HeyGen id',
		description: 'Map the asset_id field of an earlier HeyGen node',
	},
	{
		name: 'asset list: limit 0',
		parameters: { resource: 'asset', operation: 'getMany', limit: 0 },
		message: 'Item 0: "Limit" is 0; it must be a whole number from 1',
		description: 'turn on Return All',
	},
];

describe('HeyGen node bad input: the exact message, and no request where the problem is local', () => {
	it('has at least 15 cases', () => {
		expect(HEYGEN_CASES.length).toBeGreaterThanOrEqual(15);
	});

	it.each(HEYGEN_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
		const parameters = JSON.parse(JSON.stringify(c.parameters).replace(LOOK, look));
		const result = await runWorkflow({
			nodes: [source(c.items ?? [{ json: {} }]), heyGenNode(parameters)],
			credentials: sandboxCredentials(sandbox),
		});
		const error = result.error!;
		expect(error).toBeDefined();
		expect(error.message).toBe(c.message);
		expect(error.description).toContain(c.description);
		expect((error as unknown as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(0);
		expect(sandbox.journal()).toHaveLength(c.requests ?? 0);
	});

	it('with Continue On Fail the bad item is an error item, sends nothing, and the good one goes on', async () => {
		const result = await runWorkflow({
			nodes: [
				source([{ json: { script: '' } }, { json: { script: 'Hello' } }]),
				heyGenNode(
					avatarVideo({
						avatarId: byId(look),
						script: '={{ $json.script }}',
						waitForCompletion: false,
					}),
					{ onError: 'continueRegularOutput' },
				),
			],
			credentials: sandboxCredentials(sandbox),
		});
		expect(result.error).toBeUndefined();
		const out = result.output('HeyGen');
		expect(out.map((item) => item.json.error ?? item.json.status)).toEqual([
			'Item 0: "Script" is empty',
			'waiting',
		]);
		expect(out.map((item) => item.pairedItem)).toEqual([[{ item: 0 }], [{ item: 1 }]]);
		expect(sandbox.journal().filter((e) => e.method === 'POST')).toHaveLength(1);
	});
});
