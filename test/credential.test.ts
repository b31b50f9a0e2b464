import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { HeyGenV3Api, UNAUTHORIZED_MESSAGE } from '../credentials/HeyGenV3Api.credentials';
import {
	chain,
	node,
	registerCredentialType,
	removeScratch,
	runWorkflow,
	source,
} from './harness/engine';
import {
	CREDENTIAL_TEST_TYPE,
	registerCredentialTestNode,
	resolveCredentialExpression,
	resolveCredentialTestRequest,
} from './harness/credential-test-node';
import { start, type Sandbox } from './sandbox';

const credentialType = new HeyGenV3Api();
registerCredentialType(credentialType);
registerCredentialTestNode(credentialType.name);

const VALID_KEY = 'hg-test-key-0123456789';

let sandbox: Sandbox;
let baseUrl: string;
const received = () => sandbox.journal('api');

beforeAll(async () => {
	sandbox = await start({ port: 0, apiKey: VALID_KEY, quiet: true });
	baseUrl = sandbox.apiUrl;
});

afterAll(async () => {
	await sandbox.stop();
	removeScratch();
});

beforeEach(() => {
	sandbox.clearJournal();
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
		for (const base of [
			'https://api.heygen.com',
			'https://api.heygen.com/',
			' https://api.heygen.com// ',
		]) {
			expect(
				resolveCredentialTestRequest(credentialType.test, { apiKey: 'k', baseUrl: base }),
			).toEqual({
				method: 'GET',
				url: 'https://api.heygen.com/v3/users/me',
			});
		}
	});

	it('passes the credential test through the n8n engine with the X-Api-Key header', async () => {
		const result = await runCredentialTest({ apiKey: VALID_KEY, baseUrl });
		expect(result.error).toBeUndefined();
		expect(result.output('Credential Test')[0].json.data).toEqual(
			expect.objectContaining({ username: expect.any(String) }),
		);
		expect(received()).toHaveLength(1);
		expect(received()[0]).toMatchObject({ method: 'GET', path: '/v3/users/me', status: 200 });
		expect(received()[0].headers['x-api-key']).toBe(VALID_KEY);
		expect(received()[0].headers.authorization).toBeUndefined();
	});

	it('trims a key pasted with surrounding whitespace', async () => {
		const result = await runCredentialTest({ apiKey: `  ${VALID_KEY}\n`, baseUrl });
		expect(result.error).toBeUndefined();
		expect(received()[0].headers['x-api-key']).toBe(VALID_KEY);
	});

	it('turns a 401 into a clear error that does not contain the key', async () => {
		const wrongKey = 'hg-wrong-key-SECRET-987654';
		const result = await runCredentialTest({ apiKey: wrongKey, baseUrl });
		expect(received()[0]).toMatchObject({ status: 401 });
		expect(received()[0].headers['x-api-key']).toBe(wrongKey);
		const error = result.error!;
		expect(error).toBeDefined();
		expect(error.message).toMatch(/authori[sz]ation failed|check your credentials/i);
		expect((error as unknown as { httpCode?: string }).httpCode).toBe('401');
		const serialized = JSON.stringify(error) + String(error.stack) + String(error.description);
		expect(serialized).not.toContain(wrongKey);
	});

	describe('never sends the key over plain http to a host not spelled as loopback', () => {
		const keyHeader = (credentialType.authenticate.properties.headers ?? {})['X-Api-Key'] as string;
		const refused = [
			'http://api.heygen.com',
			' HTTP://api.heygen.com/ ',
			'http://localhost.example.com',
			'http://127.0.0.1@example.com',
			'http://10.0.0.7:8080',
		];
		const allowed = [
			'https://api.heygen.com',
			'http://127.0.0.1:4010',
			'http://localhost',
			'http://localhost:8080/',
			'http://[::1]:3000',
		];
		const expected = (base: string) => (refused.includes(base) ? '' : VALID_KEY);

		it("withholds it in n8n's in-process (legacy) expression engine", () => {
			for (const base of [...refused, ...allowed]) {
				expect([
					base,
					resolveCredentialExpression(keyHeader, { apiKey: VALID_KEY, baseUrl: base }),
				]).toEqual([base, expected(base)]);
			}
		});

		it("withholds it in the vm expression engine, a real n8n 2.x's default", () => {
			const bases = [...refused, ...allowed];
			const job = {
				expressions: [keyHeader, credentialType.test.request.baseURL],
				credentials: bases.map((baseUrl) => ({ apiKey: VALID_KEY, baseUrl })),
			};
			const out = execFileSync(
				process.execPath,
				[join(__dirname, 'harness', 'vm-expression.cjs'), JSON.stringify(job)],
				{ encoding: 'utf8', timeout: 60_000 },
			);
			const { engine, results } = JSON.parse(out) as { engine: string; results: unknown[][] };
			expect(engine).toBe('vm');
			bases.forEach((base, i) => {
				expect([base, results[i][0]]).toEqual([base, expected(base)]);
				expect(results[i][1]).toBe(base.trim().replace(/\/+$/, ''));
			});
		});

		it('sends the test request without the key, and the 401 explains why', async () => {
			// 127.1 reaches the sandbox but is not spelled as loopback, so the key is withheld:
			// what arrives is what a plain-http server elsewhere would have received.
			const port = new URL(baseUrl).port;
			const result = await runCredentialTest({
				apiKey: VALID_KEY,
				baseUrl: `http://127.1:${port}`,
			});
			// (n8n-core retries a 401 once after re-authenticating: every attempt is checked)
			expect(received().length).toBeGreaterThanOrEqual(1);
			for (const request of received()) {
				expect(request).toMatchObject({ path: '/v3/users/me', status: 401 });
				expect(request.headers['x-api-key'] ?? '').toBe('');
				expect(JSON.stringify(request.headers)).not.toContain(VALID_KEY);
			}
			expect(result.error).toBeDefined();
			// n8n's credential tester shows a rule's message for the matching status.
			expect(credentialType.test.rules).toContainEqual({
				type: 'responseCode',
				properties: { value: 401, message: UNAUTHORIZED_MESSAGE },
			});
			expect(UNAUTHORIZED_MESSAGE).toMatch(/http:\/\/.*not sent.*unencrypted.*https:\/\//);
		});
	});
});
