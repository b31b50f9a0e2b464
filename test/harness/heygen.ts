/**
 * Wires the pack into the engine harness: registers our credential and nodes, and gives tests a
 * sandbox-backed credential and node builders with the real workflow type names.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { HeyGenV3Api } from '../../credentials/HeyGenV3Api.credentials';
import { HeyGen } from '../../nodes/HeyGen/HeyGen.node';
import { HeyGenAssets } from '../../nodes/HeyGenAssets/HeyGenAssets.node';
import { HeyGenTrigger } from '../../nodes/HeyGenTrigger/HeyGenTrigger.node';
import { HeyGenVideoAgent } from '../../nodes/HeyGenVideoAgent/HeyGenVideoAgent.node';
import type { Sandbox } from '../sandbox';
import { node, registerCredentialType, registerNodeType } from './engine';

export const ASSETS_TYPE = 'n8n-nodes-heygen-v3.heyGenAssets';
export const VIDEO_AGENT_TYPE = 'n8n-nodes-heygen-v3.heyGenVideoAgent';
export const HEYGEN_TYPE = 'n8n-nodes-heygen-v3.heyGen';

registerCredentialType(new HeyGenV3Api());
registerNodeType(ASSETS_TYPE, new HeyGenAssets());
registerNodeType(VIDEO_AGENT_TYPE, new HeyGenVideoAgent());
registerNodeType(HEYGEN_TYPE, new HeyGen());

export const CREDENTIAL_REF = { heyGenV3Api: { id: '1', name: 'HeyGen sandbox' } };

export function sandboxCredentials(sandbox: Pick<Sandbox, 'apiKey' | 'apiUrl'>) {
	return { heyGenV3Api: { apiKey: sandbox.apiKey, baseUrl: sandbox.apiUrl } };
}

/** A HeyGen Assets node as it appears in a workflow. */
export function assetsNode(
	parameters: INodeParameters,
	extra: Partial<INode> = {},
	name = 'HeyGen Assets',
): INode {
	return node(name, ASSETS_TYPE, parameters, { credentials: CREDENTIAL_REF, ...extra });
}

/**
 * A HeyGen Video Agent node as it appears in a workflow, polling every 0.1 s unless the test sets
 * "Poll Interval" itself (the sandbox's clock runs in hundreds of milliseconds).
 */
export function videoAgentNode(
	parameters: INodeParameters,
	extra: Partial<INode> = {},
	name = 'HeyGen Video Agent',
): INode {
	const options = { pollIntervalSeconds: 0.1, ...((parameters.options as IDataObject) ?? {}) };
	return node(
		name,
		VIDEO_AGENT_TYPE,
		{ ...parameters, options },
		{ credentials: CREDENTIAL_REF, ...extra },
	);
}

/**
 * A HeyGen node as it appears in a workflow, polling every 0.1 s unless the test sets "Poll
 * Interval" itself.
 */
export function heyGenNode(
	parameters: INodeParameters,
	extra: Partial<INode> = {},
	name = 'HeyGen',
): INode {
	const options = { pollIntervalSeconds: 0.1, ...((parameters.options as IDataObject) ?? {}) };
	return node(
		name,
		HEYGEN_TYPE,
		{ ...parameters, options },
		{ credentials: CREDENTIAL_REF, ...extra },
	);
}

// ---- HeyGen Trigger (driven by test/harness/trigger.ts) -------------------------------------------

export const TRIGGER_TYPE = 'n8n-nodes-heygen-v3.heyGenTrigger';
registerNodeType(TRIGGER_TYPE, new HeyGenTrigger());

/** A HeyGen Trigger node as it appears in a workflow (n8n gives every webhook node a webhookId). */
export function triggerNode(parameters: INodeParameters = {}, extra: Partial<INode> = {}): INode {
	return node('HeyGen Trigger', TRIGGER_TYPE, parameters, {
		credentials: CREDENTIAL_REF,
		webhookId: `wh-${Math.random().toString(36).slice(2, 10)}`,
		...extra,
	});
}
