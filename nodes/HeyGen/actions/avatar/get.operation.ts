import { avatarJob, jobGetOperation } from '../jobs';

/** Its status; `pending_consent` comes with `next_step`: what the user must do. */
export const operation = jobGetOperation({
	resource: 'avatar',
	kind: avatarJob,
	parameter: 'avatarLookId',
	label: 'Avatar ID',
	idField: 'avatar_id',
	description:
		'The avatar look ID (avatar_id) output by Avatar → Create: the ID Video → Create takes',
	download: false,
});
