import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '@bridgeport/core';
import { isJsonMediaType, readJsonBody } from '../../src/http/request';
import { apiEvent } from '../support/api';

describe('isJsonMediaType', () => {
  it.each([
    ['application/json', true],
    ['Application/JSON; charset=UTF-8', true],
    ['application/merge-patch+json', true],
    ['text/json', false],
    ['text/plain', false],
    ['application/jsonp', false],
  ])('%s → %s', (contentType, expected) => {
    expect(isJsonMediaType(contentType)).toBe(expected);
  });
});

describe('readJsonBody', () => {
  it('decodes a base64-encoded body', () => {
    const event = {
      ...apiEvent({ method: 'POST', resource: '/events', body: 'x' }),
      body: Buffer.from('{"a":1}').toString('base64'),
      isBase64Encoded: true,
    };

    expect(readJsonBody(event)).toEqual({ a: 1 });
  });

  it('reads a body without Content-Type as JSON', () => {
    const event = { ...apiEvent({ method: 'POST', resource: '/events', body: { a: 1 } }), headers: {} };

    expect(readJsonBody({ ...event, multiValueHeaders: {} })).toEqual({ a: 1 });
  });

  it('checks the media type before the size, and the size before parsing', () => {
    const huge = 'x'.repeat(1024 * 1024 + 1);

    expect(() =>
      readJsonBody(
        apiEvent({
          method: 'POST',
          resource: '/events',
          body: huge,
          headers: { 'Content-Type': 'text/csv' },
        }),
      ),
    ).toThrow(UnsupportedMediaTypeError);
    expect(() => readJsonBody(apiEvent({ method: 'POST', resource: '/events', body: huge }))).toThrow(
      PayloadTooLargeError,
    );
    expect(() => readJsonBody(apiEvent({ method: 'POST', resource: '/events', body: '[1,' }))).toThrow(
      ValidationError,
    );
  });

  it('accepts a body of exactly 1 MB', () => {
    const body = `"${'x'.repeat(1024 * 1024 - 2)}"`;

    expect(readJsonBody(apiEvent({ method: 'POST', resource: '/events', body }))).toHaveLength(
      1024 * 1024 - 2,
    );
  });
});
