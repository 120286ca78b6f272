/**
 * Bridgeport's Lambda edge, shared by the portal API and the broker: one logger (Powertools), one typed-error →
 * HTTP mapping and one JSON request reader (Middy middleware). A package of its own so that the domain (`core`)
 * stays free of HTTP and Middy while the portal and the broker, which must not depend on each other, import the
 * same edge.
 */
export type { ErrorBody } from './error-response';
export { errorResponse, httpErrorHandler, INTERNAL_ERROR_MESSAGE } from './error-response';
export type { JsonBodyRules } from './json-body';
export { header, jsonBody, jsonBodyParser, optionalJsonBody } from './json-body';
export type { Logger } from './logger';
export { createLogger, invocationLogger, lambdaContextLogging, REQUEST_ID_KEY, silentLogger } from './logger';
export type { HttpResponse } from './response';
export { json } from './response';
