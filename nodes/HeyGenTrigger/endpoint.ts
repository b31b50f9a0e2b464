/**
 * The registered endpoint's lifecycle (n8n's `webhookMethods.default`): find it, create it, delete
 * it. The endpoint id and its secret live in the node's static data: HeyGen returns the secret only
 * when the endpoint is created, so an endpoint whose secret we lost is replaced, not reused.
 */
import type { IDataObject, IHookFunctions } from 'n8n-workflow';

import { inputError } from '../shared/errors';
import { dataOf, getBaseUrl, heyGenApiRequest, LOOPBACK_HOST } from '../shared/transport';

const ENDPOINTS = '/v3/webhooks/endpoints';
/** Pages of the endpoint list read at most (100 endpoints each). */
const MAX_LIST_PAGES = 20;

export interface TriggerStaticData extends IDataObject {
	endpointId?: string;
	secret?: string;
	recentEventIds?: string[];
}

interface Endpoint {
	endpoint_id: string;
	url: string;
	events: string[] | null;
}

export function staticDataOf(context: Pick<IHookFunctions, 'getWorkflowStaticData'>) {
	return context.getWorkflowStaticData('node') as TriggerStaticData;
}

export function selectedEvents(context: IHookFunctions): string[] {
	return (context.getNodeParameter('events', []) as string[]).filter(Boolean);
}

function webhookUrl(context: IHookFunctions): string {
	return context.getNodeWebhookUrl('default') as string;
}

async function listEndpoints(context: IHookFunctions): Promise<Endpoint[]> {
	const all: Endpoint[] = [];
	let token: string | undefined;
	for (let page = 0; page < MAX_LIST_PAGES; page++) {
		const response = await heyGenApiRequest.call(context, {
			method: 'GET',
			path: ENDPOINTS,
			qs: { limit: 100, ...(token ? { token } : {}) },
			retry: 'safe',
			what: 'Listing HeyGen webhook endpoints',
		});
		all.push(...((response.body.data as unknown as Endpoint[] | undefined) ?? []));
		const next = response.body.next_token;
		if (response.body.has_more !== true || typeof next !== 'string' || !next || next === token)
			break;
		token = next;
	}
	return all;
}

function sameEvents(registered: string[] | null, wanted: string[]): boolean {
	const have = [...(registered ?? [])].sort();
	const want = [...wanted].sort();
	return have.length === want.length && have.every((e, i) => e === want[i]);
}

async function deleteEndpoint(context: IHookFunctions, endpointId: string): Promise<void> {
	await heyGenApiRequest.call(context, {
		method: 'DELETE',
		path: `${ENDPOINTS}/${encodeURIComponent(endpointId)}`,
		retry: 'safe',
		// already gone is what we wanted
		passStatuses: [404],
		what: 'Deleting the HeyGen webhook endpoint',
	});
}

/**
 * True when HeyGen has our endpoint for this URL, with the events selected now and a secret we
 * still hold. Any other endpoint registered for this URL is stale (its secret is unknown to us):
 * it is deleted, so that `create` registers a fresh one.
 */
export async function endpointExists(context: IHookFunctions): Promise<boolean> {
	const data = staticDataOf(context);
	const url = webhookUrl(context);
	// n8n calls checkExists first on activation: fail here, before anything is sent to HeyGen.
	await assertDeliverableUrl(context, url);
	const mine = (await listEndpoints(context)).filter((e) => e.url === url);
	const current = mine.find(
		(e) =>
			e.endpoint_id === data.endpointId &&
			Boolean(data.secret) &&
			sameEvents(e.events, selectedEvents(context)),
	);
	if (current) return true;
	for (const stale of mine) await deleteEndpoint(context, stale.endpoint_id);
	delete data.endpointId;
	delete data.secret;
	return false;
}

/** HeyGen calls only public https URLs; plain http is allowed when the API itself is local. */
async function assertDeliverableUrl(context: IHookFunctions, url: string): Promise<void> {
	if (new URL(url).protocol === 'https:') return;
	const apiHost = new URL(await getBaseUrl(context)).hostname;
	if (LOOPBACK_HOST.test(apiHost)) return;
	throw inputError(
		context,
		`HeyGen can only deliver events to an https:// URL, and this n8n's webhook URL is ${new URL(url).origin}`,
		"Set n8n's WEBHOOK_URL environment variable (N8N_WEBHOOK_URL in recent n8n versions) to the public https:// address of this n8n, for example behind a reverse proxy or a tunnel, restart n8n and activate the workflow again.",
	);
}

export async function createEndpoint(context: IHookFunctions): Promise<boolean> {
	const url = webhookUrl(context);
	await assertDeliverableUrl(context, url);
	const events = selectedEvents(context);
	const response = await heyGenApiRequest.call(context, {
		method: 'POST',
		path: ENDPOINTS,
		// omitted events = every event type
		body: { url, ...(events.length ? { events } : {}) },
		retry: 'once',
		what: 'Registering the n8n webhook with HeyGen',
	});
	const created = dataOf<{ endpoint_id?: string; secret?: string }>(response);
	if (!created.endpoint_id || !created.secret) {
		throw inputError(
			context,
			'HeyGen registered the webhook but returned no endpoint id or secret',
			'Deliveries could not be verified without the secret. Deactivate and activate the workflow again.',
		);
	}
	const data = staticDataOf(context);
	data.endpointId = created.endpoint_id;
	data.secret = created.secret;
	data.recentEventIds = [];
	return true;
}

export async function removeEndpoint(context: IHookFunctions): Promise<boolean> {
	const data = staticDataOf(context);
	if (data.endpointId) {
		try {
			await deleteEndpoint(context, data.endpointId);
		} catch {
			// n8n deactivates the workflow anyway; a later activation replaces the leftover endpoint.
			return false;
		}
	}
	delete data.endpointId;
	delete data.secret;
	delete data.recentEventIds;
	return true;
}
