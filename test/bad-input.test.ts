/**
 * The bad-input table: every case a user can get wrong, the exact message they see, and how many
 * requests were made (none, wherever the problem can be found locally). Each row is one workflow
 * run in the engine against the sandbox; the journal of both origins proves the request count.
 * The Reliability section of README.md is generated from CASES.
 */
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { gifBytes, mp4Bytes, mp4Header, pngBytes, writeLargeFile } from './fixtures/files';
import {
	node,
	removeScratch,
	runWorkflow,
	scratchRoot,
	source,
	type FileInput,
	type SourceItem,
} from './harness/engine';
import { assetsNode, CREDENTIAL_REF, VIDEO_AGENT_TYPE } from './harness/heygen';
import { start, type Sandbox } from './sandbox';
import type { SandboxOptions } from './sandbox/types';

let sandbox: Sandbox;
const files = mkdtempSync(join(scratchRoot, 'bad-input-'));
const BIG_PATH = join(files, 'big.mp4');

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true });
	await writeLargeFile(BIG_PATH, 32_000_001, mp4Header());
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

beforeEach(() => {
	sandbox.reset();
	sandbox.setOptions({ maxBytes: 209_715_200, maxBytesCheckedAtInit: true });
});

// ---- files with the magic numbers of formats HeyGen does not take ----------------------------------

const file = (fileName: string, mimeType: string, content: Buffer): FileInput => ({
	fileName,
	mimeType,
	content,
});
const webp = () =>
	Buffer.concat([
		Buffer.from('RIFF\x24\x08\x00\x00WEBPVP8 ', 'latin1'),
		pngBytes(512).subarray(16),
	]);
const heic = () =>
	Buffer.concat([
		Buffer.from([0, 0, 0, 0x18]),
		Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'),
		pngBytes(512).subarray(16),
	]);
const zip = () =>
	Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), pngBytes(512).subarray(16)]);
const mov = () =>
	Buffer.concat([
		Buffer.from([0, 0, 0, 0x14]),
		Buffer.from('ftypqt  \0\0\0\0qt  ', 'latin1'),
		pngBytes(512).subarray(16),
	]);
const png = (name = 'photo.png') => file(name, 'image/png', pngBytes(2048));

// ---- the table ---------------------------------------------------------------------------------------

export interface BadInputCase {
	/** the row's "case" column */
	name: string;
	node: 'HeyGen Assets' | 'HeyGen Video Agent';
	items: SourceItem[];
	parameters: INodeParameters;
	/** default: the sandbox credential */
	credentials?: { apiKey?: string; baseUrl?: string } | 'none';
	/** what the user sees: the error message, exactly */
	message: string | RegExp;
	/** part of the error description (the "how to fix it") */
	description?: string;
	/** requests that reached the sandbox (both origins); 0 unless HeyGen has to be asked */
	requests?: number;
	/** the error's item index; default 0, null for errors that belong to no item */
	itemIndex?: number | null;
	/** sandbox options for this case */
	sandbox?: Partial<SandboxOptions>;
}

const ASSETS = 'HeyGen Assets';
const AGENT = 'HeyGen Video Agent';
const ids = (n: number) => Array.from({ length: n }, (_, i) => `asset_${i}`).join(',');

export const CASES: BadInputCase[] = [
	// binary fields
	{
		name: 'no binary data on the item',
		node: ASSETS,
		items: [{ json: { text: 'no file' } }],
		parameters: { operation: 'upload' },
		message: 'Item 0 has no binary field "data"',
		description: 'This item carries no binary data at all.',
	},
	{
		name: 'field name with a typo ("dat")',
		node: ASSETS,
		items: [{ binary: { data: png(), thumbnail: png('t.png') } }],
		parameters: { operation: 'upload', binaryPropertyName: 'dat' },
		message: 'Item 0 has no binary field "dat"',
		description:
			'Set "Input Data Field Name" to one of the item\'s binary fields: "data", "thumbnail".',
	},
	{
		name: 'field name with spaces and different case (" Data ")',
		node: ASSETS,
		items: [{ binary: { data: png() } }],
		parameters: { operation: 'upload', binaryPropertyName: ' Data ' },
		message: 'Item 0 has no binary field "Data"',
		description: 'Did you mean "data"?',
	},
	{
		name: 'the item\'s field name has a trailing space ("data ")',
		node: ASSETS,
		items: [{ binary: { 'data ': png() } }],
		parameters: { operation: 'directUpload', binaryPropertyName: 'data' },
		message: 'Item 0 has no binary field "data"',
		description: 'Did you mean "data "?',
	},
	{
		name: '"Input Data Field Name" empty (only commas and spaces)',
		node: ASSETS,
		items: [{ binary: { data: png() } }],
		parameters: { operation: 'upload', binaryPropertyName: ' , ' },
		message: 'Item 0: "Input Data Field Name" is empty',
	},
	// file contents
	{
		name: 'empty file (0 bytes)',
		node: ASSETS,
		items: [{ binary: { data: file('empty.png', 'image/png', Buffer.alloc(0)) } }],
		parameters: { operation: 'upload' },
		message: 'Item 0, field "data", file "empty.png" is empty (0 bytes)',
	},
	{
		name: 'GIF named .png, declared image/png',
		node: ASSETS,
		items: [{ binary: { data: file('anim.png', 'image/png', gifBytes()) } }],
		parameters: { operation: 'upload' },
		message: 'Item 0, field "data", file "anim.png" is a GIF image, which HeyGen does not accept',
		description: 'Declared type: image/png; the bytes say: a GIF image.',
	},
	{
		name: 'plain text named .mp4',
		node: ASSETS,
		items: [
			{
				binary: { data: file('notes.mp4', 'video/mp4', Buffer.from('meeting notes\nline two\n')) },
			},
		],
		parameters: { operation: 'directUpload' },
		message: 'Item 0, field "data", file "notes.mp4" is plain text, which HeyGen does not accept',
	},
	{
		name: 'WebP image',
		node: ASSETS,
		items: [{ binary: { data: file('photo.webp', 'image/webp', webp()) } }],
		parameters: { operation: 'upload' },
		message:
			'Item 0, field "data", file "photo.webp" is a WebP image, which HeyGen does not accept',
	},
	{
		name: 'HEIC photo named .jpg',
		node: ASSETS,
		items: [{ binary: { data: file('IMG_0001.jpg', 'image/jpeg', heic()) } }],
		parameters: { operation: 'upload' },
		message:
			'Item 0, field "data", file "IMG_0001.jpg" is a HEIC/HEIF image, which HeyGen does not accept',
	},
	{
		name: 'ZIP archive / Office document',
		node: ASSETS,
		items: [
			{
				binary: {
					data: file(
						'deck.pptx',
						'application/vnd.openxmlformats-officedocument.presentationml.presentation',
						zip(),
					),
				},
			},
		],
		parameters: { operation: 'upload' },
		message:
			'Item 0, field "data", file "deck.pptx" is a ZIP archive (or an Office document), which HeyGen does not accept',
	},
	{
		name: 'QuickTime video named .mp4',
		node: ASSETS,
		items: [{ binary: { data: file('clip.mp4', 'video/mp4', mov()) } }],
		parameters: { operation: 'directUpload' },
		message:
			'Item 0, field "data", file "clip.mp4" is a QuickTime (.mov) video, which HeyGen does not accept',
	},
	{
		name: 'the second file of an item is bad (fields "data, extra")',
		node: ASSETS,
		items: [{ binary: { data: png(), extra: file('anim.gif', 'image/gif', gifBytes()) } }],
		parameters: { operation: 'upload', binaryPropertyName: 'data, extra' },
		message: 'Item 0, field "extra", file "anim.gif" is a GIF image, which HeyGen does not accept',
		// every file is checked before any is sent, so the good one is not uploaded either
		requests: 0,
	},
	// sizes
	{
		name: 'over 32 MB with "Switch to Direct Upload Above 32 MB" off',
		node: ASSETS,
		items: [{ binary: { data: { fileName: 'big.mp4', mimeType: 'video/mp4', path: BIG_PATH } } }],
		parameters: { operation: 'upload', options: { autoDirectUpload: false } },
		message: 'Item 0, field "data", file "big.mp4" is 32.0 MB; Upload takes at most 32 MB',
		description: 'Use the Direct Upload operation for files over 32 MB (32,000,000 bytes)',
	},
	{
		name: "over HeyGen's direct-upload max_bytes (sandbox set to 1,000,000)",
		node: ASSETS,
		items: [{ binary: { data: file('long.mp4', 'video/mp4', mp4Bytes(1_500_000)) } }],
		parameters: { operation: 'directUpload' },
		sandbox: { maxBytes: 1_000_000 },
		// The limit is HeyGen's: the init carries size_bytes and HeyGen refuses it. No byte goes to
		// storage. The next case is the node's own check, for an init that is accepted.
		message:
			'Direct upload of "long.mp4" failed: HeyGen answered 400 invalid_parameter: \'size_bytes\' (1500000) exceeds max_bytes (1000000) for direct uploads.',
		description: 'Parameter: size_bytes.',
		requests: 1,
	},
	{
		name: "over the max_bytes of an accepted init (the node's own check, before any byte is sent)",
		node: ASSETS,
		items: [{ binary: { data: file('long.mp4', 'video/mp4', mp4Bytes(1_500_000)) } }],
		parameters: { operation: 'directUpload' },
		sandbox: { maxBytes: 1_000_000, maxBytesCheckedAtInit: false },
		message:
			'Item 0, field "data", file "long.mp4" is 1.5 MB, over HeyGen\'s direct-upload limit of 1.0 MB',
		description: 'No bytes were sent.',
		requests: 1,
	},
	// Complete's asset id
	{
		name: 'Complete: malformed asset id',
		node: ASSETS,
		items: [{ json: { asset_id: 'not an id/../x' } }],
		parameters: { operation: 'complete' },
		message: 'Item 0: "Asset ID" is "not an id/../x", not a HeyGen asset id',
	},
	{
		name: 'Complete: asset id empty (field missing upstream)',
		node: ASSETS,
		items: [{ json: { id: 'asset_abc' } }],
		parameters: { operation: 'complete' },
		message: 'Item 0: "Asset ID" is empty, not a HeyGen asset id',
		description: 'Map the asset_id field of a Direct Upload output',
	},
	{
		name: 'Complete: asset id is an object (the whole `file` entry)',
		node: ASSETS,
		items: [{ json: { file: { type: 'asset_id', asset_id: 'asset_abc' } } }],
		parameters: { operation: 'complete', assetId: '={{ $json.file }}' },
		message: 'Item 0: "Asset ID" is an object, not a HeyGen asset id',
	},
	{
		name: 'Complete: asset id is null (an upstream field set to null)',
		node: ASSETS,
		items: [{ json: { asset_id: null } }],
		parameters: { operation: 'complete' },
		message: 'Item 0: "Asset ID" is empty (null), not a HeyGen asset id',
	},
	{
		name: 'Complete: asset id is a number',
		node: ASSETS,
		items: [{ json: { asset_id: 12345 } }],
		parameters: { operation: 'complete' },
		message: 'Item 0: "Asset ID" is a number, not a HeyGen asset id',
	},
	{
		name: 'Complete: asset id is a list',
		node: ASSETS,
		items: [{ json: { asset_id: ['asset_a', 'asset_b'] } }],
		parameters: { operation: 'complete' },
		message: 'Item 0: "Asset ID" is a list, not a HeyGen asset id',
	},
	// Video Agent: prompt
	{
		name: 'Video Agent: prompt empty',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: '  ' },
		message: 'Item 0: "Prompt" is empty',
	},
	{
		name: 'Video Agent: prompt mapped from a missing field',
		node: AGENT,
		items: [{ json: { title: 'x' } }],
		parameters: { prompt: '={{ $json.text }}' },
		message: 'Item 0: "Prompt" is empty',
	},
	{
		name: 'Video Agent: prompt over 10,000 characters',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'x'.repeat(10_001) },
		message: 'Item 0: "Prompt" has 10,001 characters; HeyGen accepts at most 10,000',
	},
	{
		name: 'Video Agent: prompt is an object from an expression',
		node: AGENT,
		items: [{ json: { brief: { topic: 'x' } } }],
		parameters: { prompt: '={{ $json.brief }}' },
		message: 'Item 0: "Prompt" is an object, not text',
	},
	// Video Agent: files
	{
		name: 'Video Agent: more than 20 files',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'p', assetIds: ids(21) },
		message: 'Item 0: 21 files for one video (21 asset IDs); HeyGen accepts at most 20',
	},
	{
		name: 'Video Agent: more than 20 files across items with "Combine Items"',
		node: AGENT,
		items: Array.from({ length: 7 }, (_, i) => ({
			json: { asset_id: `asset_${i}a,asset_${i}b,asset_${i}c` },
		})),
		parameters: { prompt: 'p', combineItems: true },
		message: 'Item 0: 21 files for one video (21 asset IDs); HeyGen accepts at most 20',
		description: '"Combine Items" puts every item\'s files into one request.',
	},
	{
		name: 'Video Agent: asset id is an object (the whole `file` entry)',
		node: AGENT,
		items: [{ json: { file: { type: 'asset_id', asset_id: 'asset_1' } } }],
		parameters: { prompt: 'p', assetIds: '={{ $json.file }}' },
		message: 'Item 0: "Asset IDs" contains an object, which is not a HeyGen asset id',
		description: 'Map the asset_id text inside it instead',
	},
	{
		name: 'Video Agent: asset ids as a list holding an object',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'p', assetIds: '={{ ["asset_1", { id: 2 }] }}' },
		message: 'Item 0: "Asset IDs" contains an object, which is not a HeyGen asset id',
	},
	{
		name: 'Video Agent: asset id is a number',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'p', assetIds: '={{ 42 }}' },
		message: 'Item 0: "Asset IDs" contains the number 42, which is not a HeyGen asset id',
	},
	{
		name: 'Video Agent: a URL in "Asset IDs"',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'p', assetIds: 'https://example.com/a.png' },
		message:
			'Item 0: "Asset IDs" contains "https://example.com/a.png", which is not a HeyGen asset id',
		description: 'URLs go in the "File URLs" option.',
	},
	{
		name: 'Video Agent: plain-http file URL',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'p', assetIds: '', options: { fileUrls: 'http://example.com/a.png' } },
		message: 'Item 0: "File URLs" contains "http://example.com/a.png", which is not an HTTPS URL',
	},
	{
		name: 'Video Agent: inline (base64) file over 5 MB',
		node: AGENT,
		items: [{ binary: { data: file('big.png', 'image/png', pngBytes(5_000_001)) } }],
		parameters: { prompt: 'p', assetIds: '', options: { inputBinaryFields: 'data' } },
		message:
			'Item 0, field "data", file "big.png" is 5.0 MB; files attached inline (base64) may be at most 5.0 MB',
		description: 'Put a HeyGen Assets node (Upload) before this node',
	},
	{
		name: 'Video Agent: inline files over 20 MB together',
		node: AGENT,
		items: [
			{
				binary: Object.fromEntries(
					['a', 'b', 'c', 'd', 'e'].map((f) => [
						f,
						file(`${f}.png`, 'image/png', pngBytes(4_500_000)),
					]),
				),
			},
		],
		parameters: { prompt: 'p', assetIds: '', options: { inputBinaryFields: 'a,b,c,d,e' } },
		message:
			'Item 0: the files in "Binary Fields to Attach" add up to more than 20.0 MB for one request',
	},
	{
		name: 'Video Agent: inline file of an unsupported type (GIF)',
		node: AGENT,
		items: [{ binary: { data: file('anim.gif', 'image/gif', gifBytes()) } }],
		parameters: { prompt: 'p', assetIds: '', options: { inputBinaryFields: 'data' } },
		message: 'Item 0, field "data", file "anim.gif" is a GIF image, which HeyGen does not accept',
	},
	// Video Agent: options from expressions
	{
		name: 'Video Agent: orientation from an expression ("square")',
		node: AGENT,
		items: [{ json: { format: 'square' } }],
		parameters: { prompt: 'p', options: { orientation: '={{ $json.format }}' } },
		message: 'Item 0: "Orientation" is "square"; it must be "landscape" or "portrait"',
	},
	{
		name: 'Video Agent: mode from an expression ("draft")',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'p', options: { mode: '={{ "draft" }}' } },
		message: 'Item 0: "Mode" is "draft"; it must be "generate" or "chat"',
	},
	{
		name: 'Video Agent: orientation from an expression is a number',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'p', options: { orientation: '={{ 16 / 9 }}' } },
		message: /^Item 0: "Orientation" is the number 1\.77+8?; it must be "landscape" or "portrait"$/,
	},
	{
		name: 'Video Agent: avatar id from an expression that is not an id',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'p', options: { avatarId: '={{ "Anna (business)" }}' } },
		message: 'Item 0: "Avatar" is "Anna (business)", not a HeyGen id',
	},
	{
		name: 'Video Agent: non-HTTPS callback URL',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'p', options: { callbackUrl: 'http://example.com/webhook/heygen' } },
		message: 'Item 0: "Callback URL" "http://example.com/webhook/heygen" is not an HTTPS URL',
	},
	{
		name: 'Video Agent: callback URL that is not a URL',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'p', options: { callbackUrl: 'my webhook' } },
		message: 'Item 0: "Callback URL" is not a valid URL',
	},
	{
		name: 'Video Agent: callback id without a callback URL',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'p', options: { callbackId: 'order-42' } },
		message: 'Item 0: "Callback ID" is set but "Callback URL" is not',
	},
	{
		name: 'Video Agent: Get Session without a session id',
		node: AGENT,
		items: [{ json: { id: 'x' } }],
		parameters: { operation: 'get' },
		message: 'Item 0: "Session ID" is empty, not a HeyGen session id',
	},
	// credential
	{
		name: 'no credential selected on the node',
		node: ASSETS,
		items: [{ binary: { data: png() } }],
		parameters: { operation: 'upload' },
		credentials: 'none',
		message: 'Node does not have any credentials set',
		itemIndex: null, // n8n's own check, for the node as a whole
	},
	{
		name: 'Base URL is plain http:// to a host that is not loopback',
		node: ASSETS,
		items: [{ binary: { data: png() } }],
		parameters: { operation: 'upload' },
		credentials: { baseUrl: 'http://api.heygen.com' },
		message:
			'The HeyGen API credential\'s Base URL "http://api.heygen.com" would send your API key unencrypted',
		description: 'Use https://',
	},
	{
		name: 'Base URL is not a URL',
		node: AGENT,
		items: [{ json: {} }],
		parameters: { prompt: 'p' },
		credentials: { baseUrl: 'api.heygen.com' },
		message: 'The HeyGen API credential\'s Base URL "api.heygen.com" is not a valid URL',
	},
	{
		name: 'wrong API key (HeyGen answers 401; not retried)',
		node: ASSETS,
		items: [{ binary: { data: png() } }],
		parameters: { operation: 'upload' },
		credentials: { apiKey: 'hg-wrong-key' },
		message:
			'Upload of "photo.png" failed: HeyGen answered 401 authentication_failed: Invalid or expired API key. Verify your x-api-key header.',
		description: 'Check the API key in the HeyGen API credential',
		requests: 1,
	},
];

function workflowNode(c: BadInputCase): INode {
	const credentials = { credentials: c.credentials === 'none' ? undefined : CREDENTIAL_REF };
	if (c.node === ASSETS) return assetsNode(c.parameters, credentials);
	const options = { pollIntervalSeconds: 0.1, ...((c.parameters.options as IDataObject) ?? {}) };
	return node(AGENT, VIDEO_AGENT_TYPE, { ...c.parameters, options }, credentials);
}

function credentialsOf(c: BadInputCase) {
	const base = { apiKey: sandbox.apiKey, baseUrl: sandbox.apiUrl };
	return { heyGenV3Api: c.credentials === 'none' ? base : { ...base, ...c.credentials } };
}

describe('bad input: the exact message, and no request where the problem is local', () => {
	it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
		if (c.sandbox) sandbox.setOptions(c.sandbox);
		const result = await runWorkflow({
			nodes: [source(c.items), workflowNode(c)],
			credentials: credentialsOf(c),
		});
		const error = result.error!;
		expect(error).toBeDefined();
		if (typeof c.message === 'string') expect(error.message).toBe(c.message);
		else expect(error.message).toMatch(c.message);
		if (c.description) expect(error.description).toContain(c.description);
		// errors before a request name the item; so do HeyGen's answers to a request of an item
		const { itemIndex } = (error as unknown as { context?: { itemIndex?: number } }).context ?? {};
		expect(itemIndex).toBe(c.itemIndex === null ? undefined : (c.itemIndex ?? 0));
		const journal = sandbox.journal();
		if (c.requests !== undefined || !('requests' in c))
			expect(journal).toHaveLength(c.requests ?? 0);
		if (c.requests === 1 && c.sandbox?.maxBytes) {
			expect(journal[0]).toMatchObject({
				origin: 'api',
				method: 'POST',
				path: '/v3/assets/direct-uploads',
			});
		}
	});
});

describe('handled input: accepted, not an error', () => {
	it('a PNG renamed .mp4 and declared video/mp4 is uploaded as image/png (bytes, not names)', async () => {
		const result = await runWorkflow({
			nodes: [
				source([{ binary: { data: file('fake.mp4', 'video/mp4', pngBytes()) } }]),
				assetsNode({ operation: 'upload' }),
			],
			credentials: credentialsOf({ credentials: undefined } as BadInputCase),
		});
		expect(result.error).toBeUndefined();
		expect(result.output(ASSETS)[0].json).toMatchObject({
			mime_type: 'image/png',
			file_name: 'fake.mp4',
		});
		const [post] = sandbox.journal('api');
		expect(post.headers['content-type']).toMatch(/^multipart\/form-data/);
		expect([...sandbox.assets.values()][0]).toMatchObject({
			declared_content_type: 'image/png',
			mime_type: 'image/png',
		});
	});

	it('an API key pasted with surrounding spaces and a newline is trimmed', async () => {
		const result = await runWorkflow({
			nodes: [source([{ binary: { data: png() } }]), assetsNode({ operation: 'upload' })],
			credentials: { heyGenV3Api: { apiKey: `  ${sandbox.apiKey}\n`, baseUrl: sandbox.apiUrl } },
		});
		expect(result.error).toBeUndefined();
		expect(sandbox.journal('api').map((e) => e.headers['x-api-key'])).toEqual([sandbox.apiKey]);
	});

	it('a Base URL with spaces and a trailing slash is used as is', async () => {
		const result = await runWorkflow({
			nodes: [source([{ binary: { data: png() } }]), assetsNode({ operation: 'upload' })],
			credentials: { heyGenV3Api: { apiKey: sandbox.apiKey, baseUrl: ` ${sandbox.apiUrl}/ ` } },
		});
		expect(result.error).toBeUndefined();
		expect(sandbox.journal('api').map((e) => e.path)).toEqual(['/v3/assets']);
	});
});
