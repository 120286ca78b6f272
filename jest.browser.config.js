// Browser tests of the web portal: Playwright (playwright-core) driving the machine's Chromium against a local
// runtime. Run by `pnpm test:browser` (and .ci/run, which installs Chromium); not part of `pnpm test`, which
// needs no browser.
const path = require('node:path');

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'browser',
  rootDir: path.join(__dirname, 'packages', 'local'),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/browser/**/*.browser.ts'],
  transform: {
    '^.+\\.[cm]?[tj]s$': [
      'ts-jest',
      { tsconfig: path.join(__dirname, 'tsconfig.jest.json'), diagnostics: false },
    ],
  },
  transformIgnorePatterns: ['/node_modules/\\.pnpm/(?!(@middy)\\+)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 120000,
};
