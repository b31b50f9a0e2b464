import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INode,
	type INodeExecutionData,
	type INodeListSearchResult,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { HeyGenVideoAgent } from '../../nodes/HeyGenVideoAgent/HeyGenVideoAgent.node';
import { node, registerNodeType } from './engine';
import { CREDENTIAL_REF } from './heygen';

const videoAgent = new HeyGenVideoAgent();
export type SearchMethod = keyof typeof videoAgent.methods.listSearch;

/**
 * Runs one of the Video Agent's listSearch methods inside the engine: the node's execute context
 * provides the same credential, authentication and HTTP helpers n8n gives a load-options context.
 * Follows the pagination token for `pages` calls and outputs each call's result.
 */
const PROBE_TYPE = 'harness.videoAgentListSearch';
class ListSearchProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'List Search Probe',
		name: PROBE_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Calls a HeyGen Video Agent list search method',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heyGenV3Api', required: true }],
		properties: [
			{ displayName: 'Method', name: 'method', type: 'string', default: '' },
			{ displayName: 'Filter', name: 'filter', type: 'string', default: '' },
			{ displayName: 'Pages', name: 'pages', type: 'number', default: 1 },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const method = this.getNodeParameter('method', 0) as SearchMethod;
		const filter = (this.getNodeParameter('filter', 0) as string) || undefined;
		const pages = this.getNodeParameter('pages', 0) as number;
		const out: INodeExecutionData[] = [];
		let token: string | undefined;
		for (let page = 0; page < pages; page++) {
			const result: INodeListSearchResult = await videoAgent.methods.listSearch[method].call(
				this as unknown as ILoadOptionsFunctions,
				filter,
				token,
			);
			out.push({ json: result as unknown as IDataObject, pairedItem: { item: 0 } });
			token = result.paginationToken;
			if (!token) break;
		}
		return [out];
	}
}
registerNodeType(PROBE_TYPE, new ListSearchProbe());

/** A workflow node named "Probe" that runs `method` (optionally filtered, over several pages). */
export function listSearchProbeNode(
	method: SearchMethod,
	{ filter = '', pages = 1 }: { filter?: string; pages?: number } = {},
	extra: Partial<INode> = {},
): INode {
	return node(
		'Probe',
		PROBE_TYPE,
		{ method, filter, pages },
		{ credentials: CREDENTIAL_REF, ...extra },
	);
}
