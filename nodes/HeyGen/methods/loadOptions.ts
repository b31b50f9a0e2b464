/** Dropdown options of the HeyGen node that come from HeyGen (not paged lists: see listSearch). */
import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { heyGenApiRequest } from '../../shared/transport';

/**
 * `GET /v3/video-translations/languages`: the names `output_languages` takes. HeyGen's schema
 * calls them codes but its CLI sends names; values are passed through as listed.
 */
export async function getTranslationLanguages(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const response = await heyGenApiRequest.call(this, {
		method: 'GET',
		path: '/v3/video-translations/languages',
		retry: 'safe',
		what: 'Listing translation languages',
		timeoutMs: 10_000,
	});
	const data = response.body.data as { languages?: unknown } | undefined;
	const languages = Array.isArray(data?.languages) ? data.languages : [];
	return languages
		.filter((language): language is string => typeof language === 'string' && !!language)
		.map((language) => ({ name: language, value: language }));
}
