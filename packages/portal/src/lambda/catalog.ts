// Lambda entry point of the catalog route group (bundled to catalog.js, handler `catalog.handler`).
export { catalogHandler as handler } from '../handlers/catalog';
