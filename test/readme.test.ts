// The README's library example runs as written, against the package's own `slsk-ts/protocol`.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runProcess } from './cli/run-process.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

test('the README protocol example prints what its comments say', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example !== undefined && example.includes("from 'slsk-ts/protocol'"), 'the README has a TypeScript example importing slsk-ts/protocol');
  const result = await runProcess(
    process.execPath,
    ['--conditions=slsk-ts-source', '--input-type=module-typescript'],
    { cwd: root, input: example },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '1234 aphex twin xtal\nINVALID_BOOLEAN Login 8\n');
});
