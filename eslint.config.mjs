// Lint = n8n's community rules where the community-package scanner looks (nodes/, credentials/,
// package.json), plus typescript-eslint on everything else we write (tests, sandbox, scripts).
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const runtimeFiles = ['nodes/**/*.ts', 'credentials/**/*.ts'];

export default tseslint.config(
	{
		ignores: [
			'dist/**',
			'node_modules/**',
			'e2e/node_modules/**',
			'.scratch/**',
			'coverage/**',
			'**/*.js',
			'**/*.mjs',
			'**/*.cjs',
		],
	},
	{
		files: ['**/*.ts'],
		extends: [tseslint.configs.recommended],
		rules: {
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
		},
	},
	{
		// TypeScript parses .json files as one expression statement, which is the shape the
		// community rules for package.json expect.
		files: ['package.json'],
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['package.json', ...runtimeFiles],
		...n8nCommunityNodesPlugin.configs.recommended,
		ignores: [],
	},
	{
		files: ['credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Applies to n8n's main repository only (doc slugs); community credentials link a full URL,
			// which @n8n/community-nodes/credential-documentation-url validates.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// These two predate n8n 2.x and demand the string 'main'; n8n 2.x (and the community rule
			// node-connection-type-literal) wants NodeConnectionTypes.Main.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'no-console': 'error',
		},
	},
);
