import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/**
 * A Base URL that would carry the key unencrypted: plain http:// to a host that is not spelled as a
 * loopback address (127.x.x.x, localhost, [::1]). Used as a regular expression literal inside the
 * expressions below, and as the notice's condition.
 */
const INSECURE_BASE_URL_SOURCE =
	'^\\s*http://(?!(127\\.\\d+\\.\\d+\\.\\d+|localhost|\\[::1\\])(:\\d+)?(/|$))';
const INSECURE_BASE_URL = `/${INSECURE_BASE_URL_SOURCE.replace(/\//g, '\\/')}/i`;

/** What the credential test shows on a 401, including the case where the key was withheld. */
export const UNAUTHORIZED_MESSAGE =
	'HeyGen did not accept the API key (401). Check the key (Settings → API in HeyGen). If the Base URL starts with http:// and is not 127.0.0.1 or localhost, the key was not sent at all: plain http would carry it unencrypted. Use https:// (the default is https://api.heygen.com).';

/**
 * HeyGen API v3 key. The type name is `heyGenV3Api`, not `heyGenApi`: HeyGen's official package
 * already registers that name and both packages may be installed side by side.
 */
export class HeyGenV3Api implements ICredentialType {
	name = 'heyGenV3Api';

	displayName = 'HeyGen API';

	icon: Icon = { light: 'file:../icons/heygen.svg', dark: 'file:../icons/heygen.dark.svg' };

	documentationUrl = 'https://developers.heygen.com/docs/quick-start';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your HeyGen API key, from Settings → API in the HeyGen app',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.heygen.com',
			description:
				'Leave as is unless you use a proxy or a local test server. The key is only ever sent here; plain http:// is accepted only for loopback addresses.',
		},
		{
			displayName:
				'With plain http:// the API key is not sent (it would travel unencrypted), so the test and every node fail. Use https://, or http:// only for 127.0.0.1 / localhost.',
			name: 'insecureBaseUrlNotice',
			type: 'notice',
			default: '',
			displayOptions: {
				show: {
					baseUrl: [{ _cnd: { regex: INSECURE_BASE_URL_SOURCE } }],
				},
			},
		},
	];

	// The key is trimmed: a key pasted with a trailing space or newline is the most common 401.
	// It is withheld (an empty header) when the Base URL is plain http:// to anything but a loopback
	// address, so no request made with this credential — the credential test included, which
	// n8n sends to the saved Base URL as is — can carry the key unencrypted. The nodes refuse such a
	// Base URL before any request (nodes/shared/transport.ts getBaseUrl).
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-Api-Key': `={{ ${INSECURE_BASE_URL}.test($credentials.baseUrl) ? "" : $credentials.apiKey.trim() }}`,
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl.trim().replace(/\\/+$/, "") }}',
			url: '/v3/users/me',
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: UNAUTHORIZED_MESSAGE },
			},
		],
	};
}
