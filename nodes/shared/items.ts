/**
 * Runs a node's work over its input items with bounded concurrency, and turns the results into
 * output items: in input order, each paired to its input item, with one error item per failed
 * input when "Continue On Fail" is on (otherwise the first failure stops the node at once).
 */
import {
	ManualExecutionCancelledError,
	type IBinaryKeyData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { asNodeError } from './errors';

export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 16;

/** An output item before pairing. */
export interface OutputItem {
	json: IDataObject;
	binary?: IBinaryKeyData;
}

export interface WorkUnit<T> {
	/** the input items this unit's output is paired to */
	items: number[];
	input: T;
}

/** Resolves to each task's outcome, in order, running at most `limit` at once. */
export async function settleWithConcurrency<T, R>(
	inputs: T[],
	limit: number,
	task: (input: T, index: number) => Promise<R>,
	signal?: AbortSignal,
): Promise<Array<PromiseSettledResult<R>>> {
	const results: Array<PromiseSettledResult<R>> = new Array(inputs.length);
	let next = 0;
	const worker = async () => {
		while (next < inputs.length && !signal?.aborted) {
			const index = next++;
			try {
				results[index] = { status: 'fulfilled', value: await task(inputs[index], index) };
			} catch (reason) {
				results[index] = { status: 'rejected', reason };
			}
		}
	};
	const workers = Math.max(1, Math.min(Math.floor(limit) || 1, MAX_CONCURRENCY, inputs.length));
	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}

export interface RunOptions {
	/**
	 * Called with the error that stops the node (no "Continue On Fail") before it is thrown, e.g. to
	 * list the paid jobs already created (JobLedger.annotate).
	 */
	annotateFailure?: (error: Error) => Promise<Error>;
}

/**
 * Runs `work` for every unit and assembles the node output. `work` returns the output items of a
 * unit (json and optional binary); pairing is added here. Its `signal` aborts when the execution
 * is cancelled or, without "Continue On Fail", when another unit failed: then the node error is
 * thrown at once (not after the other units finished waiting) and no new unit starts.
 */
export async function runUnits<T>(
	context: IExecuteFunctions,
	units: Array<WorkUnit<T>>,
	concurrency: number,
	work: (unit: WorkUnit<T>, signal: AbortSignal) => Promise<OutputItem[]>,
	runOptions: RunOptions = {},
): Promise<INodeExecutionData[]> {
	const continueOnFail = context.continueOnFail();
	const stop = new AbortController();
	const signal = anySignal(stop.signal, context.getExecutionCancelSignal());
	let firstFailure: Error | undefined;
	let failed: () => void = () => {};
	const failure = new Promise<void>((resolve) => (failed = resolve));
	const settling = settleWithConcurrency(
		units,
		concurrency,
		async (unit) => {
			try {
				return await work(unit, signal);
			} catch (error) {
				const nodeError = asNodeError(context, error, unit.items[0]);
				if (!continueOnFail && !stop.signal.aborted) {
					firstFailure = nodeError;
					stop.abort();
					failed();
				}
				throw nodeError;
			}
		},
		signal,
	);
	const settled = await Promise.race([settling, failure.then(() => undefined)]);

	// Stopped by the user (or the execution timeout): report it as a cancellation, not as the
	// abort error a wait or a request happened to throw.
	if (context.getExecutionCancelSignal()?.aborted) {
		throw new ManualExecutionCancelledError(context.getExecutionId());
	}
	if (firstFailure || !settled) {
		throw runOptions.annotateFailure
			? await runOptions.annotateFailure(firstFailure!)
			: firstFailure!;
	}

	const output: INodeExecutionData[] = [];
	for (let u = 0; u < units.length; u++) {
		const result = settled[u];
		const pairedItem = units[u].items.map((item) => ({ item }));
		if (result === undefined) continue; // never started: the run was cancelled
		if (result.status === 'fulfilled') {
			for (const item of result.value) output.push({ ...item, pairedItem });
			continue;
		}
		output.push({ json: errorJson(result.reason as Error), pairedItem });
	}
	return output;
}

/**
 * The error item of "Continue On Fail": message, description and HTTP status, and the fields an
 * error carries for the output (`outputFields`: the ids of a paid job), nothing else.
 */
function errorJson(error: Error): IDataObject {
	const { description, httpCode, context, outputFields } = error as Error & {
		description?: string | null;
		httpCode?: string | null;
		context?: { itemIndex?: number };
		outputFields?: IDataObject;
	};
	return {
		...(outputFields ?? {}),
		error: error.message,
		...(description ? { description } : {}),
		...(httpCode ? { httpCode } : {}),
		...(context?.itemIndex !== undefined ? { itemIndex: context.itemIndex } : {}),
	};
}

function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal {
	const present = signals.filter((s): s is AbortSignal => s !== undefined);
	return AbortSignal.any(present);
}
