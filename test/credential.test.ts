import { HeyGenV3Api } from '../credentials/HeyGenV3Api.credentials';
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
});
