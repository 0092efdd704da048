// Our Client in the distributed search tree, through our server (docs/flows.md §4): three of our clients
// form a branch alpha → bravo → charlie; a search from a fourth client reaches the leaf through the
// tree and the leaf's reply reaches the searcher over P; duplicates are dropped; a lost parent is
// replaced; ResetDistributed (sent by the server's core, or earned by naming an offline branch root)
// makes a client drop its parent and children and start over.
//
// How the tree is made deterministic:
// - The server announces ParentSpeedRatio 1 and ParentMinSpeed 1 at login, and each tree member's
//   account gets an average upload speed of 100 B/s in the store before it logs in (recordUpload,
//   what SendUploadSpeed does). Nicotine+'s formula min(10, speed / ratio / 100) then allows exactly
//   ONE child per client, so a full node refuses the next would-be child and the branch can only
//   grow downwards.
// - A client takes children only once it has a parent or the server has made it a branch root with a
//   ServerSearchRequest. alpha, alone in the tree, gets that from a "kick-off" search by sierra, the
//   searcher, which takes no part in the distributed network (distributed: false): it is never a
//   parent candidate and gets plain FileSearch requests.
// - Members log in one after the other, each only once the one before has settled, so every
//   PotentialParents list names at most the nodes already in place. A list may still name a node that
//   has just become full (the server hears its AcceptChildren(false) a moment later): that node
//   refuses the D connection and the seeker takes the other candidate.
// - potentialParentsIntervalSeconds is 1, so a seeker whose first list came too early gets the next
//   list within a second; every wait below ends on an event or a timeout, never a sleep.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client, type DistributedStatus, type IncomingSearch, type SearchAnswer } from '../../src/client/index.ts';
import { DISTRIBUTED_SEARCH_UNKNOWN, serverResponse } from '../../src/protocol/index.ts';
import { resetDistributed } from '../../src/server/handlers/distributed.ts';
import { WAIT_MS, startServer, type TestServer } from '../server/harness.ts';
import { PeerNode } from '../server/peer-node.ts';
import { probe, settle, syncWithServer, type Probe } from './helpers-events.ts';

const PASSWORD = 'tree-pass';
const SERVER_OPTIONS = { parentSpeedRatio: 1, parentMinSpeed: 1, potentialParentsIntervalSeconds: 1 } as const;
/** 100 / ParentSpeedRatio 1 / 100 = one child. */
const ONE_CHILD_SPEED = 100;
const QUERY = 'deep purple highway';
const HIGHWAY_STAR = '@@music\\Deep Purple\\Machine Head\\02 - Highway Star.flac';

interface Tree {
  s: TestServer;
  alpha: Probe;
  bravo: Probe;
  charlie: Probe;
  sierra: Probe;
}

const statusOf = (parent: string | undefined, level: number, root: string, children: string[], accepting: boolean): DistributedStatus => ({
  parent,
  branchLevel: level,
  branchRoot: root,
  children,
  acceptingChildren: accepting,
});

/** A client whose account has `speed` as its average upload speed before it logs in. */
async function member(s: TestServer, closers: (() => Promise<void>)[], username: string, options: { speed?: number; distributed?: boolean } = {}): Promise<Probe> {
  if (options.speed !== undefined) {
    await s.server.core.store.createAccount(username, PASSWORD);
    await s.server.core.store.recordUpload(username, options.speed);
  }
  const client = new Client({ listenHost: '127.0.0.1', reconnect: false, ...(options.distributed === false ? { distributed: false } : {}) });
  closers.push(() => client.close());
  const p = probe(client);
  await client.login({ server: `127.0.0.1:${s.port}`, username, password: PASSWORD });
  return p;
}

/** Builds alpha → bravo → charlie (see the top of the file) and checks every step. */
async function buildTree(s: TestServer, closers: (() => Promise<void>)[]): Promise<Tree> {
  const sierra = await member(s, closers, 'sierra', { distributed: false });

  // alpha logs in: no parent, its own root, looking for a parent, not yet taking children.
  const alpha = await member(s, closers, 'alpha', { speed: ONE_CHILD_SPEED });
  assert.deepEqual(await alpha.statuses.wait(() => true, 'alpha to start'), statusOf(undefined, 0, 'alpha', [], false));
  // It learns its own speed from the server (GetUserStats for itself, after it announced its shares).
  const ownStats = await alpha.serverMessages.wait((m) => m.name === 'GetUserStats' && m.username === 'alpha', 'alpha to learn its own stats');
  assert.ok(ownStats.name === 'GetUserStats');
  assert.equal(ownStats.userStats.avgSpeed, ONE_CHILD_SPEED);

  // Kick-off: sierra's search makes alpha a branch root (ServerSearchRequest), so alpha may take children.
  const kickOff = sierra.client.search('kick off', { timeoutMs: WAIT_MS });
  const kickOffAtAlpha = await alpha.searches.wait((m) => m.ticket === kickOff.ticket, 'the kick-off search at alpha');
  assert.deepEqual(kickOffAtAlpha, { username: 'sierra', ticket: kickOff.ticket, query: 'kick off', via: 'distributed' });
  await alpha.statuses.wait(
    (st) => st.acceptingChildren,
    'alpha to take children after its ServerSearchRequest (needs ParentSpeedRatio 1 from the login burst: 100 / 1 / 100 = 1 child)',
  );
  kickOff.stop();

  // bravo: the server lists alpha, bravo adopts it; alpha is full with one child.
  const bravo = await member(s, closers, 'bravo', { speed: ONE_CHILD_SPEED });
  assert.deepEqual(await bravo.statuses.wait((st) => st.parent !== undefined, 'bravo to adopt a parent'), statusOf('alpha', 1, 'alpha', [], true));
  assert.deepEqual(await alpha.statuses.wait((st) => st.children.length > 0, 'alpha to take bravo'), statusOf(undefined, 0, 'alpha', ['bravo'], false));

  // charlie: alpha is full (it refuses charlie if the list still names it), so bravo is the parent.
  const charlie = await member(s, closers, 'charlie', { speed: ONE_CHILD_SPEED });
  assert.deepEqual(await charlie.statuses.wait((st) => st.parent !== undefined, 'charlie to adopt a parent'), statusOf('bravo', 2, 'alpha', [], true));
  assert.deepEqual(await bravo.statuses.wait((st) => st.children.length > 0, 'bravo to take charlie'), statusOf('alpha', 1, 'alpha', ['charlie'], false));

  // Each client told the server where it sits (BranchLevel / BranchRoot / ToggleParentSearch / AcceptChildren).
  for (const p of [alpha, bravo, charlie]) await syncWithServer(p.client);
  const core = s.server.core;
  const seen = (name: string) => {
    const user = core.network.online.get(name)!;
    const d = user.distributed;
    return { level: d.branchLevel, root: d.branchRoot, seeking: core.parentSeekers.has(user), accepting: d.acceptChildren };
  };
  assert.deepEqual(
    ['alpha', 'bravo', 'charlie'].map(seen),
    [
      // A branch root keeps looking for a parent (its own branch is never offered to it).
      { level: 0, root: 'alpha', seeking: true, accepting: false },
      { level: 1, root: 'alpha', seeking: false, accepting: false },
      { level: 2, root: 'alpha', seeking: false, accepting: true },
    ],
  );
  assert.equal(core.network.online.get('sierra')!.distributed.participates, false, 'sierra never spoke about the distributed network');
  assert.deepEqual(charlie.client.distributedStatus(), statusOf('bravo', 2, 'alpha', [], true));
  return { s, alpha, bravo, charlie, sierra };
}

/** Only charlie shares the file; alpha and bravo see every search but have nothing. */
function answerAll(tree: Tree): void {
  const nothing = (): SearchAnswer | undefined => undefined;
  tree.alpha.answer(nothing);
  tree.bravo.answer(nothing);
  tree.charlie.answer((search) =>
    search.query.includes('highway')
      ? { files: [{ filename: HIGHWAY_STAR, size: 41_234_567n, bitrate: 1411, duration: 366 }], slotsFree: true, avgSpeed: 100, queueLength: 0 }
      : undefined,
  );
}

async function closeAll(s: TestServer, closers: (() => Promise<void>)[]): Promise<void> {
  await Promise.allSettled(closers.map((close) => close()));
  await s.close();
}

test('three of our clients form alpha → bravo → charlie; a search reaches the leaf, its reply the searcher; a lost parent is replaced', async () => {
  const s = await startServer(SERVER_OPTIONS);
  const closers: (() => Promise<void>)[] = [];
  try {
    const tree = await buildTree(s, closers);
    const { alpha, bravo, charlie, sierra } = tree;
    answerAll(tree);

    // sierra searches; the server hands it to alpha (the only branch root), alpha to bravo, bravo to charlie.
    const search = sierra.client.search(QUERY, { timeoutMs: WAIT_MS, maxResults: 1 });
    const responses = await search.done;
    assert.equal(search.endReason, 'limit', 'the search ended on its one result, not on the timeout');
    assert.equal(responses.length, 1);
    const response = responses[0]!;
    assert.equal(response.username, 'charlie');
    assert.equal(response.ticket, search.ticket);
    assert.deepEqual(
      response.files.map((f) => [f.filename, f.size, f.bitrate, f.duration]),
      [[HIGHWAY_STAR, 41_234_567n, 1411, 366]],
    );
    const expected: IncomingSearch = { username: 'sierra', ticket: search.ticket, query: QUERY, via: 'distributed' };
    for (const p of [alpha, bravo, charlie]) {
      assert.deepEqual(await p.responderCalls.wait((m) => m.ticket === search.ticket, `the search at ${p.client.username}'s responder`), expected);
    }

    // The same search again (the server's ServerSearchRequest repeated to alpha), then a marker search:
    // the tree passes messages in order, so once the marker is at charlie the duplicate would be too.
    const alphaOnline = s.server.core.network.online.get('alpha')!;
    const request = (ticket: number, query: string) =>
      serverResponse.ServerSearchRequest({ distributedCode: 3, unknown: DISTRIBUTED_SEARCH_UNKNOWN, username: 'sierra', ticket, query });
    alphaOnline.send(request(search.ticket, QUERY));
    const markerTicket = search.ticket + 1;
    alphaOnline.send(request(markerTicket, 'marker'));
    await charlie.searches.wait((m) => m.ticket === markerTicket, 'the marker search at charlie');
    for (const p of [alpha, bravo, charlie]) {
      assert.deepEqual(p.searches.items.filter((m) => m.ticket === search.ticket), [expected], `${p.client.username} saw the search once`);
      assert.equal(p.responderCalls.items.filter((m) => m.ticket === search.ticket).length, 1, `${p.client.username}'s responder was asked once`);
    }
    assert.deepEqual(sierra.searches.items.filter((m) => m.ticket === search.ticket), [], 'the searcher is not asked its own search');
    for (const p of [alpha, bravo, charlie, sierra]) assert.deepEqual(p.warnings.items, [], `${p.client.username} had no warnings`);

    // bravo leaves: charlie loses its parent, becomes its own root and looks for a parent again;
    // alpha has room again and takes charlie.
    await syncWithServer(charlie.client);
    const charlieFrom = charlie.statuses.mark();
    const charlieMessagesFrom = charlie.serverMessages.mark();
    const alphaFrom = alpha.statuses.mark();
    await bravo.client.close();
    assert.deepEqual(
      await charlie.statuses.wait((st) => st.parent === undefined, 'charlie to notice its parent is gone', charlieFrom),
      statusOf(undefined, 0, 'charlie', [], false),
    );
    assert.deepEqual(await alpha.statuses.wait((st) => st.children.length === 0, 'alpha to lose bravo', alphaFrom), statusOf(undefined, 0, 'alpha', [], true));
    // The server sends PotentialParents only to users looking for a parent: charlie sent ToggleParentSearch(true).
    const list = await charlie.serverMessages.wait((m) => m.name === 'PotentialParents', 'a new PotentialParents list for charlie', charlieMessagesFrom);
    assert.ok(list.name === 'PotentialParents');
    assert.ok(list.entries.some((entry) => entry.username === 'alpha'), `the list names alpha: ${JSON.stringify(list.entries)}`);
    assert.deepEqual(
      await charlie.statuses.wait((st) => st.parent !== undefined, 'charlie to adopt alpha', charlieFrom),
      statusOf('alpha', 1, 'alpha', [], true),
    );
    assert.deepEqual(await alpha.statuses.wait((st) => st.children.length > 0, 'alpha to take charlie', alphaFrom), statusOf(undefined, 0, 'alpha', ['charlie'], false));
    await syncWithServer(charlie.client);
    const charlieOnline = s.server.core.network.online.get('charlie')!;
    assert.deepEqual([charlieOnline.distributed.branchLevel, charlieOnline.distributed.branchRoot], [1, 'alpha']);
    assert.equal(s.server.core.parentSeekers.has(charlieOnline), false);

    // The repaired branch carries searches again.
    const again = sierra.client.search('highway star', { timeoutMs: WAIT_MS, maxResults: 1 });
    assert.deepEqual((await again.done).map((r) => r.username), ['charlie']);
  } finally {
    await closeAll(s, closers);
  }
});

test('ResetDistributed from the server: the client drops its parent and children and starts over', async () => {
  const s = await startServer(SERVER_OPTIONS);
  const closers: (() => Promise<void>)[] = [];
  try {
    const tree = await buildTree(s, closers);
    const { alpha, bravo, charlie, sierra } = tree;
    answerAll(tree);
    const marks = { alpha: alpha.statuses.mark(), bravo: bravo.statuses.mark(), charlie: charlie.statuses.mark(), bravoMessages: bravo.serverMessages.mark() };

    // The server's core resets bravo, which has a parent (alpha) and a child (charlie).
    resetDistributed(s.server.core.network.online.get('bravo')!);
    await bravo.serverMessages.wait((m) => m.name === 'ResetDistributed', 'ResetDistributed at bravo', marks.bravoMessages);
    assert.deepEqual(
      await bravo.statuses.wait((st) => st.parent === undefined, 'bravo to drop its parent', marks.bravo),
      statusOf(undefined, 0, 'bravo', [], false),
      'no parent, no children, its own root at level 0',
    );
    await alpha.statuses.wait((st) => !st.children.includes('bravo'), 'alpha to lose bravo', marks.alpha);
    await charlie.statuses.wait((st) => st.parent === undefined, 'charlie to lose bravo', marks.charlie);

    // Starting over, the two find their places again under alpha, which takes one child: whichever of
    // them reaches alpha first is at level 1, the other below it at level 2.
    const clients = [alpha, bravo, charlie].map((p) => p.client);
    await settle(
      clients,
      () => bravo.client.distributedStatus().parent !== undefined && charlie.client.distributedStatus().parent !== undefined,
      'bravo and charlie to find parents again',
    );
    const [first, second] = bravo.client.distributedStatus().parent === 'alpha' ? [bravo, charlie] : [charlie, bravo];
    const firstName = first.client.username!;
    const secondName = second.client.username!;
    await settle(
      clients,
      () =>
        alpha.client.distributedStatus().children.join() === firstName &&
        first.client.distributedStatus().children.join() === secondName,
      'the parents to list their children',
    );
    assert.deepEqual(first.client.distributedStatus(), statusOf('alpha', 1, 'alpha', [secondName], false));
    assert.deepEqual(second.client.distributedStatus(), statusOf(firstName, 2, 'alpha', [], true));

    // And the search still reaches charlie, wherever it now sits.
    const search = sierra.client.search(QUERY, { timeoutMs: WAIT_MS, maxResults: 1 });
    assert.deepEqual((await search.done).map((r) => r.username), ['charlie']);
  } finally {
    await closeAll(s, closers);
  }
});

test('a parent that names an offline branch root gets its child a ResetDistributed, and the child starts over', async () => {
  const s = await startServer(SERVER_OPTIONS);
  const closers: (() => Promise<void>)[] = [];
  try {
    // mallory (a bare protocol peer) takes children and tells them their root is "ghost", who is not online.
    const mallory = await PeerNode.start({ serverPort: s.port, username: 'mallory' });
    closers.push(() => mallory.close());
    await mallory.becomeRoot();
    await mallory.acceptChildren(true);
    mallory.root = 'ghost';
    // After its first child mallory takes no more, so the reset child cannot just come back.
    const childSocketClosed = mallory.childJoins.wait((name) => name === 'charlie', 'mallory to take charlie').then((name) => {
      void mallory.acceptChildren(false);
      const socket = mallory.children.get(name)!.socket;
      return new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
    });

    const charlie = await member(s, closers, 'charlie');
    // charlie adopts mallory on its level 0 alone (a root may skip its root, FLOWS §4 step 3), takes
    // "ghost" as its branch root when mallory names it, and reports it; the server answers ResetDistributed.
    assert.deepEqual(await charlie.statuses.wait((st) => st.parent !== undefined, 'charlie to adopt mallory'), statusOf('mallory', 1, 'mallory', [], false));
    assert.deepEqual(await charlie.statuses.wait((st) => st.branchRoot === 'ghost', 'charlie to take ghost as its root'), statusOf('mallory', 1, 'ghost', [], false));
    const adopted = charlie.statuses.items.length;
    await charlie.serverMessages.wait((m) => m.name === 'ResetDistributed', 'ResetDistributed at charlie');
    assert.deepEqual(
      await charlie.statuses.wait((st) => st.parent === undefined, 'charlie to start over', adopted),
      statusOf(undefined, 0, 'charlie', [], false),
    );
    await childSocketClosed;
    await syncWithServer(charlie.client);
    const online = s.server.core.network.online.get('charlie')!;
    assert.deepEqual([online.distributed.branchLevel, online.distributed.branchRoot, s.server.core.parentSeekers.has(online)], [0, 'charlie', true]);
  } finally {
    await closeAll(s, closers);
  }
});
