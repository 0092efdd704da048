// One address cannot make a sharer unreachable for everyone: connections are capped per IP (those
// still owing their init message, and established ones), those that never send their init are
// closed within a few seconds, and a browse from another address succeeds during the flood.

import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { encode } from '../../src/protocol/index.ts';
import { defaultLimits } from '../../src/client/options.ts';
import { startServer, WAIT_MS } from '../server/harness.ts';
import { loggedIn } from './helpers.ts';
import { dial } from './helpers-raw-peer.ts';

const FLOOD = 2000;
const FLOOD_ADDRESS = '127.0.0.2';

/** Resolves once `condition` holds, checking whenever one of `sockets` closes; fails after `ms`. */
function untilClosed(sockets: Socket[], condition: () => boolean, what: string, ms = WAIT_MS * 2): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!condition()) return;
      clearTimeout(timer);
      for (const socket of sockets) socket.off('close', check);
      resolve();
    };
    const timer = setTimeout(() => {
      for (const socket of sockets) socket.off('close', check);
      reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
    }, ms);
    for (const socket of sockets) socket.on('close', check);
    check();
  });
}

test(`${FLOOD} idle sockets from one address: capped per IP, and a browse from another address still succeeds`, async () => {
  const s = await startServer();
  // Silent sockets are closed after peerInitMs: short here so the test does not wait the default's seconds.
  const sharer = await loggedIn(s.port, 'flooded-sharer', { timeouts: { peerInitMs: 1000 } });
  const browser = await loggedIn(s.port, 'flood-browser');
  const flood: Socket[] = [];
  try {
    sharer.setSharesProvider({ shares: () => ({ folders: [{ name: '@@m\\still here', files: [] }], lockedFolders: [] }), folder: () => undefined });
    const { maxPendingInitPerIp, maxPeerConnectionsPerIp } = defaultLimits;
    // Half the flood stays silent, half sends a PeerInit and then nothing.
    for (let i = 0; i < FLOOD; i += 100) {
      const batch = await Promise.all(Array.from({ length: 100 }, () => dial(sharer.listenPort, FLOOD_ADDRESS)));
      for (const [j, socket] of batch.entries()) {
        socket.on('error', () => {});
        // Read whatever comes, so the end of each socket is seen at once.
        socket.resume();
        if ((i + j) % 2 === 1) socket.write(encode('peer-init', 'both', { name: 'PeerInit', username: `flooder-${i + j}`, connectionType: 'P', ticket: 0 }));
      }
      flood.push(...batch);
    }
    const open = (): number => flood.filter((socket) => !socket.destroyed && !socket.readableEnded).length;
    const cap = maxPendingInitPerIp + maxPeerConnectionsPerIp;
    await untilClosed(flood, () => open() <= cap, `at most ${cap} flood sockets left open`);
    const held = sharer.peerSocketCounts();
    assert.ok((held.byAddress[FLOOD_ADDRESS] ?? 0) <= cap, `the sharer holds ${held.byAddress[FLOOD_ADDRESS]} sockets from ${FLOOD_ADDRESS}`);
    assert.ok(held.total < defaultLimits.maxPeerConnections, `one address filled the global cap: ${held.total}`);

    const listing = await browser.browse('flooded-sharer');
    assert.deepEqual(listing.folders.map((f) => f.name), ['@@m\\still here']);

    // The silent ones are closed for owing their init; the ones that sent it idle out later.
    await untilClosed(flood, () => open() <= maxPeerConnectionsPerIp, 'the silent sockets to be closed for owing their init');
  } finally {
    for (const socket of flood) socket.destroy();
    await browser.close();
    await sharer.close();
    await s.close();
  }
});
