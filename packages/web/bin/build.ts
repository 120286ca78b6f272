/** `pnpm --filter @bridgeport/web build [outdir]`: the web portal's static files (default `dist/`). */
import path from 'node:path';
import { writeWebAssets } from '../src/build';

const outdir = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'dist'));
writeWebAssets(outdir).then(
  (files) => {
    for (const file of files) console.log(file);
  },
  (error: unknown) => {
    console.error('The web portal build failed:', error);
    process.exit(1);
  },
);
