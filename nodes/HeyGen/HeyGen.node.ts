import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { searchAvatarLooks, searchVoices } from '../shared/listSearch';
import { RESUME_WEBHOOK_METHODS, RESUME_WEBHOOKS } from '../shared/callbackWait';
import { assertSupportedN8n } from '../shared/n8nVersion';
import * as asset from './actions/asset/Asset.resource';
import * as avatar from './actions/avatar/Avatar.resource';
import * as lipsync from './actions/lipsync/Lipsync.resource';
import { resume, router } from './actions/router';
import * as video from './actions/video/Video.resource';
import * as videoTranslation from './actions/videoTranslation/VideoTranslation.resource';
import { getTranslationLanguages } from './methods/loadOptions';

export class HeyGen implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen',
		name: 'heyGen',
		icon: { light: 'file:../../icons/heygen.svg', dark: 'file:../../icons/heygen.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Make avatar and image videos, translate videos, lipsync them to a voice-over, create photo avatars and manage assets with HeyGen. Inputs are HeyGen asset IDs or public URLs. As a tool, a create answers at once with its job ID (video_id, video_translation_id, lipsync_id or avatar_id); call the matching Get operation with that ID later for the status and the video URL.',
		defaults: { name: 'HeyGen' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heyGenV3Api', required: true }],
		// The URL that resumes an execution waiting for HeyGen's callback ("Wait Method: Callback").
		webhooks: RESUME_WEBHOOKS,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Asset', value: 'asset' },
					{ name: 'Avatar', value: 'avatar' },
					{ name: 'Lipsync', value: 'lipsync' },
					{ name: 'Video', value: 'video' },
					{ name: 'Video Translation', value: 'videoTranslation' },
				],
				default: 'video',
			},
			...video.description,
			...videoTranslation.description,
			...lipsync.description,
			...avatar.description,
			...asset.description,
		],
	};

	methods = {
		listSearch: { searchAvatarLooks, searchVoices },
		loadOptions: { getTranslationLanguages },
	};

	// n8n never calls these for a resume (restartWebhook) URL: nothing is registered anywhere.
	// They exist because the community lint asks every node with webhooks for the full lifecycle.
	webhookMethods = RESUME_WEBHOOK_METHODS;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resume.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		assertSupportedN8n(this);
		return await router.call(this);
	}
}
