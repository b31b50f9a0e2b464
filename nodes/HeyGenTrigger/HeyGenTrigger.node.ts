import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { judgeDelivery, rememberEventId, type Delivery } from './delivery';
import { createEndpoint, endpointExists, removeEndpoint, staticDataOf } from './endpoint';
import { HEYGEN_EVENTS } from './events';
import { fetchResult } from './result';

/** What the node needs of n8n's request object (an express Request with n8n's rawBody). */
interface DeliveryRequest {
	headers: Delivery['headers'];
	rawBody?: Buffer;
}

export class HeyGenTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HeyGen Trigger',
		name: 'heyGenTrigger',
		icon: { light: 'file:../../icons/heygen.svg', dark: 'file:../../icons/heygen.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ ($parameter["events"] || []).length ? ($parameter["events"] || []).join(", ") : "All events" }}',
		description:
			'Starts the workflow when HeyGen finishes or fails a video, translation or avatar (signed, registered webhook)',
		defaults: { name: 'HeyGen Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'heyGenV3Api', required: true }],
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			{
				displayName:
					"Activating the workflow registers this trigger's URL with HeyGen, which only calls public https:// addresses: set n8n's WEBHOOK_URL (N8N_WEBHOOK_URL in recent n8n versions) accordingly.",
				name: 'registrationNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: HEYGEN_EVENTS,
				default: [],
				description:
					'The HeyGen events that start the workflow. Leave empty for every event. Other event types are ignored even if HeyGen sends them.',
			},
			{
				displayName: 'Fetch the Result',
				name: 'fetchResult',
				type: 'boolean',
				default: true,
				description:
					'Whether to read the video, translation or Video Agent session named in the event from the HeyGen API and add it as `result`, so the workflow acts on HeyGen’s own state rather than on the delivery’s body',
			},
		],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return await endpointExists(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await createEndpoint(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await removeEndpoint(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject() as unknown as DeliveryRequest;
		const response = this.getResponseObject();
		const data = staticDataOf(this);
		const verdict = judgeDelivery({
			headers: request.headers,
			rawBody: request.rawBody,
			secret: data.secret,
			nowSeconds: Math.floor(Date.now() / 1000),
			recentEventIds: data.recentEventIds ?? [],
			events: this.getNodeParameter('events', []) as string[],
		});
		// Answered before anything else runs: HeyGen wants a 2xx within 10 s, and a rejected
		// delivery learns only why it was rejected.
		const answer = JSON.stringify(verdict.answer);
		response.writeHead(verdict.status, {
			'content-type': 'application/json; charset=utf-8',
			'content-length': String(Buffer.byteLength(answer)),
		});
		response.end(answer);
		if (!verdict.start) return { noWebhookResponse: true };

		data.recentEventIds = rememberEventId(data.recentEventIds ?? [], verdict.event.event_id);
		const extra = (this.getNodeParameter('fetchResult', true) as boolean)
			? await fetchResult(this, verdict.event.event_data)
			: {};
		return {
			noWebhookResponse: true,
			workflowData: [this.helpers.returnJsonArray([{ ...verdict.event, ...extra }])],
		};
	}
}
