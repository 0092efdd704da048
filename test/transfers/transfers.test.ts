// Transfers between two real Clients through our server, over 127.0.0.1, with real files and a
// real SQLite transfer list: byte-identical downloads, the upload queue (one slot, places in the
// queue), refusals, the legacy request, resuming past 4 GiB, persistence across a restart,
// cancelling, and file names a peer cannot use to escape the download folder.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { truncate } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { TransferRefusal, type PeerMessageOf } from '../../src/protocol/index.ts';
import { readExactly } from '../../src/transfers/file-io.ts';
import { incompletePathFor, type Transfer } from '../../src/transfers/index.ts';
import { tempDir } from '../server/harness.ts';
import { done, newManager, record, sha256, stateOf, transferTestbed, virtual, writeRandomFile, type Side } from './helpers.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

describe('transfers between two clients', () => {
  const testbed = transferTestbed('transfers');
  const side = testbed.side;

  test('downloads arrive byte-identical (an empty file too), and never overwrite a file', async () => {
    const up = await side('alice');
    const down = await side('bob');
    const files = [
      { name: 'Björk - Jóga ♥.flac', size: 3 * MiB + 17 },
      { name: 'empty.txt', size: 0 },
      { name: 'small.bin', size: 1000 },
    ];
    for (const f of files) writeRandomFile(join(up.shared, f.name), f.size);

    const started = files.map((f) => down.manager.download(up.name, virtual(f.name)));
    for (const [i, transfer] of started.entries()) {
      const result = await done(down.events, transfer.id);
      const file = files[i]!;
      assert.equal(result.state, 'completed', `${file.name}: ${result.reason}`);
      assert.equal(result.size, BigInt(file.size));
      assert.equal(result.bytes, BigInt(file.size));
      assert.equal(result.localPath, join(down.manager.downloadDir, file.name));
      assert.equal(await sha256(result.localPath!), await sha256(join(up.shared, file.name)), file.name);
    }
    // The partial files are gone; the uploader's side completed too.
    assert.deepEqual(readdirSync(down.manager.incompleteDir), []);
    for (const f of files) {
      const upload = await up.events.wait((e) => e.event === 'transferDone' && e.transfer.filename === virtual(f.name), `upload of ${f.name} done`);
      assert.equal(upload.transfer.state, 'completed', f.name);
    }

    // The same file again lands next to the first as "name (1).ext".
    const again = down.manager.download(up.name, virtual('small.bin'));
    const second = await done(down.events, again.id);
    assert.equal(second.state, 'completed');
    assert.equal(second.localPath, join(down.manager.downloadDir, 'small (1).bin'));
    assert.equal(await sha256(second.localPath!), await sha256(join(up.shared, 'small.bin')));

    // The uploader reported its speed after each upload; the server averaged it.
    const stats = await up.client.userStats(up.name);
    assert.ok(stats.avgSpeed > 0, `average speed ${stats.avgSpeed}`);
  });

  test('one slot: three files are sent one at a time, and the queue tells each its place', async () => {
    const up = await side('carol', { uploadSlots: 1, speedLimits: { uploadBytesPerSecond: 1.5 * MiB } });
    const down = await side('dave');
    const names = ['one.bin', 'two.bin', 'three.bin'];
    for (const name of names) writeRandomFile(join(up.shared, name), 768 * 1024);

    let active = 0;
    let mostActive = 0;
    up.manager.on('transferState', (t, previous) => {
      const isActive = (s: string) => s === 'requesting' || s === 'connecting' || s === 'transferring';
      active += Number(isActive(t.state)) - Number(isActive(previous));
      mostActive = Math.max(mostActive, active);
    });

    const downloads = names.map((name) => down.manager.download(up.name, virtual(name)));
    // While the first is on its way the other two wait, in the order they were asked for.
    await stateOf(up.events, (t) => t.filename === virtual('one.bin') && t.state === 'transferring', 'the first upload transferring');
    assert.deepEqual(up.manager.uploadQueue().map((t) => t.filename), [virtual('two.bin'), virtual('three.bin')]);
    assert.equal(await down.manager.placeInQueue(downloads[1]!.id, { timeoutMs: 5000 }), 1);
    assert.equal(await down.manager.placeInQueue(downloads[2]!.id, { timeoutMs: 5000 }), 2);
    assert.equal(down.manager.get(downloads[2]!.id)!.place, 2);

    for (const d of downloads) assert.equal((await done(down.events, d.id)).state, 'completed');
    const order = down.events.items.filter((e) => e.event === 'transferDone').map((e) => basename(e.transfer.localPath ?? ''));
    assert.deepEqual(order, names);
    assert.equal(mostActive, 1, 'never more than one upload at a time');
    for (const name of names) assert.equal(await sha256(join(down.manager.downloadDir, name)), await sha256(join(up.shared, name)));
  });

  test('refusals reach the downloader as failed with the exact reason', async () => {
    const banned = new Set<string>();
    const up = await side('erin', {
      uploadSlots: 0,
      limits: { maxQueuedFilesPerUser: 2, maxQueuedMegabytesPerUser: 1 },
      isBanned: (user) => banned.has(user),
    });
    const frank = await side('frank', { retry: { initialDelayMs: 60_000, maxDelayMs: 60_000, maxAttempts: 3 } });
    const grace = await side('grace', { retry: { initialDelayMs: 60_000, maxDelayMs: 60_000, maxAttempts: 3 } });
    writeRandomFile(join(up.shared, 'small1.bin'), 100_000);
    writeRandomFile(join(up.shared, 'small2.bin'), 100_000);
    writeRandomFile(join(up.shared, 'small3.bin'), 100_000);
    writeRandomFile(join(up.shared, 'big.bin'), 2 * MiB);

    const failed = async (s: Side, transfer: Transfer): Promise<Transfer> =>
      stateOf(s.events, (t) => t.id === transfer.id && t.state === 'failed', `${transfer.filename} failed`);
    const queuedUp = (user: string, name: string) =>
      up.events.wait((e) => e.event === 'transferAdded' && e.transfer.username === user && e.transfer.filename === virtual(name), `${name} queued`);

    const missing = await failed(frank, frank.manager.download(up.name, virtual('missing.bin')));
    assert.equal(missing.reason, TransferRefusal.fileNotShared);
    assert.equal(missing.retryAt, undefined, 'not shared is final');
    // Anything outside the shares is not shared either.
    const escape = await failed(frank, frank.manager.download(up.name, `${virtual('..')}\\..\\transfers.db`));
    assert.equal(escape.reason, TransferRefusal.fileNotShared);

    frank.manager.download(up.name, virtual('small1.bin'));
    await queuedUp('frank', 'small1.bin');
    frank.manager.download(up.name, virtual('small2.bin'));
    await queuedUp('frank', 'small2.bin');
    const tooMany = await failed(frank, frank.manager.download(up.name, virtual('small3.bin')));
    assert.equal(tooMany.reason, TransferRefusal.tooManyFiles);
    assert.ok(tooMany.retryAt !== undefined, '"Too many files" means still queued: asked again later');
    frank.manager.cancel(tooMany.id);

    const big = grace.manager.download(up.name, virtual('big.bin'));
    await queuedUp('grace', 'big.bin');
    const tooBig = await failed(grace, grace.manager.download(up.name, virtual('small1.bin')));
    assert.equal(tooBig.reason, TransferRefusal.tooManyMegabytes);
    assert.ok(tooBig.retryAt !== undefined);
    grace.manager.cancel(tooBig.id);

    // Banned comes before everything, even a file already queued.
    banned.add('grace');
    const refusedBig = await failed(grace, grace.manager.retry(big.id)!);
    assert.equal(refusedBig.reason, TransferRefusal.banned);
    const refused = await failed(grace, grace.manager.download(up.name, virtual('small2.bin')));
    assert.equal(refused.reason, TransferRefusal.banned);
    assert.equal(refused.retryAt, undefined);

    assert.deepEqual(up.manager.uploadQueue().map((t) => `${t.username} ${t.filename}`), [
      `frank ${virtual('small1.bin')}`,
      `grace ${virtual('big.bin')}`,
      `frank ${virtual('small2.bin')}`,
    ]);
  });

  test('the global speed limits hold, upload and download', async () => {
    const limit = MiB;
    const up = await side('peggy', { speedLimits: { uploadBytesPerSecond: limit } });
    const down = await side('quinn', { speedLimits: { downloadBytesPerSecond: limit } });
    writeRandomFile(join(up.shared, 'a.bin'), 1.5 * MiB);
    const first = await done(down.events, down.manager.download(up.name, virtual('a.bin')).id);
    assert.equal(first.state, 'completed', first.reason);
    // The burst is a quarter second's worth; the rest goes at the limit (the average speed includes the burst).
    const upload = (await up.events.wait((e) => e.event === 'transferDone', 'the upload done')).transfer;
    assert.equal(upload.state, 'completed');
    assert.ok(upload.speed <= limit * 1.3, `upload at ${upload.speed} B/s`);
    assert.ok(first.speed <= limit * 1.3, `download at ${first.speed} B/s`);
    const elapsed = first.finishedAt! - first.createdAt;
    assert.ok(elapsed >= 1000, `1.5 MiB at 1 MiB/s took ${elapsed} ms`);

    // Only the downloader limits now.
    up.manager.setSpeedLimits({ uploadBytesPerSecond: 0 });
    const second = await done(down.events, down.manager.download(up.name, virtual('a.bin')).id);
    assert.ok(second.speed <= limit * 1.3, `download at ${second.speed} B/s`);
    assert.ok(second.finishedAt! - second.createdAt >= 1000);
  });

  test('a legacy request is answered Queued, then served with our own offer', async () => {
    const up = await side('heidi');
    const down = await side('ivan');
    writeRandomFile(join(up.shared, 'old.bin'), 200_000);
    const transfer = down.manager.download(up.name, virtual('old.bin'), { legacy: true });
    const result = await done(down.events, transfer.id);
    assert.equal(result.state, 'completed', result.reason);
    assert.equal(await sha256(result.localPath!), await sha256(join(up.shared, 'old.bin')));
    // Never allowed straight away: the reply was Queued, and the file came through an offer.
    const states = down.events.items.filter((e) => e.event === 'transferState' && e.transfer.id === transfer.id).map((e) => e.transfer.state);
    assert.deepEqual(states, ['requesting', 'queued', 'connecting', 'transferring', 'completed']);
  });

  test('an old uploader that allows a legacy request at once: we open the F connection and resume', async () => {
    const down = await side('ruth');
    const old = await testbed.client('sam-old');
    const data = randomBytes(300_000);
    const requests: PeerMessageOf<'PeerTransferRequest'>[] = [];
    const replies: PeerMessageOf<'PeerTransferReply'>[] = [];
    old.on('peerMessage', ({ username, message }) => {
      if (message.name === 'PeerTransferReply') replies.push(message);
      if (message.name !== 'PeerTransferRequest' || message.direction !== 0) return;
      requests.push(message);
      void old.sendToPeer(username, { name: 'PeerTransferReply', ticket: message.ticket, allowed: true, filesize: BigInt(data.length) });
    });
    const heads: { ticket: number; offset: bigint }[] = [];
    old.setFileConnectionHandler(({ socket, rest }) => {
      void readExactly(socket, 12, rest, 5000, 'ticket and offset').then(({ bytes }) => {
        const offset = bytes.readBigUInt64LE(4);
        heads.push({ ticket: bytes.readUInt32LE(0), offset });
        socket.on('data', () => {});
        socket.resume();
        socket.write(data.subarray(Number(offset)));
      });
    });

    // Half of it is already here.
    const partial = incompletePathFor(down.manager.incompleteDir, old.username!, '@@old\\tune.mp3');
    mkdirSync(dirname(partial), { recursive: true });
    writeFileSync(partial, data.subarray(0, 150_000));
    const transfer = down.manager.download(old.username!, '@@old\\tune.mp3', { legacy: true });
    const result = await done(down.events, transfer.id);
    assert.equal(result.state, 'completed', result.reason);
    assert.ok(readFileSync(result.localPath!).equals(data));
    assert.deepEqual(heads, [{ ticket: requests[0]!.ticket, offset: 150_000n }]);

    // Offers we did not ask for are refused: Complete when we have the file, Cancelled otherwise.
    await old.sendToPeer(down.name, { name: 'PeerTransferRequest', direction: 1, ticket: 77, filename: '@@old\\tune.mp3', filesize: BigInt(data.length) });
    await old.sendToPeer(down.name, { name: 'PeerTransferRequest', direction: 1, ticket: 78, filename: '@@old\\other.mp3', filesize: 5n });
    const waitReply = (ticket: number) =>
      new Promise<PeerMessageOf<'PeerTransferReply'>>((resolve) => {
        const check = (): void => {
          const found = replies.find((r) => r.ticket === ticket);
          if (found) resolve(found);
          else old.once('peerMessage', check);
        };
        check();
      });
    assert.deepEqual(await waitReply(77), { name: 'PeerTransferReply', ticket: 77, allowed: false, reason: TransferRefusal.complete });
    assert.deepEqual(await waitReply(78), { name: 'PeerTransferReply', ticket: 78, allowed: false, reason: TransferRefusal.cancelled });
  });

  test('a download past 4 GiB resumes from a sparse partial file with a 64-bit offset', async () => {
    const up = await side('judy');
    const down = await side('ken');
    const size = 5 * GiB;
    const have = size - MiB;
    const source = join(up.shared, 'huge.iso');
    writeFileSync(source, '');
    await truncate(source, size);
    // The last MiB is not all zeros, so the resumed part is checked for real.
    const tail = Buffer.alloc(MiB, 0);
    for (let i = 0; i < tail.length; i += 4096) tail.writeUInt32LE(i * 2654435761 >>> 0, i);
    const fd = openSync(source, 'r+');
    writeSync(fd, tail, 0, tail.length, have);
    closeSync(fd);

    const partial = incompletePathFor(down.manager.incompleteDir, up.name, virtual('huge.iso'));
    mkdirSync(dirname(partial), { recursive: true });
    writeFileSync(partial, '');
    await truncate(partial, have);

    const transfer = down.manager.download(up.name, virtual('huge.iso'));
    const transferring = await stateOf(down.events, (t) => t.id === transfer.id && t.state === 'transferring', 'transferring');
    assert.equal(transferring.offset, BigInt(have));
    assert.ok(transferring.offset > 2n ** 32n);
    const uploading = await stateOf(up.events, (t) => t.filename === virtual('huge.iso') && t.state === 'transferring', 'uploading');
    assert.equal(uploading.offset, BigInt(have), 'the uploader read the 64-bit offset');
    assert.equal(uploading.size, BigInt(size));

    const result = await done(down.events, transfer.id, 60_000);
    assert.equal(result.state, 'completed', result.reason);
    assert.equal(result.bytes, BigInt(size));
    assert.equal(statSync(result.localPath!).size, size);
    const fdOut = openSync(result.localPath!, 'r');
    const last = Buffer.alloc(MiB);
    readSync(fdOut, last, 0, MiB, have);
    closeSync(fdOut);
    assert.ok(last.equals(tail), 'the last MiB arrived intact');
  });

  test('a queued download survives closing and reopening the manager, and then completes', async () => {
    const up = await side('leo', { uploadSlots: 0 });
    const downRoot = tempDir('slsk-transfers-mia-');
    const down = await side('mia', {}, downRoot);
    writeRandomFile(join(up.shared, 'later.bin'), 300_000);
    const transfer = down.manager.download(up.name, virtual('later.bin'));
    await stateOf(down.events, (t) => t.id === transfer.id && t.state === 'queued', 'queued with the uploader');
    await up.events.wait((e) => e.event === 'transferAdded', 'the upload queued');
    await down.manager.close();
    await up.manager.close();

    // The uploader comes back with a slot and an empty queue; the downloader from its database.
    const upAgain = testbed.keep(newManager(up.client, testbed.root('slsk-transfers-leo2-'), { uploadSlots: 1, resolveUpload: async (path) => (path === virtual('later.bin') ? { path: join(up.shared, 'later.bin'), size: 300_000 } : undefined) }));
    await upAgain.start();
    const downAgain = testbed.keep(newManager(down.client, downRoot));
    const events = record(downAgain);
    assert.deepEqual(downAgain.list().length, 0, 'nothing before start');
    await downAgain.start();
    assert.equal(downAgain.get(transfer.id)?.filename, virtual('later.bin'));
    const result = await done(events, transfer.id);
    assert.equal(result.state, 'completed', result.reason);
    assert.equal(await sha256(result.localPath!), await sha256(join(up.shared, 'later.bin')));
  });

  test('cancelling a download stops the upload; a peer cannot name a file outside the download folder', async () => {
    const source = join(testbed.root('slsk-transfers-src-'), 'payload.bin');
    writeRandomFile(source, 4 * MiB);
    const up = await side('nina', { speedLimits: { uploadBytesPerSecond: 512 * 1024 }, resolveUpload: () => ({ path: source, size: 4 * MiB }) });
    const down = await side('oscar');

    const slow = down.manager.download(up.name, '@@x\\slow.bin');
    await down.events.wait((e) => e.event === 'transferProgress' && e.transfer.id === slow.id && e.transfer.bytes > 0n, 'first bytes');
    const cancelled = down.manager.cancel(slow.id)!;
    assert.equal(cancelled.state, 'cancelled');
    const upload = await stateOf(up.events, (t) => t.filename === '@@x\\slow.bin' && (t.state === 'failed' || t.state === 'completed'), 'the upload ended');
    assert.equal(upload.state, 'failed');
    assert.equal((await done(down.events, slow.id)).state, 'cancelled');
    up.manager.setSpeedLimits({ uploadBytesPerSecond: 0 });

    const hostile = ['@@x\\..', '@@x\\a/../../escape.bin', '@@x\\..\\..\\..\\etc\\passwd', '@@x\\con.txt', '@@x\\ \u0000evil?*.bin. '];
    const expected = ['file', 'a....escape.bin', 'passwd', '_con.txt', 'evil.bin'];
    for (const [i, path] of hostile.entries()) {
      const result = await done(down.events, down.manager.download(up.name, path).id);
      assert.equal(result.state, 'completed', `${path}: ${result.reason}`);
      assert.equal(result.localPath, join(down.manager.downloadDir, expected[i]!), path);
    }
    assert.deepEqual(readdirSync(down.manager.downloadDir).sort(), [...expected].sort());
    assert.ok(!existsSync(join(down.root, 'escape.bin')));
    assert.equal(readFileSync(join(down.manager.downloadDir, 'passwd')).length, 4 * MiB);
  });
});
