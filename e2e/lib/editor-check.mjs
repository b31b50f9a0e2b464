import { existsSync } from 'node:fs';
export function chromiumPath() {
	const p = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
	return existsSync(p) ? p : undefined;
}
export async function editorCheck() {
	throw new Error('not yet');
}
