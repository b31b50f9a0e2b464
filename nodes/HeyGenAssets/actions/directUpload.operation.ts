import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OutputItem } from '../../shared/items';
import type { AssetsOptions, PreparedFile } from './common';
import { directUploadFile } from './directUploadFlow';

export const description: INodeProperties[] = [];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	{ file, mimeType }: PreparedFile,
	options: AssetsOptions,
): Promise<OutputItem[]> {
	return [await directUploadFile(this, itemIndex, file, mimeType, options, 'directUpload')];
}
