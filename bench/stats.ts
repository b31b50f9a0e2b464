/** Medians, ranges and the number formats of BENCHMARKS.md. */

export interface Spread {
	median: number;
	min: number;
	max: number;
	n: number;
}

export function spread(values: number[]): Spread {
	if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
	return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

function fixed(value: number, digits: number): string {
	return Number.isFinite(value) ? value.toFixed(digits) : '–';
}

/** "2.15 (2.04–2.40)"; just the value when there was one run. */
export function cell(s: Spread, digits = 2, unit = ''): string {
	if (s.n === 0) return '–';
	const u = unit ? ` ${unit}` : '';
	if (s.n === 1 || s.min === s.max) return `${fixed(s.median, digits)}${u}`;
	return `${fixed(s.median, digits)}${u} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;
}

/** Medians' ratio, with the range of the per-repetition (paired) ratios. */
export function ratioCell(numerator: number[], denominator: number[], digits = 2): string {
	const a = spread(numerator);
	const b = spread(denominator);
	if (a.n === 0 || b.n === 0) return '–';
	const paired = numerator.slice(0, denominator.length).map((value, i) => value / denominator[i]);
	const r = spread(paired);
	const main = `${fixed(a.median / b.median, digits)}×`;
	return r.n > 1 && r.min !== r.max
		? `${main} (${fixed(r.min, digits)}–${fixed(r.max, digits)})`
		: main;
}

export function ratio(numerator: number[], denominator: number[]): number {
	return spread(numerator).median / spread(denominator).median;
}

export function formatBytes(bytes: number): string {
	if (bytes >= GiB && bytes % GiB === 0) return `${bytes / GiB} GiB`;
	if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB} MiB`;
	if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
	if (bytes >= 1e6 && bytes % 1e5 === 0) return `${bytes / 1e6} MB`;
	return `${bytes} bytes`;
}

/** "64M", "1G", "512K", "30MB" (decimal), "1048576" → bytes */
export function parseSize(text: string): number {
	const m = /^(\d+(?:\.\d+)?)\s*(k|kib|m|mib|g|gib|kb|mb|gb)?$/i.exec(text.trim());
	if (!m) throw new Error(`not a size: ${text}`);
	const unit = (m[2] ?? '').toLowerCase();
	const factor: Record<string, number> = {
		'': 1,
		k: 1024,
		kib: 1024,
		m: MiB,
		mib: MiB,
		g: GiB,
		gib: GiB,
		kb: 1e3,
		mb: 1e6,
		gb: 1e9,
	};
	return Math.round(Number(m[1]) * factor[unit]);
}
