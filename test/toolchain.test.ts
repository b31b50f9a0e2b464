/**
 * npm scripts run on the pinned `node` devDependency (node_modules/.bin comes first on PATH), the
 * runtime of n8n 2.x; running jest directly would silently use the machine's Node instead. The
 * version is read from package.json, so a deliberate change of the pin needs no edit here.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
	devDependencies: Record<string, string>;
};

it("runs on the pinned node devDependency, not the machine's Node", () => {
	expect(process.version).toBe(`v${pkg.devDependencies.node}`);
	expect(realpathSync(process.execPath)).toBe(
		realpathSync(join(ROOT, 'node_modules', 'node', 'bin', 'node')),
	);
});
