import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BucketKind,
  bucketName,
  consumerManifestKey,
  LOCAL_ACCOUNT_ID,
  LOCAL_REGION,
} from '@bridgeport/core';
import type { Browser, Page } from 'playwright-core';
import { type Bridgeport, startBridgeport } from '../src/runtime/bridgeport';
import { type Sink, startSink, testOptions, waitFor } from '../test/e2e/support';
import { curlRequest, launchBrowser, screenshot, shellWords } from './support';

const SCHEMA = {
  type: 'object',
  required: ['parcel_id', 'weight_kg'],
  properties: {
    parcel_id: { type: 'string', description: 'Carrier id of the parcel' },
    weight_kg: { type: 'number', minimum: 0, description: 'Weight in kilograms' },
    depot: { type: 'string' },
  },
};

/** The page's document, in functions evaluated in the page (this package is type-checked without the DOM). */
interface PageDocument {
  getElementById(id: string): { textContent: string | null } | null;
  readonly activeElement: { readonly id: string; readonly tagName: string } | null;
}

describe('the web portal in a browser', () => {
  let dataDir: string;
  let runtime: Bridgeport;
  let browser: Browser;
  let page: Page;
  let sink: Sink;
  let token: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-browser-'));
    runtime = await startBridgeport({
      ...testOptions(dataDir, { environment: 'web' }),
      log: () => undefined,
    });
    sink = await startSink();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    token = await runtime.issueToken({ user: 'alice', teams: ['parcel-tracking'] });
    // Every request the page makes goes to the runtime on loopback.
    page.on('request', (request) => {
      const { hostname } = new URL(request.url());
      if (hostname !== '127.0.0.1') throw new Error(`The page requested ${request.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await sink?.close();
    await runtime?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('signs in with a token from the sign-in form, and with one in the address', async () => {
    await page.goto(`${runtime.portalUrl}/`);
    await page.getByLabel('Bearer token').fill('not a token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This is not a token').waitFor();
    await screenshot(page, 'sign-in');
    await page.getByLabel('Bearer token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('alice (parcel-tracking)').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Bearer token').waitFor();

    await page.goto(`${runtime.portalUrl}/#token=${token}`);
    await page.getByText('alice (parcel-tracking)').waitFor();
    // The token leaves the address once taken.
    expect(new URL(page.url()).hash).toBe('#/');
  });

  it('creates an event type, and shows a bad schema error at the schema field', async () => {
    await page.goto(`${runtime.portalUrl}/#/new`);
    await page.getByLabel('Name').fill('scanned_parcel');
    await page.getByLabel('Owning application (your team)').fill('parcel-tracking');
    await page.getByLabel('Description').fill('A parcel was scanned at a depot');
    const schemaField = page.getByLabel('Data schema of version 1 (JSON Schema)');

    await schemaField.fill(JSON.stringify({ type: 'object', properties: { weight_kg: { type: 'numbr' } } }));
    await page.getByRole('button', { name: 'Create event type' }).click();
    const problem = page.locator('.field', { has: schemaField }).locator('.field-problems');
    await problem.first().waitFor();
    expect(await problem.first().innerText()).toMatch(/numbr|type/);
    expect(await schemaField.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'new-event-type-bad-schema');

    await schemaField.fill(JSON.stringify(SCHEMA, null, 2));
    await page.getByRole('button', { name: 'Create event type' }).click();
    await page.getByRole('heading', { name: 'scanned_parcel', level: 1 }).waitFor();
  });

  it('lists it in the catalog, with its application, latest version and status', async () => {
    await page.goto(`${runtime.portalUrl}/#/`);
    const row = page.locator('tr[data-event-type="scanned_parcel"]');
    await row.waitFor();
    expect(await row.innerText()).toContain('parcel-tracking');
    await row.locator('[data-status="ACTIVE"]').waitFor({ timeout: 20_000 });
    await screenshot(page, 'catalog');
    await page.getByPlaceholder('name, description, application').fill('no such thing');
    await expect(row.count()).resolves.toBe(0);
    await page.getByPlaceholder('name, description, application').fill('');
  });

  it('opens it: the field table and an example event ready to publish', async () => {
    await page.getByRole('link', { name: 'scanned_parcel' }).click();
    const field = page.locator('tr[data-field="weight_kg"]');
    await field.waitFor();
    expect(await field.innerText()).toMatch(/number\s+yes\s+Weight in kilograms\s+minimum 0/);
    const example = JSON.parse(await page.getByTestId('example-event').innerText()) as {
      data: Record<string, unknown>;
    };
    expect(example.data).toEqual({ parcel_id: 'parcel_id-1', weight_kg: 1.5 });
    expect(await page.getByTestId('example-curl').innerText()).toContain(
      `${runtime.brokerUrl}/scanned_parcel/1`,
    );
    await screenshot(page, 'event-type');
  });

  it('checks a filter live, shows who receives a matching and a non-matching event, then subscribes', async () => {
    await page.getByRole('link', { name: 'Subscribe to version 1' }).click();
    const filterField = page.getByLabel('Filter on data (optional, an EventBridge pattern)');
    const eventField = page.getByLabel('Event (as a producer sends it)');
    await eventField.waitFor();

    // A bad filter: the same error the API gives, next to the filter.
    await filterField.fill(JSON.stringify({ colour: ['red'] }));
    const filterProblem = page.locator('.field', { has: filterField }).locator('.field-problems');
    await filterProblem.first().waitFor();
    expect(await filterProblem.first().innerText()).toContain('does not declare');
    await screenshot(page, 'subscribe-bad-filter');

    await filterField.fill(JSON.stringify({ weight_kg: [{ numeric: ['>', 10] }] }));
    const heavy = {
      metadata: { event_attributes: { source: 'scanner-1', target: 'depot-7' } },
      data: { parcel_id: 'PX-1', weight_kg: 12.5 },
    };
    await eventField.fill(JSON.stringify(heavy));
    await page.getByText('Your subscription would receive this event.').waitFor();
    await eventField.fill(JSON.stringify({ ...heavy, data: { parcel_id: 'PX-2', weight_kg: 2 } }));
    await page.getByText('Your subscription would not receive this event.').waitFor();
    await screenshot(page, 'subscribe-who-receives');

    await page.getByLabel('Target type').selectOption('HTTPS');
    await page.getByLabel('HTTPS endpoint').fill(`http://127.0.0.1:${sink.port}/parcels`);
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'My subscriptions' }).waitFor();
  });

  it('shows the status turn ACTIVE without a reload, then the copied example is published and arrives', async () => {
    const card = page.locator('section', { hasText: 'scanned_parcel v1 → HTTPS' });
    await card.locator('[data-status="ACTIVE"]').waitFor({ timeout: 30_000 });
    await screenshot(page, 'my-subscriptions');

    await page.goto(`${runtime.portalUrl}/#/events/scanned_parcel`);
    await page
      .context()
      .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: runtime.portalUrl });
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = await page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    const key = await fetch(`${runtime.portalUrl}/events/scanned_parcel/producer-key`, {
      headers: { authorization: `Bearer ${token}` },
    }).then(async (answer) => (answer.ok ? ((await answer.json()) as { api_key?: string }) : {}));
    // The copied command as the shell reads it, with the producer's key; its weight edited past the filter's 10.
    const request = curlRequest(shellWords(copied, { PRODUCER_KEY: key.api_key ?? '' }));
    expect(request.url).toBe(`${runtime.brokerUrl}/scanned_parcel/1`);
    const example = JSON.parse(request.body ?? '') as { data: Record<string, unknown> };
    const published = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: JSON.stringify({ ...example, data: { ...example.data, weight_kg: 25 } }),
    });
    expect(published.status).toBe(200);
    const delivered = await waitFor('the delivery', () => sink.on('/parcels')[0], 20_000);
    expect(JSON.parse(delivered.body)).toMatchObject({
      'detail-type': 'scanned_parcel.1',
      detail: { data: { weight_kg: 25 } },
    });
  });

  it("counts the delivery in the subscription's insights, as a chart with its table", async () => {
    await page.goto(`${runtime.portalUrl}/#/subscriptions`);
    const card = page.locator('section', { hasText: 'scanned_parcel v1 → HTTPS' });
    await card.locator('summary', { hasText: 'Insights' }).click();
    const insights = card.getByTestId('subscription-insights');
    const delivered = insights.locator('[data-figure="delivered"] dd');
    // Metrics are written as deliveries happen; Refresh asks again until the delivery is counted.
    const refresh = card.getByRole('button', { name: 'Refresh' });
    const deadline = Date.now() + 20_000;
    for (;;) {
      await refresh.and(page.locator(':enabled')).waitFor();
      if ((await delivered.count()) > 0 && (await delivered.innerText()) === '1') break;
      if (Date.now() > deadline) throw new Error('The delivery was not counted within 20 s');
      await page.waitForTimeout(500);
      await refresh.click();
    }
    expect(await insights.locator('[data-figure="published"] dd').innerText()).toBe('1');
    expect(await insights.locator('[data-figure="failed"] dd').innerText()).toBe('0');
    // A level line of one period has no height, so it is checked as drawn rather than as "visible".
    const line = insights.locator('svg[role="img"] polyline[data-figure="delivered"]');
    expect(await line.getAttribute('points')).toMatch(/^[\d.]+,[\d.]+( [\d.]+,[\d.]+)+$/);
    await insights.locator('summary', { hasText: 'Figures as a table' }).first().click();
    const rows = insights.locator('table').first().locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await insights.locator('[data-figure="latency-p50"]').count()).toBe(1);
    await screenshot(page, 'my-subscriptions-insights');
  });

  it('names a refused endpoint at its field, for assistive technology too', async () => {
    await page.goto(`${runtime.portalUrl}/#/events/scanned_parcel/subscribe?version=1`);
    await page.getByLabel('Target type').selectOption('LAMBDA');
    const endpoint = page.getByLabel('Lambda function ARN');
    // A function in another region than the portal's: EventBridge could not invoke it.
    await endpoint.fill('arn:aws:lambda:eu-west-1:123456789012:function:ship-parcels');
    await page.getByRole('button', { name: 'Subscribe' }).click();

    const problem = page.locator('.field', { has: endpoint }).locator('.field-problems');
    await problem.first().waitFor();
    expect(await problem.first().innerText()).toMatch(/region/);
    expect(await endpoint.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await endpoint.getAttribute('aria-describedby')) ?? '';
    expect(describedBy).not.toBe('');
    const description = await page.evaluate(
      (ids) =>
        ids
          .split(' ')
          .map(
            (id) =>
              (globalThis as unknown as { document: PageDocument }).document.getElementById(id)
                ?.textContent ?? '',
          )
          .join(' '),
      describedBy,
    );
    expect(description).toMatch(/region/);
    await screenshot(page, 'subscribe-bad-endpoint');
  });

  it('moves the focus to the page a link opens, so a screen reader starts there', async () => {
    await page.getByRole('link', { name: 'My subscriptions' }).click();
    await page.getByRole('heading', { name: 'My subscriptions', level: 1 }).waitFor();

    const focused = await page.evaluate(
      () => (globalThis as unknown as { document: PageDocument }).document.activeElement?.id,
    );
    expect(focused).toBe('content');
    await page.keyboard.press('Tab');
    const next = await page.evaluate(
      () => (globalThis as unknown as { document: PageDocument }).document.activeElement?.tagName,
    );
    expect(['A', 'BUTTON', 'SUMMARY', 'INPUT', 'SELECT', 'TEXTAREA']).toContain(next);
  });

  it('shows a redeployment that fails, with its reason, without a reload', async () => {
    const card = page.locator('section', { hasText: 'scanned_parcel v1 → HTTPS' });
    const id = await card.locator('dl[data-subscription]').getAttribute('data-subscription');
    expect(id).toMatch(/^[a-z0-9]{12}$/);
    // The consumer manifest is replaced by one the deployer cannot read, as a broken pipeline change would.
    const s3 = new S3Client({ endpoint: runtime.awsUrl, forcePathStyle: true });
    await s3.send(
      new PutObjectCommand({
        Bucket: bucketName(BucketKind.SUBSCRIBER, {
          environment: 'web',
          account: LOCAL_ACCOUNT_ID,
          region: LOCAL_REGION,
        }),
        Key: consumerManifestKey('scanned_parcel', 1, id ?? ''),
        Body: '{"not": "a manifest"}',
      }),
    );

    await card.locator('[data-status="FAILED"]').waitFor({ timeout: 40_000 });
    const answer = await fetch(`${runtime.portalUrl}/subscriptions/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { status_reason: reason } = (await answer.json()) as { status_reason?: string };
    expect(reason).toEqual(expect.any(String));
    expect(await card.locator('.status-reason').innerText()).toBe(`: ${reason}`);
    await screenshot(page, 'my-subscriptions-failed');
  });

  it('fits every page on a narrow screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const pages: [string, string, string][] = [
      ['catalog', '#/', 'tr[data-event-type="scanned_parcel"]'],
      ['new-event-type', '#/new', 'textarea'],
      ['event-type', '#/events/scanned_parcel', 'tr[data-field="weight_kg"]'],
      ['subscribe', '#/events/scanned_parcel/subscribe?version=1', '[data-testid="match-report"]'],
      ['my-subscriptions', '#/subscriptions', '[data-subscription]'],
      ['sign-in', '#/sign-in', 'textarea'],
    ];
    for (const [name, address, ready] of pages) {
      await page.goto(`${runtime.portalUrl}/${address}`);
      await page.locator(ready).first().waitFor();
      // Evaluated in the page: the document is no wider than the window.
      const overflow = await page.evaluate(() => {
        const view = globalThis as unknown as {
          document: { documentElement: { scrollWidth: number } };
          innerWidth: number;
        };
        return view.document.documentElement.scrollWidth - view.innerWidth;
      });
      expect({ page: name, overflow: Math.max(0, overflow) }).toEqual({ page: name, overflow: 0 });
      await screenshot(page, `${name}-narrow`);
    }
  });
});
