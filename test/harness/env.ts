/**
 * Must be imported before anything that loads n8n-core: n8n reads these once, when its DI
 * container first builds InstanceSettings and BinaryDataConfig.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const scratchRoot = mkdtempSync(join(tmpdir(), 'n8n-heygen-test-'));

process.env.N8N_USER_FOLDER = join(scratchRoot, 'user');
process.env.N8N_ENCRYPTION_KEY = 'test-encryption-key';
process.env.N8N_DEFAULT_BINARY_DATA_MODE = 'filesystem';
process.env.N8N_BINARY_DATA_STORAGE_PATH = join(scratchRoot, 'binary');
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL ?? 'silent';

export function removeScratch(): void {
	rmSync(scratchRoot, { recursive: true, force: true });
}
