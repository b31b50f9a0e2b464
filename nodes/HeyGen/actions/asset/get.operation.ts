import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { dataOf, heyGenApiRequest } from '../../../shared/transport';
import {
	jobOptions,
	optionsCollection,
	readId,
	readOptions,
	timeoutMs,
	type HeyGenOptions,
	type Operation,
} from '../common';

const show = { resource: ['asset'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Asset ID',
		name: 'assetId',
		type: 'string',
		required: true,
		default: '={{ $json.asset_id }}',
		placeholder: 'asset_abc123def456',
		description: 'The asset_id output by the HeyGen Assets node (the default maps it)',
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

/** HeyGen's asset fields, with the id also as `asset_id` (the name every node of the pack uses). */
async function run(this: IExecuteFunctions, plan: Plan) {
	const response = await heyGenApiRequest.call(this, {
		method: 'GET',
		path: `/v3/assets/${encodeURIComponent(plan.assetId)}`,
		retry: 'safe',
		what: `Reading asset ${plan.assetId}`,
		itemIndex: plan.itemIndex,
		timeoutMs: timeoutMs(plan.options),
	});
	const asset = dataOf<IDataObject>(response);
	return [{ json: { asset_id: asset.id ?? plan.assetId, ...asset } }];
}

export const operation: Operation<Plan> = { description, prepare, run };
