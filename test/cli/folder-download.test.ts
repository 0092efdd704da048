// `slsk download USER 'Music\Album\'` as real child processes against a real server in this
// process: a `slsk share` child shares a folder tree, a `slsk download` child fetches the whole
// album with its disc subfolders under the album's name, byte for byte; run again (with --folder
// and / separators) it fetches nothing and says every file is already there; a folder that is not
// shared exits 1 saying what to do.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer, tempDir, type TestServer } from '../server/harness.ts';
import { assertExit, jsonLines, type ProcessResult } from './run-process.ts';
import { cleanEnv, removeHomes, SlskChild } from './slsk-child.ts';

const FILES: Record<string, Buffer> = {
  'Album/CD1/01.flac': randomBytes(300_000),
  'Album/CD2/01.flac': randomBytes(200_000),
  'Album/cover.jpg': randomBytes(20_000),
};

let server: TestServer;
let root: string;
const children: SlskChild[] = [];
let userCount = 0;

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

function start(args: readonly string[], user = `fd${++userCount}`, timeoutMs = 60_000): SlskChild {
  const connection = ['--server', `127.0.0.1:${server.port}`, '--username', user, '--password', 'pw', '--listen-host', '127.0.0.1'];
  const child = new SlskChild([...args, ...connection], cleanEnv(), timeoutMs);
  children.push(child);
  child.endInput();
  return child;
}

const slsk = (args: readonly string[]): Promise<ProcessResult> => start(args).exited;

before(async () => {
  server = await startServer();
  root = tempDir('slsk-folder-cli-');
  const music = join(root, 'Music');
  for (const [path, data] of Object.entries(FILES)) {
    mkdirSync(join(music, path, '..'), { recursive: true });
    writeFileSync(join(music, path), data);
  }
  const sharer = start(['share', music, '--data', join(root, 'data')], 'sharer', 120_000);
  await sharer.waitFor(/online as sharer on \S+, sharing 3 files/, 'stdout', 20_000);
});

after(async () => {
  for (const child of children) child.kill();
  await Promise.all(children.map((child) => child.exited.catch(() => {})));
  await server.close();
  rmSync(root, { recursive: true, force: true });
  removeHomes();
});

describe('slsk download of a folder', () => {
  const to = () => join(root, 'downloads');

  test('a trailing backslash downloads the folder with its subfolders under its name', async () => {
    const result = await slsk(['download', 'sharer', 'Music\\Album\\', '--to', to()]);
    assertExit(result, 0);
    assert.match(result.stderr, /^'Music\\Album' from sharer: 3 files to download$/m);
    assert.deepEqual(result.stdout.split('\n').filter((line) => line !== '').sort(), Object.keys(FILES).map((path) => join(to(), ...path.split('/'))).sort());
    for (const [path, data] of Object.entries(FILES)) assert.equal(sha256(readFileSync(join(to(), path))), sha256(data), path);
    // The partial files were moved into place and their folder removed.
    assert.deepEqual(readdirSync(to()), ['Album']);
  });

  test('run again with --folder, nothing is fetched: every file is already there', async () => {
    const result = await slsk(['download', 'sharer', 'Music/Album', '--folder', '--to', to(), '--json']);
    assertExit(result, 0);
    const events = jsonLines(result.stdout);
    assert.deepEqual(events[0], { event: 'folder', user: 'sharer', folder: 'Music\\Album', files: 3, alreadyPresent: 3, refused: [] });
    assert.deepEqual(events.filter((e) => e['event'] === 'file').map((e) => [e['destination'], e['state']]).sort(), [
      ['Album/CD1/01.flac', 'already-present'],
      ['Album/CD2/01.flac', 'already-present'],
      ['Album/cover.jpg', 'already-present'],
    ]);
    assert.deepEqual(events.at(-1), { event: 'summary', user: 'sharer', folder: 'Music\\Album', complete: true, counts: { 'already-present': 3 }, stopped: null });
  });

  test('a folder the user does not share: exit 1 with what to do', async () => {
    const result = await slsk(['download', 'sharer', 'Music\\Nope\\', '--to', join(root, 'nope')]);
    assertExit(result, 1);
    assert.match(result.stderr, /sharer does not share a folder "Music\\\\Nope".*browse their shares for the exact folder path/);
  });
});
