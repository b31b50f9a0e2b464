/**
 * `npm run scan`: n8n's community-package scanner (@n8n/scan-community-package) on this package,
 * before it is published. The scanner's CLI fetches a published package by name and needs a
 * provenance attestation, so this runs its exported `analyzePackage` — the same ESLint rule set, with
 * inline config disabled — on the two things the CLI checks: the packed tarball (`**\/*.js` and
 * package.json, what users install) and the source (`SOURCE_FILE_PATTERNS`). Needs `npm run build`
 * first. Exit code 1 on any violation.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
	analyzePackage,
	SOURCE_FILE_PATTERNS,
} from '@n8n/scan-community-package/scanner/scanner.mjs';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'n8n-scan-'));
try {
	const packed = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
			cwd: root,
			encoding: 'utf8',
		}),
	)[0];
	execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', work]);
	const legs = [
		[
			'tarball',
			`${packed.filename} (${packed.entryCount} files)`,
			join(work, 'package'),
			['**/*.js', 'package.json'],
		],
		['source', SOURCE_FILE_PATTERNS.join(', '), root, SOURCE_FILE_PATTERNS],
	];
	let passed = true;
	for (const [leg, what, dir, patterns] of legs) {
		const result = await analyzePackage(dir, patterns);
		passed &&= result.passed;
		console.log(
			`${result.passed ? 'PASS' : 'FAIL'}  ${leg}: ${what}${result.message ? ` — ${result.message}` : ''}`,
		);
		if (result.details) console.log(result.details);
	}
	console.log(passed ? 'scanner: no violations' : 'scanner: violations found');
	process.exitCode = passed ? 0 : 1;
} finally {
	rmSync(work, { recursive: true, force: true });
}
