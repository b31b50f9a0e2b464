// Editor check in a real browser: Debian's Chromium driven by playwright-core (never downloads a
// browser). n8n runs as a server on the user folder the CLI runs used; the owner account is created
// through the REST API and the browser signs in through the sign-in form like a person would.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';

import { Checks } from './examples.mjs';
import { log, step } from './util.mjs';

export function chromiumPath() {
	const candidates = [
		process.env.CHROMIUM_PATH,
		'/usr/bin/chromium',
		'/usr/bin/chromium-browser',
	].filter(Boolean);
	return candidates.find((p) => existsSync(p));
}

const NODES = [
	{
		name: 'Upload to HeyGen',
		type: 'n8n-nodes-heygen-v3.heyGenAssets',
		displayName: 'HeyGen Assets',
		params: { operation: 'Upload', binaryPropertyName: 'data' },
		labels: ['Credential', 'Operation', 'Input Data Field Name', 'Options'],
		shot: '2-ndv-heygen-assets.png',
	},
	{
		name: 'Create the video',
		type: 'n8n-nodes-heygen-v3.heyGenVideoAgent',
		displayName: 'HeyGen Video Agent',
		params: {
			operation: 'Create Video',
			prompt: null,
			assetIds: null,
			combineItems: null,
			waitForCompletion: null,
		},
		labels: [
			'Credential',
			'Operation',
			'Prompt',
			'Asset IDs',
			'Combine Items',
			'Wait for Completion',
			'Download Video',
			'Poll Interval (Seconds)',
		],
		shot: '3-ndv-heygen-video-agent.png',
	},
	// The HeyGen node, in the workflows of examples 5–7 (`workflow`: opened for its panel).
	{
		name: 'Create the avatar video',
		workflow: 'heygenExample05',
		type: 'n8n-nodes-heygen-v3.heyGen',
		displayName: 'HeyGen',
		params: { resource: 'Video', operation: 'Create', videoType: 'Avatar', script: null },
		labels: [
			'Credential',
			'Resource',
			'Presenter',
			'Avatar',
			'Speech',
			'Script',
			'Voice',
			'Wait Method',
		],
		shot: '3b-ndv-heygen-video.png',
	},
	{
		name: 'Translate the video',
		workflow: 'heygenExample06',
		type: 'n8n-nodes-heygen-v3.heyGen',
		displayName: 'HeyGen',
		params: { resource: 'Video Translation', operation: 'Create', video: null },
		labels: ['Video', 'Output Language Names or IDs', 'Wait for Completion', 'Download Video'],
		shot: '3c-ndv-heygen-translation.png',
	},
	{
		name: 'Lipsync',
		workflow: 'heygenExample07',
		type: 'n8n-nodes-heygen-v3.heyGen',
		displayName: 'HeyGen',
		params: { resource: 'Lipsync', operation: 'Create', video: null, audio: null },
		labels: ['Video', 'Audio', 'Wait for Completion'],
		shot: '3d-ndv-heygen-lipsync.png',
	},
];

/** One entry per node type (the server and node-panel checks look at types, not panels). */
const NODE_TYPES = NODES.filter((n, i) => NODES.findIndex((m) => m.type === n.type) === i);

/**
 * Checks through n8n's REST API with the server running (owner logged in): the pack's types are
 * listed, its icon is served, the credential test passes (and fails with a wrong key), and the
 * scheduled example, published before the start, is active.
 */
export async function serverChecks({ n8n, credential, target, scheduledWorkflowId }) {
	const c = new Checks('n8n server: types, icon, credential test, schedule');
	const nodeTypes = await n8n.rest('GET', '/types/nodes.json');
	const names = Array.isArray(nodeTypes.body) ? nodeTypes.body.map((t) => t.name) : [];
	for (const n of NODE_TYPES) c.ok(names.includes(n.type), `n8n lists node type ${n.type}`);
	const credTypes = await n8n.rest('GET', '/types/credentials.json');
	const heygenCred = Array.isArray(credTypes.body)
		? credTypes.body.find((t) => t.name === credential.type)
		: undefined;
	c.ok(
		heygenCred?.displayName === 'HeyGen API',
		`n8n lists credential type ${credential.type} ("HeyGen API")`,
		heygenCred?.displayName,
	);
	const iconPath = '/icons/n8n-nodes-heygen-v3/dist/icons/heygen.svg';
	const icon = await request(`${n8n.baseUrl}${iconPath}`);
	const iconBody = await icon.body.text();
	c.ok(
		icon.statusCode === 200 && iconBody.includes('<svg'),
		`the icon is served (${iconPath})`,
		icon.statusCode,
	);

	const test = async (apiKey) =>
		n8n.rest('POST', '/rest/credentials/test', {
			credentials: {
				id: credential.id,
				name: credential.name,
				type: credential.type,
				data: { apiKey, baseUrl: target.apiUrl },
			},
		});
	const good = await test(target.apiKey);
	c.ok(
		good.status === 200 && good.body?.data?.status === 'OK',
		'credential test (GET /v3/users/me) passes with the key',
		JSON.stringify(good.body),
	);
	const bad = await test('not-the-key');
	c.ok(
		bad.status === 200 && bad.body?.data?.status === 'Error',
		'credential test fails with a wrong key',
		JSON.stringify(bad.body),
	);

	// Plain http:// to a host not spelled as loopback: 127.1 still reaches the sandbox, so what
	// arrives there shows that n8n's tester (vm expression engine, test rules) sent no key.
	const insecureUrl = target.apiUrl.replace('://127.0.0.1:', '://127.1:');
	await request(`${target.apiUrl}/__sandbox/journal`, { method: 'DELETE' }).then((r) =>
		r.body.dump(),
	);
	const insecure = await n8n.rest('POST', '/rest/credentials/test', {
		credentials: {
			id: credential.id,
			name: credential.name,
			type: credential.type,
			data: { apiKey: target.apiKey, baseUrl: insecureUrl },
		},
	});
	const journal = await request(`${target.apiUrl}/__sandbox/journal?origin=api`);
	const seen = (await journal.body.json()).filter((e) => e.path === '/v3/users/me');
	c.ok(
		insecure.body?.data?.status === 'Error' && /not sent at all/.test(insecure.body?.data?.message),
		`credential test with a plain-http Base URL (${insecureUrl}) fails and says the key was not sent`,
		JSON.stringify(insecure.body),
	);
	c.ok(
		seen.length > 0 && seen.every((e) => !e.headers['x-api-key']),
		'…and the request that arrived carried no key',
		JSON.stringify(seen.map((e) => e.headers['x-api-key'] ?? null)),
	);

	if (scheduledWorkflowId) {
		const wf = await n8n.rest('GET', `/rest/workflows/${scheduledWorkflowId}`);
		c.ok(
			wf.status === 200 && wf.body?.data?.active === true,
			`the scheduled example (${scheduledWorkflowId}) was published and n8n activated its Schedule Trigger`,
			wf.body?.data?.active,
		);
		const logText = readFileSync(n8n.logFile, 'utf8');
		c.ok(
			!/activation.*(failed|error)|could not be activated/i.test(logText),
			'no activation error in the n8n log',
		);
	}
	return {
		n: 'x3',
		title: c.title,
		ok: c.failed.length === 0,
		failures: c.failed.map((f) => `${f.what}${f.detail !== undefined ? ` (got ${f.detail})` : ''}`),
		checks: c.results.length,
	};
}

/**
 * The editor in Chromium, n8n already started with the owner set up.
 * @returns {Promise<{result: object, screenshots: string[]}>} result is shaped like an example's
 */
export async function editorCheck({ n8n, runDir, workflow, credential, otherWorkflows = [] }) {
	const { chromium } = await import('playwright-core');
	const c = new Checks('Editor check in Chromium');
	const shotsDir = path.join(runDir, 'screenshots');
	mkdirSync(shotsDir, { recursive: true });
	const screenshots = [];
	let browser;
	try {
		const exe = chromiumPath();
		browser = await step(
			`Launching ${exe} (headless)`,
			() =>
				chromium.launch({
					executablePath: exe,
					args: [
						'--headless',
						'--no-sandbox',
						'--disable-gpu',
						'--disable-background-networking',
						'--disable-dev-shm-usage',
					],
				}),
			{ heartbeat: 0 },
		);
		const context = await browser.newContext({
			viewport: { width: 1600, height: 1000 },
			deviceScaleFactor: 1,
		});
		const page = await context.newPage();
		const badIcons = [];
		page.on('response', (res) => {
			if (res.url().includes('/icons/n8n-nodes-heygen-v3/') && res.status() >= 400)
				badIcons.push(`${res.status()} ${res.url()}`);
		});
		const shoot = async (name) => {
			const file = path.join(shotsDir, name);
			await page.screenshot({ path: file });
			screenshots.push(file);
		};

		await step(
			'Signing in through the sign-in form',
			async () => {
				await page.goto(`${n8n.baseUrl}/signin`);
				await page.fill('input[name="emailOrLdapLoginId"]', n8n.owner.email);
				await page.fill('input[type="password"]', n8n.owner.password);
				await page.click('[data-test-id="form-submit-button"]');
				await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
			},
			{ heartbeat: 0 },
		);

		await step(
			`Opening the workflow "${workflow.name}"`,
			async () => {
				await page.goto(`${n8n.baseUrl}/workflow/${workflow.id}`);
				await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
				// icons are <img>; wait until the browser has them
				await page
					.waitForFunction(
						() =>
							[...document.querySelectorAll('[data-test-id="canvas-node"] img')].every(
								(i) => i.complete,
							),
						null,
						{ timeout: 15_000 },
					)
					.catch(() => {});
			},
			{ heartbeat: 0 },
		);

		for (const n of NODES.filter((entry) => !entry.workflow)) {
			const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${n.name}"]`);
			const found = (await node.count()) === 1;
			c.ok(found, `canvas shows "${n.name}"`);
			if (!found) continue;
			c.ok(
				(await node.getAttribute('data-node-type')) === n.type,
				`"${n.name}" has type ${n.type}`,
				await node.getAttribute('data-node-type'),
			);
			c.ok((await node.innerText()).includes(n.name), `"${n.name}" label is rendered`);
			const img = await iconState(node);
			c.ok(
				img.loaded && img.src.includes('/icons/n8n-nodes-heygen-v3/'),
				`"${n.name}" icon is the pack's SVG, loaded (${img.width}×${img.height})`,
				JSON.stringify(img),
			);
			c.ok(!img.placeholder, `"${n.name}" icon is not the "?" placeholder`, img.text);
		}
		await shoot('1-canvas.png');

		for (const n of NODES) {
			await step(
				`Parameter panel of "${n.name}" (${n.displayName})`,
				async () => {
					if (n.workflow) {
						await page.goto(`${n8n.baseUrl}/workflow/${n.workflow}`);
						await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
					}
					await page.locator(`[data-test-id="canvas-node"][data-node-name="${n.name}"]`).dblclick();
					const ndv = page.locator('[data-test-id="ndv"]');
					await ndv.waitFor({ state: 'visible', timeout: 15_000 });
					await page.waitForTimeout(500);
					const title = await page
						.locator('[data-test-id="node-title-container"]')
						.first()
						.innerText()
						.catch(() => '');
					c.ok(title.includes(n.name), `panel title "${n.name}"`, title);
					const headerIcon = await iconState(page.locator('[data-test-id="ndv"] header').first());
					c.ok(
						headerIcon.loaded && !headerIcon.placeholder,
						`panel shows the pack's icon`,
						JSON.stringify(headerIcon),
					);
					const cred = await page
						.locator('[data-test-id="node-credentials-select"]')
						.first()
						.innerText()
						.catch(() => '');
					const credValue = await page
						.locator('[data-test-id="node-credentials-select"] input')
						.first()
						.inputValue()
						.catch(() => '');
					c.ok(
						`${cred} ${credValue}`.includes(credential.name),
						`credential "${credential.name}" is selected`,
						`${cred}|${credValue}`,
					);
					for (const [param, expected] of Object.entries(n.params)) {
						const input = page.locator(`[data-test-id="parameter-input-${param}"]`).first();
						const present = (await input.count()) > 0;
						c.ok(present, `parameter "${param}" is rendered`);
						if (present && expected !== null) {
							const value = await input
								.locator('input, textarea')
								.first()
								.inputValue()
								.catch(async () => await input.innerText());
							c.ok(value === expected, `parameter "${param}" shows "${expected}"`, value);
						}
					}
					const text = await ndv.innerText();
					for (const label of n.labels) c.ok(text.includes(label), `label "${label}" is shown`);
					await shoot(n.shot);
					await page.locator('[data-test-id="ndv-close-button"]').first().click();
					await ndv
						.waitFor({ state: 'hidden', timeout: 10_000 })
						.catch(() => page.keyboard.press('Escape'));
				},
				{ heartbeat: 0 },
			);
		}

		await step(
			'Node panel: searching "HeyGen"',
			async () => {
				await page.locator('[data-test-id="node-creator-plus-button"]').first().click();
				await page
					.locator('[data-test-id="node-creator-search-bar"]')
					.first()
					.waitFor({ state: 'visible', timeout: 10_000 });
				await page.keyboard.type('HeyGen'); // the search field has the focus
				await page.waitForFunction(
					() =>
						document.querySelectorAll('[data-test-id="node-creator-item-name"]').length > 0 &&
						[...document.querySelectorAll('[data-test-id="node-creator-item-name"]')].some((e) =>
							e.textContent.includes('HeyGen'),
						),
					null,
					{ timeout: 10_000 },
				);
				await page.waitForTimeout(500);
				const panel = page.locator('[data-test-id="node-creator"]').first();
				const text = await panel.innerText().catch(() => '');
				for (const n of NODE_TYPES) {
					const offered = text.includes(n.displayName);
					c.ok(
						offered,
						`node panel offers "${n.displayName}"`,
						offered ? undefined : await whyHidden(n8n, n.type),
					);
				}
				const icons = await panel
					.locator('img[src*="/icons/n8n-nodes-heygen-v3/"]')
					.evaluateAll((imgs) => imgs.map((i) => i.complete && i.naturalWidth > 0));
				c.ok(
					icons.length >= NODE_TYPES.length && icons.every(Boolean),
					`node panel shows the pack's icons (${icons.length})`,
				);
				await shoot('4-node-panel-search.png');
				await page.keyboard.press('Escape');
			},
			{ heartbeat: 0 },
		);

		for (const wf of [workflow, ...otherWorkflows]) {
			await step(
				`Canvas of "${wf.name}": no node with issues`,
				async () => {
					await page.goto(`${n8n.baseUrl}/workflow/${wf.id}`);
					await page.waitForSelector('[data-test-id="canvas-node"]', { timeout: 60_000 });
					await page.waitForTimeout(1500);
					const shown = await page.locator('[data-test-id="canvas-node"]').count();
					const expected = wf.nodes.filter((n) => n.type !== 'n8n-nodes-base.stickyNote').length;
					c.ok(shown === expected, `${wf.id}: all ${expected} nodes on the canvas`, shown);
					const issues = await page
						.locator('[data-test-id="canvas-node"]:has([data-test-id="node-issues"])')
						.evaluateAll((els) => els.map((e) => e.getAttribute('data-node-name')));
					c.ok(
						issues.length === 0,
						`${wf.id}: no node shows parameter or credential issues`,
						issues.join(', '),
					);
					const icons = await page
						.locator(
							'[data-test-id="canvas-node"][data-node-type^="n8n-nodes-heygen-v3."] .n8n-node-icon img',
						)
						.evaluateAll((imgs) => imgs.map((i) => i.complete && i.naturalWidth > 0));
					c.ok(
						icons.length > 0 && icons.every(Boolean),
						`${wf.id}: HeyGen nodes drawn with the pack's icon (${icons.length})`,
					);
					if (wf.id !== workflow.id) {
						// n8n pops a "Production Checklist" over published workflows; close it for the picture
						const checklist = page.getByText('Production Checklist', { exact: true });
						if (await checklist.count())
							await checklist
								.locator('xpath=..')
								.locator('button')
								.first()
								.click({ timeout: 2000 })
								.catch(() => {});
						await shoot(`5-canvas-${wf.id}.png`);
					}
				},
				{ heartbeat: 0 },
			);
		}

		c.ok(badIcons.length === 0, 'no icon request of the pack failed', badIcons.join(', '));
	} catch (err) {
		c.ok(false, `editor check could not finish: ${err.message.split('\n')[0]}`);
		try {
			const page = browser?.contexts()[0]?.pages()[0];
			if (page) {
				const file = path.join(shotsDir, 'failure.png');
				await page.screenshot({ path: file });
				screenshots.push(file);
			}
		} catch {
			/* best effort */
		}
	} finally {
		await browser?.close().catch(() => {});
	}
	log(`  screenshots: ${shotsDir}`);
	return {
		screenshots,
		result: {
			n: 'x4',
			title: 'Editor check in Chromium (node names, icons, parameter panels)',
			ok: c.failed.length === 0,
			failures: c.failed.map(
				(f) => `${f.what}${f.detail !== undefined ? ` (got ${f.detail})` : ''}`,
			),
			checks: c.results.length,
			note: `screenshots: ${screenshots.map((s) => path.basename(s)).join(', ')}`,
		},
	};
}

/** The node icon inside `scope`: its <img> state, and whether the "?" placeholder is drawn instead. */
async function iconState(scope) {
	const icon = scope.locator('.n8n-node-icon').first();
	if ((await icon.count()) === 0)
		return { loaded: false, placeholder: true, src: '', text: 'no icon element' };
	return await icon.evaluate((el) => {
		const img = el.querySelector('img');
		const text = el.innerText.trim();
		return {
			src: img?.getAttribute('src') ?? '',
			loaded: Boolean(img && img.complete && img.naturalWidth > 0),
			width: img?.naturalWidth ?? 0,
			height: img?.naturalHeight ?? 0,
			text,
			placeholder: !img || text === '?',
		};
	});
}

/** Explains a node missing from the node panel when n8n's own filter is the reason. */
async function whyHidden(n8n, type) {
	const res = await n8n.rest('GET', '/types/nodes.json');
	const t = Array.isArray(res.body) ? res.body.find((x) => x.name === type) : undefined;
	const codex = t?.codex;
	if (codex?.categories?.includes('AI') && !codex?.subcategories?.AI?.includes('Root Nodes')) {
		return `its codex lists the category "AI" without subcategories.AI "Root Nodes"; n8n ${'2.41'}'s node panel hides such nodes (its filter keeps AI-category nodes only when they are root nodes). Remove "AI" from categories in the .node.json (or add "subcategories": {"AI": ["Root Nodes"]})`;
	}
	return `codex ${JSON.stringify(codex)}`;
}
