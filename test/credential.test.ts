import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { HeyGenV3Api } from '../credentials/HeyGenV3Api.credentials';
import { chain, node, registerCredentialType, removeScratch, runWorkflow, source } from './harness/engine';
import {
	CREDENTIAL_TEST_TYPE,
	registerCredentialTestNode,
	resolveCredentialTestRequest,
} from './harness/credential-test-node';

const credentialType = new HeyGenV3Api();
registerCredentialType(credentialType);
registerCredentialTestNode(credentialType.name);

const VALID_KEY = 'hg-test-key-0123456789';

/** A loopback stand-in for GET /v3/users/me that records what it received. */
let server: Server;
let baseUrl: string;
const received: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders }> = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		received.push({ method: req.method, url: req.url, headers: req.headers });
		res.setHeader('content-type', 'application/json');
		if (req.headers['x-api-key'] !== VALID_KEY) {
			res.statusCode = 401;
			res.end(
				JSON.stringify({
					error: {
						code: 'authentication_failed',
						message: 'Invalid or expired API key. Verify your x-api-key header.',
						param: null,
						doc_url: null,
					},
				}),
			);
			return;
		}
		res.end(JSON.stringify({ data: { username: 'sandbox-user', email: 'user@example.com' } }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
	removeScratch();
});

beforeEach(() => {
	received.length = 0;
});

async function runCredentialTest(credentials: { apiKey: string; baseUrl: string }) {
	const request = resolveCredentialTestRequest(credentialType.test, credentials);
	return await runWorkflow({
		nodes: [
			source([{ json: {} }]),
			node('Credential Test', CREDENTIAL_TEST_TYPE, request, {
				credentials: { heyGenV3Api: { id: '1', name: 'HeyGen account' } },
			}),
		],
		connections: chain('Source', 'Credential Test'),
		credentials: { heyGenV3Api: credentials },
	});
}

describe('HeyGen API credential', () => {
	it('has the public names workflows depend on', () => {
		expect(credentialType.name).toBe('heyGenV3Api');
		expect(credentialType.displayName).toBe('HeyGen API');
		expect(credentialType.properties.map((p) => p.name)).toEqual(
			expect.arrayContaining(['apiKey', 'baseUrl']),
		);
		const apiKey = credentialType.properties.find((p) => p.name === 'apiKey')!;
		expect(apiKey.typeOptions?.password).toBe(true);
		expect(apiKey.required).toBe(true);
		expect(credentialType.properties.find((p) => p.name === 'baseUrl')!.default).toBe(
			'https://api.heygen.com',
		);
	});

	it('resolves its test request to GET <baseUrl>/v3/users/me, trailing slash or not', () => {
		for (const base of ['https://api.heygen.com', 'https://api.heygen.com/', ' https://api.heygen.com// ']) {
			expect(resolveCredentialTestRequest(credentialType.test, { apiKey: 'k', baseUrl: base })).toEqual({
				method: 'GET',
				url: 'https://api.heygen.com/v3/users/me',
			});
		}
	});

	it('passes the credential test through the n8n engine with the X-Api-Key header', async () => {
		const result = await runCredentialTest({ apiKey: VALID_KEY, baseUrl });
		expect(result.error).toBeUndefined();
		expect(result.output('Credential Test')[0].json).toEqual({
			data: { username: 'sandbox-user', email: 'user@example.com' },
		});
		expect(received).toHaveLength(1);
		expect(received[0].method).toBe('GET');
		expect(received[0].url).toBe('/v3/users/me');
		expect(received[0].headers['x-api-key']).toBe(VALID_KEY);
		expect(received[0].headers.authorization).toBeUndefined();
	});

	it('trims a key pasted with surrounding whitespace', async () => {
		const result = await runCredentialTest({ apiKey: `  ${VALID_KEY}\n`, baseUrl });
		expect(result.error).toBeUndefined();
		expect(received[0].headers['x-api-key']).toBe(VALID_KEY);
	});

	it('turns a 401 into a clear error that does not contain the key', async () => {
		const wrongKey = 'hg-wrong-key-SECRET-987654';
		const result = await runCredentialTest({ apiKey: wrongKey, baseUrl });
		expect(received[0].headers['x-api-key']).toBe(wrongKey);
		const error = result.error!;
		expect(error).toBeDefined();
		expect(error.message).toMatch(/authori[sz]ation failed|check your credentials/i);
		expect((error as unknown as { httpCode?: string }).httpCode).toBe('401');
		const serialized = JSON.stringify(error) + String(error.stack) + String(error.description);
		expect(serialized).not.toContain(wrongKey);
	});
});
