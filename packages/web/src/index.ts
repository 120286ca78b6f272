export type { WebAsset, WebAssets } from './build';
export { buildWebAssets, writeWebAssets } from './build';
export type { WebConfig } from './config';
export { WEB_CONFIG_PATH } from './config';
