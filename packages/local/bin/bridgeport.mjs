#!/usr/bin/env node
// `bridgeport start [options]`: runs the TypeScript sources through tsx's loaders, as `pnpm start` does.
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

registerCommonJs();
register();
await import('../src/cli.ts');
