/**
 * Two test sets over one set of files (the files stay where they are; this config sorts them):
 *
 * - fast (`npm test`): unit, the local AWS endpoint, policy logic, the static checks of the
 *   service files and the README. Nothing in it runs the `sls` CLI or a full `sls package`.
 * - slow (`npm run test:slow`): everything that runs the real CLI: packaging, the policy matrix
 *   over packaged stages, integration over the local endpoint, end-to-end and the quick bench.
 *   Its global setup packages each stage those suites read once, into a shared cache.
 *
 * `npm run test:all` (or `npx jest <file>`) runs both, each file in its set; tests/jest.fast.config.js
 * and tests/jest.slow.config.js select one. A new test file joins the fast set unless it is
 * listed below: a file that packages or runs `sls` belongs in SLOW.
 *
 * @swc/jest strips types fast; `tsc --noEmit` type-checks.
 */

/** Test files (and folders) of the slow set, relative to tests/. */
const SLOW = [
  'bench/quick.test.ts',
  'clients/',
  'conform/',
  'e2e/',
  'integration/',
  'local-aws/unauthorized-actions.test.ts',
  'package/bad-config.test.ts',
  'package/cfn-lint.test.ts',
  'package/engine.test.ts',
  'package/fleet-scale.test.ts',
  'package/package.test.ts',
  'package/stack-print.test.ts',
  'verify/policy-authorizer.test.ts',
  'verify/verify-mutations.test.ts',
  'verify/verify.test.ts',
];

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const slowPatterns = SLOW.map((entry) => `<rootDir>/tests/${escapeRegExp(entry)}`);

/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2023' } }] },
  setupFiles: ['<rootDir>/tests/setup-env.ts'],
  setupFilesAfterEnv: ['<rootDir>/tests/setup-matchers.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30_000,
  projects: [
    {
      ...shared,
      displayName: 'fast',
      testMatch: ['<rootDir>/tests/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...slowPatterns],
    },
    {
      ...shared,
      displayName: 'slow',
      testMatch: SLOW.map((entry) =>
        entry.endsWith('/') ? `<rootDir>/tests/${entry}**/*.test.ts` : `<rootDir>/tests/${entry}`,
      ),
      globalSetup: '<rootDir>/tests/slow-set-setup.ts',
    },
  ],
};
