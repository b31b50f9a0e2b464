/**
 * Runs workflows inside the real n8n-core execution engine (WorkflowExecute) with the real binary
 * data service, so every test exercises parameter resolution, credential authentication, binary
 * storage and n8n's HTTP helpers exactly as a real n8n instance would.
 *
 *   const result = await runWorkflow({ nodes: [source({ ... }), assetsNode], binaryMode: 'filesystem' });
 *   result.output('HeyGen Assets')   // items of the node's first output
 */
import { scratchRoot, removeScratch } from './env';

import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	ExecutionLifecycleHooks,
	WorkflowExecute,
} from 'n8n-core';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	type IBinaryData,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type IConnections,
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type INodeTypes,
	type IRun,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type Workflow as WorkflowType,
} from 'n8n-workflow';

import { DatabaseLikeBinaryManager } from './database-like-binary-manager';

export { scratchRoot, removeScratch };

/** `database` is emulated in-process: one-chunk streams, no file paths, like n8n's database mode. */
export type BinaryMode = 'filesystem' | 'database' | 'default';

export type FileInput = NewFile | { stored: IBinaryData };

interface NewFile {
	fileName: string;
	mimeType: string;
	/** a file on disk (streamed into n8n's binary storage) */
	path?: string;
	/** or the bytes themselves */
	content?: Buffer;
}

export interface SourceItem {
	json?: IDataObject;
	binary?: Record<string, FileInput>;
}

/** Every node type the harness knows: the pack's nodes plus the test source node. */
const registeredNodeTypes = new Map<string, INodeType | IVersionedNodeType>();

export function registerNodeType(name: string, type: INodeType | IVersionedNodeType): void {
	registeredNodeTypes.set(name, type);
}

const nodeTypes: INodeTypes = {
	getByName: (name) => lookupNodeType(name),
	getByNameAndVersion: (name, version) =>
		NodeHelpers.getVersionedNodeType(lookupNodeType(name), version),
	getKnownTypes: () => ({}),
};

function lookupNodeType(name: string): INodeType | IVersionedNodeType {
	const type = registeredNodeTypes.get(name);
	if (!type)
		throw new Error(`Harness: unknown node type ${name}; register it with registerNodeType()`);
	return type;
}

/** A trigger-less start node that emits the given items, storing their files as n8n binary data. */
export const SOURCE_TYPE = 'harness.source';
class SourceNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Source',
		name: SOURCE_TYPE,
		group: ['input'],
		version: 1,
		description: 'Emits test items',
		defaults: { name: 'Source' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = sourceItems.get(this.getNodeParameter('items', 0) as string) ?? [];
		const out: INodeExecutionData[] = [];
		for (const item of items) {
			const binary: Record<string, IBinaryData> = {};
			for (const [field, file] of Object.entries(item.binary ?? {})) {
				if ('stored' in file) {
					binary[field] = file.stored;
					continue;
				}
				const data: Buffer | Readable = file.path ? createReadStream(file.path) : file.content!;
				binary[field] = await this.helpers.prepareBinaryData(data, file.fileName, file.mimeType);
			}
			out.push({ json: item.json ?? {}, ...(item.binary ? { binary } : {}) });
		}
		return [out];
	}
}
registerNodeType(SOURCE_TYPE, new SourceNode());

// Items are kept here rather than in the node parameter so that Buffers survive unchanged.
const sourceItems = new Map<string, SourceItem[]>();

/** The source node for a workflow: `source([{ json: {...}, binary: { data: {...} } }])`. */
export function source(items: SourceItem[], name = 'Source'): INode {
	const key = randomUUID();
	sourceItems.set(key, items);
	return node(name, SOURCE_TYPE, { items: key });
}

/** Shorthand for a workflow node; the position is irrelevant to execution. */
export function node(
	name: string,
	type: string,
	parameters: INode['parameters'],
	extra: Partial<INode> = {},
): INode {
	return { id: randomUUID(), name, type, typeVersion: 1, position: [0, 0], parameters, ...extra };
}

/** Connects the nodes one after another through their first main output. */
export function chain(...names: string[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = {
			main: [[{ node: names[i + 1], type: NodeConnectionTypes.Main, index: 0 }]],
		};
	}
	return connections;
}

/**
 * Credentials by type. Authentication mirrors n8n's CredentialsHelper for `generic` credentials:
 * every header/qs/body value is an expression resolved against `$credentials`.
 */
class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
		private readonly types: Record<
			string,
			{ authenticate?: unknown; properties: INodeProperties[] }
		>,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: WorkflowType,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const auth = this.types[typeName]?.authenticate as
			{ type: 'generic'; properties: Record<string, Record<string, string>> } | undefined;
		if (!auth || auth.type !== 'generic') return requestOptions;
		const resolve = (value: string) =>
			workflow.expression.getSimpleParameterValue(
				node,
				value,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			) as string;
		const out = { ...requestOptions } as IHttpRequestOptions & Record<string, unknown>;
		for (const [target, values] of Object.entries(auth.properties)) {
			const merged = { ...((out[target] as IDataObject | undefined) ?? {}) };
			for (const [key, value] of Object.entries(values)) merged[key] = resolve(value);
			out[target] = merged;
		}
		return out;
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(_details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
		throw new Error(`Harness: getCredentials(${type}) is not supported`);
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.data[type];
		if (!data) throw new Error(`Harness: no credential of type ${type} was given to runWorkflow()`);
		// n8n fills unset fields with their defaults before handing credentials to a node.
		const defaults = Object.fromEntries(
			(this.types[type]?.properties ?? []).map((p) => [p.name, p.default]),
		) as ICredentialDataDecryptedObject;
		return { ...defaults, ...data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types[type]?.properties ?? [];
	}
}

const credentialTypes: Record<string, { authenticate?: unknown; properties: INodeProperties[] }> =
	{};

export function registerCredentialType(type: {
	name: string;
	authenticate?: unknown;
	properties: INodeProperties[];
}): void {
	credentialTypes[type.name] = type;
}

let currentBinaryMode: BinaryMode | undefined;
const databaseLikeManager = new DatabaseLikeBinaryManager();

/** Switches n8n's binary data service to the given mode (idempotent). */
export async function useBinaryMode(mode: BinaryMode): Promise<void> {
	if (currentBinaryMode === mode) return;
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	config.availableModes = ['filesystem', 'database', 'default'] as typeof config.availableModes;
	config.localStoragePath = process.env.N8N_BINARY_DATA_STORAGE_PATH!;
	const service = Container.get(BinaryDataService);
	service.setManager('database', databaseLikeManager);
	await service.init();
	currentBinaryMode = mode;
}

/** The bytes of a binary produced by a node, in any mode. */
export async function readBinary(binary: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

export interface WorkflowOptions {
	nodes: INode[];
	/** defaults to the nodes connected in order */
	connections?: IConnections;
	binaryMode?: BinaryMode;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
}

export interface WorkflowResult {
	run: IRun;
	/** items of the given node's output (first run); [] if the node did not run */
	output(nodeName: string, outputIndex?: number): INodeExecutionData[];
	/** the error the workflow stopped with, if any */
	error: IRun['data']['resultData']['error'];
	/** what ran it, e.g. to answer a waiting node's webhook (harness/waiting.ts) */
	workflow: WorkflowType;
	additionalData: IWorkflowExecuteAdditionalData;
}

export interface RunningWorkflow {
	result: Promise<WorkflowResult>;
	/** cancels the execution the way n8n's "Stop" button does */
	cancel(): void;
}

export function startWorkflow(options: WorkflowOptions): RunningWorkflow {
	let cancel = () => {};
	const result = (async () => {
		await useBinaryMode(options.binaryMode ?? 'filesystem');
		const executionId = randomUUID();
		const connections = options.connections ?? chain(...options.nodes.map((n) => n.name));
		const workflowData: IWorkflowBase = {
			id: 'harness-workflow',
			name: 'Harness workflow',
			active: false,
			isArchived: false,
			nodes: options.nodes,
			connections,
			settings: {},
			createdAt: new Date(),
			updatedAt: new Date(),
			activeVersionId: null,
		};
		const workflow = new Workflow({
			id: workflowData.id,
			name: workflowData.name,
			nodes: options.nodes,
			connections,
			nodeTypes,
			active: false,
			settings: {},
		});
		const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
		const url = 'http://127.0.0.1:5678/';
		const additionalData = {
			executionId,
			credentialsHelper: new HarnessCredentialsHelper(options.credentials ?? {}, credentialTypes),
			hooks,
			restApiUrl: `${url}rest`,
			instanceBaseUrl: url,
			formBaseUrl: `${url}form`,
			formWaitingBaseUrl: `${url}form-waiting`,
			formTestBaseUrl: `${url}form-test`,
			webhookBaseUrl: `${url}webhook`,
			webhookWaitingBaseUrl: `${url}webhook-waiting`,
			webhookTestBaseUrl: `${url}webhook-test`,
			mcpBaseUrl: `${url}mcp`,
			mcpTestBaseUrl: `${url}mcp-test`,
			variables: {},
			currentNodeExecutionIndex: 0,
			executeWorkflow: async () => {
				throw new Error('Harness: sub-workflows are not supported');
			},
			getRunExecutionData: async () => undefined,
			getRuntimeCredential: async () => undefined,
			logAiEvent: () => {},
			startRunnerTask: async () => {
				throw new Error('Harness: the Code node runner is not available');
			},
		} as unknown as IWorkflowExecuteAdditionalData;

		const startNode = options.nodes[0];
		const runData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{
						node: startNode,
						data: { main: [[{ json: {} }]] },
						source: null,
					},
				],
			},
		});
		const execution = new WorkflowExecute(
			additionalData,
			'manual',
			runData,
		).processRunExecutionData(workflow);
		cancel = () => execution.cancel();
		const run = await execution;
		return {
			run,
			workflow,
			additionalData,
			error: run.data.resultData.error,
			output(nodeName: string, outputIndex = 0) {
				const runs = run.data.resultData.runData[nodeName];
				return runs?.[0]?.data?.main?.[outputIndex] ?? [];
			},
		};
	})();
	return { result, cancel: () => cancel() };
}

export async function runWorkflow(options: WorkflowOptions): Promise<WorkflowResult> {
	return await startWorkflow(options).result;
}
