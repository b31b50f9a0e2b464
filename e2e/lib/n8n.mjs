// Drives a real n8n 2.x (e2e/node_modules/n8n, on node@24) in a fresh user folder: CLI import and
// execute, and the server (`n8n start`) with its REST API for the editor check.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';

import {
	E2E_BIN,
	N8N_DIR,
	UserFacingError,
	assertPortFree,
	freePort,
	run,
	startBackground,
	stopChild,
} from './util.mjs';

/** The version of the n8n being driven (2.41.1 from e2e/node_modules unless HEYGEN_E2E_N8N_DIR says otherwise). */
export const N8N_VERSION = (() => {
	try {
		return JSON.parse(
			readFileSync(path.join(N8N_DIR, 'node_modules', 'n8n', 'package.json'), 'utf8'),
		).version;
	} catch {
		return '2.41.1';
	}
})();

export class N8n {
	/**
	 * @param {object} o
	 * @param {string} o.runDir       scratch folder of this run; the user folder is <runDir>/n8n-user
	 * @param {string} o.filesDir     the only folder the Read/Write Files node may touch
	 * @param {'filesystem'|'database'} [o.binaryMode]
	 * @param {Record<string,string>} [o.extraEnv]
	 */
	constructor({ runDir, filesDir, binaryMode = 'filesystem', extraEnv = {}, name = 'n8n' }) {
		this.name = name;
		this.runDir = runDir;
		this.userFolder = path.join(runDir, `${name}-user`);
		this.n8nDir = path.join(this.userFolder, '.n8n');
		this.nodesDir = path.join(this.n8nDir, 'nodes');
		this.logFile = path.join(runDir, `${name}.log`);
		this.filesDir = filesDir;
		this.binaryMode = binaryMode;
		this.extraEnv = extraEnv;
		this.encryptionKey = randomBytes(24).toString('hex');
		mkdirSync(this.nodesDir, { recursive: true });
	}

	async env() {
		if (!this.brokerPort) this.brokerPort = await freePort();
		return {
			...process.env,
			PATH: `${E2E_BIN}${path.delimiter}${process.env.PATH}`,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			DB_TYPE: 'sqlite',
			GENERIC_TIMEZONE: 'UTC',
			TZ: 'UTC',
			// quiet, offline
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_HIRING_BANNER_ENABLED: 'false',
			// an n8n without the mcp-registry module (2.0.x) refuses to start when asked to disable it
			N8N_DISABLED_MODULES: existsSync(
				path.join(N8N_DIR, 'node_modules', 'n8n', 'dist', 'modules', 'mcp-registry'),
			)
				? 'mcp-registry'
				: '',
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			// the example workflows read and write files only in this folder (n8n 2.x default: ~/.n8n-files)
			N8N_RESTRICT_FILE_ACCESS_TO: this.filesDir,
			N8N_DEFAULT_BINARY_DATA_MODE: this.binaryMode,
			...this.extraEnv,
		};
	}

	/** Runs `n8n <args>`; throws with the output when it exits non-zero (unless allowFailure). */
	async cli(args, { allowFailure = false, timeoutMs = 300_000 } = {}) {
		const res = await run(path.join(E2E_BIN, 'n8n'), args, {
			cwd: this.userFolder,
			env: await this.env(),
			timeoutMs,
			logFile: this.logFile,
		});
		if (res.code !== 0 && !allowFailure) {
			throw new Error(
				`n8n ${args.join(' ')} failed (exit ${res.code}):\n${tail(res.stdout + res.stderr)}`,
			);
		}
		return res;
	}

	/** `n8n import:credentials` with plain (unencrypted) data; n8n encrypts it with the instance key. */
	async importCredentials(credentials) {
		const file = path.join(this.runDir, `${this.name}-credentials.json`);
		writeFileSync(file, JSON.stringify(credentials, null, 2));
		await this.cli(['import:credentials', `--input=${file}`]);
	}

	/** `n8n import:workflow --separate` of workflow objects (one process for all; ids are kept). */
	async importWorkflows(workflows) {
		const dir = path.join(this.runDir, `${this.name}-workflows`);
		mkdirSync(dir, { recursive: true });
		for (const wf of workflows)
			writeFileSync(path.join(dir, `${wf.id}.json`), JSON.stringify(wf, null, 2));
		await this.cli(['import:workflow', '--separate', `--input=${dir}`]);
	}

	async listWorkflows() {
		const res = await this.cli(['list:workflow']);
		return res.stdout
			.split('\n')
			.map((l) => l.trim())
			.filter((l) => /^\w+\|/.test(l))
			.map((l) => ({ id: l.split('|')[0], name: l.split('|').slice(1).join('|') }));
	}

	/**
	 * `n8n execute --id=<id> --rawOutput`. Returns {ok, code, run, output}. n8n prints log lines
	 * around the JSON of the run (IRun).
	 */
	async execute(workflowId, { timeoutMs = 300_000 } = {}) {
		const res = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], {
			allowFailure: true,
			timeoutMs,
		});
		const out = res.stdout;
		const lines = out.split('\n');
		// The JSON is printed with 2-space indentation, so it spans from a line that is exactly "{" to
		// the next line that is exactly "}"; log lines can come before and after it (the task
		// runner registers while the result is printed).
		const first = lines.findIndex((l) => l === '{');
		const last = first >= 0 ? lines.indexOf('}', first) : -1;
		let runData;
		if (first >= 0 && last > first) {
			try {
				runData = JSON.parse(lines.slice(first, last + 1).join('\n'));
			} catch {
				/* not the run JSON */
			}
		}
		const ok = res.code === 0 && runData !== undefined;
		return { ok, code: res.code, run: runData, output: res.stdout + res.stderr };
	}

	// ---- server ---------------------------------------------------------------------------------

	/** `n8n start` on 127.0.0.1:<port>; resolves when /healthz/readiness answers 200. */
	async start({ port, onProgress } = {}) {
		this.port = port ?? (await freePort());
		await assertPortFree(
			this.port,
			'n8n editor',
			'Stop the program using it, or choose another port with N8N_PORT=<port>.',
		);
		const env = {
			...(await this.env()),
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_SECURE_COOKIE: 'false',
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${this.port}`,
			WEBHOOK_URL: `http://127.0.0.1:${this.port}/`,
		};
		this.baseUrl = `http://127.0.0.1:${this.port}`;
		let exited = null;
		this.server = startBackground(path.join(E2E_BIN, 'n8n'), ['start'], {
			cwd: this.userFolder,
			env,
			logFile: this.logFile,
			onLine: (line) => onProgress?.(line),
		});
		this.server.on('close', (code) => (exited = code ?? 'signal'));
		const deadline = Date.now() + 180_000;
		while (Date.now() < deadline) {
			if (exited !== null)
				throw new Error(`n8n start exited (${exited}) before it was ready; see ${this.logFile}`);
			try {
				const res = await request(`${this.baseUrl}/healthz/readiness`, {
					headersTimeout: 2000,
					bodyTimeout: 2000,
				});
				await res.body.dump();
				if (res.statusCode === 200) return;
			} catch {
				/* not listening yet */
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		throw new Error(`n8n did not become ready within 180 s; see ${this.logFile}`);
	}

	async stop() {
		if (this.server) await stopChild(this.server, 20_000);
		this.server = undefined;
	}

	/** JSON call to the REST API with the session cookie (once logged in). Returns {status, body}. */
	async rest(method, p, body) {
		const headers = { accept: 'application/json', 'browser-id': 'heygen-e2e' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (this.cookie) headers.cookie = this.cookie;
		const res = await request(`${this.baseUrl}${p}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.body.text();
		const setCookie = res.headers['set-cookie'];
		if (setCookie) {
			const all = Array.isArray(setCookie) ? setCookie : [setCookie];
			const auth = all.find((c) => c.startsWith('n8n-auth='));
			if (auth) this.cookie = auth.split(';')[0];
		}
		let parsed;
		try {
			parsed = JSON.parse(text);
		} catch {
			parsed = text;
		}
		return { status: res.statusCode, body: parsed };
	}

	/** Creates the owner account through the REST API and logs in (cookie kept for rest()). */
	async setupOwner({
		email = 'owner@heygen-e2e.test',
		password = `E2e-${randomBytes(6).toString('hex')}-Pw1`,
	} = {}) {
		const setup = await this.rest('POST', '/rest/owner/setup', {
			email,
			firstName: 'Demo',
			lastName: 'Owner',
			password,
		});
		if (setup.status !== 200)
			throw new Error(`POST /rest/owner/setup → ${setup.status}: ${JSON.stringify(setup.body)}`);
		const login = await this.rest('POST', '/rest/login', { emailOrLdapLoginId: email, password });
		if (login.status !== 200)
			throw new Error(`POST /rest/login → ${login.status}: ${JSON.stringify(login.body)}`);
		this.owner = { email, password };
		return this.owner;
	}
}

function tail(text, lines = 40) {
	return text.split('\n').slice(-lines).join('\n');
}

/** The items a node output in a run returned by `n8n execute` (main output `output`, run `runIndex`). */
export function nodeItems(runResult, nodeName, { output = 0, runIndex = 0 } = {}) {
	const runData = runResult?.data?.resultData?.runData ?? {};
	const task = runData[nodeName]?.[runIndex];
	if (!task) return undefined;
	return task.data?.main?.[output] ?? [];
}

/** The error of a failed run, as a readable string. */
export function runError(runResult) {
	const err = runResult?.data?.resultData?.error;
	if (!err) return undefined;
	const node = err.node?.name ? `${err.node.name}: ` : '';
	return `${node}${err.message}${err.description ? ` — ${err.description}` : ''}`;
}

export { UserFacingError };
