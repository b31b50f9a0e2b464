// The two services n8n's queue mode needs, as throwaway instances under the run's scratch folder, each on
// a free loopback port: Redis (Debian's redis-server) and a PostgreSQL cluster (initdb + postgres).
// e2e/queue/test.sh installs the Debian packages when they are missing.
import { execFileSync } from 'node:child_process';
import {
	chmodSync,
	chownSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
} from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';

import { UserFacingError, freePort, run, startBackground, stopChild } from '../lib/util.mjs';

/** Resolves once something accepts TCP connections on 127.0.0.1:port (or throws after timeoutMs). */
async function waitForPort(port, what, child, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child && child.exitCode !== null) throw new Error(`${what} exited (${child.exitCode})`);
		const open = await new Promise((resolve) => {
			const s = net.connect(port, '127.0.0.1');
			s.once('connect', () => (s.destroy(), resolve(true)));
			s.once('error', () => resolve(false));
		});
		if (open) return;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s`);
}

export class Redis {
	constructor(dir) {
		this.dir = dir;
		this.logFile = path.join(dir, 'redis.log');
		mkdirSync(dir, { recursive: true });
	}

	/** Starts redis-server (again on the same port after a stop, as a restarted Redis would be). */
	async start() {
		if (!this.port) this.port = await freePort();
		// No persistence: a restart loses every queued job, the harshest kind of restart.
		this.child = startBackground(
			'redis-server',
			[
				'--port',
				String(this.port),
				'--bind',
				'127.0.0.1',
				'--save',
				'',
				'--appendonly',
				'no',
				'--dir',
				this.dir,
			],
			{ cwd: this.dir, logFile: this.logFile },
		);
		await waitForPort(this.port, 'redis-server', this.child);
	}

	async stop() {
		await stopChild(this.child, 5_000);
		this.child = undefined;
	}
}

const PG_BIN_DIRS = () => {
	const debian = '/usr/lib/postgresql';
	const versions = existsSync(debian)
		? readdirSync(debian)
				.filter((v) => /^\d+$/.test(v))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	return versions.map((v) => path.join(debian, v, 'bin'));
};

/** The folder holding initdb/pg_ctl/postgres: Debian's newest, else whatever is on PATH. */
export function postgresBinDir() {
	for (const dir of PG_BIN_DIRS()) if (existsSync(path.join(dir, 'initdb'))) return dir;
	try {
		return path.dirname(execFileSync('which', ['initdb'], { encoding: 'utf8' }).trim());
	} catch {
		throw new UserFacingError(
			'PostgreSQL is not installed (no initdb): apt-get install -y postgresql (e2e/queue/test.sh does it).',
		);
	}
}

/**
 * A throwaway PostgreSQL cluster. initdb and postgres refuse to run as root, so both run as the
 * `postgres` system user that Debian's package creates (test.sh creates it when missing).
 */
export class Postgres {
	constructor(dir, { user = 'n8n', database = 'n8n', osUser = 'postgres' } = {}) {
		this.useDir(dir);
		this.user = user;
		this.database = database;
		this.osUser = osUser;
		this.bin = postgresBinDir();
	}

	useDir(dir) {
		this.dir = dir;
		this.dataDir = path.join(dir, 'data');
		this.socketDir = path.join(dir, 'socket');
		this.logFile = path.join(dir, 'postgres.log');
	}

	/** Runs a PostgreSQL tool as the unprivileged OS user. */
	async asOsUser(tool, args) {
		const res = await run(
			'runuser',
			['-u', this.osUser, '--', path.join(this.bin, tool), ...args],
			{
				cwd: this.dir,
				logFile: this.logFile,
				timeoutMs: 120_000,
			},
		);
		if (res.code !== 0) throw new Error(`${tool} ${args.join(' ')} failed:\n${res.stderr}`);
		return res;
	}

	async start() {
		const uid = Number(execFileSync('id', ['-u', this.osUser], { encoding: 'utf8' }));
		const gid = Number(execFileSync('id', ['-g', this.osUser], { encoding: 'utf8' }));
		const handOver = () => {
			mkdirSync(this.socketDir, { recursive: true });
			chownSync(this.dir, uid, gid);
			chownSync(this.socketDir, uid, gid);
			chmodSync(this.dir, 0o755);
		};
		handOver();
		// A clone under a private home (/root is 0700) is out of the postgres user's reach: then the
		// cluster lives in a temp folder of its own, removed at stop().
		const reachable = await run('runuser', ['-u', this.osUser, '--', 'test', '-w', this.dir]);
		if (reachable.code !== 0) {
			this.tempDir = mkdtempSync(path.join(os.tmpdir(), 'heygen-queue-pg-'));
			this.useDir(this.tempDir);
			handOver();
		}
		this.port = await freePort();
		// trust on loopback: a scratch cluster that lives for one run and listens on 127.0.0.1 only.
		await this.asOsUser('initdb', [
			'-D',
			this.dataDir,
			'-U',
			this.user,
			'--auth=trust',
			'--encoding=UTF8',
			'--no-sync',
		]);
		this.child = startBackground(
			'runuser',
			[
				'-u',
				this.osUser,
				'--',
				path.join(this.bin, 'postgres'),
				'-D',
				this.dataDir,
				'-p',
				String(this.port),
				'-k',
				this.socketDir,
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				'fsync=off',
				'-c',
				'max_connections=200',
			],
			{ cwd: this.dir, logFile: this.logFile },
		);
		await waitForPort(this.port, 'postgres', this.child);
		await this.asOsUser('createdb', [
			'-h',
			'127.0.0.1',
			'-p',
			String(this.port),
			'-U',
			this.user,
			this.database,
		]);
	}

	/** The DB_* variables every n8n process of the run gets. */
	n8nEnv() {
		return {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(this.port),
			DB_POSTGRESDB_DATABASE: this.database,
			DB_POSTGRESDB_USER: this.user,
			DB_POSTGRESDB_PASSWORD: 'unused-trust-auth',
		};
	}

	async stop() {
		// SIGTERM to runuser's group reaches postgres: a "smart" shutdown, then SIGKILL after the grace.
		await stopChild(this.child, 10_000);
		this.child = undefined;
		if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
	}
}
