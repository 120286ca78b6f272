// Browser tests of the web portal: Playwright (playwright-core) driving the machine's Chromium against a local
// runtime. Run by `pnpm test:browser` (and .ci/run, which installs Chromium); not part of `pnpm test`, which
// needs no browser. The same transform as the unit tests (jest.config.js's project of the local package).
const { projects } = require('./jest.config.js');

const local = projects.find((project) => project.displayName === 'local');

/** @type {import('jest').Config} */
module.exports = {
  ...local,
  displayName: 'browser',
  testMatch: ['<rootDir>/browser/**/*.browser.ts'],
  testTimeout: 120000,
};
