import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	jobOptions,
	optionsCollection,
	readId,
	readOptions,
	type HeyGenOptions,
	type Operation,
} from '../common';
import { lipsyncJob, runGet } from '../jobs';

const show = { resource: ['lipsync'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Lipsync ID',
		name: 'lipsyncId',
		type: 'string',
		required: true,
		default: '={{ $json.lipsync_id }}',
		description:
			'The lipsync_id output by Lipsync → Create (the default maps it from the input item)',
		displayOptions: { show },
	},
	optionsCollection(show, [], jobOptions({ create: false, download: true, callback: false })),
];

interface Plan {
	itemIndex: number;
	lipsyncId: string;
	options: HeyGenOptions;
}

async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Plan> {
	const lipsyncId = readId(this, itemIndex, 'lipsyncId', 'Lipsync ID', 'lipsync_id');
	return { itemIndex, lipsyncId, options: readOptions(this, itemIndex) };
}

async function run(this: IExecuteFunctions, plan: Plan) {
	return await runGet(
		this,
		lipsyncJob,
		{ lipsync_id: plan.lipsyncId },
		plan.itemIndex,
		plan.options,
	);
}

export const operation: Operation<Plan> = { description, prepare, run };
