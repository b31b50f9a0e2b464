/**
 * Running as an AI agent's tool. n8n makes a "<node name>Tool" variant of every `usableAsTool`
 * node; an agent calls it with JSON arguments and gets JSON back, so binaries cannot cross and a
 * tool that blocks for minutes blocks the whole agent.
 *
 * n8n 2.41 runs a tool in one of two ways, and only one of them sets `isToolExecution()`:
 * - a sub-node call (older AI Agent versions, other tool consumers): a SupplyDataContext on the
 *   `ai_tool` connection, where `isToolExecution()` is true;
 * - an engine request (AI Agent 3.x, the default): the engine runs the tool node as an ordinary
 *   node, whose context answers `isToolExecution()` false. The node is still the synthetic
 *   "…Tool" type, and the engine marks it with `rewireOutputLogTo: 'ai_tool'`.
 */
import { NodeConnectionTypes, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

export function runsAsTool(context: IExecuteFunctions): boolean {
	if (context.isToolExecution?.()) return true;
	const node = context.getNode();
	return node.rewireOutputLogTo === NodeConnectionTypes.AiTool || node.type.endsWith('Tool');
}

/**
 * Whether a create waits for its job, and for how long at most. As a tool it returns the ids at
 * once unless the workflow author allowed a bounded wait ("Wait in Tool Mode (Seconds)" > 0); the
 * agent can ask for the result later with the node's Get operation.
 */
export function waitInToolMode(
	context: IExecuteFunctions,
	wait: boolean,
	maxWaitSeconds: number,
	toolWaitSeconds: unknown,
): { wait: boolean; maxWaitSeconds: number } {
	if (!wait || !runsAsTool(context)) return { wait, maxWaitSeconds };
	const allowed = Number(toolWaitSeconds ?? 0);
	if (!Number.isFinite(allowed) || allowed <= 0) return { wait: false, maxWaitSeconds };
	return { wait: true, maxWaitSeconds: Math.min(maxWaitSeconds, allowed) };
}

/** The option behind `toolWaitSeconds`, for the Options collection of a node with creates. */
export const toolWaitOption: INodeProperties = {
	displayName: 'Wait in Tool Mode (Seconds)',
	name: 'toolWaitSeconds',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description:
		'Only when an AI agent runs this node as a tool: how long the agent may wait for the result. 0 returns the IDs at once (the agent can call Get later), so the agent is never blocked for minutes.',
};
