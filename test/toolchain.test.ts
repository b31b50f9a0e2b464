/**
 * npm scripts run on the pinned node@24 (node_modules/.bin comes first on PATH); running jest
 * directly would silently use the machine's Node 20 instead of n8n 2.x's runtime.
 */
it('runs on Node 24, the runtime of n8n 2.x', () => {
	expect(Number(process.versions.node.split('.')[0])).toBe(24);
});
