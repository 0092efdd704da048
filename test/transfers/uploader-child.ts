// An uploader in its own process, for tests that kill it: a Client logged in to the test server
// with a TransferManager sharing `<root>/shared`. Prints one JSON line per event on stdout
// ({"ready":true} once logged in); exits when stdin closes.
//
//   node --conditions=slsk-ts-source test/transfers/uploader-child.ts '{"port":…,"username":…,"root":…,"uploadBytesPerSecond":…}'

import { join } from 'node:path';
import { Client } from '../../src/client/index.ts';
import { TransferManager, type Transfer } from '../../src/transfers/index.ts';
import { shareFolder } from './helpers.ts';

interface ChildOptions {
  port: number;
  username: string;
  root: string;
  uploadBytesPerSecond?: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions;
const print = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line, (_, v: unknown) => (typeof v === 'bigint' ? `${v}` : v))}\n`);
};

const client = new Client({ listenHost: '127.0.0.1', reconnect: false });
const manager = new TransferManager({
  client,
  database: join(options.root, 'transfers.db'),
  downloadDir: join(options.root, 'downloads'),
  incompleteDir: join(options.root, 'incomplete'),
  resolveUpload: shareFolder(join(options.root, 'shared')),
  uploadSlots: 1,
  speedLimits: { uploadBytesPerSecond: options.uploadBytesPerSecond ?? 0 },
});
manager.on('transferState', (transfer: Transfer) => print({ event: 'transferState', transfer }));
manager.on('warning', (error) => print({ event: 'warning', message: error.message }));
await manager.start();
await client.login({ server: `127.0.0.1:${options.port}`, username: options.username, password: 'pw' });
print({ ready: true, uploads: manager.list({ direction: 'upload' }).map((t) => t.state) });

process.stdin.resume();
process.stdin.on('end', () => {
  void manager
    .close()
    .then(() => client.close())
    .then(() => process.exit(0));
});
