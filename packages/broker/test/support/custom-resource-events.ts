/** CloudFormation custom resource requests, as CloudFormation sends them to the broker's custom resource handlers. */
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';

export type CustomResourceRequestType = 'Create' | 'Update' | 'Delete';

/** The resource a request is about; an Update's old properties are its current ones unless given. */
export interface CustomResourceSubject {
  readonly stackId: string;
  readonly requestId: string;
  readonly logicalResourceId: string;
  readonly resourceType: string;
  readonly properties: { readonly ServiceToken: string } & Record<string, string>;
  readonly oldProperties?: { readonly ServiceToken: string } & Record<string, string>;
  /** The id CloudFormation names on Update and Delete. */
  readonly physicalResourceId: string;
}

export function customResourceEvent(
  requestType: CustomResourceRequestType,
  subject: CustomResourceSubject,
): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: subject.properties.ServiceToken,
    ResponseURL: 'https://example.invalid/response',
    StackId: subject.stackId,
    RequestId: subject.requestId,
    LogicalResourceId: subject.logicalResourceId,
    ResourceType: subject.resourceType,
    ResourceProperties: subject.properties,
  };
  if (requestType === 'Create') return { ...base, RequestType: 'Create' };
  if (requestType === 'Update') {
    return {
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: subject.physicalResourceId,
      OldResourceProperties: subject.oldProperties ?? subject.properties,
    };
  }
  return { ...base, RequestType: 'Delete', PhysicalResourceId: subject.physicalResourceId };
}
