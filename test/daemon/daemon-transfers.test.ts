// The daemon's transfer service over real parts: our Soulseek server, a sharer (SharesLibrary,
// Client, TransferManager), a sharer with no free upload slot (its queue holds our downloads), and a
// downloader with its own TransferManager, DaemonStore (daemon.sqlite) and DaemonTransfers behind
// the real HTTP server. One file, a selection and a whole folder come over byte for byte where the
// layout puts them; the list groups them with totals; hostile paths are refused with the field
// named; place, cancel, retry, remove and clear act on the real manager; after a restart the folder
// is still one group with its progress, read without the transfer history being scanned again.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Client } from '../../src/client/index.ts';
import { createDaemonClient, type DaemonApiError, type DaemonClient } from '../../src/daemon/client.ts';
import { EventHub, type DaemonEvent } from '../../src/daemon/events/index.ts';
import type { DaemonServices } from '../../src/daemon/http/services.ts';
import { DaemonStore } from '../../src/daemon/store/index.ts';
import { DaemonTransfers, planDownloads } from '../../src/daemon/transfers/index.ts';
import { SharesLibrary } from '../../src/shares/index.ts';
import type { DestinationLayout } from '../../src/transfers/destination.ts';
import type { TransferManager } from '../../src/transfers/index.ts';
import { Recorder } from '../support/recorder.ts';
import { KEYS, MemoryServices, startFixture } from './http-fixture.ts';
import { newManager, record, sha256, transferTestbed, writeRandomFile, type Side, type TransferEvent } from '../transfers/helpers.ts';

const SHARED = { 'Album/CD1/01.flac': 70_000, 'Album/CD2/01.flac': 50_000, 'Album/cover.jpg': 3_000, 'Singles/a.mp3': 40_000, 'Singles/b.mp3': 30_000, 'Singles/c.mp3': 20_000 };

/** The hub's events as a test reads them: an SSE sink parsed back into events. */
function hubEvents(hub: EventHub): Recorder<DaemonEvent> {
  const events = new Recorder<DaemonEvent>(30_000);
  hub.subscribe({
    write: (chunk) => {
      for (const m of chunk.matchAll(/^id: (\d+)\nevent: (\w+)\ndata: (.*)$/gm)) events.push({ id: Number(m[1]), event: m[2], data: JSON.parse(m[3]!) } as DaemonEvent);
      return true;
    },
    onDrain: () => {},
  });
  return events;
}

describe('the daemon transfer service', () => {
  const bed = transferTestbed('daemon-transfers', { progressIntervalMs: 0 });
  let library: SharesLibrary;
  let sharer: Client;
  let sharerRoot: string;
  let slowpoke: Side;
  let downloaderClient: Client;
  let root: string;
  let manager: TransferManager;
  let managerEvents: Recorder<TransferEvent>;
  let store: DaemonStore;
  let transfers: DaemonTransfers;
  const hub = new EventHub();
  const events = hubEvents(hub);
  let layoutSetting: DestinationLayout = 'remote-parent';
  let folderId = '';

  function open(): void {
    manager = bed.keep(newManager(downloaderClient, root, { progressIntervalMs: 0 }));
    managerEvents = record(manager);
    store = DaemonStore.open(join(root, 'data'));
    transfers = new DaemonTransfers({ manager, client: downloaderClient, folders: store.folders, hub, downloadsDir: manager.downloadDir, layout: () => layoutSetting });
  }

  async function api(t: TestContext): Promise<DaemonClient> {
    const services = Object.assign(Object.create(new MemoryServices()) as MemoryServices, { transfers, events: hub }) as unknown as DaemonServices;
    const f = await startFixture(t, { services });
    return createDaemonClient({ baseUrl: f.url, apiKey: KEYS.write });
  }

  before(async () => {
    const sharerSide = await bed.side('sharer');
    sharer = sharerSide.client;
    sharerRoot = sharerSide.root;
    const music = join(sharerRoot, 'music');
    for (const [path, size] of Object.entries(SHARED)) {
      mkdirSync(dirname(join(music, path)), { recursive: true });
      writeRandomFile(join(music, path), size);
    }
    library = await SharesLibrary.open({ database: join(sharerRoot, 'shares.db'), folders: [{ path: music, name: 'Music' }] });
    await library.scan();
    sharer.setSharesProvider(library.sharesProvider(() => false));
    // The testbed's manager shares `shared/`; this one serves the library, as the daemon does.
    await sharerSide.manager.close();
    const served = bed.keep(newManager(sharer, join(sharerRoot, 'served'), { resolveUpload: (path) => library.resolve(path, { buddy: false }) }));
    await served.start();
    slowpoke = await bed.side('slowpoke', { uploadSlots: 0 });
    for (const name of ['x.mp3', 'y.mp3', 'z1.mp3', 'z2.mp3']) writeRandomFile(join(slowpoke.shared, name), 1000);
    // Its shares listing (for a folder download) holds the z files only.
    const listed = (name: string) => ({ filename: name, size: 1000n, extension: 'mp3', locked: false, attributes: [] });
    slowpoke.client.setSharesProvider({ shares: async () => ({ folders: [{ name: '@@share', files: [listed('z1.mp3'), listed('z2.mp3')] }], lockedFolders: [] }), folder: () => undefined });
    downloaderClient = await bed.client('downloader');
    root = bed.root('slsk-daemon-transfers-downloader-');
    open();
    await manager.start();
    transfers.load();
  });

  after(async () => {
    transfers.close();
    await manager.close();
    store.close();
    hub.close();
    await library.close();
  });

  const disk = (path: string): Promise<string> => sha256(join(manager.downloadDir, path));
  const source = (path: string): Promise<string> => sha256(join(sharerRoot, 'music', path));

  test('one file lands by downloads.layout, a selection by the layout and subfolder asked for; the list groups them with totals', async (t) => {
    const client = await api(t);
    const { transfers: [single] } = await client.enqueueDownloads({ body: { username: 'sharer', files: [{ filename: 'Music\\Singles\\a.mp3', size: 40_000 }] } });
    layoutSetting = 'flat'; // read at each request: the selection below asks for by-user anyway
    const selection = await client.enqueueDownloads({ body: { username: 'sharer', files: [{ filename: 'Music\\Singles\\b.mp3' }, { filename: 'Music\\Singles\\c.mp3' }], layout: 'by-user', subfolder: 'picked/today' } });
    for (const id of [single!.id, ...selection.transfers.map((x) => x.id)]) {
      await managerEvents.wait((e) => e.event === 'transferDone' && e.transfer.id === id, `download ${id}`);
    }
    layoutSetting = 'remote-parent';
    assert.equal(await disk('Singles/a.mp3'), await source('Singles/a.mp3'));
    assert.equal(await disk('picked/today/sharer/Singles/b.mp3'), await source('Singles/b.mp3'));
    assert.equal(await disk('picked/today/sharer/Singles/c.mp3'), await source('Singles/c.mp3'));

    const list = await client.transfers({ query: { direction: 'download' } });
    assert.deepEqual(list.users.map((u) => [u.username, u.folders.map((g) => [g.folder, g.folderId, g.totals])]), [
      ['sharer', [['Music\\Singles', undefined, { files: 3, bytes: 90_000, bytesTransferred: 90_000, speed: 0, states: { completed: 3 } }]]],
    ]);
    const one = await client.transfer({ params: { id: single!.id } });
    assert.deepEqual([one.state, one.bytesTransferred, one.localPath], ['completed', 40_000, join(manager.downloadDir, 'Singles', 'a.mp3')]);

    // Asked for again, a file still on disk is recognised: the completed transfer answers, nothing is fetched.
    const again = await client.enqueueDownloads({ body: { username: 'sharer', files: [{ filename: 'Music\\Singles\\a.mp3' }] } });
    assert.deepEqual(again.transfers.map((x) => [x.id, x.state]), [[single!.id, 'completed']]);
    assert.equal(manager.list({ direction: 'download' }).length, 3);
    // Once the file is gone it is fetched again, to the same place.
    rmSync(join(manager.downloadDir, 'Singles', 'a.mp3'));
    const [refetch] = (await client.enqueueDownloads({ body: { username: 'sharer', files: [{ filename: 'Music\\Singles\\a.mp3' }] } })).transfers;
    assert.notEqual(refetch!.id, single!.id);
    await managerEvents.wait((e) => e.event === 'transferDone' && e.transfer.id === refetch!.id, 'the download fetched again');
    assert.equal(await disk('Singles/a.mp3'), await source('Singles/a.mp3'));
    await client.removeTransfer({ params: { id: refetch!.id } });
  });

  test('hostile paths are refused with 400 naming the field; cleaned ones stay inside the downloads folder', async (t) => {
    const client = await api(t);
    const refused = async (body: Parameters<DaemonClient['enqueueDownloads']>[0]['body'], field: string): Promise<void> => {
      await assert.rejects(client.enqueueDownloads({ body }), (e: DaemonApiError) => e.status === 400 && e.field === field, JSON.stringify(body));
    };
    const before = transfers.index.size;
    await refused({ username: 'sharer', files: [{ filename: 'Music\\..\\..\\..\\etc\\passwd' }] }, '/body/files/0/filename');
    await refused({ username: 'sharer', files: [{ filename: 'Music\\ok.mp3' }, { filename: 'Music/../x.mp3' }] }, '/body/files/1/filename');
    await refused({ username: 'sharer', files: [{ filename: 'Music\\a\u0000.mp3' }] }, '/body/files/0/filename');
    await refused({ username: 'sharer', files: [{ filename: 'Music\\Folder\\' }] }, '/body/files/0/filename');
    for (const subfolder of ['../up', '/etc', 'C:\\Windows', 'c:evil', 'a/../../b', '\\\\server\\share']) await refused({ username: 'sharer', files: [{ filename: 'Music\\x.mp3' }], subfolder }, '/body/subfolder');
    await assert.rejects(client.enqueueFolder({ body: { username: 'sharer', folder: 'Music\\Album', subfolder: '..' } }), (e: DaemonApiError) => e.status === 400 && e.field === '/body/subfolder');
    for (const folder of ['Music\\..\\..', '../Music', 'Music\\Al\u0000bum']) {
      await assert.rejects(client.enqueueFolder({ body: { username: 'sharer', folder } }), (e: DaemonApiError) => e.status === 400 && e.field === '/body/folder', folder);
    }
    assert.equal(transfers.index.size, before, 'nothing was enqueued');
    // What a peer may legitimately share (a drive letter, a leading slash) is cleaned, never followed out.
    for (const filename of ['C:\\Users\\me\\..hidden\\x.mp3', '/etc/passwd', '\\\\server\\share\\x.mp3', 'D:x.mp3']) {
      for (const layout of ['remote-parent', 'flat', 'by-user', 'album', 'mirror'] as const) {
        const [planned] = planDownloads(manager.downloadDir, { username: '../../root', files: [{ filename }], layout }, 'remote-parent');
        assert.ok(planned!.folder === manager.downloadDir || planned!.folder.startsWith(manager.downloadDir + '/'), `${filename} (${layout}) → ${planned!.folder}`);
      }
    }
  });

  test('a folder with subfolders is one group in the list, comes over byte for byte, and folderDone says so', async (t) => {
    const client = await api(t);
    const from = events.mark();
    const group = await client.enqueueFolder({ body: { username: 'sharer', folder: 'Music\\Album\\' } });
    folderId = group.id;
    assert.deepEqual(group.files.map((f) => [f.destination, f.state !== 'already-present']).sort(), [['Album/CD1/01.flac', true], ['Album/CD2/01.flac', true], ['Album/cover.jpg', true]]);
    const done = await events.wait((e) => e.event === 'folderDone' && e.data.id === group.id, 'folderDone', from);
    assert.deepEqual(done.data, { id: group.id, username: 'sharer', folder: 'Music\\Album', complete: true, counts: { completed: 3 } });
    for (const path of ['Album/CD1/01.flac', 'Album/CD2/01.flac', 'Album/cover.jpg']) assert.equal(await disk(path), await source(path), path);
    const list = await client.transfers({ query: { username: 'sharer', summary: true } });
    const album = list.users[0]!.folders.find((g) => g.folderId === group.id);
    assert.deepEqual(album, { folder: 'Music\\Album', folderId: group.id, totals: { files: 3, bytes: 123_000, bytesTransferred: 123_000, speed: 0, states: { completed: 3 } } });
    assert.equal((await client.folderDownload({ params: { id: group.id } })).complete, true);
    assert.equal(events.since(from).filter((e) => e.event === 'folderDone').length, 1, 'once');
  });

  test("place asks the uploader; cancel, retry and remove act on the manager's transfers", async (t) => {
    const client = await api(t);
    const { transfers: queued } = await client.enqueueDownloads({ body: { username: 'slowpoke', files: [{ filename: '@@share\\x.mp3' }, { filename: '@@share\\y.mp3' }] } });
    const [x, y] = queued.map((q) => q.id) as [string, string];
    for (const id of [x, y]) await managerEvents.wait((e) => e.event === 'transferState' && e.transfer.id === id && e.transfer.state === 'queued', `${id} queued with slowpoke`);
    await slowpoke.events.wait((e) => e.event === 'transferAdded' && e.transfer.filename === '@@share\\y.mp3', 'slowpoke queued y');
    assert.equal((await client.transferPlace({ params: { id: y } })).place, 2);
    assert.equal((await client.transferPlace({ params: { id: x } })).place, 1);

    assert.equal((await client.cancelTransfer({ params: { id: x } })).state, 'cancelled');
    await assert.rejects(client.transferPlace({ params: { id: x } }), (e: DaemonApiError) => e.status === 409 && e.code === 'not_queued');
    const again = await client.retryTransfer({ params: { id: x } });
    assert.ok(again.state === 'requesting' || again.state === 'queued', again.state);
    await client.removeTransfer({ params: { id: y } });
    await assert.rejects(client.transfer({ params: { id: y } }), (e: DaemonApiError) => e.status === 404);
    assert.equal(manager.get(y), undefined, 'gone from the manager too');
    const list = await client.transfers({ query: { username: 'slowpoke' } });
    assert.deepEqual(list.users[0]!.folders.map((g) => g.transfers!.map((tr) => [tr.id, tr.state === 'requesting' ? 'queued' : tr.state])), [[[x, 'queued']]]);
  });

  test('a folder download is cancelled as one, then removed as one (transfers, group rows)', async (t) => {
    const client = await api(t);
    const group = await client.enqueueFolder({ body: { username: 'slowpoke', folder: '@@share' } });
    const ids = group.files.map((f) => f.transferId!);
    assert.deepEqual(group.files.map((f) => f.remotePath), ['@@share\\z1.mp3', '@@share\\z2.mp3']);
    for (const id of ids) await managerEvents.wait((e) => e.event === 'transferState' && e.transfer.id === id && e.transfer.state === 'queued', `${id} queued with slowpoke`);
    const from = events.mark();
    const cancelled = await client.cancelFolder({ params: { id: group.id } });
    assert.deepEqual([cancelled.finished, cancelled.complete, cancelled.counts], [true, false, { cancelled: 2 }]);
    const done = await events.wait((e) => e.event === 'folderDone' && e.data.id === group.id, 'folderDone', from);
    assert.deepEqual(done.data, { id: group.id, username: 'slowpoke', folder: '@@share', complete: false, counts: { cancelled: 2 } });
    assert.ok(store.folders.all().some((g) => g.id === group.id));
    await client.removeFolder({ params: { id: group.id } });
    for (const id of ids) assert.equal(manager.get(id), undefined);
    await assert.rejects(client.folderDownload({ params: { id: group.id } }), (e: DaemonApiError) => e.status === 404);
    assert.ok(!store.folders.all().some((g) => g.id === group.id), 'the group rows are gone');
  });

  test('after a restart the folder is still one group with its progress, and reads never scan the history', async (t) => {
    transfers.close();
    await manager.close();
    store.close();
    open();
    await manager.start();
    transfers.load();
    const client = await api(t);
    const rowsRead = manager.costs().rowsRead;
    const list = await client.transfers({ query: { username: 'sharer', summary: true } });
    assert.deepEqual(list.users[0]!.folders.map((g) => [g.folder, g.folderId, g.totals.files, g.totals.states]), [
      ['Music\\Album', folderId, 3, { completed: 3 }],
      ['Music\\Singles', undefined, 3, { completed: 3 }],
    ]);
    const folder = await client.folderDownload({ params: { id: folderId } });
    assert.deepEqual([folder.complete, folder.counts, folder.files.length], [true, { completed: 3 }, 3]);
    await client.transfers({ query: {} });
    assert.equal(manager.costs().rowsRead, rowsRead, 'the list and the folder are read from the index, not the store');
  });

  test('clear removes only finished transfers of the state asked; a folder whose transfers are all gone goes too', async (t) => {
    const client = await api(t);
    assert.deepEqual(await client.clearTransfers({ query: { state: 'cancelled' } }), { removed: 0 });
    assert.deepEqual(await client.clearTransfers({ query: { state: 'completed', username: 'sharer' } }), { removed: 6 });
    const left = await client.transfers({ query: {} });
    assert.deepEqual(left.users.map((u) => u.username), ['slowpoke'], "the slowpoke's queued download stays");
    await assert.rejects(client.folderDownload({ params: { id: folderId } }), (e: DaemonApiError) => e.status === 404);
    assert.deepEqual(store.folders.all(), [], 'the group rows are gone from daemon.sqlite');
  });

  test('a folder download that takes over a file queued earlier elsewhere shows where that file will land', async (t) => {
    const client = await api(t);
    const { transfers: [early] } = await client.enqueueDownloads({ body: { username: 'slowpoke', files: [{ filename: '@@share\\z1.mp3' }], layout: 'flat', subfolder: 'early' } });
    await managerEvents.wait((e) => e.event === 'transferState' && e.transfer.id === early!.id && e.transfer.state === 'queued', 'z1 queued with slowpoke');
    assert.equal(manager.get(early!.id)?.destination, join(manager.downloadDir, 'early'));
    const group = await client.enqueueFolder({ body: { username: 'slowpoke', folder: '@@share', layout: 'flat' } });
    assert.deepEqual(
      group.files.map((f) => [f.remotePath, f.transferId === early!.id, f.destination]),
      [
        ['@@share\\z1.mp3', true, 'early/z1.mp3'],
        ['@@share\\z2.mp3', false, 'z2.mp3'],
      ],
    );
    assert.deepEqual((await client.folderDownload({ params: { id: group.id } })).files.map((f) => f.destination), ['early/z1.mp3', 'z2.mp3']);
    await client.cancelFolder({ params: { id: group.id } });
    await client.removeFolder({ params: { id: group.id } });
  });
});
