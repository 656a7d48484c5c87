/** Three projects: fast unit tests (the package's pure functions, and the fake Mindee server's own
 * tests beside it), node tests through n8n's execution engine against the fake Mindee server, and
 * end-to-end tests inside a real n8n (npm run test:e2e; scripts/test.sh runs all three); a fourth,
 * live, against the real Mindee API (npm run test:live). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];
const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  // A hang guard, not a speed check (a global option: projects cannot set it): npm test runs the
  // unit and node tests beside both versions' end-to-end tests on two cores, where jest's default
  // 5 s cut off tests that pass alone in under a second.
  testTimeout: 60_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/fake-mindee/**/*.test.ts'],
    },
    { ...common, displayName: 'node', testMatch: ['<rootDir>/test/node/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    // The real Mindee API, run only by `npm run test:live` (scripts/testLive.ts), never by `npm test`.
    { ...common, displayName: 'live', testMatch: ['<rootDir>/test/live/**/*.test.ts'] },
  ],
};
