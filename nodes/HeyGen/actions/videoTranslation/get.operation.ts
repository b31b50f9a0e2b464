import { jobGetOperation, translationJob } from '../jobs';

export const operation = jobGetOperation({
	resource: 'videoTranslation',
	kind: translationJob,
	parameter: 'videoTranslationId',
	label: 'Video Translation ID',
	idField: 'video_translation_id',
	description:
		'The video_translation_id output by Video Translation → Create, one per language (the default maps it from the input item)',
	download: true,
});
