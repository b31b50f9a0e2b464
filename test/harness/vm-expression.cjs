/**
 * Resolves credential expressions with n8n's `vm` expression engine — the default of a real n8n
 * 2.x (N8N_EXPRESSION_ENGINE=vm; the harness's in-process engine is `legacy`, and jest cannot load
 * the vm engine's ES module). Run as `node vm-expression.cjs '<json>'` with
 * `{ expressions: string[], credentials: object[] }`; prints one JSON array (per credentials, the
 * resolved value of each expression, or `{ error }`).
 */
const { Expression, Workflow } = require('n8n-workflow');

async function main() {
	const { expressions, credentials } = JSON.parse(process.argv[2]);
	await Expression.initExpressionEngine({
		engine: 'vm',
		bridgeTimeout: 5000,
		bridgeMemoryLimit: 128,
		poolSize: 1,
		maxCodeCacheSize: 1024,
	});
	const node = {
		id: '1',
		name: 'Resolver',
		type: 'harness.resolver',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const nodeTypes = {
		getByName: () => undefined,
		getByNameAndVersion: () => undefined,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	await workflow.expression.acquireIsolate();
	const results = credentials.map(($credentials) =>
		expressions.map((expression) => {
			try {
				const value = workflow.expression.getSimpleParameterValue(
					node,
					expression,
					'internal',
					{ $credentials },
					undefined,
					'',
				);
				return value ?? null;
			} catch (error) {
				return { error: error.message };
			}
		}),
	);
	await workflow.expression.releaseIsolate();
	await Expression.disposeExpressionEngine();
	process.stdout.write(`${JSON.stringify({ engine: 'vm', results })}\n`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack}\n`);
	process.exit(1);
});
