import {
	NodeConnectionTypes,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialTestRequest,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { node, registerNodeType } from './engine';

/**
 * n8n's credential tester (in the n8n CLI package) resolves a credential type's `test.request`
 * against `$credentials`, authenticates it and sends it. The harness does the same in two steps:
 * `resolveCredentialTestRequest` resolves the request with n8n's expression engine, and the
 * `harness.credentialTest` node sends it through n8n-core's `httpRequestWithAuthentication`.
 */
export const CREDENTIAL_TEST_TYPE = 'harness.credentialTest';

/** One credential expression (`={{ … }}`) resolved against `$credentials`, as n8n does it. */
export function resolveCredentialExpression(
	expression: string | undefined,
	credentials: ICredentialDataDecryptedObject,
): string {
	const anchor = node('Resolver', CREDENTIAL_TEST_TYPE, {});
	const workflow = new Workflow({
		nodes: [anchor],
		connections: {},
		active: false,
		nodeTypes: {
			getByName: () => undefined,
			getByNameAndVersion: () => undefined,
			getKnownTypes: () => ({}),
		} as never,
	});
	return String(
		workflow.expression.getSimpleParameterValue(
			anchor,
			expression ?? '',
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		) ?? '',
	);
}

export function resolveCredentialTestRequest(
	test: ICredentialTestRequest,
	credentials: ICredentialDataDecryptedObject,
): { method: IHttpRequestMethods; url: string } {
	const resolve = (value: string | undefined) => resolveCredentialExpression(value, credentials);
	return {
		method: test.request.method ?? 'GET',
		url: `${resolve(test.request.baseURL)}${resolve(test.request.url)}`,
	};
}

export function registerCredentialTestNode(credentialTypeName: string): void {
	class CredentialTestNode implements INodeType {
		description: INodeTypeDescription = {
			displayName: 'Credential Test',
			name: CREDENTIAL_TEST_TYPE,
			group: ['transform'],
			version: 1,
			description: 'Sends a resolved credential test request',
			defaults: { name: 'Credential Test' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: credentialTypeName, required: true }],
			properties: [
				{ displayName: 'Method', name: 'method', type: 'string', default: 'GET' },
				{ displayName: 'URL', name: 'url', type: 'string', default: '' },
			],
		};

		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const body = await this.helpers.httpRequestWithAuthentication.call(this, credentialTypeName, {
				method: this.getNodeParameter('method', 0) as IHttpRequestMethods,
				url: this.getNodeParameter('url', 0) as string,
				json: true,
			});
			return [[{ json: body, pairedItem: { item: 0 } }]];
		}
	}
	registerNodeType(CREDENTIAL_TEST_TYPE, new CredentialTestNode());
}
