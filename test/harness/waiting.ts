/**
 * Answers the webhook of a node that put its execution to wait (`putExecutionToWait`), the way
 * n8n's WaitingWebhooks does after checking the resume token: a real n8n-core WebhookContext over
 * the saved run data, then the node's `webhook()`. The real-n8n proof is in e2e/lib/callback-wait.mjs.
 */
import { WebhookContext } from 'n8n-core';
import type { IDataObject, INodeType, IWebhookData, IWebhookResponseData } from 'n8n-workflow';

import type { WorkflowResult } from './engine';

export async function answerWaitingWebhook(
	result: WorkflowResult,
	nodeName: string,
	body: IDataObject = {},
): Promise<IWebhookResponseData> {
	const node = result.workflow.getNode(nodeName);
	if (!node) throw new Error(`Harness: no node ${nodeName}`);
	const nodeType = result.workflow.nodeTypes.getByNameAndVersion(
		node.type,
		node.typeVersion,
	) as INodeType;
	const description = nodeType.description.webhooks?.[0];
	if (!description || !nodeType.webhook) throw new Error(`Harness: ${nodeName} has no webhook`);
	const request = { body, headers: {}, query: {}, params: {} };
	const additionalData = { ...result.additionalData, httpRequest: request };
	const webhookData = {
		httpMethod: 'POST',
		node: nodeName,
		path: '',
		webhookDescription: description,
		workflowId: result.workflow.id,
	} as unknown as IWebhookData;
	const context = new WebhookContext(
		result.workflow,
		node,
		additionalData as never,
		'webhook',
		webhookData,
		[],
		result.run.data,
	);
	return await nodeType.webhook.call(context);
}
