/** Condenses a V8 .cpuprofile (main thread) into "where the time went". */

interface CallFrame {
	functionName: string;
	url: string;
	lineNumber: number;
}

interface CpuProfile {
	nodes: Array<{ id: number; callFrame: CallFrame }>;
	samples: number[];
	timeDeltas: number[];
}

export interface ProfileSummary {
	totalMs: number;
	categories: Array<{ name: string; ms: number; share: number }>;
	topFunctions: Array<{ name: string; ms: number }>;
}

function category({ functionName, url }: CallFrame): string {
	if (functionName === '(garbage collector)') return 'garbage collection';
	if (functionName === '(idle)') return 'idle (waiting for I/O or the far end)';
	if (functionName === '(program)') return 'V8 / native, unattributed';
	if (functionName === 'memoryUsage') return "the bench's RSS sampler";
	if (url === 'node:inspector') return "the bench's profiler";
	if (!url) {
		if (functionName === 'read') return 'file reads (native fs)';
		if (/^write(Buffer|v|Latin1String|Utf8String)$/.test(functionName))
			return 'socket writes (native)';
		return `native: ${functionName || '(anonymous)'}`;
	}
	const inModules = url.lastIndexOf('node_modules/');
	if (inModules >= 0) {
		const rest = url.slice(inModules + 'node_modules/'.length).split('/');
		return `JS in ${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`;
	}
	if (url.startsWith('node:') || !url.includes('/')) return 'JS in Node.js core';
	return 'JS in the pack / bench';
}

export function summarizeProfile(profile: CpuProfile, keep = 8): ProfileSummary {
	const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
	const self = new Map<number, number>();
	for (let i = 0; i < profile.samples.length; i++) {
		self.set(
			profile.samples[i],
			(self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0),
		);
	}
	const byCategory = new Map<string, number>();
	const byFunction = new Map<string, number>();
	let total = 0;
	for (const [id, micros] of self) {
		const frame = frames.get(id)!;
		total += micros;
		const name = category(frame);
		byCategory.set(name, (byCategory.get(name) ?? 0) + micros);
		if (frame.url && frame.url !== 'node:inspector') {
			const where = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
			byFunction.set(where, (byFunction.get(where) ?? 0) + micros);
		}
	}
	const sorted = [...byCategory].sort((a, b) => b[1] - a[1]);
	const kept = sorted.slice(0, keep);
	const rest = sorted.slice(keep).reduce((sum, [, micros]) => sum + micros, 0);
	if (rest > 0) kept.push(['everything else', rest]);
	return {
		totalMs: total / 1000,
		categories: kept.map(([name, micros]) => ({
			name,
			ms: micros / 1000,
			share: total ? micros / total : 0,
		})),
		topFunctions: [...byFunction]
			.sort((a, b) => b[1] - a[1])
			.slice(0, 10)
			.map(([name, micros]) => ({ name, ms: micros / 1000 })),
	};
}
