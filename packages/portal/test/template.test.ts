import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EnvVar, eventArchiveName, REDRIVE_SOURCE, stackNames } from '@bridgeport/core';
import { yamlParse } from 'yaml-cfn';
import { PortalFunction, portalFunctions, portalRoutes } from '../src/routes';
import { ADMIN_GROUP } from '../src/services/caller';
import { EventsTableKey, eventsTableDefinition } from '../src/store/table';
import { type Harness, startHarness } from './support/harness';

const root = path.resolve(__dirname, '../../..');
const run = promisify(execFile);
/** CloudFormation `Fn::Sub` text, e.g. sub('Environment', '-self-service-events-table'). */
const sub = (parameter: string, rest: string) => `\${${parameter}}${rest}`;
/** A CloudFormation `Fn::Sub` reference, e.g. ref('AWS::Region') is `${AWS::Region}`. */
const ref = (name: string) => sub(name, '');
type Node = Record<string, unknown>;
const template = yamlParse(readFileSync(path.join(root, 'template.yaml'), 'utf8')) as {
  Globals: { Function: Node & { Environment: { Variables: Record<string, unknown> } } };
  Resources: Record<string, { Type: string; Metadata?: Node; Properties: Node }>;
};
const resources = template.Resources;

interface Statement {
  Sid: string;
  Action: string[];
  Resource: unknown[];
}
const statements = (logicalId: string): Statement[] =>
  ((resources[logicalId]?.Properties.Policies ?? []) as { Statement: Statement[] }[]).flatMap(
    (policy) => policy.Statement,
  );

describe('template.yaml', () => {
  it('declares exactly the routes the portal serves, each on the function of its route group', () => {
    const declared = Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::Serverless::Function')
      .flatMap(([logicalId, resource]) =>
        Object.values(resource.Properties.Events as Record<string, { Type: string; Properties: Node }>)
          .filter((event) => event.Type === 'Api')
          .map(
            (event) =>
              `${String(event.Properties.Method).toUpperCase()} ${event.Properties.Path} ${logicalId}`,
          ),
      )
      .sort();

    expect(declared).toEqual(
      portalRoutes.map((route) => `${route.method} ${route.resource} ${route.function}`).sort(),
    );
    expect(portalRoutes).toHaveLength(23);
  });

  it('puts every route on the API {env}-self-service-portal-api with the environment as stage', () => {
    const api = resources.PortalApi;
    const events = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::Serverless::Function')
      .flatMap((resource) =>
        Object.values(resource.Properties.Events as Record<string, { Properties: Node }>),
      );

    expect(api?.Type).toBe('AWS::Serverless::Api');
    expect(api?.Properties.Name).toEqual({ 'Fn::Sub': sub('Environment', '-self-service-portal-api') });
    expect(api?.Properties.StageName).toEqual({ Ref: 'Environment' });
    expect(
      events.every((event) => JSON.stringify(event.Properties.RestApiId) === '{"Ref":"PortalApi"}'),
    ).toBe(true);
  });

  it('puts a Cognito user-pool authorizer on every route: a pool it creates, or the one it is given', () => {
    const api = resources.PortalApi?.Properties as {
      Auth: { DefaultAuthorizer: string; Authorizers: Record<string, Node> };
    };
    const sections = template as unknown as {
      Parameters: Record<string, Node>;
      Conditions: Record<string, unknown>;
      Outputs: Record<string, Node>;
    };
    const routeAuth = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::Serverless::Function')
      .flatMap((resource) =>
        Object.values(resource.Properties.Events as Record<string, { Properties: Node }>),
      )
      .map((event) => event.Properties.Auth);

    expect(api.Auth.DefaultAuthorizer).toBe('CognitoAuthorizer');
    expect(api.Auth.Authorizers.CognitoAuthorizer).toEqual({
      UserPoolArn: {
        'Fn::If': ['CreateUserPool', { 'Fn::GetAtt': ['PortalUserPool', 'Arn'] }, { Ref: 'UserPoolArn' }],
      },
      Identity: { Header: 'Authorization' },
    });
    // No route opts out of the default authorizer.
    expect(routeAuth.every((auth) => auth === undefined)).toBe(true);
    expect(sections.Parameters.UserPoolArn?.Default).toBe('');
    expect(sections.Conditions.CreateUserPool).toEqual({ 'Fn::Equals': [{ Ref: 'UserPoolArn' }, ''] });
    for (const id of ['PortalUserPool', 'PortalUserPoolClient', 'PlatformAdminsGroup']) {
      expect((resources[id] as unknown as { Condition: string }).Condition).toBe('CreateUserPool');
    }
    expect(resources.PlatformAdminsGroup?.Properties.GroupName).toBe(ADMIN_GROUP);
    expect(resources.PortalUserPool?.Properties.AdminCreateUserConfig).toEqual({
      AllowAdminCreateUserOnly: true,
    });
    expect(sections.Outputs.PortalUserPoolArn).toBeDefined();
  });

  it('serves on OpenAPI 3.0.1 (no stray Stage stage), with access logs kept 90 days', () => {
    const api = resources.PortalApi?.Properties as Node & { Auth: Node; AccessLogSetting: Node };

    expect(api.OpenApiVersion).toBe('3.0.1');
    expect(api.AccessLogSetting.DestinationArn).toEqual({ 'Fn::GetAtt': ['PortalApiAccessLogs', 'Arn'] });
    expect(JSON.parse(String(api.AccessLogSetting.Format))).toMatchObject({
      requestId: '$context.requestId',
    });
    expect(resources.PortalApiAccessLogs?.Properties.RetentionInDays).toBe(90);
  });

  it("keeps each function's logs for 30 days in a log group of its own", () => {
    for (const fn of Object.values(PortalFunction)) {
      const config = resources[fn]?.Properties.LoggingConfig as { LogGroup: { Ref: string } } | undefined;
      const logGroup = config?.LogGroup.Ref ?? 'missing';
      expect(resources[logGroup]).toMatchObject({
        Type: 'AWS::Logs::LogGroup',
        Properties: { RetentionInDays: 30 },
      });
    }
  });

  it('keeps the named events table on delete and replacement, but not after a failed first create', () => {
    const table = resources.EventsTable as unknown as Node;

    expect(table.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it('builds each function with the Makefile on nodejs22.x', () => {
    expect(template.Globals.Function.Runtime).toBe('nodejs22.x');
    for (const fn of Object.values(PortalFunction)) {
      const resource = resources[fn];
      expect(resource?.Metadata).toEqual({ BuildMethod: 'makefile' });
      expect(resource?.Properties.Handler).toBe(portalFunctions[fn].handler);
      expect(resource?.Properties.CodeUri).toBe('.');
    }
  });

  it('declares the table the store uses', () => {
    const table = resources.EventsTable?.Properties as Node;
    const expected = eventsTableDefinition('ignored');

    expect(table.TableName).toEqual({ 'Fn::Sub': sub('Environment', '-self-service-events-table') });
    expect(table.KeySchema).toEqual(expected.KeySchema);
    expect(table.AttributeDefinitions).toEqual(expected.AttributeDefinitions);
    expect(table.GlobalSecondaryIndexes).toEqual(expected.GlobalSecondaryIndexes);
    expect(table.BillingMode).toBe(expected.BillingMode);
    expect(table.TimeToLiveSpecification).toEqual({
      AttributeName: EventsTableKey.TIME_TO_LIVE,
      Enabled: true,
    });
  });

  it('declares every variable the functions read, so sam local --env-vars can override them', () => {
    const variables = Object.keys(template.Globals.Function.Environment.Variables);

    expect(variables).toEqual(
      expect.arrayContaining([
        EnvVar.ENVIRONMENT,
        EnvVar.ACCOUNT_ID,
        EnvVar.TABLE_NAME,
        EnvVar.SCHEMA_REGISTRY,
        EnvVar.SCHEMAS_BACKUP_BUCKET,
        EnvVar.PUBLISHER_BUCKET,
        EnvVar.SUBSCRIBER_BUCKET,
        EnvVar.ALLOW_LOOPBACK_HTTP_CONSUMERS,
        'AWS_ENDPOINT_URL_DYNAMODB',
        'AWS_ENDPOINT_URL_S3',
        'AWS_ENDPOINT_URL_SCHEMAS',
      ]),
    );
    expect(variables).not.toContain(EnvVar.REGION);
  });

  it('always sets the allow-list of same-account consumer targets, empty (none allowed) unless given', () => {
    const variables = template.Globals.Function.Environment.Variables;
    const parameters = (template as unknown as { Parameters: Record<string, { Default?: unknown }> })
      .Parameters;

    expect(variables[EnvVar.ALLOWED_CONSUMER_TARGETS]).toEqual({ Ref: 'AllowedConsumerTargets' });
    expect(parameters.AllowedConsumerTargets?.Default).toBe('');
  });

  it('grants each function only what it uses, on named resources', () => {
    const events = statements(PortalFunction.EVENTS);
    const subscriptions = statements(PortalFunction.SUBSCRIPTIONS);
    const actions = (list: Statement[]) => list.flatMap((statement) => statement.Action).sort();

    for (const statement of [...events, ...subscriptions]) {
      expect(statement.Resource).not.toContain('*');
      expect(statement.Resource.length).toBeGreaterThan(0);
    }
    expect(actions(events)).not.toContain('dynamodb:Scan');
    expect(actions(events).filter((action) => action.startsWith('schemas:'))).toEqual([
      'schemas:CreateRegistry',
      'schemas:CreateSchema',
      'schemas:DeleteSchema',
      'schemas:DeleteSchemaVersion',
      'schemas:DescribeRegistry',
      'schemas:DescribeSchema',
      'schemas:ListSchemaVersions',
      'schemas:UpdateSchema',
    ]);
    expect(actions(subscriptions).filter((action) => !action.startsWith('dynamodb:'))).toEqual([
      'events:DescribeArchive',
      'events:DescribeReplay',
      'events:DescribeRule',
      'events:PutEvents',
      'events:StartReplay',
      'events:StartReplay',
      's3:DeleteObject',
      's3:PutObject',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ]);
    expect(JSON.stringify(subscriptions)).toContain('-subscriber-components-bucket-');
    expect(JSON.stringify(events)).toContain('-publisher-components-bucket-');
    expect(JSON.stringify(events)).toContain(`registry/${sub('Environment', '-bridgeport-events')}`);
  });

  it("lets the subscriptions function read only subscriptions' dead-letter queues and put only redrive requests on the bus", () => {
    const byId = Object.fromEntries(
      statements(PortalFunction.SUBSCRIPTIONS).map((statement) => [statement.Sid, statement]),
    ) as Record<string, Statement & { Condition?: unknown }>;

    expect(byId.ReadDeadLetterQueues?.Resource).toEqual([
      {
        'Fn::Sub': `arn:${ref('AWS::Partition')}:sqs:${ref('AWS::Region')}:${ref('AWS::AccountId')}:${ref('Environment')}-*`,
      },
    ]);
    // Consumer stacks tag their resources with the subscription; producers' ingress queues carry no such tag.
    expect(byId.ReadDeadLetterQueues?.Condition).toEqual({
      StringLike: { 'aws:ResourceTag/bridgeport:subscription': '?*' },
    });
    expect(byId.RedriveDeadLetters?.Resource).toEqual([
      {
        'Fn::Sub': `arn:${ref('AWS::Partition')}:events:${ref('AWS::Region')}:${ref('AWS::AccountId')}:event-bus/${ref('Environment')}.custom.events.bus`,
      },
    ]);
    expect(byId.RedriveDeadLetters?.Condition).toEqual({
      StringEquals: { 'events:source': REDRIVE_SOURCE },
    });
  });

  it("lets the subscriptions function replay only from the environment's archive and read only its bus's rules", () => {
    const byId = Object.fromEntries(
      statements(PortalFunction.SUBSCRIPTIONS).map((statement) => [statement.Sid, statement]),
    );
    const arn = (resource: string) => ({
      'Fn::Sub': `arn:${ref('AWS::Partition')}:events:${ref('AWS::Region')}:${ref('AWS::AccountId')}:${resource}`,
    });

    expect(byId.ReplayFromArchive).toMatchObject({
      Action: ['events:DescribeArchive', 'events:StartReplay'],
      Resource: [arn(`archive/${ref('Environment')}.custom.events.bus-archive`)],
    });
    expect(byId.Replays).toMatchObject({
      Action: ['events:StartReplay', 'events:DescribeReplay'],
      Resource: [arn('replay/*')],
    });
    expect(byId.SubscriptionRules).toMatchObject({
      Action: ['events:DescribeRule'],
      Resource: [arn(`rule/${ref('Environment')}.custom.events.bus/*`)],
    });
    // The archive the AWS bus stack names (core's naming) is the one granted.
    expect(eventArchiveName('dev')).toBe('dev.custom.events.bus-archive');
  });

  it('lets only the catalog function read metrics (GetMetricData, for insights), besides reading the events table', () => {
    const catalog = statements(PortalFunction.CATALOG);
    const byId = Object.fromEntries(catalog.map((statement) => [statement.Sid, statement]));

    expect(catalog.flatMap((statement) => statement.Action).sort()).toEqual([
      'cloudwatch:GetMetricData',
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);
    // GetMetricData has no resource-level permissions: "*" is the only resource IAM accepts for it.
    expect(byId.ReadMetrics).toEqual({
      Sid: 'ReadMetrics',
      Effect: 'Allow',
      Action: ['cloudwatch:GetMetricData'],
      Resource: '*',
    });
    expect(byId.EventsTableRead?.Resource).toEqual([
      { 'Fn::GetAtt': ['EventsTable', 'Arn'] },
      { 'Fn::Sub': sub('EventsTable.Arn', '/index/*') },
    ]);
    for (const fn of [PortalFunction.EVENTS, PortalFunction.SUBSCRIPTIONS]) {
      expect(statements(fn).flatMap((statement) => statement.Action)).not.toContainEqual(
        expect.stringMatching(/^cloudwatch:/),
      );
    }
  });

  it('serves the insights routes from the catalog function, behind the Cognito authorizer', () => {
    const events = resources[PortalFunction.CATALOG]?.Properties.Events as Record<
      string,
      { Properties: Node }
    >;
    const routes = Object.values(events).map(
      (event) => `${event.Properties.Method} ${event.Properties.Path}`,
    );
    expect(routes).toEqual(expect.arrayContaining(['get /events/{event_type}/insights', 'get /insights']));
    for (const event of Object.values(events)) expect(event.Properties.Auth).toBeUndefined(); // the API's default
  });

  it('grants replays (StartReplay, DescribeReplay) to the subscriptions function only, on its archive and replays', () => {
    const replayActions = [
      'events:StartReplay',
      'events:DescribeReplay',
      'events:ListReplays',
      'events:CancelReplay',
    ];
    const granted = (fn: string) =>
      statements(fn).filter((statement) => statement.Action.some((action) => replayActions.includes(action)));

    expect(granted(PortalFunction.EVENTS)).toEqual([]);
    expect(granted(PortalFunction.CATALOG)).toEqual([]);
    const subscriptions = granted(PortalFunction.SUBSCRIPTIONS);
    expect(subscriptions.map((statement) => statement.Sid).sort()).toEqual(['ReplayFromArchive', 'Replays']);
    // What the replay service calls, and nothing more: no ListReplays or CancelReplay, no wildcard action.
    expect(subscriptions.flatMap((statement) => statement.Action).sort()).toEqual([
      'events:DescribeArchive',
      'events:DescribeReplay',
      'events:StartReplay',
      'events:StartReplay',
    ]);
    for (const statement of subscriptions) {
      for (const resource of statement.Resource) {
        expect(JSON.stringify(resource)).toMatch(
          /:(archive\/\$\{Environment\}\.custom\.events\.bus-archive|replay\/\*)"/,
        );
      }
    }
  });

  it('is deployed as {env}-self-service-portal for dev and prod', () => {
    const samconfig = readFileSync(path.join(root, 'samconfig.toml'), 'utf8');

    for (const env of ['dev', 'prod']) {
      expect(samconfig).toContain(`stack_name = "${stackNames(env).portal}"`);
      expect(samconfig).toContain(`parameter_overrides = "Environment=${env}"`);
    }
  });
});

describe('the build', () => {
  let artifacts: string;
  let harness: Harness;

  beforeAll(async () => {
    artifacts = await mkdtemp(path.join(tmpdir(), 'portal-build-'));
    harness = await startHarness();
  });

  afterAll(async () => {
    await harness.stop();
    await rm(artifacts, { recursive: true, force: true });
  });

  it.each(Object.values(PortalFunction))(
    'produces the handler file %s is declared with, serving its routes',
    async (fn) => {
      const outdir = path.join(artifacts, fn);
      const handler = String(resources[fn]?.Properties.Handler);
      const [file, exported] = handler.split('.');

      execFileSync('make', [`build-${fn}`, `ARTIFACTS_DIR=${outdir}`], { cwd: root, stdio: 'pipe' });
      const bundle = path.join(outdir, `${file}.js`);
      const route = portalRoutes.find((candidate) => candidate.function === fn && candidate.method === 'GET');
      const probe = `
      const fn = require(${JSON.stringify(bundle)})[${JSON.stringify(exported)}];
      const claims = { 'cognito:username': 'admin', 'cognito:groups': 'platform-admins' };
      const request = (resource, authorizer = { claims }) =>
        fn({ resource, path: resource, httpMethod: 'GET', headers: {}, requestContext: { authorizer } }, {});
      const listed = ${JSON.stringify(route?.resource)};
      Promise.all([request(listed), request('/nowhere'), request(listed, null)])
        .then((results) => { process.stdout.write(JSON.stringify(results)); process.exit(0); });
    `;
      // Asynchronously: the child talks to dynalite, which runs in this process.
      const { stdout: output } = await run(process.execPath, ['-e', probe], {
        encoding: 'utf8',
        env: process.env,
      });
      const [listed, unknown, anonymous] = JSON.parse(output) as { statusCode: number; body: string }[];

      expect(existsSync(bundle)).toBe(true);
      expect(listed?.statusCode).toBe(200);
      // Each function's first GET route on an empty table: an empty listing, or the catalog's empty document.
      const body = JSON.parse(String(listed?.body)) as Record<string, unknown>;
      if (fn === PortalFunction.CATALOG) expect(body).toMatchObject({ asyncapi: '3.0.0', channels: {} });
      else expect(body).toEqual({ items: [] });
      expect(unknown?.statusCode).toBe(404);
      expect(JSON.parse(String(unknown?.body))).toEqual({ message: 'No route for GET /nowhere' });
      expect(anonymous?.statusCode).toBe(401);
    },
  );
});
