export type { WebAsset, WebAssets } from './build';
export { buildWebAssets, WEB_CONFIG_PATH, writeWebAssets } from './build';
