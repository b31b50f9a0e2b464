/**
 * Item 5's baseline: the same PUT done "the way a user would without this pack".
 *
 * Preferred: n8n's own HTTP Request node (n8n-nodes-base, default type version, default options —
 * redirects followed), loaded from the real n8n install under e2e/node_modules when it is there and
 * its n8n-core/n8n-workflow versions equal ours. Its `require('n8n-workflow' | 'n8n-core' | '@n8n/di')`
 * calls are pointed at the root copies, so node and engine share one n8n-workflow and one DI
 * container, exactly as inside n8n.
 *
 * Fallback (no e2e install, e.g. in CI): a tiny node that does what HTTP Request V3 does for a binary
 * body — `getBinaryStream(id)` with n8n's default chunk size, Content-Length from the metadata, and
 * `helpers.httpRequest` with its default options (redirects followed).
 */
import { existsSync, readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';

import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypeDescription,
	type IVersionedNodeType,
} from 'n8n-workflow';

const ROOT = join(__dirname, '..');
const E2E_MODULES = join(ROOT, 'e2e', 'node_modules');
/** Packages that must be the same instance in the node and in the engine. */
const SHARED = ['n8n-workflow', 'n8n-core', '@n8n/di'];

export interface HttpBaseline {
	/** registered type name */
	type: string;
	node: INodeType | IVersionedNodeType;
	typeVersion: number;
	/** for BENCHMARKS.md */
	description: string;
	parameters(url: string): INodeParameters;
}

function version(require: NodeJS.Require, name: string): string | undefined {
	try {
		return (
			JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as {
				version: string;
			}
		).version;
	} catch {
		return undefined;
	}
}

/** n8n-nodes-base's HTTP Request node from e2e/node_modules, or undefined with the reason. */
function loadRealHttpRequest(): HttpBaseline | string {
	if (!existsSync(join(E2E_MODULES, 'n8n-nodes-base', 'package.json')))
		return 'e2e/node_modules has no n8n-nodes-base';
	const rootRequire = createRequire(join(ROOT, 'package.json'));
	const e2eRequire = createRequire(join(ROOT, 'e2e', 'package.json'));
	for (const name of ['n8n-core', 'n8n-workflow']) {
		const ours = version(rootRequire, name);
		const theirs = version(e2eRequire, name);
		if (ours !== theirs) return `${name} differs (root ${ours}, e2e ${theirs})`;
	}
	const loader = Module as unknown as {
		_resolveFilename(
			request: string,
			parent: { filename?: string } | undefined,
			...rest: unknown[]
		): string;
	};
	const original = loader._resolveFilename;
	loader._resolveFilename = function (request, parent, ...rest) {
		if (
			parent?.filename?.startsWith(E2E_MODULES) &&
			SHARED.some((name) => request === name || request.startsWith(`${name}/`))
		) {
			return rootRequire.resolve(request);
		}
		return original.call(this, request, parent, ...rest);
	};
	try {
		const { HttpRequest } = e2eRequire(
			'n8n-nodes-base/dist/nodes/HttpRequest/HttpRequest.node.js',
		) as {
			HttpRequest: new () => IVersionedNodeType;
		};
		const node = new HttpRequest();
		const typeVersion = node.description.defaultVersion ?? 4.2;
		return {
			type: 'n8n-nodes-base.httpRequest',
			node,
			typeVersion,
			description: `n8n's HTTP Request node (n8n-nodes-base ${version(e2eRequire, 'n8n-nodes-base')}, type version ${typeVersion}, loaded from e2e/node_modules into the same n8n-core), method PUT, body "n8n Binary File", every option at its default (redirects followed)`,
			parameters: (url) => ({
				method: 'PUT',
				url,
				sendBody: true,
				contentType: 'binaryData',
				inputDataFieldName: 'data',
			}),
		};
	} catch (error) {
		return `loading it failed: ${(error as Error).message}`;
	}
}

/** What HTTP Request V3 does for a binary body, reduced to the calls that matter. */
class BinaryPutNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Binary PUT (HTTP Request stand-in)',
		name: 'bench.binaryPut',
		group: ['output'],
		version: 1,
		description: 'PUTs the item binary the way HTTP Request V3 does',
		defaults: { name: 'HTTP Request' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const binary = this.helpers.assertBinaryData(i, 'data');
			const body = await this.helpers.getBinaryStream(binary.id!);
			const { fileSize } = await this.helpers.getBinaryMetadata(binary.id!);
			const response = (await this.helpers.httpRequest({
				method: 'PUT',
				url: this.getNodeParameter('url', i) as string,
				body,
				headers: {
					'content-length': fileSize,
					'content-type': binary.mimeType ?? 'application/octet-stream',
				},
				returnFullResponse: true,
			})) as { statusCode: number };
			out.push({ json: { statusCode: response.statusCode }, pairedItem: { item: i } });
		}
		return [out];
	}
}

export function httpBaseline(preferReal = true): HttpBaseline {
	const real = preferReal ? loadRealHttpRequest() : 'not requested';
	if (typeof real !== 'string') return real;
	return {
		type: 'bench.binaryPut',
		node: new BinaryPutNode(),
		typeVersion: 1,
		description: `a stand-in for HTTP Request V3's binary PUT (n8n-nodes-base not loadable: ${real}): getBinaryStream(id) with n8n's default chunk size, Content-Length from the metadata, this.helpers.httpRequest with default options (redirects followed)`,
		parameters: (url) => ({ url }),
	};
}

// ---- item 6: downloading a file into n8n's binary store -----------------------------------------

/** What HTTP Request V3 does with "Response Format: File", reduced to the calls that matter. */
class BinaryGetNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Binary GET (HTTP Request stand-in)',
		name: 'bench.binaryGet',
		group: ['input'],
		version: 1,
		description: 'Downloads a URL into the item binary the way HTTP Request V3 does',
		defaults: { name: 'HTTP Request' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'URL', name: 'url', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const url = this.getNodeParameter('url', i) as string;
			const response = (await this.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				returnFullResponse: true,
			})) as { body: Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0] };
			const name = new URL(url).pathname.split('/').pop() ?? 'file';
			const data = await this.helpers.prepareBinaryData(response.body, name);
			out.push({ json: {}, binary: { data }, pairedItem: { item: i } });
		}
		return [out];
	}
}

/** Item 6's first step: n8n's HTTP Request node downloading to binary, or the stand-in. */
export function httpDownloadBaseline(preferReal = true): HttpBaseline {
	const real = preferReal ? loadRealHttpRequest() : 'not requested';
	if (typeof real !== 'string') {
		return {
			...real,
			description: real.description
				.replace('method PUT, body "n8n Binary File"', 'method GET, Response Format "File"')
				.replace(' (redirects followed)', ''),
			parameters: (url) => ({
				method: 'GET',
				url,
				options: { response: { response: { responseFormat: 'file' } } },
			}),
		};
	}
	return {
		type: 'bench.binaryGet',
		node: new BinaryGetNode(),
		typeVersion: 1,
		description: `a stand-in for HTTP Request V3's file download (n8n-nodes-base not loadable: ${real}): this.helpers.httpRequest with encoding "stream", then prepareBinaryData into the filesystem store`,
		parameters: (url) => ({ url }),
	};
}
