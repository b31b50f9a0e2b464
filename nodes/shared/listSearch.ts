/**
 * Searchable lists for the resource locators of every node (heygen-api.md §9). HeyGen's list endpoints page with
 * a cursor (`limit`, `token` → `has_more`, `next_token`) and have no name filter, so a search
 * walks a few pages and keeps the matches; n8n asks for more with the returned token.
 */
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { asNodeError } from './errors';
import { heyGenApiRequest } from './transport';

/** Per-request timeout of the pickers' list searches. */
const LIST_TIMEOUT_MS = 10_000;

/**
 * One search call, every page and retry included, ends within this: a dropdown is waiting. When it
 * runs out after the first page, what was found is shown and the token offers the rest.
 */
export const SEARCH_BUDGET_MS = 20_000;

interface ListSource {
	path: string;
	qs?: IDataObject;
	/** HeyGen's maximum `limit` for the endpoint */
	limit: number;
}

interface ListSpec {
	what: string;
	/** listed one after the other (e.g. your own voices, then public ones) */
	sources: ListSource[];
	toItem: (entry: IDataObject) => INodeListSearchItems | undefined;
}

/** Pages read per search call at most, so a search with few matches stays quick. */
const MAX_PAGES_PER_CALL = 5;
/** Enough matches to fill the dropdown; more come with the next token. */
const WANTED_MATCHES = 20;

/** Our token: which source, and HeyGen's token within it. */
function decodeToken(token: string | undefined): { source: number; cursor?: string } {
	if (!token) return { source: 0 };
	const match = /^(\d+):(.*)$/s.exec(token);
	if (!match) return { source: 0 };
	return { source: Number(match[1]), cursor: match[2] || undefined };
}

function matches(item: INodeListSearchItems, filter: string): boolean {
	if (!filter) return true;
	const needle = filter.toLowerCase();
	return (
		item.name.toLowerCase().includes(needle) ||
		String(item.value).toLowerCase().includes(needle) ||
		(item.description ?? '').toLowerCase().includes(needle)
	);
}

async function search(
	context: ILoadOptionsFunctions,
	spec: ListSpec,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const wanted = (filter ?? '').trim();
	let { source, cursor } = decodeToken(paginationToken);
	const results: INodeListSearchItems[] = [];
	const deadline = Date.now() + SEARCH_BUDGET_MS;
	for (let page = 0; page < MAX_PAGES_PER_CALL && source < spec.sources.length; page++) {
		if (page > 0 && Date.now() >= deadline) break;
		const { path, qs, limit } = spec.sources[source];
		let response;
		try {
			response = await heyGenApiRequest.call(context, {
				method: 'GET',
				path,
				qs: { ...qs, limit, ...(cursor ? { token: cursor } : {}) },
				retry: 'safe',
				what: `Listing ${spec.what}`,
				// A dropdown is waiting: fail fast rather than keep the editor spinning for minutes.
				timeoutMs: LIST_TIMEOUT_MS,
				deadline,
			});
		} catch (error) {
			// Show what was found; the token retries this page when the user scrolls.
			if (results.length > 0) break;
			throw asNodeError(context, error);
		}
		const data = Array.isArray(response.body.data) ? (response.body.data as IDataObject[]) : [];
		for (const entry of data) {
			const item = entry && typeof entry === 'object' ? spec.toItem(entry) : undefined;
			if (item && matches(item, wanted)) results.push(item);
		}
		const next = typeof response.body.next_token === 'string' ? response.body.next_token : '';
		// Stop on the last page, and on a token that does not move (a server bug would loop forever).
		if (response.body.has_more === true && next && next !== cursor) {
			cursor = next;
		} else {
			source++;
			cursor = undefined;
		}
		// n8n asks for the next page only when the user scrolls, and an empty list cannot be
		// scrolled: keep reading (the next source too, e.g. public voices after your own) until
		// the dropdown is filled.
		if (results.length >= WANTED_MATCHES) break;
	}
	const more = source < spec.sources.length;
	return { results, paginationToken: more ? `${source}:${cursor ?? ''}` : undefined };
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function humanize(value: unknown): string | undefined {
	const raw = text(value);
	return raw ? raw.replace(/_/g, ' ') : undefined;
}

const styles: ListSpec = {
	what: 'Video Agent styles',
	// heygen-api.md §13: the styles limit is documented as 100 but errors say 50; use 50.
	sources: [{ path: '/v3/video-agents/styles', limit: 50 }],
	toItem: (entry) => {
		const id = text(entry.style_id);
		if (!id) return undefined;
		const tags = Array.isArray(entry.tags) ? entry.tags.filter((t) => typeof t === 'string') : [];
		const details = [tags.join(', '), text(entry.aspect_ratio)].filter(Boolean).join(' · ');
		return {
			name: text(entry.name) ?? id,
			value: id,
			...(details ? { description: details } : {}),
			...(text(entry.preview_video_url) ? { url: text(entry.preview_video_url) } : {}),
		};
	},
};

const avatarLooks: ListSpec = {
	what: 'avatar looks',
	sources: [{ path: '/v3/avatars/looks', limit: 50 }],
	toItem: (entry) => {
		const id = text(entry.id);
		if (!id) return undefined;
		const type = humanize(entry.avatar_type);
		const name = text(entry.name) ?? id;
		return {
			name: type ? `${name} (${type})` : name,
			value: id,
			...(text(entry.preview_image_url) ? { url: text(entry.preview_image_url) } : {}),
		};
	},
};

const voices: ListSpec = {
	what: 'voices',
	// `type` defaults to public, which would hide the account's own (cloned) voices: list them first.
	sources: [
		{ path: '/v3/voices', qs: { type: 'private' }, limit: 100 },
		{ path: '/v3/voices', qs: { type: 'public' }, limit: 100 },
	],
	toItem: (entry) => {
		const id = text(entry.voice_id);
		if (!id) return undefined;
		const name = text(entry.name) ?? id;
		const details = [text(entry.language), text(entry.gender)].filter(
			(part): part is string => !!part && !name.toLowerCase().includes(part.toLowerCase()),
		);
		return {
			name: details.length ? `${name} (${details.join(', ')})` : name,
			value: id,
			...(text(entry.preview_audio_url) ? { url: text(entry.preview_audio_url) } : {}),
		};
	},
};

const brandKits: ListSpec = {
	what: 'brand kits',
	sources: [{ path: '/v3/brand-kits', limit: 100 }],
	toItem: (entry) => {
		const id = text(entry.brand_kit_id) ?? text(entry.id);
		return id ? { name: text(entry.name) ?? id, value: id } : undefined;
	},
};

export async function searchStyles(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await search(this, styles, filter, paginationToken);
}

export async function searchAvatarLooks(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await search(this, avatarLooks, filter, paginationToken);
}

export async function searchVoices(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await search(this, voices, filter, paginationToken);
}

export async function searchBrandKits(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await search(this, brandKits, filter, paginationToken);
}
