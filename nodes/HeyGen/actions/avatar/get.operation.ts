import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	jobOptions,
	optionsCollection,
	readId,
	readOptions,
	type HeyGenOptions,
	type Operation,
} from '../common';
import { avatarJob, runGet } from '../jobs';

const show = { resource: ['avatar'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Avatar ID',
		name: 'avatarLookId',
		type: 'string',
		required: true,
		default: '={{ $json.avatar_id }}',
		description:
			'The avatar look ID (avatar_id) output by Avatar → Create: the ID Video → Create takes',
		displayOptions: { show },
	},
	optionsCollection(show, [], jobOptions({ create: false, download: false, callback: false })),
];

interface Plan {
	itemIndex: number;
	avatarId: string;
	options: HeyGenOptions;
}

async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Plan> {
	const avatarId = readId(this, itemIndex, 'avatarLookId', 'Avatar ID', 'avatar_id');
	return { itemIndex, avatarId, options: readOptions(this, itemIndex) };
}

/** Its status; `pending_consent` comes with `next_step`: what the user must do. */
async function run(this: IExecuteFunctions, plan: Plan) {
	return await runGet(this, avatarJob, { avatar_id: plan.avatarId }, plan.itemIndex, plan.options);
}

export const operation: Operation<Plan> = { description, prepare, run };
