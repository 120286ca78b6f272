import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where screenshots go (ignored by git; CI keeps them as artifacts). */
export const ARTIFACTS_DIR = path.join(__dirname, 'artifacts');

/** The machine's Chromium (Debian's package); BRIDGEPORT_CHROMIUM overrides. A missing browser fails the suite. */
export function chromiumPath(): string {
  const candidates = [process.env.BRIDGEPORT_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find(
    (candidate) => candidate !== undefined && candidate !== '' && existsSync(candidate),
  );
  if (found === undefined) {
    throw new Error(
      'No Chromium found (looked at BRIDGEPORT_CHROMIUM, /usr/bin/chromium, /usr/bin/chromium-browser): install it with `apt-get install chromium`',
    );
  }
  return found;
}

/** Headless Chromium with no background traffic: every request it makes goes to the local runtime. */
export async function launchBrowser(): Promise<Browser> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}
