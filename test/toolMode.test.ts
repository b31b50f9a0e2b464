/**
 * Both nodes as AI-agent tools, run through n8n-core the two ways n8n 2.41 calls a tool (see
 * harness/tool.ts): JSON in, ids out, and a Video Agent create that returns its ids at once
 * instead of blocking the agent while the video renders.
 */
import {
	NodeConnectionTypes,
	NodeHelpers,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { HeyGenAssets } from '../nodes/HeyGenAssets/HeyGenAssets.node';
import { HeyGenVideoAgent } from '../nodes/HeyGenVideoAgent/HeyGenVideoAgent.node';
import { node, registerNodeType, removeScratch } from './harness/engine';
import {
	ASSETS_TYPE,
	CREDENTIAL_REF,
	sandboxCredentials,
	VIDEO_AGENT_TYPE,
} from './harness/heygen';
import { registerToolVariant, runAsTool, toolTypeOf, type ToolMode } from './harness/tool';
import { runsAsTool } from '../nodes/shared/toolMode';
import { sourceSha256, start, type Sandbox } from './sandbox';

const assets = new HeyGenAssets();
const videoAgent = new HeyGenVideoAgent();
registerToolVariant(ASSETS_TYPE, assets);
registerToolVariant(VIDEO_AGENT_TYPE, videoAgent);

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
