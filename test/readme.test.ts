// The README's library example runs as written, against the package's own `slsk-ts/protocol`.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from '../src/client/index.ts';
import { runProcess } from './cli/run-process.ts';
import { startServer } from './server/harness.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function examples(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

test('the README server example starts and stops a server', async () => {
  const example = examples().find((code) => code.includes("from 'slsk-ts/server'"));
  assert.ok(example !== undefined, 'the README has a slsk-ts/server example');
  const dataDir = mkdtempSync(join(tmpdir(), 'slsk-readme-'));
  try {
    const result = await runProcess(process.execPath, ['--conditions=slsk-ts-source', '--input-type=module-typescript'], {
      cwd: root,
      input: example.replace("'./data'", JSON.stringify(dataDir)),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /listening on \d+, 0 online/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('the README client example runs against a local network (its server and peer swapped in)', async () => {
  const example = examples().find((code) => code.includes("from 'slsk-ts/client'"));
  assert.ok(example !== undefined, 'the README has a slsk-ts/client example');
  assert.ok(example.includes("'server.slsknet.org:2242'") && example.includes("'someone'"));
  const server = await startServer();
  const someone = new Client({ listenHost: '127.0.0.1', reconnect: false });
  try {
    await someone.login({ server: `127.0.0.1:${server.port}`, username: 'someone', password: 'pw' });
    someone.setSearchResponder(() => ({ files: [{ filename: '@@music\\Xtal.mp3', size: 42n, bitrate: 320 }], slotsFree: true, avgSpeed: 1, queueLength: 0 }));
    const local = example
      .replace("'server.slsknet.org:2242'", JSON.stringify(`127.0.0.1:${server.port}`))
      .replace('timeoutMs: 10_000', 'timeoutMs: 1_500')
      .replace("new Client({ listenPort: 0 })", "new Client({ listenPort: 0, listenHost: '127.0.0.1' })");
    const result = await runProcess(process.execPath, ['--conditions=slsk-ts-source', '--input-type=module-typescript'], { cwd: root, input: local });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'someone @@music\\Xtal.mp3 42n 320\n');
  } finally {
    await someone.close();
    await server.close();
  }
});

test('the README protocol example prints what its comments say', async () => {
  const example = examples().find((code) => code.includes("from 'slsk-ts/protocol'"));
  assert.ok(example !== undefined, 'the README has a TypeScript example importing slsk-ts/protocol');
  const result = await runProcess(
    process.execPath,
    ['--conditions=slsk-ts-source', '--input-type=module-typescript'],
    { cwd: root, input: example },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '1234 aphex twin xtal\nINVALID_BOOLEAN Login 8\n');
});
