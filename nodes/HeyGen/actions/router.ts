/**
 * Dispatches the HeyGen node's run to the chosen resource and operation. Every item's input is
 * checked first (no request), so bad input fails the node before anything is created — or, with
 * "Continue On Fail", becomes that item's error item while the others go on. Then the items run
 * with bounded concurrency; an error that stops the node lists the jobs already created.
 */
import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { runUnits, type WorkUnit } from '../../shared/items';
import { JobLedger, resumeFromCallback, waitForCallbacks } from '../../shared/job';
import { toItemError } from '../../shared/parameters';
import * as asset from './asset/Asset.resource';
import * as avatar from './avatar/Avatar.resource';
import {
	concurrencyOf,
	DEFAULT_MAX_WAIT_SECONDS,
	readOptions,
	type HeyGenOptions,
	type Operation,
	type Resource,
	type WaitMethod,
} from './common';
import * as lipsync from './lipsync/Lipsync.resource';
import * as video from './video/Video.resource';
import * as videoTranslation from './videoTranslation/VideoTranslation.resource';

const RESOURCES: Record<Resource, Record<string, Operation<unknown>>> = {
	video: video.operations,
	videoTranslation: videoTranslation.operations,
	lipsync: lipsync.operations,
	avatar: avatar.operations,
	asset: asset.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as Resource;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = RESOURCES[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(
			this.getNode(),
			`Unknown operation "${String(operationName)}" for resource "${String(resource)}"`,
			{ description: 'Pick the resource and operation again in the node.', itemIndex: 0 },
		);
	}

	const count = this.getInputData().length;
	const units: Array<WorkUnit<unknown>> = [];
	const failed = new Set<number>();
	for (let itemIndex = 0; itemIndex < count; itemIndex++) {
		try {
			units.push({ items: [itemIndex], input: await operation.prepare.call(this, itemIndex) });
		} catch (error) {
			const itemError = toItemError(this, error, itemIndex);
			if (!this.continueOnFail()) throw itemError;
			failed.add(itemIndex);
			units.push({ items: [itemIndex], input: itemError });
		}
	}
	if (units.length === 0) return [[]];

	const ledger = new JobLedger();
	const output = await runUnits(
		this,
		units,
		concurrencyOf(readOptions(this, 0)),
		async (unit, signal) => {
			if (failed.has(unit.items[0])) throw unit.input as Error;
			return await operation.run.call(this, unit.input, { ledger, signal });
		},
		{ annotateFailure: async (error) => await ledger.annotate(this, error) },
	);
	const plan = units.find((unit) => !failed.has(unit.items[0]))?.input as CallbackPlan | undefined;
	if (plan?.wait !== 'callback' || !ledger.describe()) return [output];
	// Every job is created: the execution now waits for HeyGen's callbacks (job.ts, callback wait).
	const waiting = output.flatMap((item) =>
		(item.pairedItem as Array<{ item: number }>).map(({ item: itemIndex }) => ({
			itemIndex,
			json: item.json,
		})),
	);
	const maxWaitMs = Number(plan.options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS) * 1000;
	return [await waitForCallbacks(this, waiting, maxWaitMs)];
}

/** What the router reads of a create's plan to start a callback wait. */
interface CallbackPlan {
	wait?: WaitMethod;
	options: HeyGenOptions;
}

/** The node's `webhook()`: HeyGen's callback re-reads every job of the waiting execution. */
export async function resume(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const resource = this.getNodeParameter('resource') as Resource;
	const operation = RESOURCES[resource]?.[this.getNodeParameter('operation') as string];
	if (!operation?.callbackJobs) return { webhookResponse: { received: true, resumed: false } };
	return await resumeFromCallback(this, operation.callbackJobs);
}
