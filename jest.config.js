// One jest project per package for its fast tests, and one `slow` project for every package's `*.slow.test.ts`
// (tests that start the runtime or a process, build bundles or synthesize CDK apps: docs/development.md).
// `pnpm test` runs them all; `pnpm test:unit` (`--ignoreProjects slow`) the fast ones.
// TypeScript through ts-jest (type checking is `pnpm typecheck`).
const { readdirSync, existsSync } = require('node:fs');
const path = require('node:path');

const packagesDir = path.join(__dirname, 'packages');

/** Middy and jose ship ESM only; they are transpiled to CommonJS for jest like our own sources. */
const esmPackages = ['@middy\\+', 'jose@'];

/** What names a slow test file. */
const SLOW_TEST = '\\.slow\\.test\\.ts$';

const transformed = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.[cm]?[tj]s$': [
      'ts-jest',
      {
        tsconfig: path.join(__dirname, 'tsconfig.jest.json'),
        diagnostics: false,
      },
    ],
  },
  transformIgnorePatterns: [`/node_modules/\\.pnpm/(?!(${esmPackages.join('|')}))`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
};

const packages = readdirSync(packagesDir).filter((name) => existsSync(path.join(packagesDir, name, 'test')));

const projects = [
  ...packages.map((name) => ({
    ...transformed,
    displayName: name,
    rootDir: path.join(packagesDir, name),
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', SLOW_TEST],
  })),
  {
    ...transformed,
    displayName: 'slow',
    rootDir: packagesDir,
    testMatch: packages.map((name) => `<rootDir>/${name}/test/**/*.slow.test.ts`),
  },
];

/** @type {import('jest').Config} */
module.exports = {
  projects,
  testTimeout: 30000,
};
