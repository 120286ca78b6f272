import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadInputTransformerCases } from '@bridgeport/event-patterns/corpus';
import {
  type DeadLetter,
  type EventBridgeEvent,
  HttpTargetDispatcher,
  type InputTransformer,
  LocalBus,
  renderInputTransformer,
  Topology,
} from '../../src/index';
import { startSink } from './fixtures/sink';

interface TransformerCase {
  readonly name: string;
  readonly event: EventBridgeEvent;
  readonly target: { InputPath?: string; InputTransformer?: InputTransformer };
  readonly expected: {
    readonly delivered_bodies?: unknown[];
    readonly PutTargets_error?: { Code: string; Message: string };
  };
}

const cases = loadInputTransformerCases<TransformerCase>();
const rendered = cases.filter((c) => c.name.startsWith('transformer') && c.expected.delivered_bodies);
const rejected = cases.filter((c) => c.expected.PutTargets_error);

describe('InputTransformer (AWS-validated cases)', () => {
  it('has the cases to check', () => {
    expect(rendered.length).toBeGreaterThanOrEqual(20);
    expect(rejected.length).toBeGreaterThanOrEqual(2);
  });

  it.each(rendered.map((c) => [c.name, c]))('%s', (_name, testCase) => {
    const { expected, target } = testCase as TransformerCase;
    const masks = JSON.stringify(expected);
    // The recordings mask volatile values; render with the same masks.
    const event = {
      ...testCase.event,
      time: 'date',
      id: masks.includes('<uuid:2>') ? '<uuid:2>' : testCase.event.id,
    };
    const context = {
      ruleArn: 'arn:<partition>:events:<region>:111111111111:rule/<bus-name>/<rule-name>',
      ruleName: '<rule-name>',
      ingestionTime: masks.includes('<ingestion-time>') ? '<ingestion-time>' : 'date',
    };

    // One case keeps its Python source's `\n` escape; the template sent to AWS held a real newline.
    const transformer = target.InputTransformer as InputTransformer;
    const template = transformer.InputTemplate.replaceAll('"\\n"', '"\n"');

    const body = renderInputTransformer(
      { ...transformer, InputTemplate: template },
      event as EventBridgeEvent,
      context,
    );

    const [expectedBody] = expected.delivered_bodies ?? [];
    if (expectedBody === undefined) expect(body).toBeUndefined();
    else if (typeof expectedBody === 'string') expect(body).toBe(expectedBody);
    else expect(JSON.parse(body ?? 'null')).toEqual(expectedBody);
  });

  it.each(rejected.map((c) => [c.name, c]))('PutTargets rejects: %s', async (_name, testCase) => {
    const { expected, target } = testCase as TransformerCase;
    const dir = await mkdtemp(path.join(tmpdir(), 'bridgeport-transformer-'));
    const topology = await Topology.open(path.join(dir, 'topology.json'), {
      account: '000000000000',
      region: 'us-east-1',
    });
    await topology.putRule({ Name: 'r', EventPattern: '{"source":["x"]}' });

    const attempt = topology.putTargets({
      Rule: 'r',
      Targets: [{ Id: 'target-id', Arn: 'https://example.com', ...target }],
    });

    await expect(attempt).rejects.toMatchObject({
      code: expected.PutTargets_error?.Code,
      message: expected.PutTargets_error?.Message.replace('<target-id>', 'target-id'),
    });
    await topology.flush();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('InputTransformer on the bus', () => {
  it('delivers the rendered body, and dead-letters a rendering that is not valid JSON', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-transformer-bus-'));
    const sink = await startSink();
    const deadLetters: DeadLetter[] = [];
    const bus = await LocalBus.open({
      dataDir,
      dispatchers: [new HttpTargetDispatcher({ allowLoopbackTargets: true })],
      deadLetterSink: (d) => void deadLetters.push(d),
    });
    await bus.topology.putRule({ Name: 'r', EventPattern: '{"source":["app"]}' });
    await bus.topology.putTargets({
      Rule: 'r',
      Targets: [
        {
          Id: 'good',
          Arn: sink.url,
          InputTransformer: {
            InputPathsMap: { id: '$.detail.parcel_id' },
            InputTemplate: '{"parcel": <id>, "rule": <aws.events.rule-name>}',
          },
        },
        {
          Id: 'bad',
          Arn: sink.url,
          InputTransformer: { InputPathsMap: { all: '$.detail' }, InputTemplate: '{"text": "<all>"}' },
        },
      ],
    });

    await bus.putEvents([{ Source: 'app', DetailType: 'x', Detail: '{"parcel_id":"p-1"}' }]);
    await bus.whenIdle();
    await bus.close();
    await sink.close();
    await rm(dataDir, { recursive: true, force: true });

    expect(sink.received.map((r) => JSON.parse(r.body))).toEqual([{ parcel: 'p-1', rule: 'r' }]);
    expect(deadLetters.map((d) => [d.targetId, d.errorCode, d.errorMessage])).toEqual([
      [
        'bad',
        'INVALID_INPUT_TRANSFORMATION',
        'The InputTransformer of target bad did not produce valid JSON.',
      ],
    ]);
  });
});
