import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	jobOptions,
	optionsCollection,
	readId,
	readOptions,
	type HeyGenOptions,
	type Operation,
} from '../common';
import { runGet, videoJob } from '../jobs';

const show = { resource: ['video'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Video ID',
		name: 'videoId',
		type: 'string',
		required: true,
		default: '={{ $json.video_id }}',
		placeholder: '5b3c1a2d4e6f47a8b9c0d1e2f3a4b5c6',
		description: 'The video_id output by Video → Create (the default maps it from the input item)',
		displayOptions: { show },
	},
	optionsCollection(show, [], jobOptions({ create: false, download: true, callback: false })),
];

interface Plan {
	itemIndex: number;
	videoId: string;
	options: HeyGenOptions;
}

async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Plan> {
	const videoId = readId(this, itemIndex, 'videoId', 'Video ID', 'video_id');
	return { itemIndex, videoId, options: readOptions(this, itemIndex) };
}

async function run(this: IExecuteFunctions, plan: Plan) {
	return await runGet(this, videoJob, { video_id: plan.videoId }, plan.itemIndex, plan.options);
}

export const operation: Operation<Plan> = { description, prepare, run };
