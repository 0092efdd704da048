// The upload queue over real sockets, with the transfer list in a real SQLite file: per-user limits
// on by default (refused with the exact strings other clients compare), and a queue request costs
// the requester's live queue, not the transfer history: with 10,000 finished transfers in the
// store, a request reads no row and looks at no more entries than that user has queued.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, test } from 'node:test';
import type { Client } from '../../src/client/index.ts';
import { TransferRefusal, type PeerMessageOf } from '../../src/protocol/index.ts';
import { defaultTransferLimits, TransferStore } from '../../src/transfers/index.ts';
import { Recorder } from '../support/recorder.ts';
import { newManager, record, transferTestbed, virtual } from './helpers.ts';

const MiB = 1024 * 1024;

describe('the upload queue', () => {
  const testbed = transferTestbed('queue');

  /** A downloader that speaks raw peer messages, recording every refusal it receives. */
  async function requester(name: string): Promise<{ client: Client; refusals: Recorder<PeerMessageOf<'PeerTransferQueueFailed'>> }> {
    const client = await testbed.client(name);
    const refusals = new Recorder<PeerMessageOf<'PeerTransferQueueFailed'>>(20_000);
    client.on('peerMessage', ({ message }) => {
      if (message.name === 'PeerTransferQueueFailed') refusals.push(message);
    });
    return { client, refusals };
  }

  test('per-user limits are on by default: files, then megabytes, refused with the strings real clients compare', async () => {
    assert.ok(defaultTransferLimits.maxQueuedFilesPerUser > 0 && Number.isFinite(defaultTransferLimits.maxQueuedFilesPerUser));
    assert.ok(defaultTransferLimits.maxQueuedMegabytesPerUser > 0 && Number.isFinite(defaultTransferLimits.maxQueuedMegabytesPerUser));
    const root = testbed.root('slsk-queue-up-');
    const uploaderClient = await testbed.client('q-sharer');
    const perFile = 1000;
    const huge = BigInt(defaultTransferLimits.maxQueuedMegabytesPerUser * MiB);
    // Every name resolves; `huge…` files are as big as the whole per-user allowance.
    const manager = newManager(uploaderClient, root, {
      uploadSlots: 0,
      resolveUpload: (path) => ({ path: join(root, 'nothing'), size: path.includes('huge') ? huge : perFile }),
    });
    testbed.keep(manager);
    const events = record(manager);
    await manager.start();

    const many = await requester('q-many');
    const limit = defaultTransferLimits.maxQueuedFilesPerUser;
    for (let i = 0; i < limit; i++) await many.client.sendToPeer('q-sharer', { name: 'PeerTransferQueue', filename: virtual(`f${i}.bin`) });
    await events.wait((e) => e.event === 'transferAdded' && e.transfer.filename === virtual(`f${limit - 1}.bin`), 'the last file within the limit queued');
    await many.client.sendToPeer('q-sharer', { name: 'PeerTransferQueue', filename: virtual('one-too-many.bin') });
    const tooMany = await many.refusals.wait(() => true, 'the refusal');
    assert.deepEqual(tooMany, { name: 'PeerTransferQueueFailed', filename: virtual('one-too-many.bin'), reason: TransferRefusal.tooManyFiles });
    assert.equal(many.refusals.items.length, 1, 'the files within the limit were queued silently');

    const big = await requester('q-big');
    await big.client.sendToPeer('q-sharer', { name: 'PeerTransferQueue', filename: virtual('huge.iso') });
    await events.wait((e) => e.event === 'transferAdded' && e.transfer.username === 'q-big', 'the huge file queued');
    await big.client.sendToPeer('q-sharer', { name: 'PeerTransferQueue', filename: virtual('small.bin') });
    const tooBig = await big.refusals.wait(() => true, 'the refusal');
    assert.deepEqual(tooBig, { name: 'PeerTransferQueueFailed', filename: virtual('small.bin'), reason: TransferRefusal.tooManyMegabytes });
    assert.equal(manager.uploadQueue().length, limit + 1);
  });

  test('a flood of queue requests cannot pile up: past the per-user file limit in line, each is refused at once', async () => {
    const root = testbed.root('slsk-queue-flood-');
    const uploaderClient = await testbed.client('f-sharer');
    // The shares answer only when the gate opens: every request waits its turn meanwhile.
    const gate = Promise.withResolvers<void>();
    const manager = newManager(uploaderClient, root, {
      uploadSlots: 0,
      limits: { maxQueuedFilesPerUser: 20 },
      resolveUpload: async () => {
        await gate.promise;
        return { path: join(root, 'nothing'), size: 1000 };
      },
    });
    testbed.keep(manager);
    const events = record(manager);
    await manager.start();

    const flood = await requester('f-flood');
    for (let i = 0; i < 50; i++) await flood.client.sendToPeer('f-sharer', { name: 'PeerTransferQueue', filename: virtual(`x${i}.bin`) });
    // 20 wait for the gate; the other 30 are refused without waiting behind them.
    await flood.refusals.wait(() => flood.refusals.items.length === 30, '30 refusals while the gate is shut');
    assert.ok(flood.refusals.items.every((m) => m.reason === TransferRefusal.tooManyFiles));
    assert.deepEqual(flood.refusals.items.map((m) => m.filename), Array.from({ length: 30 }, (_, i) => virtual(`x${i + 20}.bin`)));
    gate.resolve();
    await events.wait((e) => e.event === 'transferAdded' && e.transfer.filename === virtual('x19.bin'), 'the 20 in line queued');
    assert.equal(manager.uploadQueue().length, 20);
  });

  test('with 10,000 finished transfers in the store, a queue request reads no row and scans only the user’s live entries', async () => {
    const root = testbed.root('slsk-queue-history-');
    const database = join(root, 'transfers.db');
    new TransferStore(database).close();
    const db = new DatabaseSync(database);
    const insert = db.prepare(`INSERT INTO transfers (id, direction, username, filename, size, bytes, state, reason, created_at, updated_at, finished_at)
                               VALUES (?, 'upload', ?, ?, 1000, 1000, ?, NULL, ?, ?, ?)`);
    db.exec('BEGIN');
    const finalStates = ['completed', 'failed', 'cancelled'] as const;
    for (let i = 0; i < 10_000; i++) {
      // Most of the history is the same user's: the one whose request must not pay for it.
      insert.run(`old-${i}`, i % 10 === 0 ? 'h-other' : 'h-fan', virtual(`old${i}.bin`), finalStates[i % 3]!, i, i, i);
    }
    db.exec('COMMIT');
    db.close();

    const uploaderClient = await testbed.client('h-sharer');
    const manager = newManager(uploaderClient, root, { uploadSlots: 0, resolveUpload: () => ({ path: join(root, 'nothing'), size: 1000 }) });
    testbed.keep(manager);
    const events = record(manager);
    await manager.start();

    const fan = await requester('h-fan');
    const requests = 5;
    for (let i = 0; i < requests; i++) {
      const before = manager.costs();
      // The same file as one in the history: the history must not make it look queued already.
      await fan.client.sendToPeer('h-sharer', { name: 'PeerTransferQueue', filename: virtual(`old${i + 1}.bin`) });
      await events.wait((e) => e.event === 'transferAdded' && e.transfer.filename === virtual(`old${i + 1}.bin`), `request ${i} queued`);
      const cost = manager.costs();
      assert.equal(cost.rowsRead - before.rowsRead, 0, `request ${i} read rows from the store`);
      // The user has `i` live entries before this request: nothing else may be looked at.
      assert.ok(cost.liveEntriesScanned - before.liveEntriesScanned <= i, `request ${i} scanned ${cost.liveEntriesScanned - before.liveEntriesScanned} entries`);
    }
    assert.equal(fan.refusals.items.length, 0);
    assert.equal(manager.uploadQueue().length, requests);
    // The live transfers are listed without reading the history.
    const before = manager.costs().rowsRead;
    assert.equal(manager.list({ direction: 'upload', finished: false }).length, requests);
    assert.equal(manager.costs().rowsRead, before);
    // The history is still there for whoever asks for it.
    assert.equal(manager.list({ direction: 'upload' }).length, 10_000 + requests);
  });
});
