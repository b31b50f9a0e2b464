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
		displayOptions: { show: { resource: ['avatar'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Make a photo avatar from a photo',
				action: 'Create a photo avatar',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the status of a photo avatar',
				action: 'Get a photo avatar',
			},
		],
		default: 'create',
	},
	...create.description,
	...get.description,
];
