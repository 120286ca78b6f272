import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readyBanner } from '../../src/runtime/banner';
import { type Bridgeport, startBridgeport } from '../../src/runtime/bridgeport';
import { testOptions } from '../e2e/support';

describe('the web portal on the portal port', () => {
  let dataDir: string;
  let runtime: Bridgeport;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridgeport-web-'));
    runtime = await startBridgeport({ ...testOptions(dataDir), log: () => undefined });
  });

  afterAll(async () => {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the page at / with a content security policy, and its script and styles', async () => {
    const page = await fetch(`${runtime.portalUrl}/`);
    const script = await fetch(`${runtime.portalUrl}/app.js`);
    const styles = await fetch(`${runtime.portalUrl}/app.css`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).toContain('<script src="app.js"></script>');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await script.text()).length).toBeGreaterThan(10_000);
    expect(styles.status).toBe(200);
  });

  it('tells the page where the producer endpoint is, and keeps the API on its own paths', async () => {
    const settings = await fetch(`${runtime.portalUrl}/config.json`);
    const api = await fetch(`${runtime.portalUrl}/events`);
    const unknown = await fetch(`${runtime.portalUrl}/nothing-here.js`);

    expect(await settings.json()).toEqual({ apiUrl: '', producerUrl: runtime.brokerUrl });
    expect(api.headers.get('content-type')).toMatch(/^application\/json/);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('prints the web portal address before the other endpoints', () => {
    const lines = readyBanner(runtime);

    expect(lines[1]).toMatch(new RegExp(`^  Web portal         ${runtime.portalUrl}/ `));
    expect(readyBanner({ ...runtime, demoToken: 'a.b.c' })[1]).toBe(
      `  Web portal         ${runtime.portalUrl}/#token=a.b.c`,
    );
  });
});
