import type { JsonSchema } from '../../src/types';

/** A parcel's data schema, with constraints on each field. */
export const dataSchema: JsonSchema = {
  type: 'object',
  required: ['parcel_id', 'weight'],
  properties: {
    parcel_id: { type: 'string', minLength: 3 },
    weight: { type: 'number', minimum: 0 },
    tags: { type: 'array', items: { type: 'string' } },
  },
};
