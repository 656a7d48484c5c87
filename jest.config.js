/** Three projects: fast unit tests, node tests through n8n's execution engine against the fake
 * Mindee server, and end-to-end tests inside a real n8n (see scripts/e2e.sh). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];
const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'node', testMatch: ['<rootDir>/test/node/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
