import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { parseFieldNames } from '../shared/binary';
import { asNodeError, inputError } from '../shared/errors';
import { runUnits, type WorkUnit } from '../shared/items';
import {
	optionsDescription,
	prepareFile,
	type AssetsOperation,
	type AssetsOptions,
	type PreparedFile,
	UPLOAD_CONCURRENCY,
} from './actions/common';
import * as complete from './actions/complete.operation';
import * as directUpload from './actions/directUpload.operation';
import * as upload from './actions/upload.operation';
import * as uploadFromUrl from './actions/uploadFromUrl.operation';

export class HeyGenAssets implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen Assets',
		name: 'heyGenAssets',
		icon: { light: 'file:../../icons/heygen.svg', dark: 'file:../../icons/heygen.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{ { upload: "Upload", directUpload: "Direct Upload", complete: "Complete", uploadFromUrl: "Upload From URL" }[$parameter["operation"]] }}',
		// Also the tool description an AI agent reads.
		description:
			'Upload files of any size to HeyGen (binary data, or a public URL) and return each asset_id, for use in HeyGen videos',
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
				// An AI agent cannot pass binaries: its tool variant gets the operation list below.
				displayOptions: { hide: { '@tool': [true] } },
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
							"Stream a file of any size (up to HeyGen's limit) straight to HeyGen's storage, then complete it",
						action: 'Direct upload a file',
					},
					{
						name: 'Upload',
						value: 'upload',
						description:
							'Upload a file of up to 32 MB in one request (larger files switch to Direct Upload)',
						action: 'Upload a file',
					},
					{
						name: 'Upload From URL',
						value: 'uploadFromUrl',
						description:
							'Stream a file from a public http(s) URL straight to HeyGen, of any size, without storing it in n8n',
						action: 'Upload a file from a URL',
					},
				],
				default: 'upload',
			},
			uploadFromUrl.toolOperationDescription,
			...upload.description,
			...directUpload.description,
			...complete.description,
			...uploadFromUrl.description,
			optionsDescription,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as AssetsOperation;
		const options = this.getNodeParameter('options', 0, {}) as AssetsOptions;
		const concurrency = options.concurrency ?? UPLOAD_CONCURRENCY;

		if (operation === 'uploadFromUrl') {
			return [await uploadFromUrl.execute.call(this, options, concurrency)];
		}

		if (operation === 'complete') {
			const units = items.map((_, itemIndex) => ({ items: [itemIndex], input: itemIndex }));
			const output = await runUnits(
				this,
				units,
				concurrency,
				async ({ input }) => await complete.execute.call(this, input, options),
			);
			return [output];
		}

		// One unit of work per file. Every file is opened and checked before any is sent: a bad
		// file stops the node before its good siblings are uploaded, or with "Continue On Fail"
		// becomes its own error item in place.
		const units: Array<WorkUnit<PreparedFile | Error>> = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const fields = parseFieldNames(this.getNodeParameter('binaryPropertyName', itemIndex));
			if (fields.length === 0) {
				const error = inputError(
					this,
					`Item ${itemIndex}: "Input Data Field Name" is empty`,
					'Enter the name of the binary field holding the file, usually "data".',
					itemIndex,
				);
				if (!this.continueOnFail()) throw error;
				units.push({ items: [itemIndex], input: error });
				continue;
			}
			for (const field of fields) {
				let prepared: PreparedFile | Error;
				try {
					prepared = await prepareFile(this, itemIndex, field, operation, options);
				} catch (error) {
					prepared = asNodeError(this, error, itemIndex);
					if (!this.continueOnFail()) throw prepared;
				}
				units.push({ items: [itemIndex], input: prepared });
			}
		}

		const send = operation === 'directUpload' ? directUpload.execute : upload.execute;
		const output = await runUnits(
			this,
			units,
			concurrency,
			async ({ items: [itemIndex], input }) => {
				if (input instanceof Error) throw input;
				return await send.call(this, itemIndex, input, options);
			},
		);
		return [output];
	}
}
