import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { heyGenApiRequest } from '../../../shared/transport';
import {
	jobOptions,
	optionsCollection,
	readId,
	readOptions,
	timeoutMs,
	type HeyGenOptions,
	type Operation,
} from '../common';

const show = { resource: ['asset'], operation: ['delete'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Asset ID',
		name: 'assetId',
		type: 'string',
		required: true,
		default: '={{ $json.asset_id }}',
		placeholder: 'asset_abc123def456',
		description: 'The asset to delete for good (the default maps asset_id from the input item)',
		displayOptions: { show },
	},
	optionsCollection(show, [], jobOptions({ create: false, download: false, callback: false })),
];

interface Plan {
	itemIndex: number;
	assetId: string;
	options: HeyGenOptions;
}

async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Plan> {
	const assetId = readId(this, itemIndex, 'assetId', 'Asset ID', 'asset_id');
	return { itemIndex, assetId, options: readOptions(this, itemIndex) };
}

async function run(this: IExecuteFunctions, plan: Plan) {
	await heyGenApiRequest.call(this, {
		method: 'DELETE',
		path: `/v3/assets/${encodeURIComponent(plan.assetId)}`,
		// Deleting twice deletes nothing more: safe to re-send after a 5xx.
		retry: 'safe',
		what: `Deleting asset ${plan.assetId}`,
		itemIndex: plan.itemIndex,
		timeoutMs: timeoutMs(plan.options),
	});
	return [{ json: { asset_id: plan.assetId, deleted: true } }];
}

export const operation: Operation<Plan> = { description, prepare, run };
