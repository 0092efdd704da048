// A real headless Chromium for the web UI tests: the one inside the @sparticuz/chromium npm package
// (so a fresh clone needs only `npm ci`), driven by playwright-core. No network beyond 127.0.0.1:
// Chromium's own background connections are turned off.

import chromium from '@sparticuz/chromium';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium as playwright, type Browser } from 'playwright-core';

export const WEB_BUILD = fileURLToPath(new URL('../../web/index.html', import.meta.url));

/** Fails clearly when the UI has not been built (npm test builds it first: the `pretest` script). */
export function assertWebBuilt(): void {
  if (!existsSync(WEB_BUILD)) throw new Error(`${WEB_BUILD} is missing: run 'npm run build:web' first (npm test does it)`);
}

export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
    headless: true,
  });
}

/** Where the screenshots go (reported by the tests); kept out of git. */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/web/', import.meta.url));
