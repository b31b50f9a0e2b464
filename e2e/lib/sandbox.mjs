// Starts the HeyGen sandbox (test/sandbox, run with the root project's Node 24 toolchain) and talks
// to its control API (/__sandbox/*).
import path from 'node:path';
import { request } from 'undici';

import { ROOT, ROOT_BIN, UserFacingError, startBackground, stopChild } from './util.mjs';

export class Sandbox {
	/** @param {{fast?: boolean, logFile?: string, port?: number}} opts */
	static async start({ fast = false, logFile, port = 0 } = {}) {
		const args = ['test/sandbox/cli.ts', '--json', '--port', String(port)];
		if (fast) args.push('--fast');
		const env = { ...process.env, PATH: `${ROOT_BIN}${path.delimiter}${process.env.PATH}` };
		let child;
		const ready = new Promise((resolve, reject) => {
			let errors = '';
			child = startBackground(path.join(ROOT_BIN, 'tsx'), args, {
				cwd: ROOT,
				env,
				logFile,
				onLine: (line) => {
					const trimmed = line.trim();
					if (trimmed.startsWith('{') && trimmed.includes('"apiUrl"')) resolve(JSON.parse(trimmed));
					else errors += `${line}\n`;
				},
			});
			child.on('close', (code) =>
				reject(
					new UserFacingError(
						`The HeyGen sandbox exited (code ${code}) before it was ready:\n${errors.trim()}`,
					),
				),
			);
			child.on('error', reject);
		});
		const timeout = new Promise((_, reject) =>
			setTimeout(
				() => reject(new Error('The HeyGen sandbox did not start within 60 s')),
				60_000,
			).unref(),
		);
		const info = await Promise.race([ready, timeout]);
		const sb = new Sandbox(child, info);
		return sb;
	}

	constructor(child, { apiUrl, storageUrl, apiKey, fileHostUrl }) {
		this.child = child;
		this.apiUrl = apiUrl;
		this.storageUrl = storageUrl;
		this.apiKey = apiKey;
		/** the file host: sources for Upload from URL (test/sandbox/fileHost.ts) */
		this.fileHostUrl = fileHostUrl;
	}

	/** Every request the file host got (its own journal). */
	async fileHostJournal() {
		const res = await request(`${this.fileHostUrl}/__files/journal`);
		return JSON.parse(await res.body.text());
	}

	async control(method, p, body) {
		const res = await request(`${this.apiUrl}${p}`, {
			method,
			headers: body ? { 'content-type': 'application/json' } : {},
			body: body ? JSON.stringify(body) : undefined,
		});
		const text = await res.body.text();
		if (res.statusCode >= 400)
			throw new Error(`sandbox ${method} ${p} → ${res.statusCode}: ${text}`);
		return JSON.parse(text);
	}

	/** @param {'api'|'storage'} [origin] */
	journal(origin) {
		return this.control('GET', `/__sandbox/journal${origin ? `?origin=${origin}` : ''}`);
	}
	clearJournal() {
		return this.control('DELETE', '/__sandbox/journal');
	}
	state() {
		return this.control('GET', '/__sandbox/state');
	}
	reset() {
		return this.control('POST', '/__sandbox/reset');
	}

	async stop() {
		await stopChild(this.child);
	}
}
