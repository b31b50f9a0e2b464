// One demo/test run at a time uses /tmp/heygen-demo (the example workflows' fixed folder): a lock
// directory holding the owner's pid. A stale lock (its process is gone) is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

import { DEMO_DIR } from './inputs.mjs';
import { UserFacingError, log, yellow } from './util.mjs';

const LOCK = `${DEMO_DIR}.lock`;

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return err.code === 'EPERM';
	}
}

export async function acquireDemoDirLock({ waitMs = 15 * 60_000 } = {}) {
	const deadline = Date.now() + waitMs;
	let told = false;
	for (;;) {
		try {
			mkdirSync(LOCK);
			writeFileSync(`${LOCK}/pid`, String(process.pid));
			return () => rmSync(LOCK, { recursive: true, force: true });
		} catch (err) {
			if (err.code !== 'EEXIST') throw err;
		}
		let pid = NaN;
		try {
			pid = Number(readFileSync(`${LOCK}/pid`, 'utf8'));
		} catch {
			/* being created right now */
		}
		if (Number.isInteger(pid) && pid > 0 && !alive(pid)) {
			rmSync(LOCK, { recursive: true, force: true });
			continue;
		}
		if (Date.now() > deadline)
			throw new UserFacingError(
				`Another demo or e2e run (pid ${pid}) has been using ${DEMO_DIR} for too long; stop it or remove ${LOCK}.`,
			);
		if (!told) {
			log(
				yellow(
					`Another demo or e2e run (pid ${pid}) is using ${DEMO_DIR}; waiting for it to finish…`,
				),
			);
			told = true;
		}
		await new Promise((r) => setTimeout(r, 2000));
	}
}
