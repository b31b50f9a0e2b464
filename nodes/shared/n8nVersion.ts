/**
 * The n8n versions this pack supports: 2.0 and newer (tested with 2.41.1). On n8n 1.x the pack
 * would install (the peer dependency is `*`, as n8n's lint requires) but misbehave: 1.x's
 * `sleep(ms)` takes no abort signal, so Stop would not interrupt a retry wait or a status poll.
 * The check looks for that very capability rather than a version number.
 */
import { NodeOperationError, sleep, type IExecuteFunctions } from 'n8n-workflow';

export const SUPPORTED_N8N = 'n8n 2.0 or newer';

/** Why this n8n cannot run the pack, or undefined when it can. `sleepFn` is n8n's, by default. */
export function unsupportedN8nReason(
	sleepFn: (...args: never[]) => Promise<unknown> = sleep,
): string | undefined {
	// n8n-workflow 2.x: `sleep(ms, abortSignal)`; 1.x: `sleep(ms)`.
	if (sleepFn.length < 2)
		return "this n8n's waits cannot be interrupted by Stop (its sleep() takes no abort signal), which is the case before n8n 2.0";
	return undefined;
}

/** Stops the node with a clear message on an n8n the pack does not support. */
export function assertSupportedN8n(context: IExecuteFunctions): void {
	const reason = unsupportedN8nReason();
	if (!reason) return;
	throw new NodeOperationError(
		context.getNode(),
		`The HeyGen nodes need ${SUPPORTED_N8N}: ${reason}`,
		{
			description:
				'Update n8n to 2.x (n8n-nodes-heygen-v3 is tested with n8n 2.41.1), or uninstall the package from Settings → Community Nodes.',
		},
	);
}
