// The shares watcher: a change anywhere under a share root (a new subfolder included) calls onChange
// once the folder is quiet; changes in ignored folders (the daemon's own data, partial downloads) do not
// count; a root that cannot be watched is reported, the others still watched.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ShareWatcher } from '../../src/daemon/share-watcher.ts';

const DEADLINE_MS = 10_000;

function deadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${DEADLINE_MS} ms`)), DEADLINE_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

test('a change under a share calls onChange; changes in ignored folders do not count; an unwatchable root is reported', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'slsk-watch-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'data'));
  await mkdir(join(root, 'Album'));
  let changes = 0;
  let changed = Promise.withResolvers<void>();
  const errors: string[] = [];
  const failed = Promise.withResolvers<void>();
  const watcher = new ShareWatcher({
    roots: [root, join(root, 'missing')],
    ignore: [join(root, 'data')],
    quietMs: 20,
    onChange: () => {
      changes++;
      changed.resolve();
    },
    onError: (path) => {
      errors.push(path);
      failed.resolve();
    },
  });
  t.after(() => watcher.close());
  await deadline(failed.promise, 'the missing root reported');
  assert.deepEqual([watcher.watching, errors], [1, [join(root, 'missing')]]);

  await writeFile(join(root, 'data', 'shares.sqlite'), 'index');
  await writeFile(join(root, 'Album', 'song.txt'), 'la');
  await deadline(changed.promise, 'onChange after a file was written');
  assert.ok(watcher.ignoredEvents >= 1, 'the write in the data folder was seen and ignored');
  assert.equal(changes, 1);

  changed = Promise.withResolvers<void>();
  await mkdir(join(root, 'New'));
  await writeFile(join(root, 'New', 'deeper.txt'), 'x');
  await deadline(changed.promise, 'onChange after a new folder and file');
  assert.ok(changes >= 2);
});
