// The daemon's transfer index at the scale (10,000 transfers): what a progress event, a
// summary read and a filtered read cost (counted, not timed), the running totals against a sum
// done from scratch, and the folder groups' finished/emptied notices.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LIST_LIMIT, TransferIndex } from '../../src/daemon/transfers/index.ts';
import type { Transfer, TransferState } from '../../src/transfers/index.ts';

const USERS = 100;
const FOLDERS = 10;
const FILES = 10;
const STATES: TransferState[] = ['queued', 'requesting', 'transferring', 'completed', 'failed', 'cancelled'];

function transfer(n: number, fields: Partial<Transfer> = {}): Transfer {
  const user = Math.floor(n / (FOLDERS * FILES));
  const folder = Math.floor(n / FILES) % FOLDERS;
  const state = STATES[n % STATES.length]!;
  return {
    id: `t${n}`,
    direction: n % 2 === 0 ? 'download' : 'upload',
    username: `user${user}`,
    filename: `@@music\\Artist ${user}\\Album ${folder}\\${n % FILES}.flac`,
    size: BigInt(1000 + n),
    bytes: BigInt(n % 1000),
    offset: 0n,
    speed: state === 'transferring' ? 10 : 0,
    eta: undefined,
    state,
    reason: undefined,
    place: undefined,
    attempts: 0,
    retryAt: undefined,
    localPath: undefined,
    createdAt: n,
    updatedAt: n,
    finishedAt: undefined,
    ...fields,
  };
}

test('10,000 transfers: a progress event costs one visit, a summary read none, a filtered read only its groups', () => {
  const index = new TransferIndex();
  const all = Array.from({ length: USERS * FOLDERS * FILES }, (_, n) => transfer(n));
  for (const t of all) index.put(t);
  assert.equal(index.size, 10_000);

  const before = { ...index.costs };
  for (let i = 0; i < 1000; i++) {
    const n = (i * 7919) % all.length;
    all[n] = { ...all[n]!, bytes: all[n]!.bytes + 1n, speed: all[n]!.speed + 1 };
    index.put(all[n]!);
  }
  assert.equal(index.costs.transfersVisited - before.transfersVisited, 1000, 'one visit per progress event, whatever the list holds');

  const mark = { ...index.costs };
  const summary = index.list({ summary: true });
  assert.equal(index.costs.transfersVisited, mark.transfersVisited, 'a summary reads the running totals only');
  // Each user's files are split by direction, so twice the folders.
  assert.equal(index.costs.groupsVisited - mark.groupsVisited, USERS * FOLDERS * 2);

  // The running totals match a sum done from scratch after the updates.
  const sum = { files: all.length, bytes: 0, bytesTransferred: 0, speed: 0, states: {} as Record<string, number> };
  for (const t of all) {
    sum.bytes += Number(t.size);
    sum.bytesTransferred += Number(t.bytes);
    if (t.state === 'transferring') sum.speed += t.speed;
    sum.states[t.state] = (sum.states[t.state] ?? 0) + 1;
  }
  assert.deepEqual({ ...summary.totals, states: { ...summary.totals.states } }, sum);

  // A page holds `limit` entries (a group counts one, each transfer listed one more), groups whole;
  // the totals on every page are the whole list's, and nextOffset walks every group exactly once.
  let offset = 0;
  let pages = 0;
  const seen = new Set<string>();
  for (;;) {
    const page = index.list({ offset });
    pages += 1;
    const groups = page.users.flatMap((u) => u.folders);
    const transfers = groups.flatMap((g) => g.transfers!);
    assert.ok(groups.length + transfers.length <= DEFAULT_LIST_LIMIT, `page ${pages}: ${groups.length} groups, ${transfers.length} transfers`);
    for (const t of transfers) seen.add(t.id);
    assert.deepEqual(page.totals, summary.totals);
    if (!page.truncated) break;
    assert.equal(page.nextOffset, offset + groups.length);
    offset = page.nextOffset!;
  }
  assert.deepEqual([seen.size, pages > 1], [10_000, true]);
  const whole = index.list({ limit: 10_000, summary: true });
  assert.deepEqual([whole.truncated, whole.users.flatMap((u) => u.folders).length], [false, USERS * FOLDERS * 2]);
  // One user's totals count all of their groups, also on a page that lists only some of them.
  const [firstUser] = index.list({ username: 'user7', direction: 'download', limit: 1 }).users;
  assert.deepEqual([firstUser!.folders.length, firstUser!.totals], [1, index.list({ username: 'user7', direction: 'download', summary: true }).users[0]!.totals]);

  const filtered = { ...index.costs };
  const one = index.list({ username: 'user42', state: 'queued,completed' });
  assert.equal(index.costs.transfersVisited - filtered.transfersVisited, FOLDERS * FILES + one.totals.files, "the user's transfers, then the ones listed");
  assert.deepEqual(Object.keys(one.totals.states).sort(), ['completed', 'queued']);
  const listed = one.users.flatMap((u) => u.folders.flatMap((g) => g.transfers!));
  assert.ok(listed.every((t) => t.username === 'user42' && (t.state === 'queued' || t.state === 'completed')));
  assert.equal(listed.length, all.filter((t) => t.username === 'user42' && (t.state === 'queued' || t.state === 'completed')).length);
});

test("a folder download's transfers make one group; it is reported finished once per time it gets there, and emptied when the last goes", () => {
  const index = new TransferIndex();
  const finished: string[] = [];
  const emptied: string[] = [];
  index.onFolderFinished = (group) => finished.push(group.folderId!);
  index.onFolderEmptied = (id) => emptied.push(id);
  const files = ['CD1\\01.flac', 'CD2\\01.flac', 'cover.jpg'].map((name, n) => transfer(n, { id: `f${n}`, direction: 'download', username: 'alice', filename: `Music\\Album\\${name}`, state: 'queued' }));
  for (const t of files) index.put(t);
  assert.deepEqual(index.list({}).users[0]!.folders.map((g) => g.folder), ['Music\\Album', 'Music\\Album\\CD1', 'Music\\Album\\CD2']);

  index.assignFolder({ id: 'g1', username: 'alice', folder: 'Music\\Album' }, files.map((t) => t.id));
  const groups = index.list({}).users[0]!.folders;
  assert.deepEqual(groups.map((g) => [g.folder, g.folderId, g.totals.files]), [['Music\\Album', 'g1', 3]]);
  assert.deepEqual(groups[0]!.transfers!.map((t) => t.folderId), ['g1', 'g1', 'g1']);

  index.put({ ...files[0]!, state: 'completed' });
  index.put({ ...files[1]!, state: 'failed', retryAt: 5 });
  index.put({ ...files[2]!, state: 'cancelled' });
  assert.deepEqual(finished, [], 'a failure with a retry planned is not final');
  index.put({ ...files[1]!, state: 'failed', retryAt: undefined });
  index.put({ ...files[1]!, state: 'failed', retryAt: undefined, reason: 'again' });
  assert.deepEqual(finished, ['g1'], 'once');
  index.put({ ...files[2]!, state: 'queued' });
  index.put({ ...files[2]!, state: 'completed' });
  assert.deepEqual(finished, ['g1', 'g1'], 'again after a retry brought it back');

  for (const t of files) index.delete(t.id);
  assert.deepEqual(emptied, ['g1']);
  assert.equal(index.hasFolder('g1'), false);
  assert.deepEqual(index.list({}), { totals: { files: 0, bytes: 0, bytesTransferred: 0, speed: 0, states: {} }, truncated: false, users: [] });
});

test('a group whose transfers stopped moving reads a speed of exactly 0, whatever fractions went through it', () => {
  const index = new TransferIndex();
  const moving = [transfer(2, { speed: 209059.23344947735 }), transfer(8, { speed: 148309.963099631 }), transfer(14, { speed: 0.1 })];
  for (const t of moving) index.put(t);
  for (const t of moving) index.put({ ...t, speed: t.speed * 1.37, bytes: t.bytes + 1n });
  for (const t of moving) index.put({ ...t, state: 'completed', speed: t.speed / 3 });
  assert.equal(index.list({}).totals.speed, 0);
});

test("a transfer's JSON is made once and made again after it changes, in reads of one and in pages", () => {
  const index = new TransferIndex();
  const t = transfer(0, { state: 'transferring', bytes: 10n });
  index.put(t);
  const first = index.json(t.id)!;
  assert.equal(index.json(t.id), first, 'unchanged: the same object, nothing built');
  index.put({ ...t, bytes: 20n });
  assert.deepEqual([index.json(t.id)!.bytesTransferred, first.bytesTransferred], [20, 10]);
  const [listed] = index.list({}).users[0]!.folders[0]!.transfers!;
  assert.equal(listed, index.json(t.id));
  index.put({ ...t, bytes: 30n, state: 'completed' });
  assert.deepEqual([index.list({}).users[0]!.folders[0]!.transfers![0]!.bytesTransferred, index.json(t.id)!.state], [30, 'completed']);
});
