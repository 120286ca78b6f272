import { busName, ssmParameterNames } from '@bridgeport/core';
import type { Template } from 'aws-cdk-lib/assertions';
import { eventArchiveName } from '../../src/stacks/event-bus-stack';
import { infrastructure, onlyResource, templateOf } from '../helpers';

describe('EventBusStack', () => {
  let template: Template;

  beforeAll(() => {
    template = templateOf(infrastructure().bus);
  });

  it('creates the bus named by core', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'dev.custom.events.bus' });
    expect(busName('dev')).toBe('dev.custom.events.bus');
  });

  it('publishes the bus ARN under the SSM parameter consumer and producer stacks import', () => {
    const bus = onlyResource(template, 'AWS::Events::EventBus');
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: ssmParameterNames('dev').eventBusArn,
      Type: 'String',
      Value: { 'Fn::GetAtt': [bus, 'Arn'] },
    });
  });

  it("archives the account's events of the bus for 30 days", () => {
    const bus = onlyResource(template, 'AWS::Events::EventBus');
    template.hasResourceProperties('AWS::Events::Archive', {
      ArchiveName: 'dev.custom.events.bus-archive',
      SourceArn: { 'Fn::GetAtt': [bus, 'Arn'] },
      EventPattern: { account: ['123456789012'] },
      RetentionDays: 30,
    });
  });
});

describe('eventArchiveName', () => {
  it('fits the 48 characters EventBridge allows, for the longest environment name', () => {
    const name = eventArchiveName('abcdefghijklmnopqrst');
    expect(name.length).toBeLessThanOrEqual(48);
    expect(name).toMatch(/^[.\-_A-Za-z0-9]+$/);
    expect(eventArchiveName('abcdefghijklmnopqrst')).toBe(name);
  });
});
