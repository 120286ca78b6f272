import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, NoSuchKey, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { newProducerKeyValue, ProducerType } from '@bridgeport/core';
import { type HttpResponse, type Logger, REQUEST_ID_KEY, silentLogger } from '@bridgeport/edge';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createInjector, type Injector, parseProducerRoute } from '../src/injector';
import { createInjectorHandler, producerRouteOf } from '../src/injector-handler';
import { ProducerCatalog, type ResolvedProducer, resolveProducer, s3ManifestReader } from '../src/producers';
import { parcelEvent, parcelManifest } from './support/fixtures';

const eventBridgeMock = mockClient(EventBridgeClient);

/** One HTTP request to a producer route. */
interface ProducerRequest {
  readonly path: string;
  readonly body?: string | null;
  readonly isBase64Encoded?: boolean;
  readonly headers?: Record<string, string>;
  /** The key API Gateway admitted the request with (`requestContext.identity.apiKey`). */
  readonly apiKey?: string | null;
}

/** The injector behind its HTTP handler, sent requests as API Gateway's proxy integration hands them over. */
interface HttpInjector {
  handle(request: ProducerRequest): Promise<HttpResponse>;
}

const REQUEST_ID = 'c0ffee00-0000-4000-8000-000000000001';

function overHttp(injector: Injector, logger: Logger = silentLogger): HttpInjector {
  const handler = createInjectorHandler(injector, { logger });
  return {
    handle: (request) =>
      handler(
        {
          resource: request.path,
          path: request.path,
          httpMethod: 'POST',
          headers: request.headers ?? {},
          multiValueHeaders: {},
          body: request.body ?? null,
          isBase64Encoded: request.isBase64Encoded ?? false,
          requestContext: { identity: { apiKey: request.apiKey ?? null } },
        } as APIGatewayProxyEvent,
        { awsRequestId: REQUEST_ID } as Context,
      ),
  };
}

function injectorFor(producers: ResolvedProducer[], maxEventSizeBytes?: number): HttpInjector {
  return overHttp(
    createInjector({
      producers: {
        resolve: async (eventType, version) =>
          producers.find((p) => p.manifest.event_type === eventType && p.manifest.version === version),
      },
      eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
      maxEventSizeBytes,
    }),
  );
}

/** A key issued for the producers of parcel_registered, as API Gateway admitted it. */
const KEY = newProducerKeyValue('dev', 'parcel_registered');

const post = (body: unknown, path = '/parcel_registered/1') => ({
  path,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  headers: { 'Content-Type': 'application/json' },
  apiKey: KEY,
});

describe('createInjector', () => {
  let injector: HttpInjector;

  beforeEach(() => {
    eventBridgeMock.reset();
    injector = injectorFor([resolveProducer(parcelManifest())]);
  });

  it('answers 403 Forbidden without a key issued for the event type, before reading the body, and puts nothing on the bus', async () => {
    const answers = [
      await injector.handle({ ...post(parcelEvent('P1')), apiKey: undefined }),
      await injector.handle({ ...post(parcelEvent('P2')), apiKey: null }),
      await injector.handle({
        ...post(parcelEvent('P3')),
        apiKey: newProducerKeyValue('dev', 'parcel_lost'),
      }),
      await injector.handle({
        ...post(parcelEvent('P4')),
        apiKey: newProducerKeyValue('prod', 'parcel_registered'),
      }),
      await injector.handle({ ...post('{not json'), apiKey: undefined }),
    ];

    expect(answers.map((answer) => answer.statusCode)).toEqual([403, 403, 403, 403, 403]);
    expect(JSON.parse(answers[0]?.body ?? '')).toEqual({ message: 'Forbidden' });
    expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('puts a valid event on the bus as the owning application and answers 200 with its id', async () => {
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-1' }] });

    const response = await injector.handle(post(parcelEvent('P42')));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ event_id: 'evt-1' });
    const calls = eventBridgeMock.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    const [entry] = calls[0]?.args[0].input.Entries ?? [];
    expect(entry).toEqual({
      EventBusName: 'dev.custom.events.bus',
      Source: 'parcels',
      DetailType: 'parcel_registered.1',
      Detail: JSON.stringify(parcelEvent('P42')),
    });
  });

  it('answers 400 with the path of every problem and puts nothing on the bus', async () => {
    const response = await injector.handle(
      post({ metadata: { event_attributes: { source: 'warehouse' } }, data: { parcel_id: 'X', extra: 1 } }),
    );

    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body) as {
      message: string;
      errors: { path: string; message: string }[];
    };
    expect(body.message).toBe('The event does not match the schema of parcel_registered version 1');
    const paths = body.errors.map((error) => error.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '$.metadata.event_attributes.target',
        '$.data.parcel_id',
        '$.data.weight_grams',
        '$.data.extra',
      ]),
    );
    expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const response = await injector.handle(post('{"metadata":'));

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      message: 'The request body is not valid JSON',
      errors: [{ path: '$', message: expect.stringMatching(/^is not valid JSON: .*JSON/) }],
    });
  });

  it('answers 400 for a missing body', async () => {
    const response = await injector.handle({ ...post(parcelEvent()), body: null });

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      message: 'The request body is required',
      errors: [{ path: '$', message: 'is required' }],
    });
  });

  it('answers 503 when the bus throttles the entry, never 200', async () => {
    eventBridgeMock.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }],
    });

    const response = await injector.handle(post(parcelEvent()));

    expect(response.statusCode).toBe(503);
    expect(response.headers['Retry-After']).toBe('1');
    expect(JSON.parse(response.body)).toEqual({ message: 'Putting the event on the bus failed' });
  });

  it('answers 502 when the bus refuses the entry for good', async () => {
    eventBridgeMock.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized' }],
    });

    const response = await injector.handle(post(parcelEvent()));

    expect(response.statusCode).toBe(502);
    expect(JSON.parse(response.body)).toEqual({ message: 'Putting the event on the bus failed' });
  });

  it('answers 503 when the PutEvents call itself fails on the server side', async () => {
    const failure = Object.assign(new Error('Internal error'), {
      name: 'InternalException',
      $fault: 'server',
    });
    eventBridgeMock.on(PutEventsCommand).rejects(failure);

    const response = await injector.handle(post(parcelEvent()));

    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain('Internal error');
  });

  it.each([
    ['TimeoutError', {}],
    ['Error', { code: 'ECONNRESET' }],
    ['ThrottledException', {}],
    ['InternalFailure', {}],
    ['UnknownError', { $metadata: { httpStatusCode: 429 } }],
  ])('answers 503 with Retry-After when the PutEvents call fails with %s %j', async (name, extra) => {
    eventBridgeMock.on(PutEventsCommand).rejects(Object.assign(new Error('failed'), { name, ...extra }));

    const response = await injector.handle(post(parcelEvent()));

    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'Retry-After': '1' });
    expect(JSON.parse(response.body)).toEqual({ message: 'Putting the event on the bus failed' });
  });

  it('answers 502 when the PutEvents call is refused', async () => {
    eventBridgeMock
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $fault: 'client' }));

    const response = await injector.handle(post(parcelEvent()));

    expect(response.statusCode).toBe(502);
    expect(response.headers).not.toHaveProperty('Retry-After');
  });

  it('answers 404 for an event type version without a producer', async () => {
    const response = await injector.handle(post(parcelEvent(), '/parcel_registered/2'));

    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({
      message: 'No producer is deployed for parcel_registered version 2',
    });
  });

  it('answers 409 naming the ingress queue URL for an event type whose producer is SQS, and puts nothing', async () => {
    const queued = injectorFor([resolveProducer(parcelManifest({ connection_type: ProducerType.SQS }))]);

    const response = await queued.handle(post(parcelEvent('P9')));

    expect(response.statusCode).toBe(409);
    expect(JSON.parse(response.body)).toEqual({
      message:
        'parcel_registered version 1 has an SQS producer, not an HTTP one: send its events to the ingress queue https://sqs.eu-west-1.amazonaws.com/123456789012/dev-parcel_registered-v1-ingress',
    });
    expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('answers 415 for a body that is not JSON by media type', async () => {
    const response = await injector.handle({
      ...post(parcelEvent()),
      headers: { 'content-type': 'text/plain' },
    });

    expect(response.statusCode).toBe(415);
    expect(JSON.parse(response.body)).toEqual({
      message: 'Content-Type text/plain is not supported; send application/json',
    });
    expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it.each([
    ['no Content-Type', {}],
    ['an empty Content-Type', { 'content-type': '' }],
    ['a +json Content-Type', { 'Content-Type': 'application/vnd.example.parcel+json; charset=utf-8' }],
  ])('reads a body with %s as JSON, as the portal does', async (_name, headers) => {
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

    const response = await injector.handle({ ...post(parcelEvent()), headers });

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ event_id: 'e-1' });
  });

  it('answers 413 for an event over the size limit', async () => {
    const small = injectorFor([resolveProducer(parcelManifest())], 200);

    const response = await small.handle(post(parcelEvent('P1', { note: 'x'.repeat(300) })));

    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body).message).toMatch(/^The event is \d+ bytes; the limit is 200 bytes$/);
    expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('decodes a base64 body', async () => {
    eventBridgeMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'evt-2' }] });

    const response = await injector.handle({
      path: '/parcel_registered/1',
      body: Buffer.from(JSON.stringify(parcelEvent())).toString('base64'),
      isBase64Encoded: true,
      apiKey: KEY,
    });

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ event_id: 'evt-2' });
  });
});

describe('createInjectorHandler', () => {
  it('answers 404 for a path that names no producer route, before reading the body', async () => {
    const injector = injectorFor([resolveProducer(parcelManifest())]);

    const response = await injector.handle({
      path: '/Not-A-Type/1',
      body: 'not json',
      headers: { 'content-type': 'text/plain' },
    });

    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({ message: 'No producer route matches /Not-A-Type/1' });
  });

  it('reads the route from the resource when it names one, else from the path', () => {
    expect(producerRouteOf({ resource: '/parcel_registered/2', path: '/dev/parcel_registered/2' })).toEqual({
      eventType: 'parcel_registered',
      version: 2,
    });
    expect(producerRouteOf({ resource: '/{event_type}/{version}', path: '/parcel_registered/3' })).toEqual({
      eventType: 'parcel_registered',
      version: 3,
    });
  });

  it('answers 400 for an event nested deeper than the limit, naming the limit', async () => {
    const injector = injectorFor([resolveProducer(parcelManifest())]);
    const deep = `${'['.repeat(200)}${']'.repeat(200)}`;

    const response = await injector.handle({ path: '/parcel_registered/1', body: deep, apiKey: KEY });

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      message: 'The event nests too deep',
      errors: [
        { path: '$', message: expect.stringMatching(/^nests objects and arrays deeper than \d+ levels$/) },
      ],
    });
  });

  it('answers a generic 500 to an unexpected error and logs it, with its stack and the request id', async () => {
    const lines: { message: unknown; fields: Record<string, unknown> }[] = [];
    const injector = overHttp(
      createInjector({
        producers: {
          resolve: async () => {
            throw new TypeError('Cannot read properties of undefined (reading plan)');
          },
        },
        eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
      }),
      {
        ...silentLogger,
        error: (message, ...extra) => {
          lines.push({ message, fields: extra[0] as Record<string, unknown> });
        },
      },
    );

    const response = await injector.handle(post(parcelEvent()));

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ message: 'Internal server error' });
    expect(response.body).not.toContain('plan');
    expect(lines).toEqual([
      {
        message: { message: 'Unexpected error', [REQUEST_ID_KEY]: REQUEST_ID },
        fields: {
          error: expect.objectContaining({ name: 'TypeError', stack: expect.stringContaining('TypeError') }),
        },
      },
    ]);
  });
});

describe('createInjector with manifests read from S3', () => {
  const s3 = new S3Client({ region: 'eu-west-1' });
  const s3Mock = mockClient(s3);
  const errors: { message: unknown; fields?: Record<string, unknown> }[] = [];
  const injector = () =>
    overHttp(
      createInjector({
        producers: new ProducerCatalog({
          read: s3ManifestReader({ client: s3, bucket: 'publisher-bucket' }),
        }),
        eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
      }),
      {
        ...silentLogger,
        error: (message, ...extra) => {
          errors.push({ message, fields: extra[0] as Record<string, unknown> });
        },
      },
    );
  const s3Error = (name: string, status: number, fault: 'client' | 'server') =>
    new S3ServiceException({
      name,
      $fault: fault,
      $metadata: { httpStatusCode: status },
      message: `${name}: secret internal detail`,
    });

  beforeEach(() => {
    s3Mock.reset();
    eventBridgeMock.reset();
    errors.length = 0;
  });

  it.each([
    ['SlowDown', 503, 'server' as const],
    ['InternalError', 500, 'server' as const],
    ['ServiceUnavailable', 503, 'server' as const],
  ])(
    'answers 503 with Retry-After when S3 fails with %s, naming the step only',
    async (name, status, fault) => {
      s3Mock.on(GetObjectCommand).rejects(s3Error(name, status, fault));

      const response = await injector().handle(post(parcelEvent()));

      expect(response.statusCode).toBe(503);
      expect(response.headers['Retry-After']).toBe('1');
      expect(JSON.parse(response.body)).toEqual({ message: 'Loading the producer manifest failed' });
      expect(errors).toEqual([
        {
          message: { message: 'Loading the producer manifest failed', [REQUEST_ID_KEY]: REQUEST_ID },
          fields: expect.objectContaining({
            errorCode: name,
            error: expect.objectContaining({
              name: 'ManifestReadFailedError',
              cause: expect.objectContaining({ name, message: `${name}: secret internal detail` }),
            }),
          }),
        },
      ]);
      expect(eventBridgeMock.commandCalls(PutEventsCommand)).toHaveLength(0);
    },
  );

  it('answers 502 when S3 refuses the read for good', async () => {
    s3Mock.on(GetObjectCommand).rejects(s3Error('AccessDenied', 403, 'client'));

    const response = await injector().handle(post(parcelEvent()));

    expect(response.statusCode).toBe(502);
    expect(response.headers['Retry-After']).toBeUndefined();
    expect(JSON.parse(response.body)).toEqual({ message: 'Loading the producer manifest failed' });
  });

  it('answers 404 when the manifest does not exist', async () => {
    s3Mock
      .on(GetObjectCommand)
      .rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));

    const response = await injector().handle(post(parcelEvent()));

    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toEqual({
      message: 'No producer is deployed for parcel_registered version 1',
    });
  });
});

describe('parseProducerRoute', () => {
  it('reads the event type and version from the last two segments', () => {
    expect(parseProducerRoute('/parcel_registered/12')).toEqual({
      eventType: 'parcel_registered',
      version: 12,
    });
    expect(parseProducerRoute('/prod/parcel_registered/3/')).toEqual({
      eventType: 'parcel_registered',
      version: 3,
    });
  });

  it('rejects paths that are not a producer route', () => {
    expect(parseProducerRoute('/parcel_registered')).toBeUndefined();
    expect(parseProducerRoute('/Parcel/1')).toBeUndefined();
    expect(parseProducerRoute('/parcel_registered/0')).toBeUndefined();
    expect(parseProducerRoute('/parcel_registered/v1')).toBeUndefined();
  });

  it('reads the same answer for a path read again, after thousands of other paths, and never lets it be changed', () => {
    const first = parseProducerRoute('/parcel_registered/7');
    expect(parseProducerRoute('/parcel_registered/x')).toBeUndefined();
    for (let i = 1; i <= 3000; i += 1) {
      expect(parseProducerRoute(`/type_${i}/${i}`)).toEqual({ eventType: `type_${i}`, version: i });
    }
    expect(parseProducerRoute('/parcel_registered/7')).toEqual({
      eventType: 'parcel_registered',
      version: 7,
    });
    expect(parseProducerRoute('/parcel_registered/x')).toBeUndefined();
    expect(Object.isFrozen(first)).toBe(true);
  });
});
