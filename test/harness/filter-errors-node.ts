/**
 * A stand-in for n8n's Filter node keeping items where "error" does not exist: what a workflow puts
 * between a node with "Continue On Fail" and one that must not get its error items.
 */
import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { node, registerNodeType } from './engine';

const FILTER_ERRORS_TYPE = 'harness.filterErrors';

class FilterErrorsNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Drop Error Items',
		name: FILTER_ERRORS_TYPE,
		group: ['transform'],
		version: 1,
		description: 'Keeps the items without an "error" field',
		defaults: { name: 'Drop errors' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData()
				.map((item, index) => ({ ...item, pairedItem: { item: index } }))
				.filter((item) => item.json.error === undefined),
		];
	}
}
registerNodeType(FILTER_ERRORS_TYPE, new FilterErrorsNode());

export function filterOutErrors(name = 'Drop errors'): INode {
	return node(name, FILTER_ERRORS_TYPE, {});
}
