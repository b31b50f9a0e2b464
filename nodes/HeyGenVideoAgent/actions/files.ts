/**
 * The `files` of a Video Agent request: asset ids (the usual case — chained from the HeyGen Assets
 * node), public URLs, and small binaries sent inline as base64. Everything is checked before any
 * request is made; the bytes of inline files are read only when the request is sent.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import {
	formatBytes,
	getBinaryFile,
	parseFieldNames,
	requireSupportedType,
	type BinaryFile,
} from '../../shared/binary';
import { ASSET_ID_PATTERN } from '../../shared/assetId';
import { inputError } from '../../shared/errors';
import type { SupportedMimeType } from '../../shared/fileType';

/** HeyGen's cap on `files` per request. */
export const MAX_FILES = 20;

/** Largest file sent inline as base64 (the JSON body grows by a third on top). */
export const MAX_INLINE_BYTES = 5_000_000;

/** All inline files of one request together. */
export const MAX_INLINE_TOTAL_BYTES = 20_000_000;

export type FileEntry =
	| { type: 'asset_id'; asset_id: string }
	| { type: 'url'; url: string }
	| { type: 'base64'; media_type: SupportedMimeType; data: string };

export interface InlineFile {
	itemIndex: number;
	file: BinaryFile;
	mimeType: SupportedMimeType;
}

/** What one request will attach, in order: asset ids, URLs, inline files. */
export interface FilePlan {
	assetIds: string[];
	urls: string[];
	inline: InlineFile[];
}

function shown(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string')
		return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
	return `the ${typeof value} ${String(value)}`;
}

/** A string (comma- or newline-separated, or a JSON array), or a list of strings → the entries. */
function splitList(value: unknown): unknown[] {
	if (value === undefined || value === null) return [];
	if (Array.isArray(value)) return value.flat();
	if (typeof value !== 'string') return [value];
	const text = value.trim();
	if (text.startsWith('[') && text.endsWith(']')) {
		try {
			const parsed: unknown = JSON.parse(text);
			if (Array.isArray(parsed)) return parsed.flat();
		} catch {
			// not JSON: treat it as a comma-separated list
		}
	}
	return text.split(/[,\r\n]+/);
}

/**
 * The `assetIds` parameter of one item: a string, a comma-separated string or a list of strings.
 * Numbers, objects and anything that is not an asset id are rejected with the fix.
 */
export function parseAssetIds(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
): string[] {
	const ids: string[] = [];
	for (const entry of splitList(raw)) {
		if (typeof entry === 'string' && entry.trim() === '') continue;
		const id = typeof entry === 'string' ? entry.trim().replace(/^["']|["']$/g, '') : entry;
		if (typeof id === 'string' && ASSET_ID_PATTERN.test(id)) {
			ids.push(id);
			continue;
		}
		const isUrl = typeof id === 'string' && /^https?:\/\//i.test(id);
		const isFileObject =
			typeof id === 'object' &&
			id !== null &&
			typeof (id as { asset_id?: unknown }).asset_id === 'string';
		throw inputError(
			context,
			`Item ${itemIndex}: "Asset IDs" contains ${shown(id)}, which is not a HeyGen asset id`,
			isUrl
				? 'URLs go in the "File URLs" option. "Asset IDs" takes the asset_id values of the HeyGen Assets node, e.g. {{ $json.asset_id }}.'
				: isFileObject
					? 'Map the asset_id text inside it instead, e.g. {{ $json.asset_id }} or {{ $json.file.asset_id }}.'
					: 'Map the asset_id field of the HeyGen Assets node, e.g. {{ $json.asset_id }}. Several ids can be comma-separated or a list of strings; asset ids look like asset_abc123def456.',
			itemIndex,
		);
	}
	return ids;
}

/** The "File URLs" option: HTTPS URLs HeyGen can fetch. */
export function parseUrls(context: IExecuteFunctions, itemIndex: number, raw: unknown): string[] {
	const urls: string[] = [];
	for (const entry of splitList(raw)) {
		if (typeof entry === 'string' && entry.trim() === '') continue;
		let url: URL | undefined;
		try {
			url = typeof entry === 'string' ? new URL(entry.trim()) : undefined;
		} catch {
			url = undefined;
		}
		if (!url || url.protocol !== 'https:') {
			throw inputError(
				context,
				`Item ${itemIndex}: "File URLs" contains ${shown(entry)}, which is not an HTTPS URL`,
				url
					? 'HeyGen fetches files only over HTTPS. Use the https:// address of the file, or upload it with the HeyGen Assets node and pass its asset ID.'
					: 'Enter full addresses starting with https://, separated by commas or new lines. For files in n8n, use the HeyGen Assets node and pass asset IDs.',
				itemIndex,
			);
		}
		urls.push(url.href);
	}
	return urls;
}

/**
 * The input binaries to attach inline, read from every item in `itemIndexes`: checked for size
 * and real type (from the bytes) without reading them whole.
 */
export async function planInlineFiles(
	context: IExecuteFunctions,
	itemIndexes: number[],
	fieldsRaw: unknown,
): Promise<InlineFile[]> {
	const fields = parseFieldNames(Array.isArray(fieldsRaw) ? fieldsRaw.join(',') : fieldsRaw);
	const inline: InlineFile[] = [];
	let total = 0;
	for (const itemIndex of itemIndexes) {
		for (const field of fields) {
			const file = await getBinaryFile(context, itemIndex, field);
			const mimeType = requireSupportedType(context, file, itemIndex);
			if (file.size > MAX_INLINE_BYTES) {
				throw inputError(
					context,
					`Item ${itemIndex}, field "${field}", file "${file.fileName}" is ${formatBytes(file.size)}; files attached inline (base64) may be at most ${formatBytes(MAX_INLINE_BYTES)}`,
					'Put a HeyGen Assets node (Upload) before this node and pass its asset_id in "Asset IDs" (the default {{ $json.asset_id }} does that), then remove the field from "Binary Fields to Attach". No request was sent.',
					itemIndex,
				);
			}
			total += file.size;
			if (total > MAX_INLINE_TOTAL_BYTES) {
				throw inputError(
					context,
					`Item ${itemIndex}: the files in "Binary Fields to Attach" add up to more than ${formatBytes(MAX_INLINE_TOTAL_BYTES)} for one request`,
					'Upload them with the HeyGen Assets node before this node and pass their asset IDs instead. No request was sent.',
					itemIndex,
				);
			}
			inline.push({ itemIndex, file, mimeType });
		}
	}
	return inline;
}

/** Removes repeats, keeping the first occurrence (and so the item order). */
export function unique<T>(values: T[]): T[] {
	return [...new Set(values)];
}

export function checkFileCount(
	context: IExecuteFunctions,
	itemIndex: number,
	plan: FilePlan,
	combined: boolean,
): void {
	const count = plan.assetIds.length + plan.urls.length + plan.inline.length;
	if (count <= MAX_FILES) return;
	const parts = [
		plan.assetIds.length ? `${plan.assetIds.length} asset IDs` : '',
		plan.urls.length ? `${plan.urls.length} URLs` : '',
		plan.inline.length ? `${plan.inline.length} inline binaries` : '',
	].filter(Boolean);
	throw inputError(
		context,
		`Item ${itemIndex}: ${count} files for one video (${parts.join(', ')}); HeyGen accepts at most ${MAX_FILES}`,
		combined
			? `"Combine Items" puts every item's files into one request. Send at most ${MAX_FILES} items' files (e.g. with a Limit or Loop Over Items node), or turn "Combine Items" off to make one video per item. No request was sent.`
			: `Attach at most ${MAX_FILES} files per video. No request was sent.`,
		itemIndex,
	);
}

/** The `files` array of the request body; reads the inline files now. */
export async function buildFiles(plan: FilePlan): Promise<FileEntry[]> {
	const files: FileEntry[] = [
		...plan.assetIds.map((asset_id): FileEntry => ({ type: 'asset_id', asset_id })),
		...plan.urls.map((url): FileEntry => ({ type: 'url', url })),
	];
	for (const { file, mimeType } of plan.inline) {
		const bytes = await file.readAll();
		files.push({ type: 'base64', media_type: mimeType, data: bytes.toString('base64') });
	}
	return files;
}

/** The files of a request as shown in the output: no base64 payloads. */
export function describeFiles(plan: FilePlan): Array<Record<string, string>> {
	return [
		...plan.assetIds.map((asset_id) => ({ type: 'asset_id', asset_id })),
		...plan.urls.map((url) => ({ type: 'url', url })),
		...plan.inline.map(({ file, mimeType }) => ({
			type: 'base64',
			media_type: mimeType,
			file_name: file.fileName,
		})),
	];
}

/**
 * An input item that is the error item of an earlier node ("Continue On Fail" upstream, e.g. a
 * failed upload) brings no asset: its video would silently miss files, so it is refused.
 */
function refuseErrorItem(
	context: IExecuteFunctions,
	itemIndex: number,
	assetIds: string[],
	combined: boolean,
): void {
	const error = context.getInputData()[itemIndex]?.json?.error;
	if (error === undefined || error === null || assetIds.length > 0) return;
	const reason = typeof error === 'string' ? error : JSON.stringify(error);
	throw inputError(
		context,
		`Item ${itemIndex} is an error item from an earlier node ("${reason.length > 120 ? `${reason.slice(0, 117)}...` : reason}"), so it has no asset to attach`,
		combined
			? '"Combine Items" would make the video without its files. Fix the failing step, or drop error items before this node (e.g. a Filter node: keep items where "error" does not exist). No request was sent.'
			: 'The video would be made without its files. Fix the failing step, or drop error items before this node (e.g. a Filter node: keep items where "error" does not exist). No request was sent.',
		itemIndex,
	);
}

/** The files of one request from its items: asset ids of every item, URLs and inline files. */
export async function planFiles(
	context: IExecuteFunctions,
	items: number[],
	options: { fileUrls?: unknown; inputBinaryFields?: unknown },
	combined: boolean,
): Promise<FilePlan> {
	const assetIds: string[] = [];
	for (const itemIndex of items) {
		const ids = parseAssetIds(
			context,
			itemIndex,
			context.getNodeParameter('assetIds', itemIndex, ''),
		);
		refuseErrorItem(context, itemIndex, ids, combined);
		assetIds.push(...ids);
	}
	const plan: FilePlan = {
		assetIds: unique(assetIds),
		urls: unique(parseUrls(context, items[0], options.fileUrls)),
		inline: [],
	};
	checkFileCount(context, items[0], plan, combined);
	plan.inline = await planInlineFiles(context, items, options.inputBinaryFields);
	checkFileCount(context, items[0], plan, combined);
	return plan;
}
