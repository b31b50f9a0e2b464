import { randomUUID } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	formatBytes,
	getBinaryFile,
	parseFieldNames,
	requireSupportedType,
	type BinaryFile,
} from '../../shared/binary';
import { inputError } from '../../shared/errors';
import type { SupportedMimeType } from '../../shared/fileType';
import { MAX_CONCURRENCY, type OutputItem } from '../../shared/items';
import { requestTimeoutOption } from '../../shared/requestTimeout';

export { timeoutMs } from '../../shared/requestTimeout';

/**
 * Files sent at once by default. Asset uploads do not count against HeyGen's 10 concurrent video
 * jobs; 8 keeps a 50 ms-latency link busy (BENCHMARKS.md, item 3).
 */
export const UPLOAD_CONCURRENCY = 8;

/** "32 MB" in HeyGen's docs, taken at its smaller reading. */
export const MULTIPART_MAX_BYTES = 32_000_000;

export type AssetsOperation = 'upload' | 'directUpload' | 'complete' | 'uploadFromUrl';

export interface AssetsOptions {
	autoDirectUpload?: boolean;
	completeUpload?: boolean;
	keepBinary?: boolean;
	concurrency?: number;
	timeout?: number;
}

/** An asset as HeyGen describes it in upload and complete answers. */
export interface AssetData {
	asset_id: string;
	url?: string;
	mime_type?: string;
	size_bytes?: number;
	status?: string;
}

/** The "Options" collection of one item. */
export function readOptions(context: IExecuteFunctions, itemIndex: number): AssetsOptions {
	return context.getNodeParameter('options', itemIndex, {}) as AssetsOptions;
}

/**
 * How many files go at once is one number for the whole run, taken from the first item. If that
 * item's options cannot be read, the default applies here and the item reports its own error.
 */
export function concurrencyOf(context: IExecuteFunctions): number {
	if (context.getInputData().length === 0) return UPLOAD_CONCURRENCY;
	try {
		return readOptions(context, 0).concurrency ?? UPLOAD_CONCURRENCY;
	} catch {
		return UPLOAD_CONCURRENCY;
	}
}

/** "Input Data Field Name" of one item, split on commas; empty is an input error. */
export function readFieldNames(context: IExecuteFunctions, itemIndex: number): string[] {
	const fields = parseFieldNames(context.getNodeParameter('binaryPropertyName', itemIndex));
	if (fields.length === 0) {
		throw inputError(
			context,
			`Item ${itemIndex}: "Input Data Field Name" is empty`,
			'Enter the name of the binary field holding the file, usually "data".',
			itemIndex,
		);
	}
	return fields;
}

export function newIdempotencyKey(): string {
	return randomUUID();
}

/**
 * What the direct-upload flow needs of a file: a name, the exact size, and its bytes opened afresh
 * for each attempt. `field` is set when the file is an input binary (not for Upload from URL).
 */
export type UploadSource = Pick<BinaryFile, 'fileName' | 'size' | 'open'> & { field?: string };

/** A file that passed every local check, ready to send. */
export interface PreparedFile {
	file: BinaryFile;
	mimeType: SupportedMimeType;
}

/**
 * Opens a file and runs every check that needs no network (present, not empty, a supported type,
 * within Upload's size unless the auto switch is on). The node prepares all files before sending
 * any, so a bad file never leaves its good siblings half uploaded.
 */
export async function prepareFile(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	operation: AssetsOperation,
	options: AssetsOptions,
): Promise<PreparedFile> {
	const file = await getBinaryFile(context, itemIndex, field);
	const mimeType = requireSupportedType(context, file, itemIndex);
	if (
		operation === 'upload' &&
		file.size > MULTIPART_MAX_BYTES &&
		options.autoDirectUpload === false
	) {
		throw inputError(
			context,
			`Item ${itemIndex}, field "${file.field}", file "${file.fileName}" is ${formatBytes(file.size)}; Upload takes at most 32 MB`,
			'Use the Direct Upload operation for files over 32 MB (32,000,000 bytes), or turn on the option "Switch to Direct Upload Above 32 MB".',
			itemIndex,
		);
	}
	return { file, mimeType };
}

/** The output item of every operation: HeyGen's field names, plus a ready-made `file` entry. */
export function assetOutput(
	context: IExecuteFunctions,
	asset: AssetData,
	itemIndex: number,
	extra: IDataObject,
	file: UploadSource | undefined,
	options: AssetsOptions,
): OutputItem {
	const json: IDataObject = {
		asset_id: asset.asset_id,
		url: asset.url ?? null,
		mime_type: asset.mime_type ?? null,
		size_bytes: asset.size_bytes ?? null,
		...(asset.status ? { status: asset.status } : {}),
		file: { type: 'asset_id', asset_id: asset.asset_id },
		...(file?.field ? { binary_property: file.field } : {}),
		...(file ? { file_name: file.fileName } : {}),
		...extra,
	};
	const field = file?.field;
	const inputBinary = field ? context.getInputData()[itemIndex].binary?.[field] : undefined;
	return options.keepBinary && inputBinary && field
		? { json, binary: { [field]: inputBinary } }
		: { json };
}

const concurrencyOption: INodeProperties = {
	displayName: 'Concurrency',
	name: 'concurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
	default: UPLOAD_CONCURRENCY,
	description: 'How many files to send to HeyGen at the same time',
};

const keepBinaryOption: INodeProperties = {
	displayName: 'Keep Input Binary',
	name: 'keepBinary',
	type: 'boolean',
	default: false,
	description:
		'Whether to pass the uploaded file on in the output item, so later nodes can use it too',
};

/** The "Options" collection, with the entries that apply to each operation. */
export const optionsDescription: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Complete After Upload',
			name: 'completeUpload',
			type: 'boolean',
			default: true,
			description:
				'Whether to finalize the asset right after the bytes are stored. Turn off to run the Complete operation later; the asset is not usable until then.',
			displayOptions: { show: { '/operation': ['directUpload'] } },
		},
		concurrencyOption,
		{ ...keepBinaryOption, displayOptions: { show: { '/operation': ['upload', 'directUpload'] } } },
		requestTimeoutOption,
		{
			displayName: 'Switch to Direct Upload Above 32 MB',
			name: 'autoDirectUpload',
			type: 'boolean',
			default: true,
			description:
				'Whether files over 32 MB go through the direct-upload flow automatically. When off, such files fail with an error instead.',
			displayOptions: { show: { '/operation': ['upload'] } },
		},
	],
};
