import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

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
				'This base URL sends your API key without encryption. Use https://, or http:// only for 127.0.0.1 / localhost.',
			name: 'insecureBaseUrlNotice',
			type: 'notice',
			default: '',
			displayOptions: {
				show: {
					baseUrl: [
						{
							_cnd: {
								regex:
									'^\\s*http://(?!(127\\.\\d+\\.\\d+\\.\\d+|localhost|\\[::1\\])(:\\d+)?(/|$))',
							},
						},
					],
				},
			},
		},
	];

	// The key is trimmed: a key pasted with a trailing space or newline is the most common 401.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-Api-Key': '={{ $credentials.apiKey.trim() }}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl.trim().replace(/\\/+$/, "") }}',
			url: '/v3/users/me',
			method: 'GET',
		},
	};
}
