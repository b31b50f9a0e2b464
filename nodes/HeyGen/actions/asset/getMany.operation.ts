import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { inputError } from '../../../shared/errors';
import { dataOf, heyGenApiRequest } from '../../../shared/transport';
import {
	jobOptions,
	optionsCollection,
	readOptions,
	timeoutMs,
	type HeyGenOptions,
	type Operation,
} from '../common';

const show = { resource: ['asset'], operation: ['getMany'] };
/** HeyGen's page size limit for GET /v3/assets. */
const PAGE_LIMIT = 100;

export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
		displayOptions: { show },
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { ...show, returnAll: [false] } },
	},
	{
		displayName:
			"HeyGen's asset list is in beta and lists one workspace member's assets: by default the owner of the API key (read from HeyGen's /v3/users/me); set Username in the options for another member",
		name: 'betaNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	optionsCollection(
		show,
		[
			{
				displayName: 'Folder ID',
				name: 'folderId',
				type: 'string',
				default: '',
				description: 'Only assets in this folder',
			},
			{
				displayName: 'Username',
				name: 'username',
				type: 'string',
				default: '',
				description:
					"The workspace member whose assets to list (HeyGen requires it while the list is in beta). Empty: the API key's own user.",
			},
		],
		jobOptions({ create: false, download: false, callback: false }),
	),
];

interface Plan {
	itemIndex: number;
	/** undefined: all */
	limit?: number;
	options: HeyGenOptions;
}

async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<Plan> {
	const options = readOptions(this, itemIndex);
	if (this.getNodeParameter('returnAll', itemIndex, false) === true) return { itemIndex, options };
	const limit = Number(this.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) {
		throw inputError(
			this,
			`Item ${itemIndex}: "Limit" is ${String(limit)}; it must be a whole number from 1`,
			'Set how many assets to return, or turn on Return All.',
			itemIndex,
		);
	}
	return { itemIndex, limit, options };
}

/** The username HeyGen's list needs: the option, else the API key's own user (/v3/users/me). */
async function username(context: IExecuteFunctions, plan: Plan): Promise<string> {
	const given = typeof plan.options.username === 'string' ? plan.options.username.trim() : '';
	if (given) return given;
	const response = await heyGenApiRequest.call(context, {
		method: 'GET',
		path: '/v3/users/me',
		retry: 'safe',
		what: 'Reading the HeyGen user (for the asset list)',
		itemIndex: plan.itemIndex,
		timeoutMs: timeoutMs(plan.options),
	});
	const name = dataOf<IDataObject>(response).username;
	if (typeof name !== 'string' || !name) {
		throw inputError(
			context,
			`Item ${plan.itemIndex}: HeyGen did not say which user owns the API key`,
			'Set the Username option to the workspace member whose assets to list.',
			plan.itemIndex,
		);
	}
	return name;
}

/** One output item per asset, newest first, paging with HeyGen's cursor. */
async function run(this: IExecuteFunctions, plan: Plan) {
	const user = await username(this, plan);
	const folder = typeof plan.options.folderId === 'string' ? plan.options.folderId.trim() : '';
	const assets: IDataObject[] = [];
	let token: string | undefined;
	for (;;) {
		const wanted = plan.limit === undefined ? PAGE_LIMIT : plan.limit - assets.length;
		const response = await heyGenApiRequest.call(this, {
			method: 'GET',
			path: '/v3/assets',
			qs: {
				username: user,
				limit: Math.min(PAGE_LIMIT, wanted),
				...(folder ? { folder_id: folder } : {}),
				...(token ? { token } : {}),
			},
			retry: 'safe',
			what: 'Listing assets',
			itemIndex: plan.itemIndex,
			timeoutMs: timeoutMs(plan.options),
		});
		const page = Array.isArray(response.body.data) ? (response.body.data as IDataObject[]) : [];
		assets.push(...page);
		const next = typeof response.body.next_token === 'string' ? response.body.next_token : '';
		const full = plan.limit !== undefined && assets.length >= plan.limit;
		// Stop on the last page, and on a token that does not move (a server bug would loop forever).
		if (full || response.body.has_more !== true || !next || next === token) break;
		token = next;
	}
	return assets
		.slice(0, plan.limit)
		.map((asset) => ({ json: { asset_id: asset.id ?? null, ...asset } }));
}

export const operation: Operation<Plan> = { description, prepare, run };
