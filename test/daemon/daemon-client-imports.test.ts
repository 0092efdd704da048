// `slsk-ts/daemon-client` runs in browsers: importing it must load nothing of the server (no Fastify, no
// auth, no node: built-ins), only the client, the route table and typebox. A child process records every
// module the import resolves.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../cli/run-process.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const RECORDER = `
import { registerHooks } from 'node:module';
const seen = [];
registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); seen.push(result.url); return result; } });
const client = await import('slsk-ts/daemon-client');
console.log(JSON.stringify({ seen, exports: Object.keys(client).sort() }));
`;

test('importing slsk-ts/daemon-client loads only the client, the route table and typebox', async () => {
  const result = await runProcess(process.execPath, ['--conditions=slsk-ts-source', '--input-type=module', '-e', RECORDER], { cwd: repoRoot, timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  const { seen, exports } = JSON.parse(result.stdout) as { seen: string[]; exports: string[] };
  const local = seen.filter((url) => url.startsWith('file:') && !url.includes('/node_modules/')).map((url) => fileURLToPath(url).slice(repoRoot.length));
  // Each area's routes file (search-routes.ts, wishlist-routes.ts…) is part of the table; nothing else is.
  const areaRoutes = /^src\/daemon\/http\/[a-z-]+-routes\.ts$/;
  assert.ok(local.includes('src/daemon/http/search-routes.ts'));
  assert.deepEqual([...new Set(local.filter((path) => !areaRoutes.test(path)))].sort(), ['src/daemon/client.ts', 'src/daemon/http/route.ts', 'src/daemon/http/routes.ts']);
  const packages = new Set(seen.filter((url) => url.includes('/node_modules/')).map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]));
  assert.deepEqual([...packages], ['typebox']);
  assert.deepEqual(seen.filter((url) => url.startsWith('node:')), [], 'no Node built-ins: the client must run in a browser');
  assert.ok(exports.includes('createDaemonClient') && exports.includes('DaemonApiError') && exports.includes('routes'));
});
