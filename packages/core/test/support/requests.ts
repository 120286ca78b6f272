import type { ValidationProblem } from '../../src/types';

/** A valid data schema, and an event type request made with it. */
export const dataSchema = {
  type: 'object',
  required: ['parcel_id'],
  properties: { parcel_id: { type: 'string' }, delivered_at: { type: 'string', format: 'date-time' } },
};
export const eventType = {
  application: 'parcel-service',
  event_type: 'parcel_delivered',
  description: 'A parcel reached its recipient',
  connection_type: 'HTTPS',
  data: dataSchema,
};

export function errorsOf(
  result: { ok: true } | { ok: false; errors: ValidationProblem[] },
): ValidationProblem[] {
  if (result.ok) throw new Error('expected validation to fail');
  return result.errors;
}
