/**
 * Runs a node as an AI agent's tool, through n8n-core, the two ways n8n 2.41 does it:
 *
 * - `subNode`: the agent asks the engine for its tools (`getInputConnectionData('ai_tool')`); n8n-core
 *   wraps the tool node with `createNodeAsTool` and runs it, when the tool is invoked, in a
 *   SupplyDataContext where `isToolExecution()` is true (AI Agent ≤ 2.x, MCP and other consumers).
 * - `engine`: the agent returns an EngineRequest naming the tool node (AI Agent 3.x, the default);
 *   the engine runs the tool node as an ordinary node (`isToolExecution()` is false there) and then
 *   resumes the agent with the tool's output.
 *
 * The tool node has the synthetic "<type>Tool" type n8n generates for `usableAsTool` nodes
 * (`toolTypeOf`, registered by `registerToolVariant`, mirrors n8n's convertNodeToAiTool).
 *
 *   const result = await runAsTool({ tool: assetsToolNode({...}), args: { url }, mode: 'engine' });
 *   result.response   // what the agent received (parsed JSON)
 */
import { randomUUID } from 'node:crypto';

import {
	NodeConnectionTypes,
	type EngineRequest,
	type EngineResponse,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { node, registerNodeType, runWorkflow, source, type WorkflowResult } from './engine';

export type ToolMode = 'subNode' | 'engine';

/** The synthetic tool type name n8n derives from a node type ("…heyGenAssets" → "…heyGenAssetsTool"). */
export function toolTypeOf(type: string): string {
	return `${type}Tool`;
}

/** Registers the "<type>Tool" variant of a usableAsTool node type, as n8n's loader does. */
export function registerToolVariant(type: string, nodeType: INodeType): void {
	const base = nodeType.description;
	if (!base.usableAsTool) throw new Error(`Harness: ${type} is not usableAsTool`);
	const hasOperation = base.properties.some((p) => p.name === 'operation' || p.name === 'resource');
	const description: INodeTypeDescription = {
		...base,
		name: `${base.name}Tool`,
		displayName: `${base.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
		usableAsTool: undefined,
		properties: [
			// As n8n adds them: with operations, the description is set automatically by default.
			...(hasOperation
				? [
						{
							displayName: 'Tool Description',
							name: 'descriptionType',
							type: 'options' as const,
							options: [
								{ name: 'Set Automatically', value: 'auto' },
								{ name: 'Set Manually', value: 'manual' },
							],
							default: 'auto',
						},
					]
				: []),
			{
				displayName: 'Description',
				name: 'toolDescription',
				type: 'string',
				default: base.description,
				required: true,
				...(hasOperation ? { displayOptions: { show: { descriptionType: ['manual'] } } } : {}),
			},
			...base.properties,
		],
	};
	registerNodeType(
		toolTypeOf(type),
		Object.create(nodeType, { description: { value: description } }) as INodeType,
	);
}

const AGENT_TYPE = 'harness.agent';
/** Arguments per agent node (kept out of node parameters so they are not resolved as expressions). */
const agentArgs = new Map<string, IDataObject>();

/** A stand-in for the AI Agent that calls its one connected tool once with fixed arguments. */
class HarnessAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Agent',
		name: AGENT_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Calls its tool once',
		defaults: { name: 'Agent' },
		inputs: [
			NodeConnectionTypes.Main,
			{ type: NodeConnectionTypes.AiTool, displayName: 'Tool', required: true },
		],
		outputs: [NodeConnectionTypes.Main],
		properties: [
			{ displayName: 'Mode', name: 'mode', type: 'string', default: 'engine' },
			{ displayName: 'Tool Node', name: 'toolNode', type: 'string', default: '' },
			{ displayName: 'Args', name: 'args', type: 'string', default: '' },
		],
	};

	async execute(
		this: IExecuteFunctions,
		response?: EngineResponse,
	): Promise<INodeExecutionData[][] | EngineRequest> {
		const mode = this.getNodeParameter('mode', 0) as ToolMode;
		const args = agentArgs.get(this.getNodeParameter('args', 0) as string) ?? {};
		if (mode === 'subNode') {
			const tools = (await this.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as Array<{
				name: string;
				description: string;
				invoke(input: IDataObject): Promise<string>;
			}>;
			const [tool] = tools;
			const started = Date.now();
			let text: string;
			try {
				text = await tool.invoke(args);
			} catch (error) {
				text = JSON.stringify({ error: (error as Error).message });
			}
			return [
				[
					{
						json: {
							toolName: tool.name,
							toolDescription: tool.description,
							response: JSON.parse(text) as IDataObject,
							ms: Date.now() - started,
						},
					},
				],
			];
		}
		// The engine passes an empty response on the first run; results arrive when it resumes us.
		if (!response?.actionResponses.length) {
			return {
				actions: [
					{
						actionType: 'ExecutionNodeAction',
						nodeName: this.getNodeParameter('toolNode', 0) as string,
						input: args,
						type: NodeConnectionTypes.AiTool,
						id: `call_${randomUUID()}`,
						metadata: { itemIndex: 0 },
					},
				],
				metadata: {},
			};
		}
		const [result] = response.actionResponses;
		const items = result?.data.data?.[NodeConnectionTypes.AiTool]?.[0] ?? [];
		return [
			[
				{
					json: {
						response: items.map((item) => item.json),
						ms: result?.data.executionTime ?? null,
						...(result?.data.error ? { error: result.data.error.message } : {}),
					},
				},
			],
		];
	}
}
registerNodeType(AGENT_TYPE, new HarnessAgent());

export interface ToolRun {
	tool: INode;
	args: IDataObject;
	mode: ToolMode;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
}

export interface ToolResult {
	/** what the agent got back from the tool (the tool's output items' json) */
	response: IDataObject | IDataObject[];
	/** the agent's output item */
	agent: IDataObject;
	/** wall time of the whole workflow */
	ms: number;
	workflow: WorkflowResult;
}

/** Runs the tool node once, called by an agent the given way, inside the real engine. */
export async function runAsTool({ tool, args, mode, credentials }: ToolRun): Promise<ToolResult> {
	const key = randomUUID();
	agentArgs.set(key, args);
	const agent = node('Agent', AGENT_TYPE, { mode, toolNode: tool.name, args: key });
	const start = source([{ json: {} }]);
	const started = Date.now();
	const workflow = await runWorkflow({
		nodes: [start, agent, tool],
		connections: {
			[start.name]: { main: [[{ node: agent.name, type: NodeConnectionTypes.Main, index: 0 }]] },
			[tool.name]: {
				[NodeConnectionTypes.AiTool]: [
					[{ node: agent.name, type: NodeConnectionTypes.AiTool, index: 0 }],
				],
			},
		},
		credentials,
		// n8n's default for new workflows; the order in which the engine runs a requested tool.
		settings: { executionOrder: 'v1' },
	});
	const ms = Date.now() - started;
	if (workflow.error) throw workflow.error;
	const agentJson = workflow.output(agent.name)[0]?.json ?? {};
	return { response: agentJson.response as IDataObject, agent: agentJson, ms, workflow };
}
