// slsk share, download and get as real child processes against a real server in this process: a
// `slsk share` child shares a temp folder and stays online; a client from this process searches and
// browses it; `slsk download` and `slsk get` children fetch its files into other temp folders, byte
// for byte; paths that are not shared (or try to climb out of the share) are refused; Ctrl-C stops
// the sharer cleanly. Every wait ends on output, an event or an exit, with a time limit.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeFileOffset, encodeFileTransferInit, FILE_OFFSET_BYTES, TransferDirection } from '../../src/protocol/index.ts';
import { readExactly } from '../../src/transfers/file-io.ts';
import { Client, type SearchResponse, type SharedFile } from '../../src/client/index.ts';
import { rankCandidates } from '../../src/cli/commands/get.ts';
import { TransferManager } from '../../src/transfers/index.ts';
import { startServer, tempDir, type TestServer } from '../server/harness.ts';
import type { ProcessResult } from './run-process.ts';
import { assertExit, jsonLines } from './run-process.ts';
import { cleanEnv, removeHomes, SlskChild } from './slsk-child.ts';

let server: TestServer;
let root: string;
let shareDir: string;
let sharer: SlskChild;
const clients: Client[] = [];
const managers: TransferManager[] = [];
const children: SlskChild[] = [];
let userCount = 0;
const SHARER = 'sharer';

const NOTES = 'notes about nothing much\n';
const TRACK = randomBytes(700_000);
const BLOB = randomBytes(50_000);
const SECRET = 'not for anyone\n';
const SLOW = randomBytes(1_500_000);

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

function connection(user: string): string[] {
  return ['--server', `127.0.0.1:${server.port}`, '--username', user, '--password', 'pw', '--listen-host', '127.0.0.1'];
}

function start(args: readonly string[], user: string | false = `dl${++userCount}`, timeoutMs = 30_000): SlskChild {
  const child = new SlskChild([...args, ...(user === false ? [] : connection(user))], cleanEnv(), timeoutMs);
  children.push(child);
  child.endInput();
  return child;
}

const slsk = (args: readonly string[], user?: string | false): Promise<ProcessResult> => start(args, user).exited;

/** A fresh folder under the test's root for one download. */
function downloadDir(name: string): string {
  const dir = join(root, 'downloads', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function peer(username: string): Promise<Client> {
  const client = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
  clients.push(client);
  await client.login({ server: `127.0.0.1:${server.port}`, username, password: 'pw' });
  return client;
}

/** A user of the client library who uploads `Slow\\slow.bin` with a TransferManager, at `bytesPerSecond`. */
async function slowUploader(username: string, bytesPerSecond: number): Promise<TransferManager> {
  const client = await peer(username);
  const path = join(root, 'slow.bin');
  const manager = new TransferManager({
    client,
    database: ':memory:',
    downloadDir: join(root, `${username}-downloads`),
    incompleteDir: join(root, `${username}-downloads`, 'incomplete'),
    resolveUpload: (virtualPath) => (virtualPath === 'Slow\\slow.bin' ? { path, size: SLOW.length } : undefined),
    speedLimits: { uploadBytesPerSecond: bytesPerSecond },
  });
  managers.push(manager);
  await manager.start();
  return manager;
}

/**
 * An uploader that behaves like the clients people run: it offers the file when asked, sends it
 * over a file connection, and then keeps every connection open (the file connection included,
 * even after the downloader closed its side) until the test ends. Resolves with the file sockets
 * it holds.
 */
async function holdingUploader(username: string, virtualPath: string, data: Uint8Array): Promise<{ held: Socket[]; spareOpen: Promise<void> }> {
  const client = await peer(username);
  const held: Socket[] = [];
  let spareOpened!: () => void;
  const spareOpen = new Promise<void>((resolve) => (spareOpened = resolve));
  let nextTicket = 7000;
  client.on('peerMessage', ({ username: from, message }) => {
    if (message.name === 'PeerTransferQueue' && message.filename === virtualPath) {
      const offer = { name: 'PeerTransferRequest', direction: TransferDirection.download, ticket: ++nextTicket, filename: virtualPath, filesize: BigInt(data.length) } as const;
      client.sendToPeer(from, offer).catch((error: unknown) => assert.fail(`offer failed: ${String(error)}`));
    } else if (message.name === 'PeerTransferReply' && message.allowed) {
      client
        .openFileConnection(from, {
          handshake: async ({ socket, rest }) => {
            socket.write(encodeFileTransferInit(message.ticket));
            return decodeFileOffset((await readExactly(socket, FILE_OFFSET_BYTES, rest, 10_000, 'file offset')).bytes).offset;
          },
        })
        .then(({ socket, verified }) => {
          // Our side stays open when the downloader closes its own: we never end or destroy it.
          socket.allowHalfOpen = true;
          socket.on('data', () => {});
          socket.on('error', () => {});
          held.push(socket);
          socket.write(data.subarray(Number(verified ?? 0n)));
          // Clients race a direct and an indirect connection and keep the one that lost open,
          // unused: a second file connection that never says which transfer it is for.
          return client.openFileConnection(from).then(({ socket: spare }) => {
            spare.allowHalfOpen = true;
            spare.on('error', () => {});
            held.push(spare);
            spareOpened();
          });
        })
        .catch((error: unknown) => assert.fail(`file connection failed: ${String(error)}`));
    }
  });
  return { held, spareOpen };
}

before(async () => {
  server = await startServer();
  root = tempDir('slsk-transfer-cli-');
  shareDir = join(root, 'Library');
  mkdirSync(join(shareDir, 'Album'), { recursive: true });
  writeFileSync(join(shareDir, 'notes.txt'), NOTES);
  writeFileSync(join(shareDir, 'Album', 'track data.bin'), TRACK);
  writeFileSync(join(shareDir, 'Album', 'blob nebulon.dat'), BLOB);
  // Next to the share, not in it: what a path climbing out with .. would reach.
  writeFileSync(join(root, 'secret.txt'), SECRET);
  writeFileSync(join(root, 'slow.bin'), SLOW);

  sharer = start(['share', shareDir, '--data', join(root, 'data')], SHARER, 120_000);
  await sharer.waitFor(/online as sharer on \S+, sharing 3 files in 2 folders/, 'stdout', 20_000);
});

after(async () => {
  for (const child of children) child.kill();
  await Promise.all(children.map((child) => child.exited.catch(() => {})));
  await Promise.all(managers.map((manager) => manager.close()));
  await Promise.all(clients.map((client) => client.close()));
  await server.close();
  rmSync(root, { recursive: true, force: true });
  removeHomes();
});

describe('transfer commands: help', { concurrency: true }, () => {
  test('slsk --help lists download, get and share with an example', async () => {
    const result = await slsk(['--help'], false);
    assertExit(result, 0);
    for (const command of ['download', 'get', 'share']) {
      assert.match(result.stdout, new RegExp(`^  ${command} +\\S`, 'm'), `${command} is listed`);
      assert.match(result.stdout, new RegExp(`e\\.g\\. slsk ${command} `), `${command} has an example`);
    }
  });

  for (const command of ['download', 'get', 'share']) {
    test(`slsk ${command} --help shows usage, the connection options, exit codes and examples`, async () => {
      const result = await slsk([command, '--help'], false);
      assertExit(result, 0);
      assert.match(result.stdout, new RegExp(`^Usage: slsk ${command} `, 'm'));
      for (const option of ['--server HOST:PORT', '--username', '--password', '--listen-port', '--json']) {
        assert.ok(result.stdout.includes(option), `${command} documents ${option}`);
      }
      assert.match(result.stdout, /^Exit status:\n  0 .*\n  1 .*\n  2 /m);
      const examples = result.stdout.slice(result.stdout.indexOf('Examples:'));
      assert.match(examples, new RegExp(`^  slsk ${command} \\S`, 'm'), 'an example that runs the command');
    });
  }

  test('mistakes on the command line exit 2 before logging in', async () => {
    const missing = await slsk(['download', 'bob'], false);
    assertExit(missing, 2);
    assert.match(missing.stderr, /missing PATH/);
    const notAFolder = await slsk(['share', join(root, 'secret.txt')], false);
    assertExit(notAFolder, 2);
    assert.match(notAFolder.stderr, /is not a folder/);
    const clash = await slsk(['share', shareDir, join(root, 'data', '..', 'Library')], false);
    assertExit(clash, 2);
    assert.match(clash.stderr, /both be shared as "Library"/);
  });
});

test('slsk get ranks a free slot first, then the shortest queue, the fastest, lossless, the highest bitrate', () => {
  const file = (filename: string, extra: Partial<SharedFile> = {}): SharedFile => ({
    filename,
    size: 1n,
    extension: filename.slice(filename.lastIndexOf('.') + 1),
    locked: false,
    attributes: [],
    ...extra,
  });
  const response = (username: string, files: SharedFile[], slotsFree: boolean, queueLength: number, avgSpeed: number): SearchResponse => ({
    username,
    ticket: 1,
    files,
    slotsFree,
    queueLength,
    avgSpeed,
  });
  const ranked = rankCandidates([
    response('busy', [file('a\\busy.flac')], false, 0, 9_000_000),
    response('long-queue', [file('a\\q.mp3', { bitrate: 320 })], true, 5, 9_000_000),
    response('slow', [file('a\\slow.flac')], true, 0, 1_000),
    response('fast', [file('a\\128.mp3', { bitrate: 128 }), file('a\\locked.flac', { locked: true }), file('a\\320.mp3', { bitrate: 320 }), file('a\\hi.wav', { sampleRate: 96_000, bitDepth: 24 }), file('a\\x.FLAC')], true, 0, 2_000_000),
  ]);
  assert.deepEqual(
    ranked.map(({ response: r, file: f }) => `${r.username} ${f.filename}`),
    ['fast a\\hi.wav', 'fast a\\x.FLAC', 'fast a\\320.mp3', 'fast a\\128.mp3', 'slow a\\slow.flac', 'long-queue a\\q.mp3', 'busy a\\busy.flac'],
  );
});

describe('transfer commands: sharing and downloading', () => {
  test('another client finds the shared files by search and by browsing', async () => {
    const client = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
    clients.push(client);
    await client.login({ server: `127.0.0.1:${server.port}`, username: 'searcher', password: 'pw' });
    const search = client.search('notes', { scope: { kind: 'user', username: SHARER }, maxResults: 1, timeoutMs: 10_000 });
    const [response] = await search.done;
    assert.equal(search.endReason, 'limit');
    assert.deepEqual(
      response?.files.map((file) => [file.filename, file.size]),
      [['Library\\notes.txt', BigInt(NOTES.length)]],
    );
    const listing = await client.browse(SHARER);
    assert.deepEqual(
      listing.folders.map((folder) => [folder.name, folder.files.map((file) => file.filename).sort()]),
      [
        ['Library', ['notes.txt']],
        ['Library\\Album', ['blob nebulon.dat', 'track data.bin']],
      ],
    );
    await sharer.waitFor(/search from searcher: "notes", answered with 1 file/);
    await sharer.waitFor(/searcher browses the shares/);
  });

  test('slsk download fetches a file byte for byte, with JSON events', async () => {
    const to = downloadDir('download');
    const result = await slsk(['download', SHARER, 'Library\\Album\\track data.bin', '--to', to, '--json']);
    assertExit(result, 0);
    const events = jsonLines(result.stdout);
    const done = events.at(-1);
    assert.equal(done?.['event'], 'done');
    assert.equal(done?.['state'], 'completed');
    assert.equal(done?.['path'], join(to, 'track data.bin'));
    assert.equal(done?.['size'], String(TRACK.length));
    assert.ok(events.some((event) => event['event'] === 'state' && event['state'] === 'transferring'), 'a state event for the transfer');
    assert.ok(events.some((event) => event['event'] === 'progress' && event['bytes'] === String(TRACK.length)), 'a progress event at the end');
    assert.equal(sha256(readFileSync(join(to, 'track data.bin'))), sha256(TRACK));
    // Nothing is left behind: the partial file was moved, its folder removed.
    assert.deepEqual(readdirSync(to), ['track data.bin']);
    await sharer.waitFor(/uploaded 'Library\\Album\\track data\.bin' to dl\d+: 684 KiB/);
  });

  test('slsk download without --json prints the finished path on stdout and a summary on stderr', async () => {
    const to = downloadDir('plain');
    const result = await slsk(['download', SHARER, 'Library\\notes.txt', '--to', to]);
    assertExit(result, 0);
    assert.equal(result.stdout, `${join(to, 'notes.txt')}\n`);
    // The path as it can be pasted back into a command: backslashes single, in shell quotes.
    assert.match(result.stderr, /^asking sharer for 'Library\\notes\.txt'$/m);
    assert.match(result.stderr, /downloaded 25 B/);
    assert.equal(readFileSync(join(to, 'notes.txt'), 'utf8'), NOTES);
  });

  test('slsk download takes / as well as \\ between the folders of a remote path', async () => {
    const to = downloadDir('slashes');
    const result = await slsk(['download', SHARER, 'Library/Album/blob nebulon.dat', '--to', to]);
    assertExit(result, 0);
    assert.equal(result.stdout, `${join(to, 'blob nebulon.dat')}\n`);
    assert.match(result.stderr, /^asking sharer for 'Library\\Album\\blob nebulon\.dat'$/m);
    assert.equal(sha256(readFileSync(join(to, 'blob nebulon.dat'))), sha256(BLOB));
  });

  test('slsk get searches the network, picks the file and downloads it', async () => {
    const to = downloadDir('get');
    const result = await slsk(['get', 'nebulon', '--to', to, '--max', '1', '--timeout', '20']);
    assertExit(result, 0);
    assert.match(result.stderr, /picked 1 of 1: sharer {2}Library\\Album\\blob nebulon\.dat {2}\(48\.8 KiB; free slot/);
    assert.equal(result.stdout, `${join(to, 'blob nebulon.dat')}\n`);
    assert.equal(sha256(readFileSync(join(to, 'blob nebulon.dat'))), sha256(BLOB));
  });

  test('slsk get exits 1 when nothing is found', async () => {
    const result = await slsk(['get', 'nothingmatchesthisword', '--timeout', '1', '--to', downloadDir('nothing')]);
    assertExit(result, 1);
    assert.match(result.stderr, /nothing found for "nothingmatchesthisword"/);
  });

  test('a path that is not shared is refused with "File not shared."', async () => {
    const to = downloadDir('missing');
    const result = await slsk(['download', SHARER, 'Library\\no such file.txt', '--to', to, '--json']);
    assertExit(result, 1);
    assert.match(result.stderr, /could not download 'Library\\no such file\.txt' from sharer: File not shared\./);
    const done = jsonLines(result.stdout).at(-1);
    assert.equal(done?.['event'], 'done');
    assert.equal(done?.['state'], 'failed');
    assert.equal(done?.['reason'], 'File not shared.');
    assert.deepEqual(readdirSync(to), []);
  });

  test('paths that climb out of the share are refused, and nothing outside it is sent', async () => {
    for (const path of ['Library\\..\\secret.txt', 'Library\\Album\\..\\..\\secret.txt', `${root}\\secret.txt`, '..\\secret.txt']) {
      const to = downloadDir(`climb${++userCount}`);
      const result = await slsk(['download', SHARER, path, '--to', to]);
      assertExit(result, 1);
      assert.match(result.stderr, /File not shared\./, path);
      assert.equal(existsSync(join(to, 'secret.txt')), false, path);
    }
  });

  test('a user who is offline or unknown fails at once', async () => {
    const client = new Client({ listenHost: '127.0.0.1', reconnect: false, distributed: false });
    await client.login({ server: `127.0.0.1:${server.port}`, username: 'gone', password: 'pw' });
    await client.close();
    const offline = await slsk(['download', 'gone', 'Library\\notes.txt', '--to', downloadDir('offline')]);
    assertExit(offline, 1);
    assert.match(offline.stderr, /gone is offline/);
    const unknown = await slsk(['download', 'nobody-at-all', 'Library\\notes.txt', '--to', downloadDir('unknown')]);
    assertExit(unknown, 1);
    assert.match(unknown.stderr, /there is no user named "nobody-at-all"/);
  });

  test('slsk get --pick past the end of the ranking exits 1', async () => {
    const result = await slsk(['get', 'nebulon', '--pick', '2', '--max', '1', '--timeout', '20', '--to', downloadDir('pick')]);
    assertExit(result, 1);
    assert.match(result.stderr, /--pick 2, but only 1 file can be downloaded/);
  });

  test('slsk share --json prints its events as JSON Lines', async () => {
    const child = start(['share', join(shareDir, 'Album'), '--data', join(root, 'data-json'), '--json'], 'jsonsharer');
    const match = await child.waitFor(/^(\{"event":"online".*)\n/m);
    const online = JSON.parse(match[1]!) as Record<string, unknown>;
    assert.equal(online['username'], 'jsonsharer');
    assert.equal(online['files'], 2);
    assert.equal(typeof online['time'], 'number');
    child.process.kill('SIGINT');
    const result = await child.exited;
    assertExit(result, 0);
    const events = jsonLines(result.stdout)
      .map((event) => event['event'])
      .filter((event) => event !== 'scanProgress');
    assert.deepEqual([events[0], events.at(-2), events.at(-1)], ['scanDone', 'online', 'stopped']);
  });

  test('Ctrl-C stops a download with 130 and keeps the partial file; the same command resumes it', async () => {
    const uploader = await slowUploader('slowpoke', 300_000);
    const to = downloadDir('resume');
    const args = ['download', 'slowpoke', 'Slow\\slow.bin', '--to', to, '--json'];
    const first = start(args);
    await first.waitFor(/"event":"progress"[^\n]*"bytes":"[1-9]/);
    first.process.kill('SIGINT');
    const stopped = await first.exited;
    assertExit(stopped, 130);
    assert.match(stopped.stderr, /interrupted; the .* received so far stay in .*\.incomplete; the same command resumes from there/);
    const last = jsonLines(stopped.stdout).at(-1);
    assert.equal(last?.['event'], 'stopped');
    assert.equal(last?.['why'], 'interrupted');
    const partials = readdirSync(join(to, '.incomplete'));
    assert.equal(partials.length, 1);
    const kept = statSync(join(to, '.incomplete', partials[0]!)).size;
    assert.ok(kept > 0 && kept < SLOW.length, `partial file of ${kept} bytes`);

    uploader.setSpeedLimits({ uploadBytesPerSecond: 0 });
    const second = await slsk(args);
    assertExit(second, 0);
    const transferring = jsonLines(second.stdout).find((event) => event['event'] === 'state' && event['state'] === 'transferring');
    assert.ok(Number(transferring?.['offset']) >= kept, `resumed at ${String(transferring?.['offset'])}, had ${kept}`);
    assert.equal(sha256(readFileSync(join(to, 'slow.bin'))), sha256(SLOW));
    assert.deepEqual(readdirSync(to), ['slow.bin'], 'the emptied .incomplete folder is removed');
  });

  test('slsk download exits as soon as the file is in place, though the uploader keeps its connections open', async () => {
    const data = randomBytes(200_000);
    const { held, spareOpen } = await holdingUploader('keeper', 'Kept\\kept.bin', data);
    const to = downloadDir('kept');
    const child = start(['download', 'keeper', 'Kept\\kept.bin', '--to', to]);
    await child.waitFor(/kept\.bin\n/);
    await spareOpen;
    assert.equal(sha256(readFileSync(join(to, 'kept.bin'))), sha256(data));
    // The file is in place and the uploader has closed nothing: what is left for the command is to
    // exit, which waits on no connection (the spare one would be given 30 s to say what it is for).
    const exited = await Promise.race([
      child.exited,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 5_000).unref()),
    ]);
    assert.ok(exited !== undefined, `slsk download was still running 5 s after the file was in place\nstderr:\n${child.stderr}`);
    assertExit(exited, 0);
    // Neither was ever ended or destroyed by the uploader (nothing above does): slsk exited on its own.
    assert.equal(held.length, 2, 'the uploader opened the file connection and a spare one');
  });

  test('a download still queued when --timeout runs out gives up with exit 1', async () => {
    // A client without a transfer manager never answers the queue request: we stay queued.
    await peer('silent');
    const result = await slsk(['download', 'silent', 'Music\\song.mp3', '--to', downloadDir('silent'), '--timeout', '1']);
    assertExit(result, 1);
    assert.match(result.stderr, /gave up after 1 s \(still queued with silent\); wait longer with --timeout SECONDS/);
  });

  test('Ctrl-C stops slsk share cleanly with exit 0', async () => {
    sharer.process.kill('SIGINT');
    const result = await sharer.exited;
    assertExit(result, 0);
    assert.match(result.stdout, /stopped: [1-9]\d* search(es)? answered, 1 browse, [1-9]\d* uploads done/);
    assert.equal(result.stderr, '');
    // The index and the upload list stay for the next run.
    assert.ok(existsSync(join(root, 'data', 'shares.sqlite')));
    assert.ok(existsSync(join(root, 'data', 'transfers.sqlite')));
  });
});
