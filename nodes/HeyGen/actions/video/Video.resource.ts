import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import { operation as create } from './create.operation';
import { operation as get } from './get.operation';

export const operations: Record<string, Operation<unknown>> = { create, get };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create an avatar or image video from a script or a voice-over',
				action: 'Create a video',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status and URLs of a video, optionally the MP4',
				action: 'Get a video',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
];
