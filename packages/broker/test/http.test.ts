import { DependencyFailureError } from '@bridgeport/core';
import { errorResponse } from '../src/http';
import { silentLogger } from '../src/logger';

describe('errorResponse', () => {
  it('answers 503 with Retry-After, naming the step, when a dependency failed transiently', () => {
    const cause = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

    const response = errorResponse(new DependencyFailureError('Reading the producers', cause), silentLogger);

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'retry-after': '1' });
    expect(JSON.parse(response.body)).toEqual({ message: 'Reading the producers failed' });
  });

  it('answers 502, naming the step only, when a dependency refused the request', () => {
    const cause = Object.assign(new Error('User is not authorized (arn:aws:iam::...)'), {
      name: 'AccessDeniedException',
    });

    const response = errorResponse(new DependencyFailureError('Reading the producers', cause), silentLogger);

    expect(response.statusCode).toBe(502);
    expect(response.headers).not.toHaveProperty('retry-after');
    expect(JSON.parse(response.body)).toEqual({ message: 'Reading the producers failed' });
  });
});
