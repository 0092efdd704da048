// A real headless Chromium for the web UI tests: the one inside the @sparticuz/chromium npm package
// (so a fresh clone needs only `npm ci`), driven by playwright-core. No network beyond 127.0.0.1:
// Chromium's own background connections are turned off.

import chromium from '@sparticuz/chromium';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';

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

const AXE = fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url));

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * axe-core's WCAG checks on the page as it is now; the serious and critical findings. The page's
 * context must be made with `bypassCSP: true` (axe is injected as a script, which the UI's policy
 * rightly refuses).
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate<AxeViolation[]>(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  );
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
