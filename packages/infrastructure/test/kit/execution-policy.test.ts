import { generatorExecutionPolicy } from '../../src/kit/execution-policy';

const policy = generatorExecutionPolicy({ account: '123456789012', region: 'eu-west-1' });
const actions = policy.Statement.flatMap((statement) => statement.Action);
const resourcesOf = (sid: string) => policy.Statement.find((statement) => statement.Sid === sid)?.Resource;

describe("the generators' CloudFormation execution policy", () => {
  it('allows only the services whose resources the generators create, never everything', () => {
    const services = [...new Set(actions.map((action) => action.split(':')[0]))].sort();

    expect(services).toEqual([
      'apigateway',
      'cloudwatch',
      'events',
      'iam',
      'lambda',
      'logs',
      's3',
      'secretsmanager',
      'sqs',
      'ssm',
    ]);
    expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    expect(actions).not.toEqual(
      expect.arrayContaining(['iam:CreateUser', 'iam:CreatePolicy', 'kms:Decrypt']),
    );
  });

  it("reads no secret but a consumer's own, and EventBridge's connection secrets", () => {
    const secretStatements = policy.Statement.filter((statement) =>
      statement.Action.some((action) => action.startsWith('secretsmanager:')),
    );
    expect(secretStatements.flatMap((statement) => statement.Resource).sort()).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bridgeport/*/consumers/*',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:events!connection/*',
    ]);
    const reading = secretStatements.filter((statement) =>
      statement.Action.includes('secretsmanager:GetSecretValue'),
    );
    expect(reading.flatMap((statement) => statement.Resource)).toEqual([
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:bridgeport/*/consumers/*',
    ]);
  });

  it('manages and passes only the roles of generated stacks, to Lambda and EventBridge', () => {
    const generatedRoles = [
      'arn:aws:iam::123456789012:role/*-producer-*',
      'arn:aws:iam::123456789012:role/*-consumer-*',
    ];
    expect(resourcesOf('RolesOfGeneratedStacks')).toEqual(generatedRoles);
    expect(resourcesOf('PassRolesOfGeneratedStacksToLambdaAndEventBridgeOnly')).toEqual(generatedRoles);
    expect(
      policy.Statement.find(
        (statement) => statement.Sid === 'PassRolesOfGeneratedStacksToLambdaAndEventBridgeOnly',
      )?.Condition,
    ).toEqual({ StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'events.amazonaws.com'] } });
    for (const statement of policy.Statement) {
      for (const resource of statement.Resource) {
        if (resource === '*') continue;
        expect(resource).toMatch(/^arn:aws:[a-z0-9-]+:(eu-west-1)?:(123456789012)?:/);
      }
    }
  });

  it("reads function code from the generators' bootstrap assets bucket only", () => {
    expect(resourcesOf('FunctionCodeFromTheBootstrapAssetsBucket')).toEqual([
      'arn:aws:s3:::cdk-bridgeport-assets-123456789012-eu-west-1/*',
    ]);
  });

  it('touches the functions of generated stacks only', () => {
    expect(resourcesOf('LambdaFunctionsOfGeneratedStacks')).toEqual([
      'arn:aws:lambda:eu-west-1:123456789012:function:*-producer-*',
      'arn:aws:lambda:eu-west-1:123456789012:function:*-consumer-*',
    ]);
  });
});
