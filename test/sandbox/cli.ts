/**
 * `npm run sandbox -- [options]` — starts the HeyGen sandbox until SIGINT/SIGTERM.
 *
 *   --port <n>          API origin port (default 4010; 0 = random)
 *   --storage-port <n>  storage origin port (default: API port + 1 when --port is set, else random)
 *   --api-key <key>     the one valid API key (default sandbox-api-key)
 *   --latency <ms>      added before every API answer
 *   --max-jobs <n>      concurrent video job cap (default 10)
 *   --expires <s>       direct-upload URL lifetime in seconds (default 3600)
 *   --fast              test clock (200/300/100/200 ms) instead of the demo clock (a few seconds per phase)
 *   --json              print {"apiUrl","storageUrl","apiKey"} as one JSON line when ready; no request log
 *   --quiet             no request log
 */
import { PortInUseError, start } from './index';
import type { SandboxOptions } from './types';

const DEMO_CLOCK = {
	thinkingMs: 3000,
	generatingMs: 6000,
	videoPendingMs: 2000,
	videoProcessingMs: 4000,
};

function usage(message?: string): never {
	if (message) process.stderr.write(`sandbox: ${message}\n`);
	process.stderr.write(
		'usage: npm run sandbox -- [--port N] [--storage-port N] [--api-key KEY] [--latency MS] [--max-jobs N] [--expires S] [--fast] [--json] [--quiet]\n',
	);
	process.exit(message ? 2 : 0);
}

function parseArgs(argv: string[]): { options: SandboxOptions; json: boolean } {
	const options: SandboxOptions = { clock: DEMO_CLOCK };
	let json = false;
	let quiet = false;
	let portGiven = false;
	let storageGiven = false;
	const int = (name: string, v: string | undefined): number => {
		if (v === undefined || !/^\d+$/.test(v)) usage(`${name} needs a non-negative integer`);
		return Number(v);
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [flag, inline] = arg.includes('=')
			? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
			: [arg, undefined];
		const value = () => (inline !== undefined ? inline : argv[++i]);
		switch (flag) {
			case '--port':
				options.port = int(flag, value());
				portGiven = true;
				break;
			case '--storage-port':
				options.storagePort = int(flag, value());
				storageGiven = true;
				break;
			case '--api-key': {
				const v = value();
				if (!v) usage('--api-key needs a value');
				options.apiKey = v;
				break;
			}
			case '--latency':
				options.latencyMs = int(flag, value());
				break;
			case '--max-jobs':
				options.maxActiveVideoJobs = int(flag, value());
				break;
			case '--expires':
				options.uploadExpiresInSeconds = int(flag, value());
				break;
			case '--fast':
				options.clock = undefined;
				break;
			case '--json':
				json = true;
				break;
			case '--quiet':
				quiet = true;
				break;
			case '--help':
			case '-h':
				usage();
				break;
			default:
				usage(`unknown option ${arg}`);
		}
	}
	if (!portGiven) options.port = 4010;
	if (!storageGiven) options.storagePort = options.port === 0 ? 0 : (options.port ?? 4010) + 1;
	if (!json && !quiet) options.log = (line) => console.log(line);
	return { options, json };
}

async function main(): Promise<void> {
	const { options, json } = parseArgs(process.argv.slice(2));
	let sandbox;
	try {
		sandbox = await start(options);
	} catch (err) {
		if (err instanceof PortInUseError) {
			process.stderr.write(
				`sandbox: ${err.message} Pick another with --${err.which === 'api' ? 'port' : 'storage-port'} (0 = random).\n`,
			);
			process.exit(1);
		}
		throw err;
	}
	if (json) {
		process.stdout.write(
			`${JSON.stringify({ apiUrl: sandbox.apiUrl, storageUrl: sandbox.storageUrl, apiKey: sandbox.apiKey, fileHostUrl: sandbox.files.url })}\n`,
		);
	} else {
		console.log(
			`HeyGen sandbox listening at ${sandbox.apiUrl} (storage ${sandbox.storageUrl}), API key: ${sandbox.apiKey}`,
		);
		console.log(`Control API: ${sandbox.apiUrl}/__sandbox/state · Ctrl-C to stop`);
		console.log(`File host (Upload from URL sources): ${sandbox.files.url}/sample.mp4`);
	}
	let stopping = false;
	const shutdown = (signal: string) => {
		if (stopping) return;
		stopping = true;
		if (!json) console.log(`\n${signal}: stopping the sandbox…`);
		sandbox
			.stop()
			.then(() => process.exit(0))
			.catch((err) => {
				console.error(err);
				process.exit(1);
			});
	};
	process.on('SIGINT', () => shutdown('SIGINT'));
	process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
	console.error('sandbox: failed to start:', err);
	process.exit(1);
});
