import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	jobOptions,
	optionsCollection,
	readId,
	readOptions,
	type HeyGenOptions,
	type Operation,
} from '../common';
import { runGet, translationJob } from '../jobs';

const show = { resource: ['videoTranslation'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Video Translation ID',
		name: 'videoTranslationId',
		type: 'string',
		required: true,
		default: '={{ $json.video_translation_id }}',
		description:
			'The video_translation_id output by Video Translation → Create, one per language (the default maps it from the input item)',
		displayOptions: { show },
	},
	optionsCollection(show, [], jobOptions({ create: false, download: true, callback: false })),
];

interface Plan {
	itemIndex: number;
	id: string;
	options: HeyGenOptions;
}

async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Plan> {
	const id = readId(
		this,
		itemIndex,
		'videoTranslationId',
		'Video Translation ID',
		'video_translation_id',
	);
	return { itemIndex, id, options: readOptions(this, itemIndex) };
}

async function run(this: IExecuteFunctions, plan: Plan) {
	return await runGet(
		this,
		translationJob,
		{ video_translation_id: plan.id },
		plan.itemIndex,
		plan.options,
	);
}

export const operation: Operation<Plan> = { description, prepare, run };
