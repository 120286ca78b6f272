import type { IncomingMessage } from 'node:http';
import { AwsService, localAwsServices, serviceOf } from '../../src/index';

function request(headers: Record<string, string>, url = '/'): IncomingMessage {
  return { headers, url } as unknown as IncomingMessage;
}

const signed = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
});

describe('the services of the local AWS endpoint', () => {
  it('lists each service once, with a state directory of its own', () => {
    const directories = Object.values(localAwsServices).map((service) => service.directory);
    expect(new Set(directories).size).toBe(directories.length);
    expect(Object.values(AwsService).sort()).toEqual(Object.keys(localAwsServices).sort());
  });

  it('routes a JSON-protocol request by its X-Amz-Target prefix', () => {
    expect(serviceOf(request({ 'x-amz-target': 'AWSEvents.PutEvents' }))).toBe(AwsService.EVENTS);
    expect(serviceOf(request({ 'x-amz-target': 'AmazonSQS.SendMessage' }))).toBe(AwsService.SQS);
    expect(serviceOf(request({ 'x-amz-target': 'DynamoDB_20120810.GetItem' }))).toBe(AwsService.DYNAMODB);
    expect(serviceOf(request({ 'x-amz-target': 'GraniteServiceVersion20100801.GetMetricData' }))).toBe(
      AwsService.MONITORING,
    );
  });

  it("routes CloudWatch's RPC v2 CBOR and awsQuery requests to CloudWatch", () => {
    const rpc = '/service/GraniteServiceVersion20100801/operation/GetMetricData';
    expect(serviceOf(request(signed('monitoring'), rpc))).toBe(AwsService.MONITORING);
    expect(serviceOf(request({}, rpc))).toBe(AwsService.MONITORING);
    expect(serviceOf(request(signed('monitoring'), '/'))).toBe(AwsService.MONITORING);
  });

  it('routes a signed request by the service of its credential scope, header or presigned query', () => {
    expect(serviceOf(request(signed('schemas'), '/v1/registries'))).toBe(AwsService.SCHEMAS);
    expect(serviceOf(request(signed('apigateway'), '/apikeys'))).toBe(AwsService.APIGATEWAY);
    expect(serviceOf(request(signed('s3'), '/bucket/key'))).toBe(AwsService.S3);
    expect(
      serviceOf(request({}, '/bucket/key?X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fs3%2Faws4_request')),
    ).toBe(AwsService.S3);
  });

  it('answers no service for a credential scope it does not serve', () => {
    expect(serviceOf(request(signed('kinesis')))).toBeUndefined();
  });

  it('gives unsigned requests to the service claiming their path, else to S3', () => {
    expect(serviceOf(request({}, '/v1/registries/name/r'))).toBe(AwsService.SCHEMAS);
    expect(serviceOf(request({}, '/bucket/key'))).toBe(AwsService.S3);
  });
});
