import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { maySend, principalOf } from '../../../src/aws/sqs/access';
import { ingressQueuePolicy } from '../../../src/deployer/sqs-producers';
import { InvalidPrincipalsFileError, loadPrincipals, PRINCIPALS_FILE } from '../../../src/runtime/principals';

const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:dev-parcel-v1-ingress';
const OWNER = '000000000000';
const policy = (...principals: string[]) => JSON.stringify(ingressQueuePolicy(principals, QUEUE, 'aws'));

describe('who may send to a local queue', () => {
  it('admits anyone to a queue without a policy', () => {
    expect(maySend(undefined, 'arn:aws:iam::444455556666:role/anyone', QUEUE, OWNER)).toBe(true);
    expect(maySend('', undefined, QUEUE, OWNER)).toBe(true);
  });

  it('admits a principal named by ARN, by account id or by its account root, and refuses other accounts', () => {
    const role = 'arn:aws:iam::111122223333:role/warehouse-sync';

    expect(maySend(policy(role), role, QUEUE, OWNER)).toBe(true);
    expect(maySend(policy('111122223333'), role, QUEUE, OWNER)).toBe(true);
    expect(maySend(policy('arn:aws:iam::111122223333:root'), role, QUEUE, OWNER)).toBe(true);
    expect(maySend(policy(role), 'arn:aws:iam::111122223333:role/other', QUEUE, OWNER)).toBe(false);
    expect(maySend(policy(role), 'arn:aws:iam::444455556666:role/warehouse-sync', QUEUE, OWNER)).toBe(false);
    expect(maySend(policy(role), undefined, QUEUE, OWNER)).toBe(false);
  });

  it('admits the queue’s own account, and refuses it when a Deny names it', () => {
    const own = 'arn:aws:iam::000000000000:role/ops';
    const denied = JSON.stringify({
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sqs:*', Resource: QUEUE }],
    });

    expect(maySend(policy('arn:aws:iam::111122223333:root'), own, QUEUE, OWNER)).toBe(true);
    expect(maySend(denied, own, QUEUE, OWNER)).toBe(false);
  });

  it('grants nothing from a statement for another action, another queue or with a condition', () => {
    const role = 'arn:aws:iam::111122223333:role/warehouse-sync';
    const statement = {
      Effect: 'Allow',
      Principal: { AWS: role },
      Action: 'sqs:SendMessage',
      Resource: QUEUE,
    };
    const of = (extra: Record<string, unknown>) =>
      JSON.stringify({ Statement: [{ ...statement, ...extra }] });

    expect(maySend(of({}), role, QUEUE, OWNER)).toBe(true);
    expect(maySend(of({ Action: 'sqs:ReceiveMessage' }), role, QUEUE, OWNER)).toBe(false);
    expect(maySend(of({ Resource: `${QUEUE}-other` }), role, QUEUE, OWNER)).toBe(false);
    expect(maySend(of({ Condition: { ArnEquals: { 'aws:SourceArn': 'x' } } }), role, QUEUE, OWNER)).toBe(
      false,
    );
    expect(maySend('{not json', role, QUEUE, OWNER)).toBe(false);
  });

  it('knows a caller by its access key id, else as the local account’s root', () => {
    const principals = { 'warehouse-key': 'arn:aws:iam::111122223333:role/warehouse-sync' };
    const scope = { partition: 'aws', account: OWNER };

    expect(principalOf('warehouse-key', principals, scope)).toBe(
      'arn:aws:iam::111122223333:role/warehouse-sync',
    );
    expect(principalOf('someone-else', principals, scope)).toBe('arn:aws:iam::000000000000:root');
    expect(principalOf('constructor', principals, scope)).toBe('arn:aws:iam::000000000000:root');
    expect(principalOf(undefined, principals, scope)).toBe('arn:aws:iam::000000000000:root');
  });
});

describe('principals.json', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-principals-file-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('maps access key ids to principal ARNs, and is optional', async () => {
    expect(await loadPrincipals(dataDir)).toEqual({});
    await writeFile(
      path.join(dataDir, PRINCIPALS_FILE),
      '{"warehouse-key":"arn:aws:iam::111122223333:user/sync"}',
    );

    expect(await loadPrincipals(dataDir)).toEqual({ 'warehouse-key': 'arn:aws:iam::111122223333:user/sync' });
  });

  it.each([
    ['not JSON', '{', /is not JSON/],
    ['a list', '[]', /must be an object of access key ids/],
    [
      'an account id as principal',
      '{"k":"111122223333"}',
      /the principal of k must be an IAM root, role or user ARN/,
    ],
    ['a group ARN', '{"k":"arn:aws:iam::111122223333:group/g"}', /the principal of k must be/],
    ['a key id with a slash', '{"a/b":"arn:aws:iam::111122223333:root"}', /"a\/b" is not an access key id/],
  ])('refuses a file that is %s, naming the problem', async (_what, text, message) => {
    await writeFile(path.join(dataDir, PRINCIPALS_FILE), text);

    const refused = loadPrincipals(dataDir);

    await expect(refused).rejects.toBeInstanceOf(InvalidPrincipalsFileError);
    await expect(refused).rejects.toThrow(message);
  });
});
