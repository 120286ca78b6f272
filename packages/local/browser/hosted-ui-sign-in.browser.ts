import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type FakeTokenEndpoint, startTokenEndpoint } from '../../web/test/support/token-endpoint';
import { type Bridgeport, startBridgeport } from '../src/runtime/bridgeport';
import { testOptions } from '../test/e2e/support';
import { launchBrowser, screenshot } from './support';

const CLIENT_ID = 'portal-web-client';

/**
 * The page signing in through a user pool's hosted UI: config.json names one (as the web portal stack publishes it
 * in AWS), played here by a stand-in on another loopback port that signs the user in at once and issues the
 * runtime's own tokens, which the local portal API accepts.
 */
describe('the web portal signing in through the hosted UI', () => {
  let dataDir: string;
  let runtime: Bridgeport;
  let endpoint: FakeTokenEndpoint;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let issued = 0;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-hosted-ui-'));
    runtime = await startBridgeport({
      ...testOptions(dataDir, { environment: 'web' }),
      log: () => undefined,
    });
    // The first ID token expires within the page's refresh margin, so its first API call refreshes it.
    endpoint = await startTokenEndpoint({
      clientId: CLIENT_ID,
      issueIdToken: () =>
        runtime.issueToken({ user: 'carol', teams: ['parcel-tracking'] }, ++issued === 1 ? 30 : 3600),
    });
    browser = await launchBrowser();
    // In AWS the stack's content security policy names the hosted UI's domain in connect-src (the stack test
    // asserts it); the local runtime's allows only its own origin, and the stand-in listens on another port.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    page = await context.newPage();
    page.on('request', (request) => {
      const { hostname } = new URL(request.url());
      if (hostname !== '127.0.0.1') throw new Error(`The page requested ${request.url()}`);
    });
    await page.route('**/config.json', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          apiUrl: '',
          producerUrl: runtime.brokerUrl,
          region: 'eu-west-1',
          cognitoDomain: endpoint.baseUrl,
          cognitoClientId: CLIENT_ID,
        }),
      }),
    );
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await endpoint?.close();
    await runtime?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('signs in at the hosted UI, exchanges the code with its verifier and returns to the page it left', async () => {
    await page.goto(`${runtime.portalUrl}/#/subscriptions`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    await page.getByText('carol (parcel-tracking)').waitFor();
    await page.getByRole('heading', { name: 'My subscriptions', level: 1 }).waitFor();
    const address = new URL(page.url());
    expect(address.search).toBe('');
    expect(address.hash).toBe('#/subscriptions');
    const [authorize] = endpoint.authorizations;
    expect(authorize).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: `${runtime.portalUrl}/`,
      code_challenge_method: 'S256',
    });
    const exchange = endpoint.requests.find((request) => request.form.grant_type === 'authorization_code');
    expect(exchange?.form).toMatchObject({ client_id: CLIENT_ID, redirect_uri: `${runtime.portalUrl}/` });
    expect(exchange?.form.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'sign-in-hosted-ui-signed-in');
  });

  it('refreshed the token that was about to expire before calling the API with it', async () => {
    await page.getByText('You have no subscriptions yet').waitFor();
    const grants = endpoint.requests.map((request) => request.form.grant_type);

    expect(grants.slice(0, 2)).toEqual(['authorization_code', 'refresh_token']);
    // The refreshed token lasts an hour: further pages make no more refreshes.
    await page.getByRole('link', { name: 'Catalog' }).click();
    await page.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
    expect(endpoint.requests.length).toBe(grants.length);
  });

  it('signs out at the hosted UI and comes back to the sign-in page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();

    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(endpoint.logouts).toEqual([{ client_id: CLIENT_ID, logout_uri: `${runtime.portalUrl}/` }]);
    await expect(page.evaluate(() => sessionStorage.length)).resolves.toBe(0);
    await screenshot(page, 'sign-in-hosted-ui');
  });

  it('shows why a sign-in failed when the hosted UI answers with an error', async () => {
    await page.goto(
      `${runtime.portalUrl}/?error=access_denied&error_description=User%20is%20disabled&state=x`,
    );

    await page.getByRole('alert').filter({ hasText: 'User is disabled' }).waitFor();
    expect(new URL(page.url()).search).toBe('');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  });
});
