// `npx slsk` in the repository, the way the README starts people off, run by npm on whatever Node
// the system has (here an older one than the package's engines ask for) with its output not on a
// terminal: it prints what slsk prints and nothing of npm's (no EBADENGINE warning blocks).

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertExit, runProcess } from './run-process.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
// A cache of its own: npx links the repository's package into its cache on the first call, the
// call that checks the package's engines and printed npm's warnings, as it does for a new user.
const cache = mkdtempSync(join(tmpdir(), 'slsk-npx-cache-'));
after(() => rmSync(cache, { recursive: true, force: true }));

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

test('npx slsk --version prints the version on stdout and nothing on stderr, on the system Node too', async () => {
  // npm scripts put node_modules/.bin (with the pinned Node) first on PATH; a user's shell does not.
  const path = (process.env['PATH'] ?? '')
    .split(delimiter)
    .filter((dir) => !dir.includes('node_modules'))
    .join(delimiter);
  const result = await runProcess('npx', ['slsk', '--version'], { cwd: repo, env: { ...process.env, PATH: path, npm_config_cache: cache }, timeoutMs: 120_000 });
  assertExit(result, 0);
  assert.equal(result.stdout, `${version}\n`);
  assert.equal(result.stderr, '');
});
