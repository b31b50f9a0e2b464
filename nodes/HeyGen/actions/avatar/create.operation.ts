import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ID_PATTERN, describe } from '../../../shared/parameters';
import { inputError } from '../../../shared/errors';
import {
	assetInputParameter,
	jobOptions,
	optionsCollection,
	readAssetInput,
	readOptions,
	readText,
	readWait,
	waitParameters,
	type HeyGenOptions,
	type Operation,
	type RunEnv,
	type WaitMethod,
} from '../common';
import { avatarJob, runCreate } from '../jobs';

const show = { resource: ['avatar'], operation: ['create'] };
const MAX_NAME_CHARS = 100;

export const description: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'Jane — office',
		description: 'The name of the new photo avatar in HeyGen',
		displayOptions: { show },
	},
	assetInputParameter(
		'Photo',
		'file',
		'A photo of one person, face visible: a HeyGen image asset ID (the default takes the asset_id of a HeyGen Assets node), a public https:// URL, or a data:image/…;base64 URI',
		show,
	),
	// HeyGen has no callback for avatars, so waiting is always by polling.
	...waitParameters(show, false),
	optionsCollection(
		show,
		[
			{
				displayName: 'Avatar Group ID',
				name: 'avatarGroupId',
				type: 'string',
				default: '',
				description:
					'Add the photo as a new look of an existing avatar (its avatar_group_id) instead of making a new avatar',
			},
		],
		jobOptions({ create: true, download: false, callback: false }),
	),
];

interface Plan {
	itemIndex: number;
	body: IDataObject;
	wait: WaitMethod;
	options: HeyGenOptions;
}

async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Plan> {
	const options = readOptions(this, itemIndex);
	const name = readText(
		this,
		itemIndex,
		'name',
		'Name',
		MAX_NAME_CHARS,
		'Give the avatar a name, e.g. the person and the setting, or map a text field.',
	);
	const file = readAssetInput(this, itemIndex, {
		parameter: 'file',
		label: 'Photo',
		kind: 'photo',
		allowBase64: true,
		required: true,
	});
	const body: IDataObject = {
		type: 'photo',
		name: name.trim(),
		file: file as unknown as IDataObject,
	};
	const group =
		typeof options.avatarGroupId === 'string'
			? options.avatarGroupId.trim()
			: options.avatarGroupId;
	if (group !== undefined && group !== '') {
		if (typeof group !== 'string' || !ID_PATTERN.test(group)) {
			throw inputError(
				this,
				`Item ${itemIndex}: "Avatar Group ID" is ${describe(group)}, not a HeyGen id`,
				'Map the avatar_group_id output by an earlier Avatar → Create, or remove the option to make a new avatar.',
				itemIndex,
			);
		}
		body.avatar_group_id = group;
	}
	// HeyGen has no callback for avatars: waiting means polling.
	return { itemIndex, body, ...readWait(this, itemIndex, options, { callback: false }) };
}

/** Creates the photo avatar; `pending_consent` ends the wait with `next_step` (see jobs.ts). */
async function run(this: IExecuteFunctions, plan: Plan, env: RunEnv) {
	return await runCreate(this, avatarJob, plan, env);
}

export const operation: Operation<Plan> = { description, prepare, run };
