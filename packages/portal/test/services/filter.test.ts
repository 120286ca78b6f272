import type { JsonObject } from '@bridgeport/core';
import { checkSubscriptionFilter } from '../../src/services/filter';

const subject = { eventType: 'order_created', version: 2 };
const schema: JsonObject = {
  type: 'object',
  definitions: { address: { type: 'object', properties: { city: { type: 'string' } } } },
  properties: {
    order_id: { type: 'string' },
    shipping: { $ref: '#/definitions/address' },
    items: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
    payment: {
      oneOf: [
        { type: 'object', properties: { card: { type: 'string' } } },
        { type: 'object', properties: { iban: { type: 'string' } } },
      ],
    },
    labels: { type: 'object', patternProperties: { '^x-': { type: 'string' } } },
  },
};

describe('checkSubscriptionFilter', () => {
  it('accepts fields declared directly, through $ref, inside arrays, in oneOf branches and by patternProperties', () => {
    const problems = checkSubscriptionFilter(
      {
        order_id: [{ prefix: 'A-' }],
        shipping: { city: ['Lisbon'] },
        items: { sku: ['123'] },
        payment: { iban: [{ exists: true }] },
        labels: { 'x-team': ['core'] },
      },
      schema,
      subject,
    );

    expect(problems).toEqual([]);
  });

  it('names every undeclared field, including those in $or branches', () => {
    const problems = checkSubscriptionFilter(
      { $or: [{ shipping: { zip: ['1000'] } }, { customer_id: ['c-1'] }] },
      schema,
      subject,
    );

    expect(problems).toEqual([
      {
        path: '$.filter.shipping.zip',
        message:
          'names the field data.shipping.zip, which the schema of order_created version 2 does not declare',
      },
      {
        path: '$.filter.customer_id',
        message:
          'names the field data.customer_id, which the schema of order_created version 2 does not declare',
      },
    ]);
  });

  it('returns the EventBridge reason for an invalid pattern', () => {
    expect(checkSubscriptionFilter({ order_id: 'A-1' }, schema, subject)).toEqual([
      { path: '$.filter', message: expect.stringMatching(/./) },
    ]);
  });
});
