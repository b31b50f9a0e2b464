import { jobGetOperation, videoJob } from '../jobs';

export const operation = jobGetOperation({
	resource: 'video',
	kind: videoJob,
	parameter: 'videoId',
	label: 'Video ID',
	idField: 'video_id',
	placeholder: '5b3c1a2d4e6f47a8b9c0d1e2f3a4b5c6',
	description: 'The video_id output by Video → Create (the default maps it from the input item)',
	download: true,
});
