import { type Portal, portalOn } from './fixtures';
import { type Harness, type HarnessOptions, startHarness } from './harness';
import { fakeSchemas, type SchemasFake } from './schemas-fake';

/** What a test file's portal runs on: the harness, the route group handlers on it, the fake schema registry. */
export interface PortalSuite {
  readonly harness: Harness;
  readonly portal: Portal;
  readonly registry: SchemasFake;
}

function started<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`The portal suite's ${name} is read before its beforeAll ran`);
  return value;
}

/**
 * The portal of a test file: started in `beforeAll` (embedded DynamoDB and S3, the handlers on them, the fake
 * schema registry) and stopped in `afterAll`. Its fields are read inside hooks and tests, once started.
 */
export function usePortal(options: HarnessOptions = {}): PortalSuite {
  let harness: Harness | undefined;
  let portal: Portal | undefined;
  let registry: SchemasFake | undefined;
  beforeAll(async () => {
    harness = await startHarness(options);
    portal = portalOn(harness);
    registry = fakeSchemas();
  });
  afterAll(async () => {
    registry?.mock.restore();
    await harness?.stop();
  });
  return {
    get harness() {
      return started(harness, 'harness');
    },
    get portal() {
      return started(portal, 'portal');
    },
    get registry() {
      return started(registry, 'registry');
    },
  };
}
