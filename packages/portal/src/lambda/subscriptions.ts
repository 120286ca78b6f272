// Lambda entry point of the subscriptions route group (bundled to subscriptions.js, handler `subscriptions.handler`).
export { subscriptionsHandler as handler } from '../handlers/subscriptions';
