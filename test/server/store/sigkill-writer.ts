// Child process of the SIGKILL durability test: writes to the store in a loop and prints each write
// the store has acknowledged, until the test kills it mid-stream.

import { openSqliteStore } from '../../../src/server/store/sqlite-store.ts';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: sigkill-writer.ts <database path>');

const store = await openSqliteStore(path, { passwordCost: 1024 });
await store.createAccount('inbox', 'inbox-password');
process.stdout.write('account inbox\n');

// Never ends on its own: the point is to be killed between (or during) writes.
for (let i = 0; ; i++) {
  const username = `user${i}`;
  await store.createAccount(username, `password${i}`);
  process.stdout.write(`account ${username}\n`);
  const message = await store.storePrivateMessage({ timestamp: 1_700_000_000 + i, from: username, to: 'inbox', message: `hello ${i}` });
  process.stdout.write(`message ${message.id} ${username}\n`);
}
