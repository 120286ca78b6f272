import {
  assertJsonContentType,
  isJsonContentType,
  PayloadTooLargeError,
  parseJsonBody,
  requestBodyText,
  UnsupportedMediaTypeError,
  ValidationError,
} from '../src/index';

describe('the request-reading rule of every HTTP endpoint', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['  ', true],
    ['application/json', true],
    ['Application/JSON; charset=UTF-8', true],
    ['application/merge-patch+json', true],
    ['application/vnd.example.v1+json', true],
    ['application/x!#$&^_.y+json', true],
    ['text/json', false],
    ['text/plain', false],
    ['application/jsonp', false],
    ['application/+json', false],
    ['application/x-www-form-urlencoded', false],
  ])('Content-Type %p is read as JSON: %p', (contentType, expected) => {
    expect(isJsonContentType(contentType)).toBe(expected);
    if (expected) expect(() => assertJsonContentType(contentType)).not.toThrow();
    else expect(() => assertJsonContentType(contentType)).toThrow(UnsupportedMediaTypeError);
  });

  it('names the refused Content-Type', () => {
    expect(() => assertJsonContentType('text/csv')).toThrow(
      'Content-Type text/csv is not supported; send application/json',
    );
  });

  it('requires a body and checks the size limit before anything else', () => {
    expect(() => requestBodyText(undefined, false)).toThrow(ValidationError);
    expect(() => requestBodyText(' \n', false)).toThrow('The request body is required');
    expect(() => requestBodyText('x'.repeat(11), false, { bytes: 10, label: '10 B' })).toThrow(
      new PayloadTooLargeError('The request body is 11 bytes; the limit is 10 bytes (10 B)'),
    );
    expect(requestBodyText(Buffer.from('{"a":1}').toString('base64'), true, { bytes: 7 })).toBe('{"a":1}');
  });

  it('parses JSON and gives the parser reason when it is not', () => {
    expect(parseJsonBody('{"a":[1]}')).toEqual({ a: [1] });
    try {
      parseJsonBody('{"a":');
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems).toEqual([
        { path: '$', message: expect.stringMatching(/^is not valid JSON: .*JSON/) },
      ]);
    }
  });
});
