import type { INodePropertyOptions } from 'n8n-workflow';

/**
 * HeyGen's webhook event types (the enum of `POST /v3/webhooks/endpoints`), with what each one
 * means. `GET /v3/webhooks/event-types` is the authoritative list at runtime.
 */
export const HEYGEN_EVENTS: INodePropertyOptions[] = [
	{
		name: 'AI Clipping Failed',
		value: 'ai_clipping.fail',
		description: 'Clipping a long video into short ones failed',
	},
	{
		name: 'AI Clipping Ready',
		value: 'ai_clipping.success',
		description: 'The clips cut from a long video are ready',
	},
	{
		name: 'Avatar Video Captions Failed',
		value: 'avatar_video_caption.fail',
		description: 'Captions for an avatar video could not be made',
	},
	{
		name: 'Avatar Video Captions Ready',
		value: 'avatar_video_caption.success',
		description: 'The captioned version of an avatar video is ready',
	},
	{
		name: 'Avatar Video Failed',
		value: 'avatar_video.fail',
		description: 'An avatar video could not be rendered',
	},
	{
		name: 'Avatar Video GIF Failed',
		value: 'avatar_video_gif.fail',
		description: 'The GIF preview of an avatar video could not be made',
	},
	{
		name: 'Avatar Video GIF Ready',
		value: 'avatar_video_gif.success',
		description: 'The GIF preview of an avatar video is ready',
	},
	{
		name: 'Avatar Video Ready',
		value: 'avatar_video.success',
		description: 'An avatar video finished rendering',
	},
	{
		name: 'Batch Finished',
		value: 'batch.finished',
		description: 'Every job of a batch has finished',
	},
	{
		name: 'HyperFrames Video Failed',
		value: 'hyperframes_video.fail',
		description: 'A HyperFrames video could not be rendered',
	},
	{
		name: 'HyperFrames Video Ready',
		value: 'hyperframes_video.success',
		description: 'A HyperFrames video finished rendering',
	},
	{
		name: 'Instant Avatar Failed',
		value: 'instant_avatar.fail',
		description: 'Creating an instant avatar failed',
	},
	{
		name: 'Instant Avatar Ready',
		value: 'instant_avatar.success',
		description: 'An instant avatar is ready to use',
	},
	{
		name: 'Live Avatar Failed',
		value: 'live_avatar.fail',
		description: 'Creating a live (interactive) avatar failed',
	},
	{
		name: 'Live Avatar Ready',
		value: 'live_avatar.success',
		description: 'A live (interactive) avatar is ready to use',
	},
	{
		name: 'Personalized Video',
		value: 'personalized_video',
		description: 'A personalized video of a campaign was made',
	},
	{
		name: 'Photo Avatar Failed',
		value: 'photo_avatar_generation.fail',
		description: 'Generating photo avatar looks failed',
	},
	{
		name: 'Photo Avatar Motion Added',
		value: 'photo_avatar_add_motion.success',
		description: 'Motion was added to a photo avatar',
	},
	{
		name: 'Photo Avatar Motion Failed',
		value: 'photo_avatar_add_motion.fail',
		description: 'Adding motion to a photo avatar failed',
	},
	{
		name: 'Photo Avatar Ready',
		value: 'photo_avatar_generation.success',
		description: 'Photo avatar looks were generated',
	},
	{
		name: 'Photo Avatar Trained',
		value: 'photo_avatar_train.success',
		description: 'A photo avatar finished training',
	},
	{
		name: 'Photo Avatar Training Failed',
		value: 'photo_avatar_train.fail',
		description: 'Training a photo avatar failed',
	},
	{
		name: 'Proofread Failed',
		value: 'proofread_creation.fail',
		description: 'Preparing a translation proofread failed',
	},
	{
		name: 'Proofread Ready',
		value: 'proofread_creation.success',
		description: 'A translation proofread is ready for review',
	},
	{
		name: 'Video Agent Failed',
		value: 'video_agent.fail',
		description: 'A Video Agent session ended without a video',
	},
	{
		name: 'Video Agent Video Ready',
		value: 'video_agent.success',
		description: 'A Video Agent session finished its video',
	},
	{
		name: 'Video Translation Failed',
		value: 'video_translate.fail',
		description: 'A video translation failed',
	},
	{
		name: 'Video Translation Preflight: Download Failed',
		value: 'video_translate.preflight.download_failed',
		description: 'HeyGen could not download the video to translate',
	},
	{
		name: 'Video Translation Preflight: Validation Failed',
		value: 'video_translate.preflight.validation_failed',
		description: 'The video to translate did not pass the checks before translation',
	},
	{
		name: 'Video Translation Ready',
		value: 'video_translate.success',
		description: 'A translated video is ready',
	},
];
