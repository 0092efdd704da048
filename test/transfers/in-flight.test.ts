// The transfer manager's shared in-flight work (src/net/in-flight.ts): callers asking for the same
// thing at once share one question on the wire, one caller leaving with its own signal does not
// cancel the others, every wait has a deadline, and close() settles whatever is still waiting.
// Real Clients through our server; frames counted as the uploader receives them.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InFlightClosedError, InFlightTimeoutError } from '../../src/net/in-flight.ts';
import { newManager, stateOf, transferTestbed, virtual, writeRandomFile } from './helpers.ts';

describe('shared in-flight work in transfers', () => {
  const testbed = transferTestbed('inflight', { placeInQueueIntervalMs: 0 });
  const side = testbed.side;

  test('two callers asking for a place share one PeerPlaceInQueueRequest; one leaving does not cancel the other', async () => {
    const ignored = new Set<string>();
    const up = await side('if-up', { uploadSlots: 0, isIgnored: (user) => ignored.has(user) });
    const down = await side('if-down');
    writeRandomFile(join(up.shared, 'a.bin'), 1000);
    let asked = 0;
    up.client.on('peerMessage', ({ message }) => {
      if (message.name === 'PeerPlaceInQueueRequest') asked++;
    });
    const transfer = down.manager.download(up.name, virtual('a.bin'));
    await stateOf(down.events, (t) => t.id === transfer.id && t.state === 'queued', 'queued with the uploader');
    await up.events.wait((e) => e.event === 'transferAdded', 'queued by the uploader');

    const leaving = new AbortController();
    const first = down.manager.placeInQueue(transfer.id, { signal: leaving.signal });
    const second = down.manager.placeInQueue(transfer.id);
    leaving.abort(new Error('this caller left'));
    await assert.rejects(first, /this caller left/);
    assert.equal(await second, 1);
    assert.equal(asked, 1, 'one question on the wire for both callers');

    // Nobody answers an ignored user: the wait ends at its deadline, with a typed error.
    ignored.add('if-down');
    await assert.rejects(down.manager.placeInQueue(transfer.id, { timeoutMs: 300 }), (error: unknown) => error instanceof InFlightTimeoutError);
  });

  test('whenDone(): shared by its callers, one may detach, and close() settles the rest', async () => {
    const up = await side('wd-up', { uploadSlots: 0 });
    const downRoot = testbed.root('slsk-inflight-wd-down-');
    const downClient = await testbed.client('wd-down');
    const down = newManager(downClient, downRoot);
    await down.start();
    writeRandomFile(join(up.shared, 'b.bin'), 1000);

    const transfer = down.download(up.name, virtual('b.bin'));
    const detached = new AbortController();
    const leaving = down.whenDone(transfer.id, { signal: detached.signal });
    const staying = down.whenDone(transfer.id);
    detached.abort(new Error('not waiting any more'));
    await assert.rejects(leaving, /not waiting any more/);
    // The uploader opens a slot: the download completes and the remaining caller learns it.
    up.manager.setUploadSlots(1);
    const finished = await staying;
    assert.equal(finished.state, 'completed', finished.reason);
    // Asked after the end, it settles at once with the same transfer.
    assert.equal((await down.whenDone(transfer.id)).state, 'completed');

    // A wait still open when the manager closes is rejected, not left hanging.
    up.manager.setUploadSlots(0);
    const pending = down.download(up.name, virtual('b.bin'));
    const waiting = down.whenDone(pending.id);
    await down.close();
    await assert.rejects(waiting, (error: unknown) => error instanceof InFlightClosedError);
  });
});
