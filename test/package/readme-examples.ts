// The README's library examples, and what it takes to run each one as written on this machine: a
// local network for them to talk to (our server on 127.0.0.1, `someone` answering searches, `bob`
// sharing the file the transfers example downloads), the few literals swapped for local ones
// (server address, share folder, a shorter search), and what each must print.
//
// Used twice: test/readme.test.ts runs the examples against the TypeScript source, and
// test/package/pack.test.ts type-checks and runs them in a fresh project that installed the tarball.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '../../src/client/index.ts';
import { SharesLibrary } from '../../src/shares/index.ts';
import { TransferManager } from '../../src/transfers/index.ts';
import type { ProcessResult } from '../cli/run-process.ts';
import { startServer, tempDir, type TestServer } from '../server/harness.ts';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A ```ts block preceded by `<!-- library example: NAME -->`. */
export interface ReadmeExample {
  name: string;
  code: string;
}

const MARKER = /<!-- library example: ([a-z-]+) -->\n```ts\n([\s\S]*?)```/g;

/**
 * Every TypeScript block of the README, each of which must be marked as a library example (an
 * unmarked one would silently go untested).
 */
export function readmeExamples(readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')): ReadmeExample[] {
  const examples = [...readme.matchAll(MARKER)].map((match) => ({ name: match[1]!, code: match[2]! }));
  const tsBlocks = readme.match(/^```ts$/gm)?.length ?? 0;
  assert.equal(examples.length, tsBlocks, 'every ```ts block of the README is preceded by <!-- library example: NAME --> and runs in the tests');
  assert.equal(new Set(examples.map((e) => e.name)).size, examples.length, 'README example names are unique');
  return examples;
}

/** The file bob shares, as the transfers example asks for it. */
const BOB_PATH = 'music\\Aphex Twin\\Xtal.flac';
/** Deterministic bytes, large enough for several chunks on the file connection. */
const BOB_CONTENT = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + (i >> 8)) & 0xff);

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Our server, and the two peers the examples talk to. */
export interface ExampleNetwork {
  readonly server: TestServer;
  readonly dir: string;
  close(): Promise<void>;
}

export async function startExampleNetwork(): Promise<ExampleNetwork> {
  const dir = tempDir('slsk-readme-net-');
  const server = await startServer();
  const someone = new Client({ listenHost: '127.0.0.1', reconnect: false });
  const bob = new Client({ listenHost: '127.0.0.1', reconnect: false });
  let library: SharesLibrary | undefined;
  let transfers: TransferManager | undefined;
  const close = async (): Promise<void> => {
    await transfers?.close();
    await library?.close();
    await someone.close();
    await bob.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await someone.login({ server: `127.0.0.1:${server.port}`, username: 'someone', password: 'pw' });
    someone.setSearchResponder(() => ({ files: [{ filename: '@@music\\Xtal.mp3', size: 42n, bitrate: 320 }], slotsFree: true, avgSpeed: 1, queueLength: 0 }));

    const album = join(dir, 'bob-music', 'Aphex Twin');
    mkdirSync(album, { recursive: true });
    writeFileSync(join(album, 'Xtal.flac'), BOB_CONTENT);
    library = await SharesLibrary.open({ database: join(dir, 'bob-shares.sqlite'), folders: [{ path: join(dir, 'bob-music'), name: 'music' }] });
    await library.scan();
    const shares = library;
    await bob.login({ server: `127.0.0.1:${server.port}`, username: 'bob', password: 'pw' });
    transfers = new TransferManager({
      client: bob,
      database: ':memory:',
      downloadDir: join(dir, 'bob-downloads'),
      incompleteDir: join(dir, 'bob-incomplete'),
      resolveUpload: (path) => shares.resolve(path, { buddy: false }),
    });
    await transfers.start();
    return { server, dir, close };
  } catch (error) {
    await close();
    throw error;
  }
}

function replaceOnce(code: string, from: string, to: string, example: string): string {
  const at = code.indexOf(from);
  assert.ok(at >= 0 && code.indexOf(from, at + 1) < 0, `the README ${example} example contains ${from} exactly once (the test swaps it for a local value)`);
  return code.slice(0, at) + to + code.slice(at + from.length);
}

/** An example ready to run in `workDir` (its working directory), and the check of what it printed. */
export interface PreparedExample {
  name: string;
  /** The example with its public-network literals swapped for local ones. */
  code: string;
  check(result: ProcessResult): void;
}

export function prepareExample(example: ReadmeExample, network: ExampleNetwork, workDir: string): PreparedExample {
  const local = (code: string): string => {
    let out = replaceOnce(code, "'server.slsknet.org:2242'", JSON.stringify(`127.0.0.1:${network.server.port}`), example.name);
    // Listening on loopback only: nothing outside this machine can reach a test's peer.
    out = replaceOnce(out, 'new Client({ listenPort: 0 })', "new Client({ listenPort: 0, listenHost: '127.0.0.1' })", example.name);
    return out;
  };
  const ran = (result: ProcessResult): void =>
    assert.equal(result.code, 0, `the README ${example.name} example exited ${result.code} (signal ${result.signal})\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);

  switch (example.name) {
    case 'client':
      return {
        name: example.name,
        code: replaceOnce(local(example.code), 'timeoutMs: 10_000', 'timeoutMs: 1_500', example.name),
        check: (result) => {
          ran(result);
          assert.equal(result.stdout, 'someone @@music\\Xtal.mp3 42n 320\n');
        },
      };
    case 'transfers': {
      const music = join(workDir, 'my-music');
      mkdirSync(join(music, 'Boards of Canada'), { recursive: true });
      writeFileSync(join(music, 'Boards of Canada', 'Roygbiv.mp3'), 'not really an mp3');
      return {
        name: example.name,
        code: replaceOnce(local(example.code), "path: '/music'", `path: ${JSON.stringify(music)}`, example.name),
        check: (result) => {
          ran(result);
          const lines = result.stdout.trimEnd().split('\n');
          assert.ok(lines.includes('sharing 1 files'), result.stdout);
          const saved = lines.find((line) => line.startsWith('saved to '))?.slice('saved to '.length);
          assert.ok(saved !== undefined, `the transfers example printed where it saved the file:\n${result.stdout}`);
          assert.equal(saved, join(workDir, 'downloads', 'Xtal.flac'));
          assert.equal(sha256(readFileSync(saved)), sha256(BOB_CONTENT), 'the downloaded file is the one bob shares');
          assert.equal(lines.at(-1), `download completed bob ${BOB_PATH}`);
        },
      };
    }
    case 'server':
      return {
        name: example.name,
        code: example.code,
        check: (result) => {
          ran(result);
          assert.match(result.stdout, /listening on \d+, 0 online/);
        },
      };
    case 'protocol':
      return {
        name: example.name,
        code: example.code,
        check: (result) => {
          ran(result);
          assert.equal(result.stdout, '1234 aphex twin xtal\nINVALID_BOOLEAN Login 8\n');
        },
      };
    default:
      assert.fail(`no runner for the README example "${example.name}": add one in test/package/readme-examples.ts`);
  }
}

/** A working directory for an example: an ES module project of its own. */
export function exampleProject(prefix: string): string {
  const dir = tempDir(prefix);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'readme-examples', private: true, type: 'module' }, null, 2));
  return dir;
}
