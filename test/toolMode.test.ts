/**
 * Both nodes as AI-agent tools, run through n8n-core the two ways n8n 2.41 calls a tool (see
 * harness/tool.ts): JSON in, ids out, and a Video Agent create that returns its ids at once
 * instead of blocking the agent while the video renders.
 */
import { createHash } from 'node:crypto';

import {
	NodeConnectionTypes,
	NodeHelpers,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { HeyGen } from '../nodes/HeyGen/HeyGen.node';
import { HeyGenAssets } from '../nodes/HeyGenAssets/HeyGenAssets.node';
import { HeyGenVideoAgent } from '../nodes/HeyGenVideoAgent/HeyGenVideoAgent.node';
import { node, registerNodeType, removeScratch } from './harness/engine';
import {
	ASSETS_TYPE,
	CREDENTIAL_REF,
	HEYGEN_TYPE,
	sandboxCredentials,
	VIDEO_AGENT_TYPE,
} from './harness/heygen';
import { registerToolVariant, runAsTool, toolTypeOf, type ToolMode } from './harness/tool';
import { runsAsTool } from '../nodes/shared/toolMode';
import { mp4Bytes, wavBytes } from './fixtures/files';
import { sourceSha256, start, type Sandbox } from './sandbox';

const assets = new HeyGenAssets();
const videoAgent = new HeyGenVideoAgent();
registerToolVariant(ASSETS_TYPE, assets);
registerToolVariant(VIDEO_AGENT_TYPE, videoAgent);
registerToolVariant(HEYGEN_TYPE, new HeyGen());

/** An asset in the sandbox, as the Assets node would have made it. */
async function uploadAsset(bytes: Buffer, fileName: string): Promise<string> {
	const form = new FormData();
	form.append('file', new Blob([new Uint8Array(bytes)]), fileName);
	const response = await fetch(`${sandbox.apiUrl}/v3/assets`, {
		method: 'POST',
		headers: { 'x-api-key': sandbox.apiKey },
		body: form,
	});
	return ((await response.json()) as { data: { asset_id: string } }).data.asset_id;
}

/** Reports what a node can tell about being run as a tool. */
class ToolModeProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Probe',
		name: 'harness.probe',
		group: ['transform'],
		version: 1,
		description: 'Reports how it is run',
		defaults: { name: 'Probe' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[{ json: { isToolExecution: this.isToolExecution(), runsAsTool: runsAsTool(this) } }]];
	}
}
registerNodeType('harness.probe', new ToolModeProbe());
registerToolVariant('harness.probe', new ToolModeProbe());

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true });
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

beforeEach(() => {
	sandbox.reset();
	// A clock slow enough that a waiting create would have to poll many times.
	sandbox.setOptions({
		clock: { thinkingMs: 400, generatingMs: 400, videoPendingMs: 200, videoProcessingMs: 200 },
	});
});

function toolNode(type: string, name: string, parameters: IDataObject) {
	return node(name, toolTypeOf(type), parameters as never, { credentials: CREDENTIAL_REF });
}

const fromAi = (key: string, description: string) =>
	`={{ $fromAI('${key}', '${description}', 'string') }}`;

const polls = () =>
	sandbox
		.journal('api')
		.filter((e) => e.method === 'GET' && /^\/v3\/(video-agents|videos)\//.test(e.path));

describe.each<ToolMode>(['engine', 'subNode'])('as a tool, called the %s way', (mode) => {
	it('the node knows it runs as a tool (isToolExecution() alone does not tell in the engine way)', async () => {
		const result = await runAsTool({
			mode,
			tool: node('Probe', 'harness.probeTool', {}),
			args: {},
		});
		const [answer] = ([] as IDataObject[]).concat(result.response);
		expect(answer).toEqual({ isToolExecution: mode === 'subNode', runsAsTool: true });
	});

	it('HeyGen Assets uploads from the URL the agent gives and answers with the asset id', async () => {
		const spec = { type: 'png', size: 50_000 };
		const url = sandbox.files.fileUrl('chart.png', spec);
		const result = await runAsTool({
			mode,
			tool: toolNode(ASSETS_TYPE, 'Upload to HeyGen', {
				url: fromAi('url', 'Public URL of the file to upload'),
			}),
			args: { url },
			credentials: sandboxCredentials(sandbox),
		});
		const [answer] = ([] as IDataObject[]).concat(result.response);
		expect(answer).toMatchObject({
			upload_method: 'uploadFromUrl',
			mime_type: 'image/png',
			source_url: url,
		});
		const asset = sandbox.assets.get(String(answer.asset_id));
		expect(asset?.sha256).toBe(sourceSha256(spec));
		expect(asset?.status).toBe('processing');
		expect(sandbox.files.journal().every((e) => e.headers['x-api-key'] === undefined)).toBe(true);
		if (mode === 'subNode') {
			// What the model reads about the tool: the operation's action, written for it.
			// (n8n uses the node's description for nodes without resources.)
			expect(result.agent.toolDescription).toBe(assets.description.description);
			expect(result.agent.toolDescription).toMatch(/public URL.*asset_id/);
		}
	});

	it('HeyGen Video Agent create returns the session id at once instead of waiting', async () => {
		const result = await runAsTool({
			mode,
			tool: toolNode(VIDEO_AGENT_TYPE, 'Make a video', {
				operation: 'create',
				prompt: fromAi('prompt', 'What the video is about'),
				assetIds: '',
				// Saved workflows default to waiting; as a tool that must not block the agent.
				waitForCompletion: true,
			}),
			args: { prompt: 'A 20 second product teaser' },
			credentials: sandboxCredentials(sandbox),
		});
		const [answer] = ([] as IDataObject[]).concat(result.response);
		expect(answer.session_id).toMatch(/^sess_/);
		expect(answer.status).toBe('thinking');
		expect(polls()).toHaveLength(0);
		const session = sandbox.sessions.get(String(answer.session_id));
		expect(session?.request.prompt).toBe('A 20 second product teaser');
	});

	it('HeyGen Video Agent waits in tool mode only when the author allows it (bounded)', async () => {
		const result = await runAsTool({
			mode,
			tool: toolNode(VIDEO_AGENT_TYPE, 'Make a video', {
				operation: 'create',
				prompt: fromAi('prompt', 'What the video is about'),
				assetIds: '',
				waitForCompletion: true,
				options: { toolWaitSeconds: 30, pollIntervalSeconds: 0.1 },
			}),
			args: { prompt: 'A 20 second product teaser' },
			credentials: sandboxCredentials(sandbox),
		});
		const [answer] = ([] as IDataObject[]).concat(result.response);
		expect(answer).toMatchObject({ status: 'completed' });
		expect(answer.video_url).toEqual(expect.any(String));
		expect(polls().length).toBeGreaterThan(0);
	});

	it('HeyGen node creates return the job id at once, and wait only when the author allows it', async () => {
		const video = await uploadAsset(mp4Bytes(3000), 'talk.mp4');
		const audio = await uploadAsset(wavBytes(), 'voice.wav');
		const lipsyncReads = () =>
			sandbox
				.journal('api')
				.filter((e) => e.method === 'GET' && e.path.startsWith('/v3/lipsyncs/'));
		const lipsyncTool = (options: IDataObject) =>
			toolNode(HEYGEN_TYPE, 'Lipsync a video', {
				resource: 'lipsync',
				operation: 'create',
				video: fromAi('video', 'Asset ID of the video'),
				audio: fromAi('audio', 'Asset ID of the voice-over'),
				// Saved workflows default to waiting; as a tool that must not block the agent.
				waitForCompletion: true,
				waitMethod: 'callback',
				options,
			});

		const atOnce = await runAsTool({
			mode,
			tool: lipsyncTool({}),
			args: { video, audio },
			credentials: sandboxCredentials(sandbox),
		});
		const [created] = ([] as IDataObject[]).concat(atOnce.response);
		expect(created.lipsync_id).toEqual(expect.any(String));
		expect(created.status).not.toBe('completed');
		expect(lipsyncReads()).toHaveLength(0);
		// no callback wait as a tool: HeyGen was given no resume URL
		const [create] = sandbox
			.journal('api')
			.filter((e) => e.method === 'POST' && e.path === '/v3/lipsyncs');
		const sentWithoutCallback = JSON.stringify({
			video: { type: 'asset_id', asset_id: video },
			audio: { type: 'asset_id', asset_id: audio },
		});
		expect(create.sha256).toBe(createHash('sha256').update(sentWithoutCallback).digest('hex'));

		const bounded = await runAsTool({
			mode,
			tool: lipsyncTool({ toolWaitSeconds: 30, pollIntervalSeconds: 0.1 }),
			args: { video, audio },
			credentials: sandboxCredentials(sandbox),
		});
		const [finished] = ([] as IDataObject[]).concat(bounded.response);
		expect(finished).toMatchObject({ status: 'completed', video_url: expect.any(String) });
		expect(lipsyncReads().length).toBeGreaterThan(0);
	});
});

describe('the tool variants', () => {
	const resolve = (type: INodeTypeLike, parameters: IDataObject) =>
		NodeHelpers.getNodeParameters(
			type.description.properties,
			parameters as never,
			true,
			false,
			null,
			type.description,
		) as IDataObject;

	it('HeyGen Assets as a tool offers Upload from URL (default) and Complete, not the binary operations', () => {
		const tool = Object.create(assets, {
			description: { value: { ...assets.description, name: `${assets.description.name}Tool` } },
		}) as INodeTypeLike;
		expect(resolve(tool, {}).operation).toBe('uploadFromUrl');
		expect(resolve(assets, {}).operation).toBe('upload');
		const toolOperations = assets.description.properties.find(
			(p) => p.name === 'operation' && p.displayOptions?.show?.['@tool'],
		);
		expect(toolOperations?.options?.map((o) => (o as { value: string }).value)).toEqual([
			'complete',
			'uploadFromUrl',
		]);
	});
});

type INodeTypeLike = { description: HeyGenAssets['description'] };
