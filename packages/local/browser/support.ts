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

/**
 * The words of a shell command as `sh` splits them: single quotes literal, double quotes expanding `$NAME` from
 * `variables`, a backslash before a newline joining lines. Enough for the `curl` the portal copies; anything else
 * (globs, `$(…)`, other escapes) is refused rather than guessed.
 */
export function shellWords(command: string, variables: Readonly<Record<string, string>>): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const expand = (text: string) =>
    text.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
      const value = variables[name];
      if (value === undefined) throw new Error(`The command uses $${name}, which is not given`);
      return value;
    });
  for (let i = 0; i < command.length; i++) {
    const char = command[i] as string;
    if (char === '\\' && command[i + 1] === '\n') {
      i++;
    } else if (/\s/.test(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (char === "'" || char === '"') {
      const end = command.indexOf(char, i + 1);
      if (end < 0) throw new Error(`Unclosed ${char} in the command`);
      const quoted = command.slice(i + 1, end);
      word = (word ?? '') + (char === '"' ? expand(quoted) : quoted);
      i = end;
    } else if (/[A-Za-z0-9_\-./:=@,]/.test(char)) {
      word = (word ?? '') + char;
    } else if (char === '$') {
      const name = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(command.slice(i))?.[0] ?? '$';
      word = (word ?? '') + expand(name);
      i += name.length - 1;
    } else {
      throw new Error(`The command has ${JSON.stringify(char)}, which this reader does not interpret`);
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** A `curl` command's request: method (`-X`), URL, headers (`-H`) and body (`-d`). */
export function curlRequest(words: readonly string[]): {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
} {
  if (words[0] !== 'curl') throw new Error(`Not a curl command: ${words[0]}`);
  let method = 'GET';
  let url: string | undefined;
  let body: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    if (word === '-s') continue;
    if (word === '-X') method = words[++i] ?? method;
    else if (word === '-H') {
      const header = words[++i] ?? '';
      const colon = header.indexOf(':');
      headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
    } else if (word === '-d') body = words[++i];
    else if (!word.startsWith('-') && url === undefined) url = word;
    else throw new Error(`Unknown curl option ${word}`);
  }
  if (url === undefined) throw new Error('The curl command names no URL');
  return { method, url, headers, ...(body === undefined ? {} : { body }) };
}
