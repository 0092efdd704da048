// One object per attempt: a retry starts a new attempt, and whatever the old one still has in
// flight — its F connection closing late, a reply to its ticket — cannot change the new one. Over
// real sockets between real Clients through our server. And the state machine's table, every move
// checked against the list of moves written out below by hand.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { PeerMessageOf } from '../../src/protocol/index.ts';
import { TRANSFER_STATES, TransferStateError, canMove, transition, type TransferState } from '../../src/transfers/index.ts';
import { Recorder } from '../support/recorder.ts';
import { sha256, stateOf, transferTestbed, virtual, writeRandomFile } from './helpers.ts';

const MiB = 1024 * 1024;

test('the state machine allows exactly the moves listed here, and refuses every other with a typed error', () => {
  const allowed = new Set([
    'queued→queued', 'queued→requesting', 'queued→connecting', 'queued→failed', 'queued→cancelled',
    'requesting→queued', 'requesting→connecting', 'requesting→failed', 'requesting→cancelled',
    'connecting→connecting', 'connecting→transferring', 'connecting→queued', 'connecting→failed', 'connecting→cancelled',
    'transferring→completed', 'transferring→failed', 'transferring→cancelled',
    'failed→failed', 'failed→queued', 'failed→requesting', 'failed→connecting', 'failed→cancelled',
    'cancelled→queued', 'cancelled→requesting',
  ]);
  let refused = 0;
  for (const from of TRANSFER_STATES) {
    for (const to of TRANSFER_STATES) {
      const move = `${from}→${to}`;
      if (allowed.has(move)) {
        assert.equal(transition(from, to), to, move);
        continue;
      }
      refused++;
      assert.equal(canMove(from, to), false, move);
      assert.throws(() => transition(from, to), (error: unknown) => error instanceof TransferStateError && error.code === 'TRANSFER_STATE' && error.from === from && error.to === to, move);
    }
  }
  assert.equal(refused, 7 * 7 - allowed.size);
  // A completed transfer is final: nothing brings it back.
  for (const to of TRANSFER_STATES) assert.equal(canMove('completed', to), false);
  assert.deepEqual(['queued', 'requesting', 'connecting', 'transferring', 'completed', 'failed', 'cancelled'] satisfies TransferState[], [...TRANSFER_STATES]);
});

describe('attempts', () => {
  const testbed = transferTestbed('attempts');
  const side = testbed.side;

  test("a download cancelled and retried mid-file: the old connection's late close does not touch the new attempt", async () => {
    // One slot: the old upload ends (and says so with PeerUploadFailed) before the new one is offered.
    const up = await side('at-up', { uploadSlots: 1, speedLimits: { uploadBytesPerSecond: 512 * 1024 } });
    const down = await side('at-down');
    writeRandomFile(join(up.shared, 'song.flac'), 3 * MiB);
    const transfer = down.manager.download(up.name, virtual('song.flac'));
    await down.events.wait((e) => e.event === 'transferProgress' && e.transfer.id === transfer.id && e.transfer.bytes > 0n, 'the first bytes');

    // Cancel and ask again at once: the first attempt's socket is still closing.
    down.manager.cancel(transfer.id);
    const retriedAt = down.events.mark();
    const retried = down.manager.retry(transfer.id)!;
    assert.equal(retried.state, 'requesting');
    up.manager.setSpeedLimits({ uploadBytesPerSecond: 0 });

    const result = (await down.events.wait((e) => e.event === 'transferDone' && e.transfer.id === transfer.id, 'the retried download done', retriedAt)).transfer;
    assert.equal(result.state, 'completed', result.reason);
    assert.equal(await sha256(result.localPath!), await sha256(join(up.shared, 'song.flac')));
    const after = down.events.since(retriedAt).filter((e) => e.event === 'transferState').map((e) => `${e.transfer.state}${e.transfer.reason === undefined ? '' : ` (${e.transfer.reason})`}`);
    assert.deepEqual(after.filter((s) => s.startsWith('failed')), [], `the new attempt went: ${after.join(' → ')}`);
    assert.equal(result.attempts, 0, 'no failure was counted against the new attempt');
  });

  test("an upload retried while its offer waits: a late reply to the old offer's ticket is ignored", async () => {
    const up = await side('at-sharer', { retry: { initialDelayMs: 60_000, maxDelayMs: 60_000, maxAttempts: 5 } });
    writeRandomFile(join(up.shared, 'a.bin'), 10_000);
    // A downloader that queues the file and then holds on to the offers it gets.
    const raw = await testbed.client('at-raw');
    const offers = new Recorder<PeerMessageOf<'PeerTransferRequest'>>(20_000);
    raw.on('peerMessage', ({ message }) => {
      if (message.name === 'PeerTransferRequest' && message.direction === 1) offers.push(message);
    });
    await raw.sendToPeer(up.name, { name: 'PeerTransferQueue', filename: virtual('a.bin') });
    const first = await offers.wait(() => true, 'the first offer');
    const upload = (await stateOf(up.events, (t) => t.username === 'at-raw' && t.state === 'requesting', 'the offer waiting')).id;

    up.manager.cancel(upload);
    const retriedAt = up.events.mark();
    up.manager.retry(upload);
    const second = await offers.wait((o) => o.ticket !== first.ticket, 'the second offer', 1);
    // The downloader answers the old offer now: it must not start the new attempt's connection.
    await raw.sendToPeer(up.name, { name: 'PeerTransferReply', ticket: first.ticket, allowed: true });
    // …and then refuses the new one, which is what the new attempt must end on.
    await raw.sendToPeer(up.name, { name: 'PeerTransferReply', ticket: second.ticket, allowed: false, reason: 'Cancelled' });
    const ended = await stateOf(up.events, (t) => t.id === upload && t.state === 'failed', 'the new attempt refused', retriedAt);
    assert.equal(ended.reason, 'Cancelled');
    const states = up.events.since(retriedAt).filter((e) => e.event === 'transferState' && e.transfer.id === upload).map((e) => e.transfer.state);
    assert.deepEqual(states, ['queued', 'requesting', 'failed'], 'the old ticket never moved the new attempt to connecting');
  });
});
