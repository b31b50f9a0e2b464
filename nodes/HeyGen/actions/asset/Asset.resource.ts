import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../common';
import { operation as deleteAsset } from './delete.operation';
import { operation as get } from './get.operation';
import { operation as getMany } from './getMany.operation';

export const operations: Record<string, Operation<unknown>> = { delete: deleteAsset, get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['asset'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an asset for good',
				action: 'Delete an asset',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get an asset by ID',
				action: 'Get an asset',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List your uploaded assets (HeyGen beta)',
				action: 'Get many assets',
			},
		],
		default: 'get',
	},
	...deleteAsset.description,
	...get.description,
	...getMany.description,
];
