import { sleep, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { ASSET_ID_PATTERN } from '../../shared/assetId';
import { inputError, readErrorEnvelope } from '../../shared/errors';
import type { OutputItem } from '../../shared/items';
import { dataOf, heyGenApiRequest } from '../../shared/transport';
import { assetOutput, timeoutMs, type AssetData, type AssetsOptions } from './common';

export const description: INodeProperties[] = [
	{
		displayName: 'Asset ID',
		name: 'assetId',
		type: 'string',
		required: true,
		default: '={{ $json.asset_id }}',
		placeholder: 'asset_abc123def456',
		description: 'The asset_id returned by Direct Upload (with "Complete After Upload" turned off)',
		displayOptions: { show: { operation: ['complete'] } },
	},
];

/** How often a 409 "uploaded object not found yet" is retried, waiting 500 ms × attempt. */
export const COMPLETE_ATTEMPTS = 6;

/**
 * Finalizes a direct upload. Idempotent on HeyGen's side; the documented race right after the PUT
 * (409 conflict: the stored object is not visible yet) is retried with a linear backoff.
 */
export async function completeAsset(
	context: IExecuteFunctions,
	assetId: string,
	itemIndex: number,
	options: AssetsOptions,
): Promise<AssetData> {
	for (let attempt = 1; ; attempt++) {
		const response = await heyGenApiRequest.call(context, {
			method: 'POST',
			path: `/v3/assets/${encodeURIComponent(assetId)}/complete`,
			body: {},
			retry: 'safe',
			passStatuses: [409],
			what: `Completing asset ${assetId}`,
			itemIndex,
			timeoutMs: timeoutMs(options),
		});
		if (response.status !== 409) return dataOf<AssetData>(response);
		if (attempt >= COMPLETE_ATTEMPTS) {
			const heygen = readErrorEnvelope(response.body);
			throw inputError(
				context,
				`Item ${itemIndex}: HeyGen has not found the uploaded bytes of asset ${assetId} (409 ${heygen?.code ?? 'conflict'}) after ${attempt} attempts`,
				'The file was never stored, or storage is slow to show it. If the upload was stopped before its bytes were sent, run Direct Upload again; otherwise retry Complete in a minute.',
				itemIndex,
			);
		}
		await sleep(500 * attempt, context.getExecutionCancelSignal());
	}
}

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	options: AssetsOptions,
): Promise<OutputItem[]> {
	const raw = this.getNodeParameter('assetId', itemIndex);
	if (typeof raw !== 'string' || !ASSET_ID_PATTERN.test(raw.trim())) {
		// `typeof null` is 'object': name null (an unset upstream field) as what it is.
		const shown =
			raw === '' || raw === undefined || raw === null
				? `empty${raw === null ? ' (null)' : ''}`
				: typeof raw === 'string'
					? `"${raw}"`
					: Array.isArray(raw)
						? 'a list'
						: typeof raw === 'object'
							? 'an object'
							: `a ${typeof raw}`;
		throw inputError(
			this,
			`Item ${itemIndex}: "Asset ID" is ${shown}, not a HeyGen asset id`,
			'Map the asset_id field of a Direct Upload output, e.g. {{ $json.asset_id }}. Asset ids look like asset_abc123def456.',
			itemIndex,
		);
	}
	const asset = await completeAsset(this, raw.trim(), itemIndex, options);
	return [assetOutput(this, asset, itemIndex, { upload_method: 'complete' }, undefined, options)];
}
