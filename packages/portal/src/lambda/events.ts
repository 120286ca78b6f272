// Lambda entry point of the events route group (bundled to events.js, handler `events.handler`).
export { eventsHandler as handler } from '../handlers/events';
