import {
	ExpressionError,
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { asNodeError } from '../shared/errors';
import { runUnits, type WorkUnit } from '../shared/items';
import { assertSupportedN8n } from '../shared/n8nVersion';
import {
	concurrencyOf,
	optionsDescription,
	prepareFile,
	readFieldNames,
	readOptions,
	type AssetsOperation,
	type AssetsOptions,
	type PreparedFile,
} from './actions/common';
import * as complete from './actions/complete.operation';
import * as directUpload from './actions/directUpload.operation';
import * as upload from './actions/upload.operation';
import * as uploadFromUrl from './actions/uploadFromUrl.operation';

/** One unit of work: a file to send, a URL to upload from, or (Complete) just the item. */
interface PreparedUnit {
	itemIndex: number;
	options: AssetsOptions;
	prepared?: PreparedFile;
	url?: string;
}

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
		assertSupportedN8n(this);
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as AssetsOperation;

		// Every setting is read per item, inside that item's error handling: an expression that
		// fails on one item fails that item only (with "Continue On Fail", the others go on).
		// Files are checked before any is sent, so a bad file never leaves good siblings half
		// uploaded; a file's bytes are only read again when it is its turn to be sent.
		const units: Array<WorkUnit<PreparedUnit | Error>> = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const fail = (error: unknown) => {
				// n8n's own expression errors keep their message and description as they are
				const itemError =
					error instanceof ExpressionError ? error : asNodeError(this, error, itemIndex);
				if (!this.continueOnFail()) throw itemError;
				units.push({ items: [itemIndex], input: itemError });
			};
			let options: AssetsOptions;
			let fields: string[] = [];
			let urls: string[] = [];
			try {
				options = readOptions(this, itemIndex);
				if (operation === 'uploadFromUrl') urls = uploadFromUrl.readUrls(this, itemIndex);
				else if (operation !== 'complete') fields = readFieldNames(this, itemIndex);
			} catch (error) {
				fail(error);
				continue;
			}
			if (operation === 'complete') {
				units.push({ items: [itemIndex], input: { itemIndex, options } });
				continue;
			}
			for (const url of urls)
				units.push({ items: [itemIndex], input: { itemIndex, options, url } });
			for (const field of fields) {
				try {
					const prepared = await prepareFile(this, itemIndex, field, operation, options);
					units.push({ items: [itemIndex], input: { itemIndex, options, prepared } });
				} catch (error) {
					fail(error);
				}
			}
		}

		const send = operation === 'directUpload' ? directUpload.execute : upload.execute;
		const output = await runUnits(this, units, concurrencyOf(this), async ({ input }) => {
			if (input instanceof Error) throw input;
			const { itemIndex, options, prepared, url } = input;
			if (url !== undefined) return await uploadFromUrl.execute.call(this, itemIndex, url, options);
			if (!prepared) return await complete.execute.call(this, itemIndex, options);
			return await send.call(this, itemIndex, prepared, options);
		});
		return [output];
	}
}
