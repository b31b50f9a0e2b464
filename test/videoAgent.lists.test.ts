/**
 * The Video Agent node's searchable lists (resource locators) against the sandbox's catalogues,
 * and the public interface workflows depend on.
 */
import type { INodeListSearchResult, INodeProperties } from 'n8n-workflow';

import { HeyGenVideoAgent } from '../nodes/HeyGenVideoAgent/HeyGenVideoAgent.node';
import { SEARCH_BUDGET_MS } from '../nodes/shared/listSearch';
import { removeScratch, runWorkflow, source } from './harness/engine';
import { sandboxCredentials } from './harness/heygen';
import { listSearchProbeNode, type SearchMethod } from './harness/list-search-probe';
import { start, type Sandbox } from './sandbox';
import { voices as catalogVoices } from './sandbox/catalog';

const videoAgent = new HeyGenVideoAgent();

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await start({ port: 0, quiet: true });
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

beforeEach(() => sandbox.clearJournal());

async function search(
	method: SearchMethod,
	pages: number,
	filter = '',
): Promise<INodeListSearchResult[]> {
	const result = await runWorkflow({
		nodes: [source([{ json: {} }]), listSearchProbeNode(method, { filter, pages })],
		credentials: sandboxCredentials(sandbox),
	});
	expect(result.error).toBeUndefined();
	return result.output('Probe').map((item) => item.json as unknown as INodeListSearchResult);
}

const listCalls = (path: string) =>
	sandbox.journal('api').filter((e) => e.method === 'GET' && e.path === path);

describe('list search', () => {
	it("pages through avatar looks with HeyGen's cursor until has_more is false", async () => {
		const pages = await search('searchAvatarLooks', 5);
		expect(pages.map((p) => p.results.length)).toEqual([50, 10]);
		expect(pages[0].paginationToken).toEqual(expect.any(String));
		expect(pages[1].paginationToken).toBeUndefined();
		const all = pages.flatMap((p) => p.results);
		expect(new Set(all.map((r) => r.value)).size).toBe(60);
		expect(all[0]).toMatchObject({
			name: 'Ava look 1 (studio avatar)',
			value: expect.stringMatching(/^[0-9a-f]{32}$/),
		});
		const calls = listCalls('/v3/avatars/looks');
		expect(calls.map((c) => c.query.limit)).toEqual(['50', '50']);
		expect(calls[0].query.token).toBeUndefined();
		expect(calls[1].query.token).toEqual(expect.any(String));
		expect(calls[0].headers['x-api-key']).toBe(sandbox.apiKey);
	});

	it('lists your own voices first, then the public ones, across pages', async () => {
		const pages = await search('searchVoices', 10);
		// your 10 voices do not fill the dropdown, so the first page goes on into the public ones
		expect(pages.map((p) => p.results.length)).toEqual([110, 20]);
		expect(pages[1].paginationToken).toBeUndefined();
		expect(
			listCalls('/v3/voices').map((c) => [c.query.type, c.query.limit, Boolean(c.query.token)]),
		).toEqual([
			['private', '100', false],
			['public', '100', false],
			['public', '100', true],
		]);
		expect(new Set(pages.flatMap((p) => p.results.map((r) => r.value))).size).toBe(130);
		expect(pages[0].results[10].name).toMatch(/^Ava 01 \(English\) \(female\)$/);
	});

	describe.each([0, 1, 10])('an account with %i private voices', (privateVoices) => {
		beforeAll(() => sandbox.setOptions({ privateVoices }));
		afterAll(() => sandbox.setOptions({ privateVoices: 10 }));

		it('gets a full first page without scrolling: its own voices first, then public ones', async () => {
			const [first] = await search('searchVoices', 1);
			expect(first.results.length).toBeGreaterThanOrEqual(20);
			const own = first.results.slice(0, privateVoices).map((r) => r.value);
			const privateIds = catalogVoices(privateVoices)
				.filter((v) => v.type === 'private')
				.map((v) => v.voice_id);
			expect(privateIds).toHaveLength(privateVoices);
			expect(own).toEqual(privateIds);
			expect(first.results[privateVoices].name).toMatch(/^Ava 01 \(English\)/);
			expect(first.paginationToken).toEqual(expect.any(String));
		});
	});

	it('bounds one search in time: a hanging list ends with an error instead of minutes of retries', async () => {
		sandbox.injectFault({ method: 'GET', path: '/v3/voices', kind: 'hang', times: 20 });
		const started = Date.now();
		const result = await runWorkflow({
			nodes: [source([{ json: {} }]), listSearchProbeNode('searchVoices', { pages: 1 })],
			credentials: sandboxCredentials(sandbox),
		});
		const elapsed = Date.now() - started;
		sandbox.clearFaults();
		expect(result.error?.message).toMatch(/Listing voices|timed? ?out|ETIMEDOUT/i);
		// 10 s per attempt: without the budget, 3 attempts (30 s and more); with it, 2 at most
		expect(listCalls('/v3/voices').length).toBeLessThanOrEqual(2);
		expect(elapsed).toBeLessThan(SEARCH_BUDGET_MS + 5_000);
	}, 60_000);

	it('filters by name across pages, and offers the rest of the matches with a token', async () => {
		const few = (await search('searchVoices', 10, 'german')).flatMap((p) => p.results);
		expect(few).toHaveLength(13);
		expect(few.every((r) => /German/.test(r.name))).toBe(true);

		const pages = await search('searchVoices', 10, 'FEMALE');
		expect(pages.length).toBeGreaterThan(1);
		expect(pages[0].results.length).toBeGreaterThanOrEqual(20);
		expect(pages[0].paginationToken).toEqual(expect.any(String));
		const all = pages.flatMap((p) => p.results);
		expect(all).toHaveLength(65);
		expect(new Set(all.map((r) => r.value)).size).toBe(65);
		expect(all.every((r) => /\(.*female\)$/.test(r.name))).toBe(true);
	});

	it('lists styles (limit kept at 50) and brand kits', async () => {
		const [styles] = await search('searchStyles', 1);
		expect(styles.results).toHaveLength(45);
		expect(styles.paginationToken).toBeUndefined();
		expect(styles.results[0]).toMatchObject({
			name: 'Noir Classic',
			value: expect.stringMatching(/^style_/),
			url: expect.stringMatching(/\.mp4$/),
		});
		expect(listCalls('/v3/video-agents/styles')[0].query.limit).toBe('50');

		const [kits] = await search('searchBrandKits', 1);
		expect(kits.results.map((r) => r.name)).toEqual([
			'Sandbox Corporate',
			'Sandbox Playful',
			'Sandbox Mono',
		]);
		expect(kits.results[0].value).toMatch(/^bk_/);
	});
});

describe('public interface', () => {
	const { description } = videoAgent;
	const property = (name: string) =>
		description.properties.find((p) => p.name === name) as INodeProperties;
	const option = (name: string) =>
		(property('options').options as INodeProperties[]).find(
			(p) => p.name === name,
		) as INodeProperties;

	it('keeps the names and defaults example workflows depend on', () => {
		expect(description.name).toBe('heyGenVideoAgent');
		expect(description.displayName).toBe('HeyGen Video Agent');
		expect(description.version).toEqual([1, 2]);
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([{ name: 'heyGenV3Api', required: true }]);
		expect(property('operation').default).toBe('create');
		expect(
			(property('operation').options as Array<{ value: string }>).map((o) => o.value).sort(),
		).toEqual(['create', 'get', 'getVideo', 'sendMessage', 'stop']);
		expect(property('assetIds').default).toBe('={{ $json.asset_id }}');
		expect(property('combineItems').default).toBe(false);
		expect(property('waitForCompletion').default).toBe(true);
		expect(property('sessionId').default).toBe('={{ $json.session_id }}');
		expect(property('videoId').default).toBe('={{ $json.video_id }}');
		expect(property('prompt')).toBeDefined();
		expect(property('message')).toBeDefined();
		expect(option('downloadVideo').default).toBe(false);
		expect(option('binaryPropertyName').default).toBe('data');
		for (const name of [
			'pollIntervalSeconds',
			'maxWaitSeconds',
			'mode',
			'orientation',
			'incognitoMode',
			'callbackUrl',
			'callbackId',
			'fileUrls',
			'inputBinaryFields',
		]) {
			expect(option(name)).toBeDefined();
		}
		for (const name of ['avatarId', 'voiceId', 'styleId', 'brandKitId']) {
			expect(option(name).type).toBe('resourceLocator');
			expect(option(name).modes!.map((m) => m.name)).toEqual(['list', 'id']);
		}
	});

	it('every list mode names a listSearch method the node has', () => {
		for (const name of ['avatarId', 'voiceId', 'styleId', 'brandKitId']) {
			const method = option(name).modes![0].typeOptions!.searchListMethod as string;
			expect(typeof videoAgent.methods.listSearch[method as SearchMethod]).toBe('function');
		}
	});
});
