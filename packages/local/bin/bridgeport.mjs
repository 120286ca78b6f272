#!/usr/bin/env node
// `bridgeport <command> [options]`. `start` runs the runtime from a bundle built from the sources right now
// (bin/build-runtime.mjs says why); the short-lived commands run the TypeScript sources through tsx's loaders.
import { createRequire } from 'node:module';

if (process.argv[2] === 'start') {
  const { buildRuntime } = await import('./build-runtime.mjs');
  process.setSourceMapsEnabled(true);
  createRequire(import.meta.url)(await buildRuntime());
} else {
  const { register: registerCommonJs } = await import('tsx/cjs/api');
  const { register } = await import('tsx/esm/api');
  registerCommonJs();
  register();
  await import('../src/cli.ts');
}
