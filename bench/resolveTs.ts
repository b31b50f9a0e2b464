/**
 * Under tsx (CommonJS), `import … from '…/HeyGenAssets.node'` resolves to the codex file
 * `HeyGenAssets.node.json`, because Node tries `.json` before tsx's `.ts`; jest's resolver
 * tries `.ts` first. Import this module before anything that imports a `*.node` file: a request
 * ending in `.node` that has a `.node.ts` sibling resolves to it.
 */
import { existsSync } from 'node:fs';
import Module from 'node:module';
import { dirname, resolve } from 'node:path';

const loader = Module as unknown as {
	_resolveFilename(
		request: string,
		parent: { filename?: string } | undefined,
		...rest: unknown[]
	): string;
};
const original = loader._resolveFilename;
loader._resolveFilename = function (request, parent, ...rest) {
	if (request.startsWith('.') && request.endsWith('.node') && parent?.filename) {
		const candidate = resolve(dirname(parent.filename), `${request}.ts`);
		if (existsSync(candidate)) return candidate;
	}
	return original.call(this, request, parent, ...rest);
};
