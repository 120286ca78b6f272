import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { buildProducerApp } from '../src/app';
import type { ProducerStack } from '../src/producer-stack';

export const EXAMPLES = join(__dirname, '..', 'examples');

/** Context that skips asset bundling (esbuild) for speed. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

export function example(name: string): string {
  return join(EXAMPLES, `${name}.json`);
}

export async function producerApp(
  manifest: string,
  context: Record<string, unknown> = NO_BUNDLING,
): Promise<{ app: App; stack: ProducerStack }> {
  return buildProducerApp({ context: { ...context, manifest } });
}

/** Writes `content` to a temporary file; `cleanup` removes it. */
export function tempManifest(content: string): { path: string; cleanup: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'producer-manifest-'));
  const path = join(directory, 'deploy.json');
  writeFileSync(path, content);
  return { path, cleanup: () => rmSync(directory, { recursive: true, force: true }) };
}
