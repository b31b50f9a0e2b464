// The example workflows: how to run each one and what must be true afterwards. Used by the
// demo (readable summary) and by test:e2e (assertions) alike.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';

import { nodeItems, runError } from './n8n.mjs';
import { EXAMPLES_DIR, formatBytes, sha256, sha256File } from './util.mjs';

export const CREDENTIAL = { id: 'HeyGenCredDemo01', name: 'HeyGen account', type: 'heyGenV3Api' };

export function loadExample(file) {
	return JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
}

export function exampleFiles() {
	return readdirSync(EXAMPLES_DIR)
		.filter((f) => /^\d\d-.*\.json$/.test(f))
		.sort();
}

/** Collects assertion results for one example. */
export class Checks {
	constructor(title) {
		this.title = title;
		this.results = [];
	}
	ok(cond, what, detail) {
		this.results.push({ ok: Boolean(cond), what, detail });
		return Boolean(cond);
	}
	get failed() {
		return this.results.filter((r) => !r.ok);
	}
}

const binaryOf = (item, field = 'data') => item?.binary?.[field];

/** Facts about one upload output item, cross-checked against the input file and the sandbox. */
/**
 * Checks one upload per file, in file order: each file's output item is found by its file name
 * (falling back to its size, then its position).
 */
async function checkUploads(c, items, files, ctx) {
	const uploads = [];
	for (const [i, file] of files.entries()) {
		const item =
			items.find((it) => it.json?.file_name === path.basename(file)) ??
			items.find((it) => it.json?.size_bytes === statSync(file).size) ??
			items[i];
		uploads.push(await checkUpload(c, item, { file, method: 'upload', ...ctx }));
	}
	return uploads;
}

async function checkUpload(c, item, { file, method, sandbox, state, storageJournal }) {
	const j = item?.json ?? {};
	const name = path.basename(file);
	const size = statSync(file).size;
	const hash = await sha256File(file);
	c.ok(
		typeof j.asset_id === 'string' && j.asset_id.length > 0,
		`${name}: asset_id present`,
		j.asset_id,
	);
	c.ok(j.size_bytes === size, `${name}: size_bytes = ${size}`, j.size_bytes);
	c.ok(
		j.file?.type === 'asset_id' && j.file?.asset_id === j.asset_id,
		`${name}: file = {type:'asset_id', asset_id}`,
		JSON.stringify(j.file),
	);
	c.ok(typeof j.url === 'string' && j.url.length > 0, `${name}: url present`, j.url);
	if (method)
		c.ok(j.upload_method === method, `${name}: upload_method = ${method}`, j.upload_method);
	if (sandbox) {
		const asset = state.assets.find((a) => a.asset_id === j.asset_id);
		c.ok(asset, `${name}: the sandbox knows asset ${j.asset_id}`);
		c.ok(
			asset?.sha256 === hash,
			`${name}: the sandbox stored exactly the file's bytes (sha256 ${hash.slice(0, 12)}…)`,
			asset?.sha256,
		);
		c.ok(asset?.status === 'processing', `${name}: asset is usable (completed)`, asset?.status);
		if (method === 'directUpload') {
			const puts = storageJournal.filter(
				(e) =>
					e.method === 'PUT' &&
					asset &&
					e.path === new URL(asset.upload?.url ?? 'http://x/').pathname,
			);
			const put = puts.at(-1);
			c.ok(
				put && put.status >= 200 && put.status < 300,
				`${name}: one PUT to the storage origin succeeded`,
				put?.status,
			);
			c.ok(
				put?.bodySize === size && put?.sha256 === hash,
				`${name}: storage journal: ${formatBytes(size)} arrived intact (sha256 match)`,
				`${put?.bodySize} ${put?.sha256}`,
			);
			c.ok(
				put && !put.headers['x-api-key'],
				`${name}: the API key was not sent to the storage origin`,
			);
		}
	}
	return {
		name,
		size,
		asset_id: j.asset_id,
		mime_type: j.mime_type,
		upload_method: j.upload_method,
	};
}

async function checkVideo(
	c,
	item,
	{ sandbox, state, expectedAssetIds, outputDir, targetIsSandbox, idField = 'video_id' },
) {
	const j = item?.json ?? {};
	const id = j[idField];
	c.ok(
		j.status === 'completed',
		`video status completed`,
		`${j.status}${j.failure_message ? `: ${j.failure_message}` : ''}`,
	);
	c.ok(typeof id === 'string' && id, `${idField} present`, id);
	c.ok(
		typeof j.video_url === 'string' && /^https?:\/\//.test(j.video_url),
		'video_url present',
		j.video_url,
	);
	const bin = binaryOf(item);
	c.ok(
		bin && bin.mimeType === 'video/mp4',
		'downloaded video in binary field "data" (video/mp4)',
		bin?.mimeType,
	);
	const saved = id
		? path.join(outputDir, readdirSync(outputDir).find((f) => f.includes(id)) ?? '')
		: '';
	const savedOk = saved && existsSync(saved) && statSync(saved).isFile();
	c.ok(savedOk, `MP4 written to ${outputDir}`, saved);
	let savedSize = 0;
	if (savedOk) {
		const bytes = readFileSync(saved);
		savedSize = bytes.length;
		c.ok(bytes.subarray(4, 8).toString('latin1') === 'ftyp', 'saved file is an MP4 (ftyp box)');
		if (targetIsSandbox && j.video_url) {
			const res = await request(j.video_url);
			const served = Buffer.from(await res.body.arrayBuffer());
			c.ok(
				sha256(served) === sha256(bytes),
				`saved MP4 is byte-identical to the video URL's (${formatBytes(bytes.length)})`,
			);
		}
	}
	if (sandbox && j.session_id) {
		const session = state.sessions.find((s) => s.session_id === j.session_id);
		c.ok(session, `the sandbox knows session ${j.session_id}`);
		const sent = (session?.request?.files ?? []).map((f) => f.asset_id);
		c.ok(
			JSON.stringify(sent) === JSON.stringify(expectedAssetIds),
			`one request with every asset id, in item order (${expectedAssetIds.length})`,
			JSON.stringify(sent),
		);
		const sessionsForRun = state.sessions.filter((s) =>
			(s.request?.files ?? []).some((f) => expectedAssetIds.includes(f.asset_id)),
		);
		c.ok(
			sessionsForRun.length === 1,
			'exactly one Video Agent session for these files',
			sessionsForRun.length,
		);
	}
	return {
		session_id: j.session_id,
		video_id: j.video_id,
		[idField]: id,
		status: j.status,
		video_url: j.video_url,
		duration: j.duration,
		saved,
		savedSize,
	};
}

/**
 * Each example: `file`, `title`, and `verify(ctx)` → {checks, summary}. ctx: {run (n8n execute
 * result), files (inputs.mjs paths), sandbox (or null against HeyGen), outputDir}.
 */
export const EXAMPLES = [
	{
		file: '01-upload-image-and-pdf.json',
		title: 'Upload an image and a PDF',
		async verify({ run, files, sandbox }) {
			const c = new Checks(this.title);
			const items = nodeItems(run, 'Upload to HeyGen') ?? [];
			c.ok(items.length === 2, 'HeyGen Assets returned one item per file (2)', items.length);
			const state = sandbox ? await sandbox.state() : null;
			const uploads = await checkUploads(c, items, [files.image, files.pdf], { sandbox, state });
			const mimes = Object.fromEntries(uploads.map((u) => [u.name, u.mime_type]));
			c.ok(
				mimes['image.png'] === 'image/png' && mimes['brief.pdf'] === 'application/pdf',
				'mime types image/png and application/pdf',
				JSON.stringify(mimes),
			);
			return { checks: c, summary: { uploads } };
		},
	},
	{
		file: '02-direct-upload-large-video.json',
		title: 'Direct-upload a large video',
		async verify({ run, files, sandbox }) {
			const c = new Checks(this.title);
			const items = nodeItems(run, 'Direct upload to HeyGen') ?? [];
			c.ok(items.length === 1, 'HeyGen Assets returned one item', items.length);
			const state = sandbox ? await sandbox.state() : null;
			const storageJournal = sandbox ? await sandbox.journal('storage') : [];
			const upload = await checkUpload(c, items[0], {
				file: files.largeVideo,
				method: 'directUpload',
				sandbox,
				state,
				storageJournal,
			});
			c.ok(upload.mime_type === 'video/mp4', 'mime type video/mp4', upload.mime_type);
			return { checks: c, summary: { uploads: [upload] } };
		},
	},
	{
		file: '03-files-to-video-agent.json',
		title: 'Files → one Video Agent video (waited for, downloaded)',
		async verify({ run, files, sandbox, outputDir, targetIsSandbox }) {
			const c = new Checks(this.title);
			const uploadsOut = nodeItems(run, 'Upload to HeyGen') ?? [];
			c.ok(uploadsOut.length === 3, 'three files uploaded', uploadsOut.length);
			const state = sandbox ? await sandbox.state() : null;
			const uploads = await checkUploads(c, uploadsOut, [files.image, files.pdf, files.audio], {
				sandbox,
				state,
			});
			const videoItems = nodeItems(run, 'Create the video') ?? [];
			c.ok(
				videoItems.length === 1,
				'Video Agent returned one item for all files (Combine Items)',
				videoItems.length,
			);
			const video = await checkVideo(c, videoItems[0], {
				sandbox,
				state,
				expectedAssetIds: uploadsOut.map((i) => i.json?.asset_id),
				outputDir,
				targetIsSandbox,
			});
			return { checks: c, summary: { uploads, video } };
		},
	},
	{
		file: '04-scheduled-inbox-to-video.json',
		title: 'Scheduled automation: inbox → weekly video',
		async verify({ run, files, sandbox, outputDir, targetIsSandbox }) {
			const c = new Checks(this.title);
			const uploadsOut = nodeItems(run, 'Upload to HeyGen') ?? [];
			c.ok(uploadsOut.length === 2, 'both inbox files uploaded', uploadsOut.length);
			const state = sandbox ? await sandbox.state() : null;
			const uploads = await checkUploads(c, uploadsOut, [files.inboxImage, files.inboxPdf], {
				sandbox,
				state,
			});
			const videoItems = nodeItems(run, 'Create the weekly video') ?? [];
			c.ok(videoItems.length === 1, 'one weekly video', videoItems.length);
			const video = await checkVideo(c, videoItems[0], {
				sandbox,
				state,
				expectedAssetIds: uploadsOut.map((i) => i.json?.asset_id),
				outputDir,
				targetIsSandbox,
			});
			if (sandbox) {
				const session = state.sessions.find((s) => s.session_id === video.session_id);
				c.ok(
					/^Weekly update for the week of /.test(String(session?.request?.prompt ?? '')),
					'prompt built from Settings with the date',
					session?.request?.prompt,
				);
			}
			return { checks: c, summary: { uploads, video } };
		},
	},
	{
		file: '05-photo-avatar-to-video.json',
		title: 'Photo → photo avatar → avatar video (HeyGen node)',
		async verify({ run, files, sandbox, outputDir, targetIsSandbox }) {
			const c = new Checks(this.title);
			const uploadsOut = nodeItems(run, 'Upload to HeyGen') ?? [];
			const state = sandbox ? await sandbox.state() : null;
			const uploads = await checkUploads(c, uploadsOut, [files.image], { sandbox, state });
			const [avatar] = nodeItems(run, 'Create the photo avatar') ?? [];
			c.ok(avatar?.json?.status === 'completed', 'photo avatar completed', avatar?.json?.status);
			c.ok(
				typeof avatar?.json?.avatar_id === 'string' && avatar?.json?.avatar_group_id,
				'avatar_id and avatar_group_id present',
				`${avatar?.json?.avatar_id} ${avatar?.json?.avatar_group_id}`,
			);
			const videoItems = nodeItems(run, 'Create the avatar video') ?? [];
			c.ok(videoItems.length === 1, 'one avatar video', videoItems.length);
			const video = await checkVideo(c, videoItems[0], {
				sandbox,
				state,
				outputDir,
				targetIsSandbox,
			});
			if (sandbox) {
				const journal = await sandbox.journal('api');
				const create = journal.find((e) => e.method === 'POST' && e.path === '/v3/videos');
				c.ok(
					create && create.headers['idempotency-key'],
					'POST /v3/videos carried an Idempotency-Key',
					create?.headers['idempotency-key'],
				);
			}
			return { checks: c, summary: { uploads, avatar: avatar?.json?.avatar_id, video } };
		},
	},
	{
		file: '06-translate-video.json',
		title: 'Video → translated into two languages (HeyGen node)',
		async verify({ run, files, sandbox, outputDir, targetIsSandbox }) {
			const c = new Checks(this.title);
			const uploadsOut = nodeItems(run, 'Upload to HeyGen') ?? [];
			const state = sandbox ? await sandbox.state() : null;
			const uploads = await checkUploads(c, uploadsOut, [files.clip], { sandbox, state });
			const items = nodeItems(run, 'Translate the video') ?? [];
			const languages = items.map((i) => i.json?.output_language);
			c.ok(
				JSON.stringify(languages) === JSON.stringify(['Spanish (Spain)', 'French (France)']),
				'one item per language, in the order asked',
				JSON.stringify(languages),
			);
			const videos = [];
			for (const item of items) {
				videos.push(
					await checkVideo(c, item, {
						sandbox,
						state,
						outputDir,
						targetIsSandbox,
						idField: 'video_translation_id',
					}),
				);
			}
			return { checks: c, summary: { uploads, videos } };
		},
	},
	{
		file: '07-lipsync-voice-over.json',
		title: 'Video + voice-over → lipsync (HeyGen node)',
		async verify({ run, files, sandbox, outputDir, targetIsSandbox }) {
			const c = new Checks(this.title);
			const state = sandbox ? await sandbox.state() : null;
			const uploads = [
				...(await checkUploads(c, nodeItems(run, 'Upload the video') ?? [], [files.clip], {
					sandbox,
					state,
				})),
				...(await checkUploads(c, nodeItems(run, 'Upload the voice-over') ?? [], [files.audio], {
					sandbox,
					state,
				})),
			];
			const items = nodeItems(run, 'Lipsync') ?? [];
			c.ok(items.length === 1, 'one lipsync', items.length);
			const video = await checkVideo(c, items[0], {
				sandbox,
				state,
				outputDir,
				targetIsSandbox,
				idField: 'lipsync_id',
			});
			return { checks: c, summary: { uploads, video } };
		},
	},
];

// Example 9 runs against the sandbox's file host (its port is random in the e2e run).
EXAMPLES.push({
	file: '09-upload-from-url-to-video.json',
	title: 'Upload from a URL → one Video Agent video',
	/** Points the example's Settings → url at this run's file host (kept as is against HeyGen). */
	prepare(workflow, { sandbox }) {
		if (!sandbox) return workflow;
		const settings = workflow.nodes.find((n) => n.name === 'Settings');
		const url = settings.parameters.assignments.assignments.find((a) => a.name === 'url');
		url.value = `${sandbox.fileHostUrl}/sample.mp4`;
		return workflow;
	},
	async verify({ run, sandbox }) {
		const c = new Checks(this.title);
		const uploads = nodeItems(run, 'Upload from URL') ?? [];
		c.ok(uploads.length === 1, 'HeyGen Assets → Upload from URL returned one item', uploads.length);
		const j = uploads[0]?.json ?? {};
		c.ok(j.upload_method === 'uploadFromUrl', 'upload_method = uploadFromUrl', j.upload_method);
		c.ok(j.mime_type === 'video/mp4', 'mime type video/mp4 (from the bytes)', j.mime_type);
		const state = sandbox ? await sandbox.state() : null;
		if (sandbox) {
			const sample = await request(`${sandbox.fileHostUrl}/sample.mp4`);
			const bytes = Buffer.from(await sample.body.arrayBuffer());
			const asset = state.assets.find((a) => a.asset_id === j.asset_id);
			c.ok(
				asset?.sha256 === sha256(bytes),
				`the sandbox stored exactly the URL's bytes (sha256 ${sha256(bytes).slice(0, 12)}…)`,
				asset?.sha256,
			);
			const journal = await sandbox.fileHostJournal();
			c.ok(
				journal.length > 0 &&
					journal.every((e) => !e.headers['x-api-key'] && !e.headers.authorization),
				'the file host never saw the API key',
				journal.length,
			);
		}
		const videos = nodeItems(run, 'Create the video') ?? [];
		const v = videos[0]?.json ?? {};
		c.ok(v.status === 'completed', 'video status completed', v.status);
		c.ok(typeof v.video_url === 'string' && v.video_url, 'video_url present', v.video_url);
		if (sandbox) {
			const session = state.sessions.find((s) => s.session_id === v.session_id);
			const sent = (session?.request?.files ?? []).map((f) => f.asset_id);
			c.ok(
				JSON.stringify(sent) === JSON.stringify([j.asset_id]),
				'the video was made from the uploaded asset',
				JSON.stringify(sent),
			);
		}
		const upload = {
			name: 'sample.mp4 (URL)',
			size: j.size_bytes,
			mime_type: j.mime_type,
			asset_id: j.asset_id,
			upload_method: j.upload_method,
		};
		const video = { ...v, saved: '— (this example does not download the MP4)' };
		return { checks: c, summary: { uploads: [upload], video } };
	},
});

/** The example's workflow as imported into n8n: the file, adapted to this run where it must be. */
export function exampleWorkflow(example, ctx) {
	const workflow = loadExample(example.file);
	return example.prepare ? example.prepare(workflow, ctx) : workflow;
}

export { runError };
