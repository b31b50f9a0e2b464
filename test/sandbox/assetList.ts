/**
 * `GET /v3/assets` (beta; heygen-api-generation.md §A.6): `username` is required (the assets'
 * `owner`, i.e. `GET /v3/users/me`'s username), `limit` 1–100 (default 20), `token`, `folder_id`
 * (empty = root only; the sandbox keeps every asset in the root). Newest first; uploads that were
 * never completed or were deleted are not listed.
 */
import { ASSET_OWNER, assetView } from './assets';
import { ApiError, type Core, type Ctx, type Result, type Route } from './core';

function listAssets(core: Core, ctx: Ctx): Result {
	const username = ctx.query.username;
	if (!username)
		throw new ApiError(
			400,
			'invalid_parameter',
			"'username' is required while this endpoint is in beta.",
			'username',
		);
	const folder = ctx.query.folder_id;
	const items =
		username !== ASSET_OWNER || (folder !== undefined && folder !== '')
			? []
			: [...core.assets.values()]
					.reverse()
					.filter((a) => a.status === 'processing')
					.sort((a, b) => b.created_at - a.created_at)
					.map(assetView);
	return core.paginate(ctx, items, `assets:${username}:${folder ?? ''}`, 20, 100);
}

export const assetListRoutes: Route[] = [
	{ method: 'GET', pattern: '/v3/assets', handler: listAssets },
];
