/** Jest runs the TypeScript tests in test/ with ts-jest (type-checking is done by `npm run lint`). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }],
	},
	testTimeout: 60_000,
	// Each test file starts its own n8n-core container and loopback servers.
	maxWorkers: 2,
};
