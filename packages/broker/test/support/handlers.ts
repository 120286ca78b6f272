/**
 * Running the broker's Lambda handler modules as Lambda does: the environment they read when they load, a Lambda
 * context, and the module loaded after both (its configuration and clients are read and made once, at load time).
 */
import type { Context } from 'aws-lambda';
import { PUBLISHER_BUCKET, S3_CREDENTIALS, startTestS3, type TestS3 } from './s3';

export type Handler<E, R> = (event: E, context: Context) => Promise<R>;

/** The producer the handlers serve: `parcel_registered` version 1 of `dev`. */
export const PRODUCER_DEAD_LETTER_QUEUE_URL =
  'https://sqs.eu-west-1.amazonaws.com/123456789012/dev-parcel_registered-v1-ingress-dlq';

export const lambdaContext = {
  awsRequestId: '8d3c1a52-0000-4000-8000-00000000f0rw',
  functionName: 'dev-parcel_registered-v1-forwarder',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:dev-parcel_registered-v1-forwarder',
  memoryLimitInMB: '256',
} as Context;

/**
 * Sets the environment of a producer's handlers (manifests read from the S3 API at `s3Endpoint`); answers a function
 * that puts the previous environment back.
 */
function useHandlerEnvironment(s3Endpoint: string): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    PUBLISHER_COMPONENTS_BUCKET: PUBLISHER_BUCKET,
    PRODUCER_EVENT_TYPE: 'parcel_registered',
    PRODUCER_EVENT_VERSION: '1',
    PRODUCER_DEAD_LETTER_QUEUE_URL,
  });
  return () => {
    process.env = saved;
  };
}

/** Loads `src/handlers/{name}` (after `useHandlerEnvironment`: it reads its configuration as it loads). */
function loadHandler<E, R>(name: 'injector' | 'sqs-forwarder'): Handler<E, R> {
  return (require(`../../src/handlers/${name}`) as { handler: Handler<E, R> }).handler;
}

/** A handler module loaded against a real S3 API (`s3`), its environment set until `close`. */
export interface LoadedHandler<E, R> {
  readonly handler: Handler<E, R>;
  readonly s3: TestS3;
  /** Puts the environment back and stops the S3 API. */
  close(): Promise<void>;
}

/** Starts an S3 API, sets the handlers' environment for it and loads `src/handlers/{name}`. */
export async function startHandler<E, R>(name: 'injector' | 'sqs-forwarder'): Promise<LoadedHandler<E, R>> {
  const s3 = await startTestS3();
  const restoreEnvironment = useHandlerEnvironment(s3.endpoint);
  return {
    handler: loadHandler<E, R>(name),
    s3,
    close: async () => {
      restoreEnvironment();
      await s3.close();
    },
  };
}
