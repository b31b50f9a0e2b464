import { jobGetOperation, lipsyncJob } from '../jobs';

export const operation = jobGetOperation({
	resource: 'lipsync',
	kind: lipsyncJob,
	parameter: 'lipsyncId',
	label: 'Lipsync ID',
	idField: 'lipsync_id',
	description:
		'The lipsync_id output by Lipsync → Create (the default maps it from the input item)',
	download: true,
});
