// The transfer manager as the README shows it to a library user: await start(), download(),
// whenDone(), list(), cancel(), retry(), close() (or `await using`). Real Clients through our
// server, real files.

import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TransferManager } from '../../src/transfers/index.ts';
import { loggedIn } from '../client/helpers.ts';
import { startServer, tempDir } from '../server/harness.ts';
import { newManager, sha256, virtual, writeRandomFile } from './helpers.ts';

test('the library flow: start, download, whenDone, list, cancel, retry, close', async (t) => {
  const server = await startServer();
  t.after(() => server.close());
  const root = tempDir('slsk-api-');
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const bobClient = await loggedIn(server.port, 'api-bob');
  t.after(() => bobClient.close());
  const bob = newManager(bobClient, join(root, 'bob'), { uploadSlots: 1 });
  t.after(() => bob.close());
  await bob.start();
  mkdirSync(join(root, 'bob', 'shared'), { recursive: true });
  writeRandomFile(join(root, 'bob', 'shared', 'Xtal.flac'), 200_000);

  const client = await loggedIn(server.port, 'api-me');
  t.after(() => client.close());
  {
    await using transfers = new TransferManager({
      client,
      database: join(root, 'me', 'transfers.sqlite'),
      downloadDir: join(root, 'me', 'downloads'),
      incompleteDir: join(root, 'me', 'downloads', '.incomplete'),
      resolveUpload: () => undefined,
    });
    assert.throws(() => transfers.download('api-bob', virtual('Xtal.flac')), /await transfers\.start\(\) first/);
    await transfers.start();
    const { id } = transfers.download('api-bob', virtual('Xtal.flac'));
    const done = await transfers.whenDone(id);
    assert.equal(done.state, 'completed', done.reason);
    assert.equal(await sha256(done.localPath!), await sha256(join(root, 'bob', 'shared', 'Xtal.flac')));
    assert.deepEqual(transfers.list({ finished: false }), []);
    assert.deepEqual(transfers.list().map((t) => [t.id, t.state]), [[id, 'completed']]);
    // A download nobody shares fails for good; retry() asks again, cancel() stops it.
    const missing = transfers.download('api-bob', virtual('nope.flac'));
    assert.equal((await transfers.whenDone(missing.id)).reason, 'File not shared.');
    assert.equal(transfers.retry(missing.id)?.state, 'requesting');
    const again = await transfers.whenDone(missing.id);
    assert.equal(again.state, 'failed');
    assert.equal(transfers.cancel(missing.id)?.state, 'failed', 'a finished transfer stays as it is');
    bob.setUploadSlots(0);
    const waiting = transfers.download('api-bob', virtual('Xtal.flac'));
    assert.equal(transfers.cancel(waiting.id)?.state, 'cancelled');
    assert.equal((await transfers.whenDone(waiting.id)).state, 'cancelled');
  } // `await using` closed it
});
