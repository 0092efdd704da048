// slsk-client (npm, written by no one here) finds a file that our client shares and downloads it,
// through our server; the bytes must be identical. Our side is the real stack: SharesLibrary for
// searches and uploads, TransferManager for the upload.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client } from '../../src/client/index.ts';
import { SharesLibrary } from '../../src/shares/index.ts';
import { TransferManager } from '../../src/transfers/index.ts';
import { WAIT_MS, startServer, tempDir } from '../server/harness.ts';
import { SlskClientProcess } from '../client/helpers-slsk-client.ts';

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

test('slsk-client searches, finds and downloads a file our client shares, byte-identical', { timeout: 90_000 }, async () => {
  const dir = tempDir('slsk-interop-dl-');
  const s = await startServer();
  const sharer = new Client({ listenHost: '127.0.0.1', reconnect: false });
  let slsk: SlskClientProcess | undefined;
  let library: SharesLibrary | undefined;
  let transfers: TransferManager | undefined;
  try {
    const musicDir = join(dir, 'Music', 'Boards of Canada');
    mkdirSync(musicDir, { recursive: true });
    const content = randomBytes(300_000);
    writeFileSync(join(musicDir, 'Roygbiv.mp3'), content);
    library = await SharesLibrary.open({ database: join(dir, 'shares.sqlite'), folders: [{ path: join(dir, 'Music'), name: 'Music' }] });
    await library.scan();
    const shares = library;
    await sharer.login({ server: `127.0.0.1:${s.port}`, username: 'our-sharer', password: 'pw' });
    sharer.setSearchResponder(shares.responder({ isBuddy: () => false, slotsFree: () => true, avgSpeed: () => 0, queueLength: () => 0 }));
    sharer.setSharesProvider(shares.sharesProvider(() => false));
    transfers = new TransferManager({
      client: sharer,
      database: ':memory:',
      downloadDir: join(dir, 'downloads'),
      incompleteDir: join(dir, 'incomplete'),
      resolveUpload: (path) => shares.resolve(path, { buddy: false }),
    });
    await transfers.start();
    const uploaded = new Promise<void>((resolve, reject) => {
      transfers!.on('transferState', (t) => {
        if (t.direction !== 'upload') return;
        if (t.state === 'completed') resolve();
        if (t.state === 'failed') reject(new Error(`upload failed: ${t.reason}`));
      });
    });

    slsk = await SlskClientProcess.start({ user: 'slsk-downloader', pass: 'pw', port: s.port });
    slsk.search('boards roygbiv', 3000);
    const results = await slsk.events.wait((e) => e.type === 'results', 'slsk-client search results', 0, 3000 + WAIT_MS);
    assert.ok(results.type === 'results' && results.results.length === 1, JSON.stringify(results));
    const found = results.results[0]!;
    assert.equal(found.user, 'our-sharer');
    assert.equal(found.file, 'Music\\Boards of Canada\\Roygbiv.mp3');
    assert.equal(found.size, content.length);

    const target = join(dir, 'slsk-client-copy.mp3');
    slsk.download(found, target);
    const done = await slsk.events.wait((e) => e.type === 'downloaded', 'slsk-client to finish the download', 0, 30_000);
    assert.ok(done.type === 'downloaded');
    assert.equal(done.error, null);
    await uploaded;
    assert.equal(sha256(readFileSync(target)), sha256(content));
  } catch (error) {
    if (slsk !== undefined) console.error(slsk.stderr.split('\n').slice(-40).join('\n'));
    throw error;
  } finally {
    await slsk?.stop();
    await transfers?.close();
    await sharer.close();
    await library?.close();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
