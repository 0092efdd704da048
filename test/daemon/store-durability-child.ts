// The writer half of store-durability.test.ts: opens the daemon store in the data folder it is given
// and writes without end — room and private messages, search response batches (sync and chunked),
// buddies with notes, events, wishlist items — printing one line per write *after* the call returned, until killed.
// stdout is a pipe, which Node writes synchronously on Linux, so a printed line was acknowledged.

import { DaemonStore } from '../../src/daemon/store/index.ts';
import { mulberry32 } from '../support/seeded-random.ts';
import { responseOf } from './store-support.ts';

const [dataDir, seedText] = process.argv.slice(2);
if (dataDir === undefined || seedText === undefined) throw new Error('usage: store-durability-child.ts DATA_DIR SEED');
const random = mulberry32(Number(seedText));
// small batches so a kill often lands inside a chunked addResponses
const store = DaemonStore.open(dataDir, { settings: { responseBatchFiles: 20, maxEvents: 100_000 } });
const ack = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const search = store.searches.create({ query: 'durable' });
ack(`search ${search.id}`);
for (let i = 0; ; i++) {
  const pick = random();
  if (pick < 0.3) {
    ack(`room ${store.chat.addRoomMessage({ room: 'durable', username: `u${i}`, text: `room line ${i}` }).id}`);
  } else if (pick < 0.55) {
    ack(`private ${store.chat.addPrivateMessage({ peer: 'alice', direction: i % 2 === 0 ? 'in' : 'out', text: `pm ${i}` }).id}`);
  } else if (pick < 0.7) {
    store.searches.addResponseBatch(search.id, [responseOf(`batch${i}`, 3)]);
    ack(`response batch${i}`);
  } else if (pick < 0.8) {
    const names = Array.from({ length: 5 }, (_, j) => `chunked${i}-${j}`);
    await store.searches.addResponses(search.id, names.map((name) => responseOf(name, 10)));
    for (const name of names) ack(`response ${name}`);
  } else if (pick < 0.85) {
    store.userLists.addBuddy(`buddy${i}`, { note: `note ${i}` });
    ack(`buddy buddy${i}`);
  } else if (pick < 0.9) {
    ack(`event ${store.events.add('user-online', { n: i }).id}`);
  } else {
    ack(`wish ${store.wishlist.add({ query: `wish ${i}` }).id}`);
  }
  // let the pipe and the parent's kill through now and then
  if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
}
