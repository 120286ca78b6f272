/**
 * Bridgeport's Lambda edge, shared by the portal API and the broker: one logger (Powertools), one typed-error →
 * HTTP mapping and one JSON request reader (Middy middleware). A package of its own, not a part of `core`, so that
 * the domain stays free of HTTP, Middy and logging while both APIs import the same edge and answer by one rule.
 */
export type { ErrorBody } from './error-response';
export { errorResponse, httpErrorHandler, INTERNAL_ERROR_MESSAGE } from './error-response';
export type { JsonBodyRules } from './json-body';
export { header, jsonBody, jsonBodyParser, optionalJsonBody } from './json-body';
export type { Logger } from './logger';
export { createLogger, invocationLogger, lambdaContextLogging, REQUEST_ID_KEY, silentLogger } from './logger';
export type { HttpResponse } from './response';
export { json } from './response';
