import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OutputItem } from '../../shared/items';
import { downloadJobResult } from '../../shared/job';
import { downloadField, readId, timeoutMs, type VideoAgentOptions } from './common';
import { failureFields, fetchVideo, videoJob } from './session';

export const description: INodeProperties[] = [
	{
		displayName: 'Video ID',
		name: 'videoId',
		type: 'string',
		required: true,
		default: '={{ $json.video_id }}',
		placeholder: '5b3c1a2d4e6f47a8b9c0d1e2f3a4b5c6',
		description:
			'The video_id output by Create or Get Session (the default maps it from the input item)',
		displayOptions: { show: { operation: ['getVideo'] } },
	},
];

/**
 * The video's status and URLs (HeyGen's fields, plus `video_id`); optionally the MP4 itself, or
 * `download_error` when that failed (the URLs stay in the item).
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	options: VideoAgentOptions,
): Promise<OutputItem[]> {
	const videoId = readId(this, itemIndex, 'videoId');
	const video = await fetchVideo(this, videoId, itemIndex, timeoutMs(options));
	const json = { video_id: video.id ?? videoId, ...video };
	if (video.status === 'failed') Object.assign(json, failureFields(undefined, video));
	if (!options.downloadVideo || video.status !== 'completed') return [{ json }];
	const ids = { video_id: json.video_id };
	const downloaded = await downloadJobResult(
		this,
		videoJob,
		{
			ids,
			snapshot: {
				phase: 'completed',
				status: video.status,
				ids,
				fields: {},
				downloadUrl: typeof video.video_url === 'string' ? video.video_url : undefined,
			},
		},
		{ itemIndex, timeoutMs: timeoutMs(options), downloadField: downloadField(options) },
	);
	if (downloaded instanceof Error)
		return [{ json: { ...json, download_error: downloaded.message } }];
	return [{ json, binary: downloaded }];
}
