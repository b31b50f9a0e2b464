/**
 * Photo avatars (heygen-api-generation.md §A.3): `POST /v3/avatars` with `type: photo`, read back
 * with `GET /v3/avatars/{group_id}` or `GET /v3/avatars/looks/{look_id}`. Status words:
 * processing → completed, or `pending_consent` (name contains `#consent`; it stays there) or
 * failed (`#fail`). No callback: HeyGen documents none for avatars. `Idempotency-Key` honoured.
 */
import { rejectUnknownKeys } from './assets';
import { ApiError, type Core, type Ctx, hexId, nowSeconds, type Result, type Route } from './core';
import { bad, checkAssetInput, failHook, optionalString } from './generation';

type AvatarStatus = 'processing' | 'pending_consent' | 'failed' | 'completed';

interface AvatarRecord {
	group_id: string;
	look_id: string;
	name: string;
	status: AvatarStatus;
	created_at: number;
	error: { code: string; message: string } | null;
	request: Record<string, unknown>;
}

/** Per sandbox: avatars by group id and by look id (kept across reset(); their ids are random). */
const groups = new WeakMap<Core, Map<string, AvatarRecord>>();
const looks = new WeakMap<Core, Map<string, AvatarRecord>>();

/** The status of a look made here, undefined when the sandbox did not make it. */
export function lookStatus(core: Core, lookId: string): AvatarStatus | undefined {
	return looks.get(core)?.get(lookId)?.status;
}

function groupView(core: Core, a: AvatarRecord) {
	return {
		id: a.group_id,
		name: a.name,
		created_at: a.created_at,
		looks_count: 1,
		status: a.status,
		consent_status: a.status === 'pending_consent' ? 'pending' : 'approved',
		error: a.error,
		preview_image_url: `${core.storageUrl}/catalog/look_${a.look_id}.jpg`,
		default_voice_id: null,
	};
}

function lookView(core: Core, a: AvatarRecord) {
	return {
		id: a.look_id,
		name: a.name,
		avatar_type: 'photo_avatar',
		group_id: a.group_id,
		status: a.status,
		supported_api_engines: ['avatar_iv', 'avatar_iii'],
		preferred_orientation: 'portrait',
		image_width: 720,
		image_height: 1280,
		preview_image_url: `${core.storageUrl}/catalog/look_${a.look_id}.jpg`,
		error: a.error,
	};
}

async function createAvatar(core: Core, ctx: Ctx): Promise<Result> {
	return core.withIdempotency(ctx, 'POST /v3/avatars', async () => {
		const body = await core.readJsonObject(ctx);
		if (body.type === 'digital_twin' || body.type === 'prompt')
			throw bad('type', `The sandbox implements 'type' photo only, not ${body.type}.`);
		if (body.type !== 'photo')
			throw bad('type', "'type' must be one of: photo, digital_twin, prompt.");
		rejectUnknownKeys(body, ['type', 'name', 'file', 'avatar_group_id']);
		const name = optionalString(body, 'name');
		if (name === undefined) throw bad('name', "'name' is required.");
		const hookText = checkAssetInput(core, body.file, 'file', 'image', true) ?? '';
		const groupId = optionalString(body, 'avatar_group_id');
		if (groupId !== undefined && !groups.get(core)?.has(groupId))
			throw new ApiError(
				404,
				'not_found',
				`Avatar group '${groupId}' not found.`,
				'avatar_group_id',
			);
		const record: AvatarRecord = {
			group_id: groupId ?? `group_${hexId(12)}`,
			look_id: hexId(16),
			name,
			status: 'processing',
			created_at: nowSeconds(),
			error: null,
			request: body,
		};
		if (!groups.has(core)) groups.set(core, new Map());
		if (!looks.has(core)) looks.set(core, new Map());
		if (groupId === undefined) groups.get(core)!.set(record.group_id, record);
		looks.get(core)!.set(record.look_id, record);
		const { videoPendingMs, videoProcessingMs } = core.opts.clock;
		core.schedule(videoPendingMs + videoProcessingMs, () => {
			if (failHook(name, hookText)) {
				record.status = 'failed';
				record.error = {
					code: 'avatar_creation_failed',
					message: 'No face found in the photo (sandbox #fail hook).',
				};
			} else {
				record.status = name.includes('#consent') ? 'pending_consent' : 'completed';
			}
		});
		return {
			status: 200,
			body: {
				data: { avatar_group: groupView(core, record), avatar_item: lookView(core, record) },
			},
		};
	});
}

function getGroup(core: Core, ctx: Ctx): Result {
	const a = groups.get(core)?.get(ctx.params.id);
	if (!a) throw new ApiError(404, 'not_found', 'Avatar group not found.', 'group_id');
	return { status: 200, body: { data: groupView(core, a) } };
}

function getLook(core: Core, ctx: Ctx): Result {
	const a = looks.get(core)?.get(ctx.params.id);
	if (!a) throw new ApiError(404, 'not_found', 'Avatar look not found.', 'look_id');
	return { status: 200, body: { data: lookView(core, a) } };
}

/** Registered after the agent routes, so `GET /v3/avatars/looks` (the catalogue) wins over `:id`. */
export const avatarRoutes: Route[] = [
	{ method: 'POST', pattern: '/v3/avatars', handler: createAvatar },
	{ method: 'GET', pattern: '/v3/avatars/looks/:id', handler: getLook },
	{ method: 'GET', pattern: '/v3/avatars/:id', handler: getGroup },
];
