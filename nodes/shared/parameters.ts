/**
 * Reading and describing node parameters, for every node: HeyGen ids, resource locators
 * (searchable list + By ID), options-type values that may come from expressions, and turning
 * preparation failures into item errors.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { inputError } from './errors';
import { isCallbackTarget } from './transport';

/** HeyGen ids are opaque but URL-safe; anything else is a mapping mistake upstream. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/;

/** A value as shown in an error message: `"abc"`, `a list`, `the number 3`, `empty`. */
export function describe(value: unknown): string {
	if (value === undefined) return 'empty';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'object') return 'an object';
	if (typeof value === 'string')
		return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
	return `${typeof value === 'number' ? 'the number' : 'a'} ${String(value)}`;
}

/**
 * The value of a resource locator (`{ mode, value }`, or a plain string set by an expression);
 * undefined when unset or empty. `unsetHint` says what leaving it empty does.
 */
export function locatorValue(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	label: string,
	unsetHint = 'Remove the option to let the agent choose.',
): string | undefined {
	const value =
		raw && typeof raw === 'object' && !Array.isArray(raw) && 'value' in raw
			? (raw as IDataObject).value
			: raw;
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string' || !ID_PATTERN.test(value.trim())) {
		throw inputError(
			context,
			`Item ${itemIndex}: "${label}" is ${describe(value)}, not a HeyGen id`,
			`Pick one from the list, or enter the id HeyGen shows for it. ${unsetHint}`,
			itemIndex,
		);
	}
	return value.trim();
}

/** An options-type value that may come from an expression: checked against its allowed values. */
export function enumValue<T extends string>(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
	label: string,
	allowed: readonly T[],
): T | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	const value = typeof raw === 'string' ? raw.trim().toLowerCase() : raw;
	if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
		throw inputError(
			context,
			`Item ${itemIndex}: "${label}" is ${describe(raw)}; it must be ${allowed.map((a) => `"${a}"`).join(' or ')}`,
			`Choose one of ${allowed.join(', ')} (an expression must produce exactly one of them), or remove the option.`,
			itemIndex,
		);
	}
	return value as T;
}

/** A resource locator parameter: a searchable list (`searchListMethod`) or an id typed in. */
export function locator(
	displayName: string,
	name: string,
	searchListMethod: string,
	description: string,
	placeholder: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder,
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$',
							errorMessage: 'Not a HeyGen id (letters, digits, _ - . : only)',
						},
					},
				],
			},
		],
	};
}

/**
 * An error found while preparing an item, as a node error tied to that item. n8n's own node errors
 * pass through; others (e.g. an expression that failed to resolve) keep their message and
 * description.
 */
export function toItemError(context: IExecuteFunctions, error: unknown, itemIndex: number): Error {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const { message, description } = (error ?? {}) as { message?: unknown; description?: unknown };
	return new NodeOperationError(context.getNode(), String(message ?? error), {
		itemIndex,
		description: typeof description === 'string' ? description : undefined,
	});
}

/** The callback URL must be HTTPS; plain http only on loopback against a loopback API (the sandbox). */
async function callbackUrl(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: unknown,
): Promise<string | undefined> {
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === ''))
		return undefined;
	let url: URL | undefined;
	try {
		url = typeof raw === 'string' ? new URL(raw.trim()) : undefined;
	} catch {
		url = undefined;
	}
	if (url && (await isCallbackTarget(context, url, itemIndex))) return url.href;
	throw inputError(
		context,
		`Item ${itemIndex}: "Callback URL" ${url ? `"${url.href}" is not an HTTPS URL` : 'is not a valid URL'}`,
		'HeyGen calls back only over HTTPS, to an address it can reach from the internet: use the production URL of a Webhook node on an n8n reachable via https://. Or remove the option and let this node wait for the video.',
		itemIndex,
	);
}

/**
 * `callback_url` and `callback_id` of a create body from the "Callback URL" / "Callback ID"
 * options: HTTPS only, and an ID only together with a URL.
 */
export async function callbackFields(
	context: IExecuteFunctions,
	itemIndex: number,
	options: { callbackUrl?: unknown; callbackId?: unknown },
): Promise<IDataObject> {
	const callback = await callbackUrl(context, itemIndex, options.callbackUrl);
	const callbackId =
		typeof options.callbackId === 'string' ? options.callbackId.trim() : options.callbackId;
	const body: IDataObject = {};
	if (callbackId !== undefined && callbackId !== null && callbackId !== '') {
		if (typeof callbackId !== 'string' && typeof callbackId !== 'number') {
			throw inputError(
				context,
				`Item ${itemIndex}: "Callback ID" is not text`,
				'Map a text or number field, e.g. {{ $json.id }}.',
				itemIndex,
			);
		}
		if (!callback) {
			throw inputError(
				context,
				`Item ${itemIndex}: "Callback ID" is set but "Callback URL" is not`,
				'HeyGen only uses the Callback ID in its callback. Add the Callback URL option, or remove Callback ID.',
				itemIndex,
			);
		}
	}
	if (callback) {
		body.callback_url = callback;
		if (callbackId !== undefined && callbackId !== null && callbackId !== '')
			body.callback_id = String(callbackId);
	}
	return body;
}
