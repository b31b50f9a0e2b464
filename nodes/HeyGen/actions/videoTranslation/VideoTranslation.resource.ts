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
		displayOptions: { show: { resource: ['videoTranslation'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Translate a video into one or more languages',
				action: 'Translate a video',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status and URLs of one translation',
				action: 'Get a video translation',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
];
