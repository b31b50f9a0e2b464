import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { parseFieldNames } from '../shared/binary';
import { inputError } from '../shared/errors';
import { DEFAULT_CONCURRENCY, runUnits, type WorkUnit } from '../shared/items';
import { optionsDescription, type AssetsOperation, type AssetsOptions } from './actions/common';
import * as complete from './actions/complete.operation';
import * as directUpload from './actions/directUpload.operation';
import * as upload from './actions/upload.operation';

export class HeyGenAssets implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen Assets',
		name: 'heyGenAssets',
		icon: { light: 'file:../../icons/heygen.svg', dark: 'file:../../icons/heygen.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ { upload: "Upload", directUpload: "Direct Upload", complete: "Complete" }[$parameter["operation"]] }}',
		description: 'Upload files of any size to HeyGen as assets for video generation',
		defaults: { name: 'HeyGen Assets' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heyGenV3Api', required: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Complete',
						value: 'complete',
						description: 'Finalize a direct upload so the asset can be used',
						action: 'Complete a direct upload',
					},
					{
						name: 'Direct Upload',
						value: 'directUpload',
						description:
							'Stream a file of any size (up to HeyGen\'s limit) straight to HeyGen\'s storage, then complete it',
						action: 'Direct upload a file',
					},
					{
						name: 'Upload',
						value: 'upload',
						description: 'Upload a file of up to 32 MB in one request (larger files switch to Direct Upload)',
						action: 'Upload a file',
					},
				],
				default: 'upload',
			},
			...upload.description,
			...directUpload.description,
			...complete.description,
			optionsDescription,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as AssetsOperation;
		const options = this.getNodeParameter('options', 0, {}) as AssetsOptions;

		// One unit of work per file (upload, directUpload) or per item (complete).
		const units: Array<WorkUnit<{ itemIndex: number; field?: string }>> = [];
		const invalid: Array<WorkUnit<{ itemIndex: number; field?: string }>> = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			if (operation === 'complete') {
				units.push({ items: [itemIndex], input: { itemIndex } });
				continue;
			}
			const fields = parseFieldNames(this.getNodeParameter('binaryPropertyName', itemIndex));
			if (fields.length === 0) {
				// Reported from inside the run so that "Continue On Fail" turns it into an error item.
				const unit = { items: [itemIndex], input: { itemIndex } };
				units.push(unit);
				invalid.push(unit);
				continue;
			}
			for (const field of fields) units.push({ items: [itemIndex], input: { itemIndex, field } });
		}

		const output = await runUnits(
			this,
			units,
			options.concurrency ?? DEFAULT_CONCURRENCY,
			async (unit) => {
				const { itemIndex, field } = unit.input;
				if (invalid.includes(unit) || field === undefined) {
					if (operation === 'complete') return await complete.execute.call(this, itemIndex, options);
					throw inputError(
						this,
						`Item ${itemIndex}: "Input Data Field Name" is empty`,
						'Enter the name of the binary field holding the file, usually "data".',
						itemIndex,
					);
				}
				const run = operation === 'directUpload' ? directUpload.execute : upload.execute;
				return await run.call(this, itemIndex, field, options);
			},
		);
		return [output];
	}
}
