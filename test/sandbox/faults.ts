/** Fault injection: "the next N matching requests answer X". */
import type { FaultSpec, Origin } from './types';

export const FAULT_STATUSES = [400, 401, 402, 403, 404, 409, 413, 429, 500, 502, 503, 504];

export class FaultSpecError extends Error {}

interface ArmedFault {
	spec: FaultSpec;
	remaining: number;
	match: (path: string) => boolean;
}

/** Compiles '/v3/assets/:id/complete' (and a trailing '*') into a matcher; other strings match exactly. */
export function pathMatcher(path: string | RegExp): (p: string) => boolean {
	if (path instanceof RegExp) {
		const re = new RegExp(path.source, path.flags.replace(/[gy]/g, ''));
		return (p) => re.test(p);
	}
	if (!path.includes(':') && !path.endsWith('*')) return (p) => p === path;
	const parts = path.split('/').map((seg, i, all) => {
		if (seg === '*' && i === all.length - 1) return '.*';
		if (seg.startsWith(':')) return '[^/]+';
		return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	});
	const re = new RegExp(`^${parts.join('/')}$`);
	return (p) => re.test(p);
}

/** Validates a spec (also one that arrived as JSON over the control API). */
export function normaliseFault(input: unknown): FaultSpec {
	if (!input || typeof input !== 'object') throw new FaultSpecError('fault spec must be an object');
	const raw = input as Record<string, unknown>;
	let path: string | RegExp;
	if (raw.path instanceof RegExp || typeof raw.path === 'string') path = raw.path;
	else if (typeof raw.pathRegex === 'string') path = new RegExp(raw.pathRegex);
	else throw new FaultSpecError('fault spec needs "path" (string) or "pathRegex"');
	const kind = raw.kind;
	if (kind !== 'status' && kind !== 'hang' && kind !== 'drop' && kind !== 'malformed')
		throw new FaultSpecError('"kind" must be status, hang, drop or malformed');
	const spec: FaultSpec = { path, kind };
	if (raw.method !== undefined) {
		if (typeof raw.method !== 'string') throw new FaultSpecError('"method" must be a string');
		spec.method = raw.method.toUpperCase();
	}
	if (raw.origin !== undefined) {
		if (raw.origin !== 'api' && raw.origin !== 'storage')
			throw new FaultSpecError('"origin" must be api or storage');
		spec.origin = raw.origin;
	}
	if (raw.times !== undefined) {
		if (!Number.isInteger(raw.times) || (raw.times as number) < 1)
			throw new FaultSpecError('"times" must be an integer ≥ 1');
		spec.times = raw.times as number;
	}
	if (kind === 'status') {
		if (!Number.isInteger(raw.status) || !FAULT_STATUSES.includes(raw.status as number))
			throw new FaultSpecError(`kind "status" needs "status", one of ${FAULT_STATUSES.join(', ')}`);
		spec.status = raw.status as number;
	}
	if (raw.retryAfter !== undefined) {
		if (
			raw.retryAfter !== null &&
			(!Number.isInteger(raw.retryAfter) || (raw.retryAfter as number) < 0)
		)
			throw new FaultSpecError('"retryAfter" must be a non-negative integer or null');
		spec.retryAfter = raw.retryAfter as number | null;
	}
	if (raw.dropAfterBytes !== undefined) {
		if (!Number.isInteger(raw.dropAfterBytes) || (raw.dropAfterBytes as number) < 0)
			throw new FaultSpecError('"dropAfterBytes" must be a non-negative integer');
		spec.dropAfterBytes = raw.dropAfterBytes as number;
	}
	return spec;
}

export class FaultBook {
	private armed: ArmedFault[] = [];

	add(input: FaultSpec): FaultSpec {
		const spec = normaliseFault(input);
		this.armed.push({ spec, remaining: spec.times ?? 1, match: pathMatcher(spec.path) });
		return spec;
	}

	clear(): void {
		this.armed = [];
	}

	pending(): FaultSpec[] {
		return this.armed.map((a) => ({ ...a.spec, times: a.remaining }));
	}

	/** Takes one use of the first armed fault matching this request, or returns null. */
	take(origin: Origin, method: string, path: string): FaultSpec | null {
		for (let i = 0; i < this.armed.length; i++) {
			const a = this.armed[i];
			if (a.spec.origin && a.spec.origin !== origin) continue;
			if (a.spec.method && a.spec.method !== method) continue;
			if (!a.match(path)) continue;
			a.remaining--;
			if (a.remaining <= 0) this.armed.splice(i, 1);
			return a.spec;
		}
		return null;
	}
}
