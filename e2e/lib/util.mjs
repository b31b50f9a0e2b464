// Small helpers shared by the e2e driver: paths, logging with timings, child processes, ports.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	appendFileSync,
	createReadStream,
	mkdirSync,
	readdirSync,
	rmSync,
	statSync,
} from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = path.resolve(E2E_DIR, '..');
export const SCRATCH = path.join(ROOT, '.scratch', 'e2e');
export const EXAMPLES_DIR = path.join(ROOT, 'examples');
// HEYGEN_E2E_N8N_DIR: run against another n8n install (a folder whose node_modules holds n8n and node@24),
// e.g. the oldest n8n 2.x the pack claims (npm run test:e2e:oldest). Default: e2e/node_modules.
export const N8N_DIR = process.env.HEYGEN_E2E_N8N_DIR
	? path.resolve(process.env.HEYGEN_E2E_N8N_DIR)
	: E2E_DIR;
export const E2E_BIN = path.join(N8N_DIR, 'node_modules', '.bin');
export const ROOT_BIN = path.join(ROOT, 'node_modules', '.bin');

// ---------------------------------------------------------------------------------------------
// Output: one line per step, with how long it took; `timings` feeds the final summary.

const t0 = Date.now();
export const timings = [];
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code, s) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
export const bold = (s) => paint('1', s);
export const green = (s) => paint('32', s);
export const red = (s) => paint('31', s);
export const yellow = (s) => paint('33', s);
export const dim = (s) => paint('2', s);

export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const stamp = () => dim(`[${seconds(Date.now() - t0).padStart(7)}]`);

export function log(line = '') {
	console.log(`${stamp()} ${line}`);
}

/** Runs `fn` as a named step: prints a start line, a heartbeat while it runs, and the time taken. */
export async function step(title, fn, { heartbeat = 10_000, progress } = {}) {
	log(`${bold('▶')} ${title}`);
	const started = Date.now();
	const timer = heartbeat
		? setInterval(() => {
				const extra = progress ? `, ${progress()}` : '';
				log(dim(`  … ${title}: ${seconds(Date.now() - started)}${extra}`));
			}, heartbeat)
		: undefined;
	try {
		const result = await fn();
		const ms = Date.now() - started;
		timings.push({ title, ms });
		log(`${green('✔')} ${title} ${dim(`(${seconds(ms)})`)}`);
		return result;
	} catch (err) {
		timings.push({ title, ms: Date.now() - started, failed: true });
		log(`${red('✘')} ${title} ${dim(`(${seconds(Date.now() - started)})`)}`);
		throw err;
	} finally {
		if (timer) clearInterval(timer);
	}
}

/** An error whose message is meant for the user as is (no stack trace). */
export class UserFacingError extends Error {}

// ---------------------------------------------------------------------------------------------
// Processes. Every child runs in its own process group so that stop() ends it and its children
// (npm → sh → tsx → node, n8n → task runner) and nothing else.

const children = new Set();

export function run(
	cmd,
	args,
	{ cwd = ROOT, env = process.env, input, timeoutMs = 600_000, logFile } = {},
) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
		children.add(child);
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			killGroup(child, 'SIGKILL');
			reject(new Error(`${cmd} ${args.join(' ')} timed out after ${seconds(timeoutMs)}`));
		}, timeoutMs);
		child.on('error', (err) => {
			clearTimeout(timer);
			children.delete(child);
			reject(err);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			children.delete(child);
			if (logFile)
				appendLog(
					logFile,
					`$ ${cmd} ${args.join(' ')}\n${stdout}\n${stderr}\n[exit ${code ?? signal}]\n`,
				);
			resolve({ code: code ?? 1, signal, stdout, stderr });
		});
		if (input !== undefined) child.stdin.end(input);
		else child.stdin.end();
	});
}

/** Starts a long-running child; returns it. Output goes to `logFile` (and `onLine`). */
export function startBackground(
	cmd,
	args,
	{ cwd = ROOT, env = process.env, logFile, onLine } = {},
) {
	const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
	children.add(child);
	child.on('close', () => children.delete(child));
	let buffered = '';
	const handle = (d) => {
		if (logFile) appendLog(logFile, d.toString());
		if (!onLine) return;
		buffered += d.toString();
		let nl;
		while ((nl = buffered.indexOf('\n')) >= 0) {
			onLine(buffered.slice(0, nl));
			buffered = buffered.slice(nl + 1);
		}
	};
	child.stdout.on('data', handle);
	child.stderr.on('data', handle);
	return child;
}

export function killGroup(child, signal = 'SIGTERM') {
	if (child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

/** Stops a child we started (SIGTERM to its group, SIGKILL after `graceMs`). */
export async function stopChild(child, graceMs = 10_000) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return;
	const closed = new Promise((resolve) => child.once('close', resolve));
	killGroup(child, 'SIGTERM');
	const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
	await closed;
	clearTimeout(timer);
}

/** Last resort on exit/Ctrl-C: whatever we started and is still running gets SIGKILL. */
export function killAllChildren() {
	for (const child of children) killGroup(child, 'SIGKILL');
}

function appendLog(file, text) {
	try {
		appendFileSync(file, text);
	} catch {
		/* log files are best effort */
	}
}

// ---------------------------------------------------------------------------------------------
// Ports

export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** Throws a clear error when `port` on 127.0.0.1 is already taken. */
export function assertPortFree(port, what, hint) {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', (err) => {
			if (err.code === 'EADDRINUSE')
				reject(
					new UserFacingError(
						`Port ${port} (${what}) is already in use by another program. ${hint ?? ''}`.trim(),
					),
				);
			else reject(err);
		});
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
	});
}

// ---------------------------------------------------------------------------------------------
// Files

export function sha256File(file) {
	return new Promise((resolve, reject) => {
		const hash = createHash('sha256');
		createReadStream(file)
			.on('data', (d) => hash.update(d))
			.on('end', () => resolve(hash.digest('hex')))
			.on('error', reject);
	});
}

export const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

export function dirSizeMb(dir) {
	let total = 0;
	const walk = (d) => {
		let entries;
		try {
			entries = readdirSync(d, { withFileTypes: true });
		} catch {
			return;
		}
		for (const e of entries) {
			const p = path.join(d, e.name);
			if (e.isDirectory()) walk(p);
			else if (e.isFile()) total += statSync(p).size;
		}
	};
	walk(dir);
	return Math.round(total / 1e6);
}

/** A fresh run folder under .scratch/e2e/; keeps the newest `keep` older runs, removes the rest. */
export function freshRunDir(kind, keep = 3) {
	mkdirSync(SCRATCH, { recursive: true });
	const old = readdirSync(SCRATCH)
		.filter((n) => n.startsWith(`${kind}-`))
		.sort();
	for (const name of old.slice(0, Math.max(0, old.length - keep))) {
		rmSync(path.join(SCRATCH, name), { recursive: true, force: true });
	}
	const stampName = new Date().toISOString().replace(/[:.]/g, '-').replace('Z', '');
	const dir = path.join(SCRATCH, `${kind}-${stampName}-${process.pid}`);
	mkdirSync(dir, { recursive: true });
	return dir;
}

export function formatBytes(n) {
	if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
	if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
	return `${n} B`;
}
