// One jest project per package; TypeScript through ts-jest (type checking is `pnpm typecheck`).
const { readdirSync, existsSync } = require('node:fs');
const path = require('node:path');

const packagesDir = path.join(__dirname, 'packages');

/** Middy and jose ship ESM only; they are transpiled to CommonJS for jest like our own sources. */
const esmPackages = ['@middy\\+', 'jose@'];

const projects = readdirSync(packagesDir)
  .filter((name) => existsSync(path.join(packagesDir, name, 'test')))
  .map((name) => ({
    displayName: name,
    rootDir: path.join(packagesDir, name),
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
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
  }));

/** @type {import('jest').Config} */
module.exports = {
  projects,
  testTimeout: 30000,
};
