import { buildEnvelopeSchema, type JsonSchema, type ProducerManifest, ProducerType } from '@bridgeport/core';

/** An event type whose data carries a parcel id and a weight. */
export const parcelDataSchema: JsonSchema = {
  type: 'object',
  required: ['parcel_id', 'weight_grams'],
  properties: {
    parcel_id: { type: 'string', pattern: '^P[0-9]+$' },
    weight_grams: { type: 'integer', minimum: 1 },
    note: { type: 'string' },
  },
  additionalProperties: false,
};

export function parcelManifest(overrides: Partial<ProducerManifest> = {}): ProducerManifest {
  return {
    format: 1,
    kind: 'producer',
    environment: 'dev',
    account: '123456789012',
    region: 'eu-west-1',
    application: 'parcels',
    event_type: 'parcel_registered',
    version: 1,
    connection_type: ProducerType.HTTPS,
    schema: buildEnvelopeSchema(parcelDataSchema),
    ...overrides,
  } as ProducerManifest;
}

export function parcelEvent(parcelId = 'P1', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    metadata: { event_attributes: { source: 'warehouse', target: 'billing' } },
    data: { parcel_id: parcelId, weight_grams: 1200, ...extra },
  };
}
