import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { startServer } from '../server/harness.ts';

test('smoke: two clients search, browse, ask user info and chat through our server', async () => {
  const s = await startServer();
  const alice = new Client({ listenHost: '127.0.0.1', reconnect: false });
  const bob = new Client({ listenHost: '127.0.0.1', reconnect: false });
  try {
    await alice.login({ server: `127.0.0.1:${s.port}`, username: 'alice', password: 'pw' });
    await bob.login({ server: `127.0.0.1:${s.port}`, username: 'bob', password: 'pw' });
    bob.setSearchResponder((search) =>
      search.query.includes('xtal')
        ? { files: [{ filename: '@@music\\Aphex Twin\\01 - Xtal.mp3', size: 11_744_051n, bitrate: 320, duration: 293, vbr: false }], slotsFree: true, avgSpeed: 100, queueLength: 0 }
        : undefined,
    );
    bob.setSharesProvider({
      shares: () => ({ folders: [{ name: '@@music\\Aphex Twin', files: [{ filename: '01 - Xtal.mp3', size: 5n, extension: 'mp3', locked: false, attributes: [] }] }], lockedFolders: [] }),
      folder: () => undefined,
    });
    bob.setUserInfo({ description: 'hello from bob', uploadSlots: 3 });
    const search = alice.search('aphex xtal', { timeoutMs: 3000, maxResults: 1 });
    const responses = await search.done;
    assert.equal(search.endReason, 'limit');
    assert.equal(responses[0]?.username, 'bob');
    assert.equal(responses[0]?.files[0]?.bitrate, 320);
    const shares = await alice.browse('bob');
    assert.equal(shares.folders[0]?.name, '@@music\\Aphex Twin');
    const info = await alice.userInfo('bob');
    assert.equal(info.description, 'hello from bob');
    const got = new Promise((resolve) => bob.once('privateMessage', resolve));
    alice.sendPrivateMessage('bob', 'hi bob');
    assert.equal(((await got) as { text: string }).text, 'hi bob');
  } finally {
    await alice.close();
    await bob.close();
    await s.close();
  }
});
