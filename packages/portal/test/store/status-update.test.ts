import { subscriptionKey, versionKey } from '@bridgeport/core';
import { statusUpdateOf } from '../../src/store/status-update';

describe('statusUpdateOf', () => {
  it('sets a version status and its time and removes the reason, on an existing record only', () => {
    expect(
      statusUpdateOf({
        key: versionKey('cart_recovered', 1),
        status: 'ACTIVE',
        at: '2026-11-26T07:00:00.000Z',
      }),
    ).toEqual({
      Key: { PK: 'EVENT_TYPE#cart_recovered', SK: 'VERSION#0000000001' },
      UpdateExpression: 'SET #status = :status, #at = :at REMOVE #reason',
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: {
        '#pk': 'PK',
        '#status': 'status',
        '#reason': 'status_reason',
        '#at': 'status_updated_at',
      },
      ExpressionAttributeValues: { ':status': 'ACTIVE', ':at': '2026-11-26T07:00:00.000Z' },
    });
  });

  it('orders subscription statuses by the time of their deployment event', () => {
    const update = statusUpdateOf({
      key: subscriptionKey('sub1'),
      status: 'FAILED',
      at: '2026-11-26T07:00:00.000Z',
      reason: 'Deployment failed',
      eventAt: '2026-11-26T06:59:58.000Z',
      executionId: 'exec-7',
    });

    expect(update.UpdateExpression).toBe(
      'SET #status = :status, #at = :at, #reason = :reason, #eventAt = :eventAt, #execution = :execution',
    );
    expect(update.ConditionExpression).toBe(
      'attribute_exists(#pk) AND (attribute_not_exists(#eventAt) OR #eventAt <= :eventAt)',
    );
    expect(update.ExpressionAttributeNames).toMatchObject({
      '#at': 'updated_at',
      '#eventAt': 'status_event_at',
      '#execution': 'status_execution_id',
    });
    expect(update.ExpressionAttributeValues).toEqual({
      ':status': 'FAILED',
      ':at': '2026-11-26T07:00:00.000Z',
      ':reason': 'Deployment failed',
      ':eventAt': '2026-11-26T06:59:58.000Z',
      ':execution': 'exec-7',
    });
  });

  it('lets a start replace only a status of an earlier second', () => {
    const update = statusUpdateOf({
      key: subscriptionKey('sub1'),
      status: 'DEPLOYING',
      at: '2026-11-26T07:00:00.000Z',
      eventAt: '2026-11-26T06:59:58.000Z',
    });

    expect(update.ConditionExpression).toBe(
      'attribute_exists(#pk) AND (attribute_not_exists(#eventAt) OR #eventAt < :eventAt)',
    );
  });
});
