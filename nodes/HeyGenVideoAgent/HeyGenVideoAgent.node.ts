import {
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { asNodeError } from '../shared/errors';
import { runUnits, type OutputItem, type WorkUnit } from '../shared/items';
import { RESUME_WEBHOOK_METHODS, RESUME_WEBHOOKS } from '../shared/callbackWait';
import { assertSupportedN8n } from '../shared/n8nVersion';
import {
	concurrencyOf,
	readId,
	readOptions,
	type VideoAgentOperation,
	type VideoAgentOptions,
} from './actions/common';
import * as create from './actions/create.operation';
import * as get from './actions/get.operation';
import * as getVideo from './actions/getVideo.operation';
import { optionsDescription } from './actions/options';
import * as sendMessage from './actions/sendMessage.operation';
import * as stop from './actions/stop.operation';
import {
	searchAvatarLooks,
	searchBrandKits,
	searchStyles,
	searchVoices,
} from '../shared/listSearch';

const OPERATIONS: VideoAgentOperation[] = ['create', 'get', 'getVideo', 'sendMessage', 'stop'];

interface ItemWork {
	itemIndex: number;
	options: VideoAgentOptions;
	message?: sendMessage.MessagePlan;
}

export class HeyGenVideoAgent implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen Video Agent',
		name: 'heyGenVideoAgent',
		icon: { light: 'file:../../icons/heygen.svg', dark: 'file:../../icons/heygen.dark.svg' },
		group: ['transform'],
		// 2: Create outputs a video not finished within Max Wait (with its ids) instead of failing
		// the item; version 1 keeps failing it unless "When Max Wait Is Reached" says otherwise.
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{ { create: "Create Video", get: "Get Session", getVideo: "Get Video", sendMessage: "Send Message", stop: "Stop Session" }[$parameter["operation"]] }}',
		// Also the tool description an AI agent reads.
		description:
			"Turn a prompt and uploaded files (asset IDs) into a video with HeyGen's Video Agent; returns the session_id and video_id to check the video later",
		defaults: { name: 'HeyGen Video Agent' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heyGenV3Api', required: true }],
		// The URL that resumes an execution waiting for HeyGen's callback ("Wait Method: Callback").
		webhooks: RESUME_WEBHOOKS,
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Create Video',
						value: 'create',
						description:
							'Start a Video Agent session from a prompt and files, and wait for the video',
						action: 'Create a video',
					},
					{
						name: 'Get Session',
						value: 'get',
						description: 'Get the status, progress and messages of a Video Agent session',
						action: 'Get a session',
					},
					{
						name: 'Get Video',
						value: 'getVideo',
						description: 'Get the status and download URLs of a video, optionally the video file',
						action: 'Get a video',
					},
					{
						name: 'Send Message',
						value: 'sendMessage',
						description: 'Reply to a chat-mode session or ask for a revision',
						action: 'Send a message to a session',
					},
					{
						name: 'Stop Session',
						value: 'stop',
						description: 'Stop a running session at its next checkpoint',
						action: 'Stop a session',
					},
				],
				default: 'create',
			},
			...create.description,
			...get.description,
			...getVideo.description,
			...sendMessage.description,
			...stop.description,
			optionsDescription,
		],
	};

	methods = {
		listSearch: { searchAvatarLooks, searchBrandKits, searchStyles, searchVoices },
	};

	// n8n never calls these for a resume (restartWebhook) URL: nothing is registered anywhere.
	// They exist because the community lint asks every node with webhooks for the full lifecycle.
	webhookMethods = RESUME_WEBHOOK_METHODS;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await create.resume.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		assertSupportedN8n(this);
		const operation = this.getNodeParameter('operation', 0) as VideoAgentOperation;
		if (operation === 'create') return [await create.execute.call(this)];
		if (!OPERATIONS.includes(operation)) {
			throw new NodeOperationError(this.getNode(), `Unknown operation "${String(operation)}"`, {
				description: `Choose one of: ${OPERATIONS.join(', ')}.`,
				itemIndex: 0,
			});
		}

		// One unit per item. Inputs are checked for every item first, so bad input fails before any
		// request (or, with "Continue On Fail", becomes that item's error while the others go on).
		const units: Array<WorkUnit<ItemWork | Error>> = [];
		const count = this.getInputData().length;
		for (let itemIndex = 0; itemIndex < count; itemIndex++) {
			try {
				const options = readOptions(this, itemIndex);
				const work: ItemWork = { itemIndex, options };
				if (operation === 'sendMessage')
					work.message = await sendMessage.plan.call(this, itemIndex, options);
				else readId(this, itemIndex, operation === 'getVideo' ? 'videoId' : 'sessionId');
				units.push({ items: [itemIndex], input: work });
			} catch (error) {
				const nodeError = asNodeError(this, error, itemIndex);
				if (!this.continueOnFail()) throw nodeError;
				units.push({ items: [itemIndex], input: nodeError });
			}
		}

		const output = await runUnits(
			this,
			units,
			concurrencyOf(count > 0 ? readOptions(this, 0) : {}),
			async (unit): Promise<OutputItem[]> => {
				if (unit.input instanceof Error) throw unit.input;
				const { itemIndex, options, message } = unit.input;
				if (operation === 'get') return await get.execute.call(this, itemIndex, options);
				if (operation === 'getVideo') return await getVideo.execute.call(this, itemIndex, options);
				if (operation === 'stop') return await stop.execute.call(this, itemIndex, options);
				return await sendMessage.execute.call(this, itemIndex, options, message!);
			},
		);
		return [output];
	}
}
