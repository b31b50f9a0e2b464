import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { searchAvatarLooks, searchVoices } from '../shared/listSearch';
import * as asset from './actions/asset/Asset.resource';
import * as avatar from './actions/avatar/Avatar.resource';
import * as lipsync from './actions/lipsync/Lipsync.resource';
import { router } from './actions/router';
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
			'Make avatar and image videos, translate videos, lipsync them to a voice-over, create photo avatars and manage assets with HeyGen',
		defaults: { name: 'HeyGen' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heyGenV3Api', required: true }],
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

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
