/**
 * Drives a webhook trigger node the way n8n's server does, with n8n-core's real contexts:
 * `HookContext` for activation (checkExists → create unless it exists) and deactivation (delete),
 * `WebhookContext` for each delivery, which arrives over real HTTP on a loopback server standing
 * in for n8n's `/webhook/…` route (raw body kept as `rawBody`, as n8n's body parser does).
 *
 * What is not n8n here: the express app and the execution that n8n would start from the returned
 * items (they are collected in `started`). Starting, restarting and publishing a workflow with the
 * trigger in a real n8n is proven in e2e/trigger.mjs.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, WebhookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { credentialTypes, HarnessCredentialsHelper, nodeTypes } from './engine';

export interface TriggerHost {
	/** n8n's production webhook URL of the trigger */
	webhookUrl: string;
	workflow: Workflow;
	node: INode;
	/** items of every delivery that started the workflow, in order */
	started: INodeExecutionData[][];
	/** n8n's activation: checkExists, then create if it returned false. True if create ran. */
	activate(): Promise<boolean>;
	/** n8n's deactivation: delete */
	deactivate(): Promise<boolean>;
	/** the node's static data (what n8n saves in its database) */
	staticData(): IDataObject;
	/** n8n restarted: a new host on the same URL with the saved static data (not yet activated) */
	restart(): Promise<TriggerHost>;
	close(): Promise<void>;
}

interface HostOptions {
	node: INode;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	staticData?: IDataObject;
	/** replaces the base of the webhook URL n8n would report (to test the https rule) */
	publicBaseUrl?: string;
	/** loopback port of the stand-in n8n server (0 = any) */
	port?: number;
	/** the editor's "listen for test event": mode `manual`, the `/webhook-test/` URL */
	test?: boolean;
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export async function hostTrigger(options: HostOptions): Promise<TriggerHost> {
	const { node } = options;
	const started: INodeExecutionData[][] = [];
	const workflow = new Workflow({
		id: `trigger-${randomUUID()}`,
		name: 'Trigger harness workflow',
		nodes: [node],
		connections: {},
		nodeTypes,
		active: true,
		settings: {},
		staticData: options.staticData ?? {},
	});
	let baseUrl = '';
	const additionalData = (extra: IDataObject = {}) =>
		({
			credentialsHelper: new HarnessCredentialsHelper(options.credentials, credentialTypes),
			instanceBaseUrl: `${baseUrl}/`,
			restApiUrl: `${baseUrl}/rest`,
			webhookBaseUrl: `${options.publicBaseUrl ?? baseUrl}/webhook`,
			webhookTestBaseUrl: `${options.publicBaseUrl ?? baseUrl}/webhook-test`,
			webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
			variables: {},
			...extra,
		}) as unknown as IWorkflowExecuteAdditionalData;
	const mode: WorkflowExecuteMode = options.test ? 'manual' : 'webhook';
	const isTest = Boolean(options.test);
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const hooks = nodeType.webhookMethods!.default!;

	const server: Server = createServer((req, res) => {
		void (async () => {
			const rawBody = await readRaw(req);
			Object.assign(req, { rawBody });
			const webhookData = {
				httpMethod: 'POST',
				node: node.name,
				path: 'webhook',
				webhookDescription: nodeType.description.webhooks![0],
				workflowId: workflow.id,
				isTest,
			} as unknown as IWebhookData;
			const context = new WebhookContext(
				workflow,
				node,
				additionalData({ httpRequest: req, httpResponse: res }),
				mode,
				webhookData,
				[],
				null,
			);
			let result: IWebhookResponseData;
			try {
				result = await nodeType.webhook!.call(context);
			} catch (error) {
				// n8n answers 500 and records a failed execution: the node must never get here.
				if (!res.headersSent) res.writeHead(500).end(String((error as Error).message));
				started.push([{ json: { harness_error: String((error as Error).message) } }]);
				return;
			}
			if (!result.noWebhookResponse && !res.headersSent)
				res
					.writeHead(200, { 'content-type': 'application/json' })
					.end('{"message":"Workflow was started"}');
			if (result.workflowData) started.push(result.workflowData[0]);
		})();
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	const hookContext = () =>
		new HookContext(workflow, node, additionalData(), mode, isTest ? 'manual' : 'activate', {
			isTest,
		} as IWebhookData);
	const host: TriggerHost = {
		webhookUrl: `${options.publicBaseUrl ?? baseUrl}/${isTest ? 'webhook-test' : 'webhook'}/${node.webhookId}/webhook`,
		workflow,
		node,
		started,
		async activate() {
			if (await hooks.checkExists.call(hookContext())) return false;
			await hooks.create.call(hookContext());
			return true;
		},
		async deactivate() {
			return await hooks.delete.call(hookContext());
		},
		staticData: () => workflow.getStaticData('node', node),
		async restart() {
			await host.close();
			const saved = JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject;
			const port = Number(new URL(baseUrl).port);
			return await hostTrigger({ ...options, staticData: saved, port });
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
	return host;
}
