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
		displayOptions: { show: { resource: ['lipsync'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Sync the lips of a video to a new voice-over',
				action: 'Create a lipsync',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status and URLs of a lipsync',
				action: 'Get a lipsync',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
];
