/** Starts bench/server.ts (sandbox or sink) in its own process and talks to it over stdin/stdout. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

import type { ServerInfo } from './protocol';

export interface FarEndStats {
	cpuSeconds: number;
	rssBytes: number;
	bytesReceived: number;
	requests: number;
}

export class FarEnd {
	private nextId = 1;
	private readonly pending = new Map<number, (reply: Record<string, unknown>) => void>();

	private constructor(
		private readonly child: ChildProcessWithoutNullStreams,
		readonly info: ServerInfo,
	) {}

	static async start(kind: ServerInfo['kind'], node: string, cwd: string): Promise<FarEnd> {
		const child = spawn(node, ['--import', 'tsx', 'bench/server.ts', kind], {
			cwd,
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
		const lines = createInterface({ input: child.stdout });
		let far: FarEnd | undefined;
		return await new Promise<FarEnd>((resolve, reject) => {
			child.once('exit', (code) => {
				if (!far)
					reject(
						new Error(
							`bench/server.ts ${kind} exited with ${code} before it was ready:\n${stderr}`,
						),
					);
			});
			lines.on('line', (line) => {
				const message = JSON.parse(line) as Record<string, unknown>;
				if (message.ready) {
					far = new FarEnd(child, {
						kind,
						apiUrl: String(message.apiUrl),
						storageUrl: String(message.storageUrl),
						apiKey: String(message.apiKey),
						...(message.fileHostUrl ? { fileHostUrl: String(message.fileHostUrl) } : {}),
					});
					resolve(far);
					return;
				}
				const id = Number(message.id);
				far?.pending.get(id)?.(message);
				far?.pending.delete(id);
			});
		});
	}

	private async command(cmd: string, extra: object = {}): Promise<Record<string, unknown>> {
		const id = this.nextId++;
		return await new Promise((resolve) => {
			this.pending.set(id, resolve);
			this.child.stdin.write(`${JSON.stringify({ id, cmd, ...extra })}\n`);
		});
	}

	async setLatency(ms: number): Promise<void> {
		await this.command('latency', { ms });
	}

	/** Forgets assets and the journal, and restarts the CPU counter. */
	async reset(): Promise<void> {
		await this.command('reset');
	}

	async stats(): Promise<FarEndStats> {
		return (await this.command('stats')) as unknown as FarEndStats;
	}

	async stop(): Promise<void> {
		if (this.child.exitCode !== null) return;
		const exited = new Promise((resolve) => this.child.once('exit', resolve));
		this.child.stdin.end();
		const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
		await exited;
		clearTimeout(timer);
	}
}
