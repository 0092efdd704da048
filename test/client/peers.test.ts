// Client to client through our server: searches of every kind with decoded attributes, browsing
// (locked folders too), folder contents, user info, connections made indirectly when a peer cannot
// be reached directly, obfuscated connections, and connection reuse.

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { PeerUnreachableError, type Client } from '../../src/client/index.ts';
import { startServer, type TestServer } from '../server/harness.ts';
import { loggedIn } from './helpers.ts';

const XTAL = { filename: '@@music\\Aphex Twin\\SAW 85-92\\01 - Xtal.mp3', size: 11_744_051n, bitrate: 320, duration: 293, vbr: false };
const JOGA = { filename: '@@music\\Björk\\Homogenic\\06 - Jóga.flac', size: 31_457_280n, duration: 305, sampleRate: 44_100, bitDepth: 16 };

function share(client: Client): void {
  client.setSearchResponder((search) => {
    const words = search.query.toLowerCase().split(/\s+/);
    const files = [XTAL, JOGA].filter((f) => words.every((w) => f.filename.toLowerCase().includes(w)));
    if (files.length === 0) return undefined;
    return { files, lockedFiles: words.includes('xtal') ? [{ ...XTAL, filename: '@@private\\Xtal (demo).mp3' }] : [], slotsFree: true, avgSpeed: 2048, queueLength: 3 };
  });
  client.setSharesProvider({
    shares: () => ({
      folders: [
        { name: '@@music\\Aphex Twin\\SAW 85-92', files: [{ ...XTAL, filename: '01 - Xtal.mp3', extension: 'mp3', locked: false, attributes: [] }] },
        { name: '@@music\\Empty', files: [] },
      ],
      lockedFolders: [{ name: '@@private', files: [{ ...XTAL, filename: 'Xtal (demo).mp3', extension: 'mp3', locked: true, attributes: [] }] }],
    }),
    folder: (_requester, directory) =>
      directory === '@@music\\Björk\\Homogenic' ? { name: directory, files: [{ ...JOGA, filename: '06 - Jóga.flac', extension: 'flac', locked: false, attributes: [] }] } : undefined,
  });
  client.setUserInfo({ description: 'I share music ♥', picture: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), uploadSlots: 2, queueLength: 3, slotsFree: false });
}

describe('client to client', () => {
  let s: TestServer;
  let searcher: Client;
  let sharer: Client;
  before(async () => {
    s = await startServer();
    searcher = await loggedIn(s.port, 'searcher');
    sharer = await loggedIn(s.port, 'sharer');
    share(sharer);
  });
  after(async () => {
    await searcher.close();
    await sharer.close();
    await s.close();
  });

  test('a network search streams replies with decoded attributes and locked files marked', async () => {
    const search = searcher.search('aphex xtal', { timeoutMs: 1500 });
    const seen = [];
    for await (const response of search) seen.push(response);
    assert.equal(search.endReason, 'timeout');
    assert.equal(seen.length, 1);
    const response = seen[0]!;
    assert.equal(response.username, 'sharer');
    assert.equal(response.slotsFree, true);
    assert.equal(response.avgSpeed, 2048);
    assert.equal(response.queueLength, 3);
    assert.deepEqual(
      response.files.map((f) => ({ filename: f.filename, size: f.size, bitrate: f.bitrate, duration: f.duration, vbr: f.vbr, locked: f.locked })),
      [
        { filename: XTAL.filename, size: XTAL.size, bitrate: 320, duration: 293, vbr: false, locked: false },
        { filename: '@@private\\Xtal (demo).mp3', size: XTAL.size, bitrate: 320, duration: 293, vbr: false, locked: true },
      ],
    );
  });

  test('lossless attributes, a result limit, and an abort', async () => {
    const limited = searcher.search('jóga', { timeoutMs: 5000, maxResults: 1 });
    const [response] = await limited.done;
    assert.equal(limited.endReason, 'limit');
    const file = response!.files[0]!;
    assert.deepEqual({ duration: file.duration, sampleRate: file.sampleRate, bitDepth: file.bitDepth, bitrate: file.bitrate }, { duration: 305, sampleRate: 44_100, bitDepth: 16, bitrate: undefined });

    const controller = new AbortController();
    const aborted = searcher.search('nothing matches this', { signal: controller.signal, timeoutMs: 60_000 });
    controller.abort();
    assert.deepEqual(await aborted.done, []);
    assert.equal(aborted.endReason, 'aborted');
  });

  test('user and room searches', async () => {
    const byUser = await searcher.search('xtal', { scope: { kind: 'user', username: 'sharer' }, maxResults: 1 }).done;
    assert.equal(byUser[0]?.username, 'sharer');
    await searcher.joinRoom('searchroom');
    await sharer.joinRoom('searchroom');
    const byRoom = await searcher.search('jóga', { scope: { kind: 'room', room: 'searchroom' }, maxResults: 1 }).done;
    assert.equal(byRoom[0]?.files[0]?.filename, JOGA.filename);
  });

  test('browse returns folders, empty ones and locked ones', async () => {
    const shares = await searcher.browse('sharer');
    assert.deepEqual(shares.folders.map((f) => [f.name, f.files.map((x) => x.filename)]), [
      ['@@music\\Aphex Twin\\SAW 85-92', ['01 - Xtal.mp3']],
      ['@@music\\Empty', []],
    ]);
    assert.deepEqual(shares.lockedFolders.map((f) => [f.name, f.files[0]?.locked]), [['@@private', true]]);
    assert.equal(shares.folders[0]?.files[0]?.bitrate, 320);
  });

  test('a folder’s contents and user info', async () => {
    const folders = await searcher.folder('sharer', '@@music\\Björk\\Homogenic');
    assert.equal(folders[0]?.files[0]?.filename, '06 - Jóga.flac');
    assert.deepEqual(await searcher.folder('sharer', '@@nope'), []);
    const info = await searcher.userInfo('sharer');
    assert.deepEqual(info, {
      username: 'sharer',
      description: 'I share music ♥',
      picture: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      uploadSlots: 2,
      queueLength: 3,
      slotsFree: false,
      uploadPermissions: 1,
    });
  });

  test('one P connection per peer is reused', async () => {
    await searcher.userInfo('sharer');
    await searcher.browse('sharer');
    const toSharer = searcher.peerConnections().filter((c) => c.username === 'sharer');
    assert.ok(toSharer.length >= 1 && toSharer.length <= 2, `connections: ${toSharer.length}`);
  });

  test('an offline user is reported unreachable at once', async () => {
    await assert.rejects(searcher.userInfo('nobody-online'), (error: unknown) => error instanceof PeerUnreachableError && /offline/.test(error.message));
  });
});

describe('connections', () => {
  test('a peer that cannot be reached directly is reached indirectly (it connects back)', async () => {
    const s = await startServer();
    // A port with nothing listening: the direct attempt is refused, only ConnectToPeer can work.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const hidden = await loggedIn(s.port, 'hidden', { announcePort: deadPort });
    const asker = await loggedIn(s.port, 'asker');
    try {
      hidden.setUserInfo({ description: 'behind a firewall' });
      const info = await asker.userInfo('hidden');
      assert.equal(info.description, 'behind a firewall');
      const [connection] = asker.peerConnections().filter((c) => c.username === 'hidden');
      assert.ok(connection !== undefined);
    } finally {
      await hidden.close();
      await asker.close();
      await s.close();
    }
  });

  test('peers that both support obfuscation talk over the obfuscated port', async () => {
    const s = await startServer();
    const a = await loggedIn(s.port, 'obf-a', { obfuscatedListenPort: 0 });
    const b = await loggedIn(s.port, 'obf-b', { obfuscatedListenPort: 0 });
    try {
      b.setUserInfo({ description: 'obfuscated hello' });
      assert.equal((await a.userInfo('obf-b')).description, 'obfuscated hello');
      const connection = a.peerConnections().find((c) => c.username === 'obf-b');
      assert.equal(connection?.obfuscated, true);
    } finally {
      await a.close();
      await b.close();
      await s.close();
    }
  });
});
