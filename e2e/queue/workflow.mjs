// Workflow 1 of the queue-mode check: a file POSTed to a production webhook → HeyGen Assets (Upload,
// switching to Direct Upload above 32 MB) → HeyGen Video Agent create, polled until the video is done.
// The Webhook node runs on main and stores the body in n8n's binary store (the database in queue mode);
// the rest runs on a worker, which streams the bytes out of PostgreSQL to HeyGen.
import { CREDENTIAL } from '../lib/examples.mjs';

export const LOAD_WORKFLOW_ID = 'heygenQueueLoad1';
export const LOAD_WEBHOOK_PATH = 'heygen-queue-load';

const credentials = { heyGenV3Api: { id: CREDENTIAL.id, name: CREDENTIAL.name } };

export const CALLBACK_WORKFLOW_ID = 'heygenQueueCallback2';
export const CALLBACK_WEBHOOK_PATH = 'heygen-queue-callback';

/** Links nodes in a row. */
const chain = (...names) =>
	Object.fromEntries(
		names
			.slice(0, -1)
			.map((name, i) => [name, { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] }]),
	);

export function loadWorkflow() {
	return {
		id: LOAD_WORKFLOW_ID,
		name: 'Queue mode: webhook file → HeyGen asset → Video Agent video',
		active: false,
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
		pinData: {},
		tags: [],
		nodes: [
			{
				id: '6a1f0e00-0014-4000-8000-000000000001',
				name: 'Receive the file',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2.1,
				position: [0, 0],
				webhookId: '6a1f0e00-0014-4000-8000-0000000000aa',
				// A raw (non-JSON, non-form) body becomes the binary field `data`, named after the
				// request's Content-Disposition filename.
				parameters: {
					httpMethod: 'POST',
					path: LOAD_WEBHOOK_PATH,
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				id: '6a1f0e00-0014-4000-8000-000000000002',
				name: 'Upload to HeyGen',
				type: 'n8n-nodes-heygen-v3.heyGenAssets',
				typeVersion: 1,
				position: [260, 0],
				parameters: { operation: 'upload', binaryPropertyName: 'data', options: {} },
				credentials,
			},
			{
				id: '6a1f0e00-0014-4000-8000-000000000003',
				name: 'Create the video',
				type: 'n8n-nodes-heygen-v3.heyGenVideoAgent',
				typeVersion: 1,
				position: [520, 0],
				parameters: {
					operation: 'create',
					prompt: "=Queue-mode check, run {{ $('Receive the file').first().json.query.run }}",
					assetIds: '={{ $json.asset_id }}',
					waitForCompletion: true,
					options: { pollIntervalSeconds: 1 },
				},
				credentials,
			},
		],
		connections: chain('Receive the file', 'Upload to HeyGen', 'Create the video'),
	};
}

/**
 * Workflow 2: the same start, then Video Agent (node version 2) with Wait Method: Callback. The
 * execution waits; HeyGen's callback reaches main's resume URL (/webhook-waiting/…), and the
 * continuation is queued to a worker.
 */
export function callbackWorkflow() {
	const wf = loadWorkflow();
	const [receive, upload] = wf.nodes;
	return {
		...wf,
		id: CALLBACK_WORKFLOW_ID,
		name: 'Queue mode: webhook file → HeyGen asset → Video Agent video, waiting for the callback',
		nodes: [
			{
				...receive,
				id: '6a1f0e00-0014-4000-8000-000000000011',
				webhookId: '6a1f0e00-0014-4000-8000-0000000000bb',
				parameters: { ...receive.parameters, path: CALLBACK_WEBHOOK_PATH },
			},
			{ ...upload, id: '6a1f0e00-0014-4000-8000-000000000012' },
			{
				id: '6a1f0e00-0014-4000-8000-000000000013',
				name: 'Create the video',
				type: 'n8n-nodes-heygen-v3.heyGenVideoAgent',
				typeVersion: 2,
				position: [520, 0],
				parameters: {
					operation: 'create',
					prompt:
						"=Queue-mode callback check, run {{ $('Receive the file').first().json.query.run }}",
					assetIds: '={{ $json.asset_id }}',
					waitForCompletion: true,
					waitMethod: 'callback',
					options: { maxWaitSeconds: 600 },
				},
				credentials,
			},
		],
		connections: chain('Receive the file', 'Upload to HeyGen', 'Create the video'),
	};
}
