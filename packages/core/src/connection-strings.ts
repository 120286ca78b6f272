/** What a consumer's connection string may be for its type: a Lambda or SQS ARN, or an https endpoint it may reach. */
import { AWS_PARTITIONS, parseArn } from './naming';
import { AddressClass, classifyHost, outboundProblem, urlPort } from './outbound';
import { ConsumerType } from './vocabulary';

/** EventBridge API destinations accept invocation endpoints up to 2048 characters. */
export const HTTPS_ENDPOINT_MAX_LENGTH = 2048;

const PARTITION = `(?:${AWS_PARTITIONS.join('|')})`;
const REGION = '[a-z]{2,4}(?:-[a-z]+)+-\\d{1,2}';
/** A Lambda function ARN, optionally qualified by version or alias, in any partition. */
export const LAMBDA_FUNCTION_ARN_PATTERN = new RegExp(
  `^arn:${PARTITION}:lambda:${REGION}:\\d{12}:function:[A-Za-z0-9_-]{1,64}(?::(?:\\$LATEST|[A-Za-z0-9_-]{1,128}))?$`,
);
/** An SQS queue ARN (name ≤ 80 characters including an optional `.fifo`), in any partition. */
export const SQS_QUEUE_ARN_PATTERN = new RegExp(
  `^arn:${PARTITION}:sqs:${REGION}:\\d{12}:(?:[A-Za-z0-9_-]{1,75}\\.fifo|[A-Za-z0-9_-]{1,80})$`,
);

/** How strict a connection string check is. */
export interface ConnectionStringOptions {
  /**
   * Accept loopback hosts (localhost, 127.0.0.0/8, ::1) for HTTPS consumers, over `https://` or plain `http://`.
   * Only the embedded local runtime turns this on (`--allow-loopback-targets`); a deployed broker delivers to
   * public https:// endpoints only.
   * @default false
   */
  readonly allowLoopbackTargets?: boolean;
  /** Ports of a loopback host that are never a target (the local runtime's own servers). @default none */
  readonly reservedLoopbackPorts?: readonly number[];
  /**
   * The region the consumer's rule is deployed in. When given, a Lambda function or SQS queue ARN must name
   * it: an EventBridge rule invokes Lambda and SQS targets in its own region only.
   * @default any region
   */
  readonly region?: string;
}

/** True for the host names of this machine's loopback interface. */
export function isLoopbackHost(hostname: string): boolean {
  return classifyHost(hostname) === AddressClass.LOOPBACK;
}

/** Checks a consumer's connection string for its connection type; returns the problem message or undefined. */
export function connectionStringProblem(
  type: ConsumerType,
  value: string,
  options: ConnectionStringOptions = {},
): string | undefined {
  switch (type) {
    case ConsumerType.LAMBDA:
      return LAMBDA_FUNCTION_ARN_PATTERN.test(value)
        ? crossRegionProblem('a Lambda function', value, options.region)
        : 'must be a Lambda function ARN (arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>])';
    case ConsumerType.SQS:
      if (!SQS_QUEUE_ARN_PATTERN.test(value)) {
        return 'must be an SQS queue ARN (arn:<partition>:sqs:<region>:<account>:<queue name>)';
      }
      if (value.endsWith('.fifo')) {
        return (
          'names a FIFO queue: EventBridge delivers to a FIFO queue only with a message group id set on the ' +
          "rule's target (SqsParameters.MessageGroupId), which Bridgeport does not set; subscribe a standard queue"
        );
      }
      return crossRegionProblem('an SQS queue', value, options.region);
    case ConsumerType.HTTPS: {
      if (value.length > HTTPS_ENDPOINT_MAX_LENGTH)
        return `must be at most ${HTTPS_ENDPOINT_MAX_LENGTH} characters long`;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        return 'must be an absolute https:// URL';
      }
      const allowLoopback = options.allowLoopbackTargets === true;
      const loopbackHttp = allowLoopback && url.protocol === 'http:' && isLoopbackHost(url.hostname);
      if (
        !loopbackHttp &&
        (url.protocol !== 'https:' || url.hostname === '' || !/^https:\/\//i.test(value))
      ) {
        return allowLoopback
          ? 'must be an absolute https:// URL (or http:// on a loopback host)'
          : 'must be an absolute https:// URL';
      }
      if (url.username !== '' || url.password !== '') {
        return 'must not contain credentials (they are kept in Secrets Manager)';
      }
      return outboundProblem(url.hostname, urlPort(url), {
        allowLoopback,
        reservedLoopbackPorts: options.reservedLoopbackPorts ?? [],
      });
    }
  }
}

/** Why an ARN in another region than `region` cannot be a rule's target; undefined when it can. */
function crossRegionProblem(what: string, arn: string, region: string | undefined): string | undefined {
  const named = parseArn(arn)?.region;
  if (region === undefined || named === undefined || named === region) return undefined;
  return (
    `names region ${named}, but this deployment's event bus is in ${region}: an EventBridge rule can only ` +
    `invoke ${what} in its own region (another region would need an event bus there to forward to); ` +
    `use ${what} in ${region}`
  );
}
