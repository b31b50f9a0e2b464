// The pack as users get it: `npm run build`, `npm pack`, then `npm install <tarball>` in the n8n
// user folder's nodes directory (where n8n's community-package installer puts packages).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { ROOT, ROOT_BIN, run } from './util.mjs';

const rootEnv = () => ({ ...process.env, PATH: `${ROOT_BIN}${path.delimiter}${process.env.PATH}` });

export async function buildPack(logFile) {
	const res = await run('npm', ['run', 'build'], { cwd: ROOT, env: rootEnv(), logFile });
	if (res.code !== 0) throw new Error(`npm run build failed:\n${res.stdout}\n${res.stderr}`);
}

/** `npm pack` into `destDir`; returns {file, name, version, files}. */
export async function packTarball(destDir, logFile) {
	const res = await run('npm', ['pack', '--json', '--pack-destination', destDir], {
		cwd: ROOT,
		env: rootEnv(),
		logFile,
	});
	if (res.code !== 0) throw new Error(`npm pack failed:\n${res.stderr}`);
	const [info] = JSON.parse(res.stdout.slice(res.stdout.indexOf('[')));
	return {
		file: path.join(destDir, info.filename),
		name: info.name,
		version: info.version,
		files: info.files.map((f) => f.path),
	};
}

/** Installs the tarball into `<nodesDir>/node_modules` the way a user (or n8n's installer) does. */
export async function installIntoNodesDir(nodesDir, tarball, logFile) {
	const pkg = path.join(nodesDir, 'package.json');
	if (!existsSync(pkg))
		writeFileSync(
			pkg,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
		);
	const res = await run(
		'npm',
		['install', tarball, '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error'],
		{
			cwd: nodesDir,
			logFile,
		},
	);
	if (res.code !== 0)
		throw new Error(`npm install of the pack into ${nodesDir} failed:\n${res.stderr}`);
	const installed = JSON.parse(
		readFileSync(path.join(nodesDir, 'node_modules', 'n8n-nodes-heygen-v3', 'package.json'), 'utf8'),
	);
	return installed;
}

/** Node and credential types the pack declares (from its package.json `n8n` section). */
export function declaredTypes(installedPkg) {
	const base = (p) => path.basename(p).replace(/\.(node|credentials)\.js$/, '');
	return {
		nodes: (installedPkg.n8n?.nodes ?? []).map((p) => `${installedPkg.name}.${lcFirst(base(p))}`),
		credentials: (installedPkg.n8n?.credentials ?? []).map((p) => lcFirst(base(p))),
	};
}
const lcFirst = (s) => s.charAt(0).toLowerCase() + s.slice(1);
