// Folder downloads over real sockets: our server, a sharer made of the real SharesLibrary, Client
// and TransferManager, and a downloader with its own TransferManager. The whole tree comes over
// byte for byte under the folder's name; a second download of the folder fetches nothing (no
// PeerTransferQueue reaches the sharer); the file cap, an offline peer, a folder not shared and a
// hostile peer whose listing points outside the folder are refused.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from '../../src/client/index.ts';
import { downloadFolder, folderProgress, FolderDownloadError, whenFolderDone, type FolderDownloadDeps } from '../../src/daemon/downloads/index.ts';
import type { Folder } from '../../src/model/shares.ts';
import { SharesLibrary } from '../../src/shares/index.ts';
import type { TransferManager } from '../../src/transfers/index.ts';
import { loggedIn } from '../client/helpers.ts';
import { startServer, tempDir, type TestServer } from '../server/harness.ts';
import { writeTree } from '../shares/helpers.ts';
import { newManager, sha256, writeRandomFile } from '../transfers/helpers.ts';

const ALBUM = { 'Album/CD1/01.flac': 70_000, 'Album/CD2/01.flac': 50_000, 'Album/cover.jpg': 3_000 };

describe('folder downloads', () => {
  let server: TestServer;
  let root: string;
  let library: SharesLibrary;
  let sharer: Client;
  let sharerTransfers: TransferManager;
  let downloader: Client;
  let transfers: TransferManager;
  let deps: FolderDownloadDeps;
  const queued: string[] = [];
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    root = tempDir('slsk-folder-download-');
    server = await startServer();
    const music = join(root, 'sharer', 'music');
    await writeTree(music, { 'Other/x.mp3': 'x', 'Singles/a.mp3': 'a'.repeat(500), 'Singles/b.mp3': 'b'.repeat(600), 'Gone/kept.mp3': 'k', 'Gone/gone.mp3': 'g' });
    for (const [path, size] of Object.entries(ALBUM)) {
      await writeTree(music, { [`${path}.tmp`]: '' });
      rmSync(join(music, `${path}.tmp`));
      writeRandomFile(join(music, path), size);
    }
    library = await SharesLibrary.open({ database: join(root, 'sharer', 'shares.db'), folders: [{ path: music, name: 'Music' }] });
    await library.scan();
    sharer = await loggedIn(server.port, 'sharer');
    sharer.setSharesProvider(library.sharesProvider(() => false));
    sharer.on('peerMessage', ({ message }) => {
      if (message.name === 'PeerTransferQueue') queued.push(message.filename);
    });
    sharerTransfers = newManager(sharer, join(root, 'sharer'), { resolveUpload: (path) => library.resolve(path, { buddy: false }) });
    await sharerTransfers.start();
    downloader = await loggedIn(server.port, 'downloader');
    transfers = newManager(downloader, join(root, 'downloader'));
    await transfers.start();
    deps = { client: downloader, transfers, downloadsDir: transfers.downloadDir };
  });

  after(async () => {
    await transfers.close();
    await sharerTransfers.close();
    for (const close of closers) await close();
    await downloader.close();
    await sharer.close();
    await library.close();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** A logged-in client that shares what `provider` says, closed after the block. */
  async function hostile(name: string, shares: () => Promise<{ folders: Folder[]; lockedFolders: Folder[] }>, folder: (directory: string) => Folder | undefined): Promise<Client> {
    const client = await loggedIn(server.port, name);
    closers.push(() => client.close());
    client.setSharesProvider({ shares, folder: (_requester, directory) => folder(directory) });
    return client;
  }

  const sharedFile = (name: string, size: number) => ({ filename: name, size: BigInt(size), extension: '', locked: false, attributes: [] });

  test('a folder with subfolders comes over byte-identical under the folder name', async () => {
    const group = await downloadFolder(deps, { username: 'sharer', folder: 'Music\\Album\\' });
    assert.equal(group.folder, 'Music\\Album');
    assert.equal(group.source, 'browse');
    assert.deepEqual(group.refused, []);
    assert.deepEqual(
      group.files.map((f) => [f.remotePath, f.destination, f.status, f.size]).sort(),
      [
        ['Music\\Album\\CD1\\01.flac', 'Album/CD1/01.flac', 'enqueued', 70_000n],
        ['Music\\Album\\CD2\\01.flac', 'Album/CD2/01.flac', 'enqueued', 50_000n],
        ['Music\\Album\\cover.jpg', 'Album/cover.jpg', 'enqueued', 3_000n],
      ],
    );
    const summary = await whenFolderDone(transfers, group, { signal: AbortSignal.timeout(30_000) });
    assert.equal(summary.complete, true);
    assert.equal(summary.finished, true);
    assert.deepEqual(summary.counts, { completed: 3 });
    assert.deepEqual(summary.failed, []);
    for (const path of Object.keys(ALBUM)) {
      assert.equal(await sha256(join(transfers.downloadDir, path)), await sha256(join(root, 'sharer', 'music', path)), path);
    }
    assert.deepEqual(readdirSync(transfers.downloadDir), ['Album']);
    assert.equal(queued.length, 3);
  });

  test('a second download of the folder recognises every file and asks the sharer for nothing', async () => {
    const before = queued.length;
    const group = await downloadFolder(deps, { username: 'sharer', folder: 'Music/Album' });
    assert.deepEqual(group.files.map((f) => f.status), ['already-present', 'already-present', 'already-present']);
    assert.ok(group.files.every((f) => f.transferId === undefined && f.presentAt !== undefined));
    const summary = await whenFolderDone(transfers, group);
    assert.equal(summary.complete, true);
    assert.deepEqual(summary.counts, { 'already-present': 3 });
    // The browse round trip is over, so any queue request would have reached the sharer before a
    // message sent after it: a user info request answered proves the connection is drained.
    await downloader.userInfo('sharer');
    assert.equal(queued.length, before);
  });

  test('a downloaded file deleted since is fetched again, the others are not', async () => {
    rmSync(join(transfers.downloadDir, 'Album', 'CD2', '01.flac'));
    const before = queued.length;
    const group = await downloadFolder(deps, { username: 'sharer', folder: 'Music\\Album' });
    assert.deepEqual(group.files.filter((f) => f.status === 'enqueued').map((f) => f.remotePath), ['Music\\Album\\CD2\\01.flac']);
    const summary = await whenFolderDone(transfers, group, { signal: AbortSignal.timeout(30_000) });
    assert.deepEqual(summary.counts, { completed: 1, 'already-present': 2 });
    assert.deepEqual(queued.slice(before), ['Music\\Album\\CD2\\01.flac']);
    assert.equal(await sha256(join(transfers.downloadDir, 'Album', 'CD2', '01.flac')), await sha256(join(root, 'sharer', 'music', 'Album', 'CD2', '01.flac')));
  });

  test('a subfolder and a layout are applied to every file', async () => {
    const group = await downloadFolder(deps, { username: 'sharer', folder: 'Music\\Other', layout: 'by-user', subfolder: 'batch/7' });
    assert.deepEqual(group.files.map((f) => [f.destination, f.status]), [['batch/7/sharer/Other/x.mp3', 'enqueued']]);
    assert.deepEqual((await whenFolderDone(transfers, group, { signal: AbortSignal.timeout(30_000) })).counts, { completed: 1 });
    assert.ok(existsSync(join(transfers.downloadDir, 'batch', '7', 'sharer', 'Other', 'x.mp3')));
  });

  test('a file completed before is recognised where it landed, even when this download would put it elsewhere', async () => {
    const group = await downloadFolder(deps, { username: 'sharer', folder: 'Music\\Album\\CD1', subfolder: 'elsewhere' });
    assert.deepEqual(group.files.map((f) => [f.destination, f.status, f.presentAt]), [
      ['elsewhere/CD1/01.flac', 'already-present', join(transfers.downloadDir, 'Album', 'CD1', '01.flac')],
    ]);
  });

  test('a file already at its destination with the same size is recognised; one of another size is downloaded', async () => {
    await writeTree(join(transfers.downloadDir, 'Singles'), { 'a.mp3': 'a'.repeat(500), 'b.mp3': 'b'.repeat(599) });
    const before = queued.length;
    const group = await downloadFolder(deps, { username: 'sharer', folder: 'Music\\Singles\\' });
    assert.deepEqual(group.files.map((f) => [f.remotePath, f.status, f.presentAt]), [
      ['Music\\Singles\\a.mp3', 'already-present', join(transfers.downloadDir, 'Singles', 'a.mp3')],
      ['Music\\Singles\\b.mp3', 'enqueued', undefined],
    ]);
    const summary = await whenFolderDone(transfers, group, { signal: AbortSignal.timeout(30_000) });
    assert.deepEqual(summary.counts, { 'already-present': 1, completed: 1 });
    assert.deepEqual(queued.slice(before), ['Music\\Singles\\b.mp3']);
  });

  test('a file the sharer refuses fails the group, listed with its reason; the others complete', async () => {
    // Shared when scanned, deleted since: the sharer answers "File not shared.", a final refusal.
    rmSync(join(root, 'sharer', 'music', 'Gone', 'gone.mp3'));
    const group = await downloadFolder(deps, { username: 'sharer', folder: 'Music\\Gone' });
    const summary = await whenFolderDone(transfers, group, { signal: AbortSignal.timeout(30_000) });
    assert.equal(summary.finished, true);
    assert.equal(summary.complete, false);
    assert.deepEqual(summary.counts, { completed: 1, failed: 1 });
    assert.deepEqual(summary.failed, [{ remotePath: 'Music\\Gone\\gone.mp3', state: 'failed', reason: 'File not shared.' }]);
  });

  test('more files than the cap: refused before anything is enqueued', async () => {
    const count = transfers.list().length;
    await assert.rejects(downloadFolder(deps, { username: 'sharer', folder: 'Music\\Album', maxFiles: 2, layout: 'flat' }), (error: unknown) => {
      assert.ok(error instanceof FolderDownloadError);
      assert.equal(error.code, 'too-many-files');
      assert.match(error.message, /3 files, more than 2 .*download its subfolders one by one/);
      return true;
    });
    assert.equal(transfers.list().length, count);
  });

  test('files deeper than the depth limit are refused, the rest downloaded', async () => {
    const group = await downloadFolder(deps, { username: 'sharer', folder: 'Music\\Album', maxDepth: 0, subfolder: 'depth' });
    assert.deepEqual(group.files.map((f) => [f.remotePath, f.status]), [['Music\\Album\\cover.jpg', 'already-present']]);
    assert.deepEqual(group.refused.map((r) => [r.remotePath, r.code]).sort(), [
      ['Music\\Album\\CD1\\01.flac', 'too-deep'],
      ['Music\\Album\\CD2\\01.flac', 'too-deep'],
    ]);
    assert.equal((await whenFolderDone(transfers, group)).complete, true);
  });

  test('an offline user, a folder not shared, a bad subfolder: typed errors that say what to do', async () => {
    await assert.rejects(downloadFolder(deps, { username: 'nobody-here', folder: 'Music\\Album' }), { name: 'FolderDownloadError', code: 'peer-offline', message: /nobody-here is offline: try .* again when they are online/ });
    await assert.rejects(downloadFolder(deps, { username: 'sharer', folder: 'Music\\Nope\\' }), { code: 'not-shared', message: /does not share a folder "Music\\\\Nope".*browse their shares/ });
    await assert.rejects(downloadFolder(deps, { username: 'sharer', folder: '\\' }), { code: 'bad-folder' });
    await assert.rejects(downloadFolder(deps, { username: 'sharer', folder: 'Music\\Album', subfolder: '../up' }), { name: 'DestinationError', code: 'bad-subfolder' });
  });

  test('a peer that never lists its shares: a timeout error, nothing enqueued', async () => {
    let release = (): void => {};
    await hostile('silent', () => new Promise((resolve) => (release = () => resolve({ folders: [], lockedFolders: [] }))), () => undefined);
    const impatient = await loggedIn(server.port, 'impatient', { timeouts: { peerReplyMs: 300 } });
    closers.push(() => impatient.close());
    try {
      await assert.rejects(downloadFolder({ ...deps, client: impatient }, { username: 'silent', folder: 'Music\\Album' }), { code: 'timeout', message: /silent did not list their shares in time.*try again later/ });
    } finally {
      release();
    }
  });

  test('a hostile listing: names with .. and folders outside the one asked for are refused', async () => {
    await hostile(
      'hostile',
      async () => ({
        folders: [
          { name: 'Music\\Album', files: [sharedFile('good.mp3', 10), sharedFile('..\\..\\evil.sh', 10), sharedFile('good.mp3', 10)] },
          { name: 'Music\\Album\\..\\..\\etc', files: [sharedFile('passwd', 10)] },
          { name: 'Music\\Albums', files: [sharedFile('next door.mp3', 10)] },
          { name: 'Other', files: [sharedFile('x.mp3', 10)] },
        ],
        lockedFolders: [],
      }),
      () => undefined,
    );
    const group = await downloadFolder(deps, { username: 'hostile', folder: 'Music\\Album\\', subfolder: 'hostile' });
    assert.deepEqual(group.files.map((f) => [f.remotePath, f.destination]), [['Music\\Album\\good.mp3', 'hostile/Album/good.mp3']]);
    assert.deepEqual(group.refused.map((r) => [r.remotePath, r.code]), [
      ['Music\\Album\\..\\..\\evil.sh', 'not-in-folder'],
      ['Music\\Album\\..\\..\\etc\\passwd', 'not-in-folder'],
    ]);
    assert.deepEqual(folderProgress(transfers, group).counts.completed ?? 0, 0);
  });

  test('a peer that lists the folder only when asked for it: its files are downloaded, without subfolders; a buddies-only folder says so', async () => {
    await hostile('folder-only', async () => ({ folders: [], lockedFolders: [] }), (directory) => (directory === 'Music\\Live' ? { name: directory, files: [sharedFile('01.mp3', 10)] } : undefined));
    const group = await downloadFolder(deps, { username: 'folder-only', folder: 'Music/Live/' });
    assert.equal(group.source, 'folder-request');
    assert.deepEqual(group.files.map((f) => [f.remotePath, f.destination, f.status]), [['Music\\Live\\01.mp3', 'Live/01.mp3', 'enqueued']]);

    await hostile('buddies-only', async () => ({ folders: [], lockedFolders: [{ name: 'Music\\Private', files: [sharedFile('x.mp3', 10)] }] }), () => undefined);
    await assert.rejects(downloadFolder(deps, { username: 'buddies-only', folder: 'Music\\Private' }), { code: 'locked', message: /buddies only: ask them to add you as a buddy/ });
  });

  test('a hostile folder reply naming another folder is refused file by file', async () => {
    await hostile(
      'hostile2',
      async () => ({ folders: [], lockedFolders: [] }),
      () => ({ name: 'C:\\Windows\\System32', files: [sharedFile('cmd.exe', 10)] }),
    );
    const count = transfers.list().length;
    await assert.rejects(downloadFolder(deps, { username: 'hostile2', folder: 'Music\\Album' }), {
      code: 'not-shared',
      message: /1 files refused: "C:\\\\Windows\\\\System32\\\\cmd.exe" is not inside the folder being downloaded/,
    });
    assert.equal(transfers.list().length, count);
  });
});
