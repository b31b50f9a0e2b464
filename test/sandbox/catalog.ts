/** Fixed, deterministic catalogues for the picker list endpoints (heygen-api.md §9). */
import { createHash } from 'node:crypto';

function hex(seed: string, len: number): string {
	return createHash('sha256').update(seed).digest('hex').slice(0, len);
}

const pad = (n: number) => String(n).padStart(2, '0');

export const STYLE_TAGS = [
	'cinematic',
	'retro-tech',
	'iconic-artist',
	'pop-culture',
	'handmade',
	'print',
];
const STYLE_WORDS = [
	'Noir',
	'Neon',
	'Pastel',
	'Blueprint',
	'Collage',
	'Film Grain',
	'Pixel',
	'Watercolor',
	'Poster',
	'Chalk',
	'Vaporwave',
	'Clay',
	'Newsprint',
	'Comic',
	'Documentary',
];
const STYLE_SUFFIX = ['Classic', 'Bold', 'Minimal'];

export interface Style {
	style_id: string;
	name: string;
	thumbnail_url: string;
	preview_video_url: string;
	tags: string[];
	aspect_ratio: string;
}

export function styles(storageUrl: string): Style[] {
	const out: Style[] = [];
	for (let i = 0; i < 45; i++) {
		const id = `style_${hex(`style${i}`, 16)}`;
		const tags = [STYLE_TAGS[i % STYLE_TAGS.length]];
		if (i % 4 === 0) tags.push(STYLE_TAGS[(i + 3) % STYLE_TAGS.length]);
		out.push({
			style_id: id,
			name: `${STYLE_WORDS[i % STYLE_WORDS.length]} ${STYLE_SUFFIX[Math.floor(i / STYLE_WORDS.length)]}`,
			thumbnail_url: `${storageUrl}/catalog/${id}.jpg`,
			preview_video_url: `${storageUrl}/catalog/${id}.mp4`,
			tags,
			aspect_ratio: i % 3 === 2 ? '9:16' : '16:9',
		});
	}
	return out;
}

const LANGUAGES: Array<[string, string]> = [
	['English', 'en-US'],
	['Spanish', 'es-ES'],
	['French', 'fr-FR'],
	['German', 'de-DE'],
	['Japanese', 'ja-JP'],
	['Portuguese', 'pt-BR'],
	['Hindi', 'hi-IN'],
	['Chinese', 'zh-CN'],
	['Arabic', 'ar-SA'],
	['Italian', 'it-IT'],
];
const FIRST_NAMES = [
	'Ava',
	'Liam',
	'Mia',
	'Noah',
	'Zoe',
	'Ethan',
	'Iris',
	'Omar',
	'Lena',
	'Hugo',
	'Maya',
	'Felix',
	'Nora',
];

export interface Voice {
	voice_id: string;
	name: string;
	language: string;
	locale: string;
	gender: 'male' | 'female';
	type: 'public' | 'private';
	engine: string;
	preview_audio_url: string | null;
	support_pause: boolean;
}

/** 120 public voices, then `privateCount` of the account's own (HeyGen lists them by `type`). */
export function voices(privateCount = 10): Voice[] {
	const out: Voice[] = [];
	for (let i = 0; i < 120 + privateCount; i++) {
		const [language, locale] = LANGUAGES[i % LANGUAGES.length];
		const gender = (i + Math.floor(i / LANGUAGES.length)) % 2 === 0 ? 'female' : 'male';
		out.push({
			voice_id: hex(`voice${i}`, 32),
			name: `${FIRST_NAMES[i % FIRST_NAMES.length]} ${pad(Math.floor(i / FIRST_NAMES.length) + 1)} (${language})`,
			language,
			locale,
			gender,
			type: i >= 120 ? 'private' : 'public',
			engine: i % 5 === 0 ? 'elevenlabs' : 'starfish',
			preview_audio_url: null,
			support_pause: true,
		});
	}
	return out;
}

export const AVATAR_TYPES = ['studio_avatar', 'digital_twin', 'photo_avatar'] as const;

export interface Look {
	id: string;
	name: string;
	avatar_type: (typeof AVATAR_TYPES)[number];
	group_id: string;
	ownership: 'public' | 'private';
	gender: 'male' | 'female';
	preview_image_url: string;
	preview_video_url: string;
	default_voice_id: string;
	tags: string[];
}

export function looks(storageUrl: string, voiceList: Voice[]): Look[] {
	const out: Look[] = [];
	for (let i = 0; i < 60; i++) {
		const group = Math.floor(i / 5);
		const id = hex(`look${i}`, 32);
		const gender = group % 2 === 0 ? 'female' : 'male';
		out.push({
			id,
			name: `${FIRST_NAMES[group % FIRST_NAMES.length]} look ${(i % 5) + 1}`,
			avatar_type: AVATAR_TYPES[i % AVATAR_TYPES.length],
			group_id: `group_${hex(`group${group}`, 16)}`,
			ownership: group >= 10 ? 'private' : 'public',
			gender,
			preview_image_url: `${storageUrl}/catalog/look_${id}.jpg`,
			preview_video_url: `${storageUrl}/catalog/look_${id}.mp4`,
			default_voice_id:
				voiceList[(i * 2 + (gender === 'male' ? 1 : 0)) % voiceList.length].voice_id,
			tags: i % 7 === 0 ? ['professional'] : ['casual'],
		});
	}
	return out;
}

export interface BrandKit {
	brand_kit_id: string;
	name: string;
	primary_color: string;
	logo_url: string | null;
	created_at: number;
}

export function brandKits(): BrandKit[] {
	return [
		{
			brand_kit_id: `bk_${hex('bk0', 20)}`,
			name: 'Sandbox Corporate',
			primary_color: '#1E40AF',
			logo_url: null,
			created_at: 1767225600,
		},
		{
			brand_kit_id: `bk_${hex('bk1', 20)}`,
			name: 'Sandbox Playful',
			primary_color: '#F59E0B',
			logo_url: null,
			created_at: 1767312000,
		},
		{
			brand_kit_id: `bk_${hex('bk2', 20)}`,
			name: 'Sandbox Mono',
			primary_color: '#111827',
			logo_url: null,
			created_at: 1767398400,
		},
	];
}
