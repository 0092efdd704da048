// The daemon serving a built web UI folder at `/`: its files from memory with their types and cache
// rules, index.html for any other page path (never a file outside the folder), the API's JSON 404
// kept for /api/, and a page saying how to build the UI when it is missing.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { WEB_UI_CSP } from '../../src/daemon/http/web-ui.ts';
import { startFixture } from './http-fixture.ts';

const INDEX = '<!doctype html><title>ui</title><script type="module" src="./assets/app-1234.js"></script>';

async function builtUi(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slsk-web-ui-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), INDEX);
  await writeFile(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  await writeFile(join(dir, 'assets', 'app-1234.css'), 'body{}');
  return dir;
}

test('the built UI: files with their types, index.html for page paths, hashed files cached for good', async (t) => {
  const f = await startFixture(t, { webUiFolder: await builtUi(t) });
  const page = await fetch(`${f.url}/`);
  assert.equal(page.status, 200);
  assert.equal(await page.text(), INDEX);
  assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(page.headers.get('content-security-policy'), WEB_UI_CSP);
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  assert.equal(page.headers.get('x-content-type-options'), 'nosniff');

  const script = await fetch(`${f.url}/assets/app-1234.js`);
  assert.equal(await script.text(), 'console.log(1)');
  assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.equal((await fetch(`${f.url}/assets/app-1234.css`)).headers.get('content-type'), 'text/css; charset=utf-8');

  for (const path of ['/search', '/browse/alice/Music', '/assets/missing.js', '/%2e%2e/package.json', '/..%2f..%2fetc%2fpasswd']) {
    const reply = await fetch(`${f.url}${path}`);
    assert.equal(reply.status, 200, path);
    assert.equal(await reply.text(), INDEX, `${path}: the page, never another file`);
  }
  const head = await fetch(`${f.url}/`, { method: 'HEAD' });
  assert.equal(head.status, 200);
});

test('paths under /api/ keep the JSON 404, and the API answers as before', async (t) => {
  const f = await startFixture(t, { webUiFolder: await builtUi(t) });
  for (const path of ['/api', '/api/v1/nothing-here', '/api/v0/nothing']) {
    const reply = await fetch(`${f.url}${path}`);
    assert.equal(reply.status, 404, path);
    assert.equal(((await reply.json()) as { error: string }).error, 'not_found', path);
  }
  const health = await fetch(`${f.url}/health`);
  assert.equal(health.status, 200);
  assert.equal(health.headers.get('cache-control'), 'no-store', 'API replies are still never cached');
});

test('no build: `/` says how to make one; without a UI folder the daemon serves the API only', async (t) => {
  const empty = await mkdtemp(join(tmpdir(), 'slsk-web-ui-empty-'));
  t.after(() => rm(empty, { recursive: true, force: true }));
  const f = await startFixture(t, { webUiFolder: empty });
  const reply = await fetch(`${f.url}/`);
  assert.equal(reply.status, 503);
  assert.match(await reply.text(), /npm run build:web/);

  const apiOnly = await startFixture(t);
  assert.equal((await fetch(`${apiOnly.url}/`)).status, 404);
});
