// The distributed search tree formed through the server: PotentialParents lists, a three-level
// branch (plus a fourth node that shows the server keeps a seeker's own branch out of its list),
// searches that enter at the root and travel down D connections, and the reply that comes back
// over a P connection; plus ResetDistributed for a broken branch root and plain FileSearch delivery.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawClient, startServer, type TestServer } from './harness.ts';
import { PeerListener, PeerNode, type SeenSearch } from './peer-node.ts';
import { buildTree, type TreeShape } from './tree-builder.ts';

const LOCALHOST = '127.0.0.1';

function entriesOf(...nodes: PeerNode[]): { username: string; ip: string; port: number }[] {
  return nodes.map((node) => ({ username: node.username, ip: LOCALHOST, port: node.port }));
}

/** Closes everything even when a step failed half-way, so one failure does not hang the run. */
async function closeAll(s: TestServer, closers: (() => Promise<void>)[]): Promise<void> {
  await Promise.allSettled(closers.map((close) => close()));
  await s.close();
}

test('a branch A → B → C (→ D) forms through PotentialParents and carries a search down to the reply', async () => {
  const s = await startServer();
  const closers: (() => Promise<void>)[] = [];
  const node = async (username: string, files: PeerNode['files'] = []): Promise<PeerNode> => {
    const n = await PeerNode.start({ serverPort: s.port, username, files });
    closers.push(() => n.close());
    return n;
  };
  try {
    // Only C shares something the search will match, so the one reply must come from two levels down.
    const alpha = await node('alpha', [{ filename: '@@music\\alpha\\other tune.mp3', size: 1000n }]);
    const bravo = await node('bravo', [{ filename: '@@music\\bravo\\nothing here.mp3', size: 2000n }]);
    const charlie = await node('charlie', [
      { filename: '@@music\\charlie\\Deep Purple - Highway Star.mp3', size: 7_654_321n, bitrate: 320 },
      { filename: '@@music\\charlie\\Deep Purple - Smoke.mp3', size: 5_000_000n },
    ]);
    const delta = await node('delta');

    // A: a root that takes children.
    await alpha.becomeRoot();
    await alpha.acceptChildren(true);

    // B looks for a parent: A is the only user taking children, so the list is exactly A.
    bravo.seekParent();
    const forBravo = await bravo.server.next('PotentialParents');
    assert.deepEqual(forBravo.entries, entriesOf(alpha));
    assert.deepEqual(await bravo.positions.wait((p) => p.parent === 'alpha', 'bravo adopting alpha'), { parent: 'alpha', level: 1, root: 'alpha' });
    await alpha.childJoins.wait((name) => name === 'bravo', 'alpha taking bravo');
    await bravo.sync();
    // A is full from here on, so later seekers can only be steered to B.
    await alpha.acceptChildren(false);

    // C starts a branch of its own and takes D as a child before C itself looks for a parent.
    await charlie.becomeRoot();
    await charlie.acceptChildren(true);
    delta.seekParent();
    const forDelta = await delta.server.next('PotentialParents');
    assert.deepEqual(forDelta.entries, entriesOf(charlie), 'alpha stopped taking children and bravo never offered');
    await delta.positions.wait((p) => p.parent === 'charlie' && p.level === 1 && p.root === 'charlie', 'delta adopting charlie');
    await delta.sync();
    await delta.acceptChildren(true);

    // C looks for a parent while it takes children itself and D (in C's branch) takes children too:
    // the list must name neither C nor D, or the tree would close a loop.
    await bravo.acceptChildren(true);
    charlie.seekParent();
    const forCharlie = await charlie.server.next('PotentialParents');
    assert.deepEqual(forCharlie.entries, entriesOf(bravo), 'only bravo: never charlie itself, never delta in its branch');
    assert.deepEqual(await charlie.positions.wait((p) => p.parent === 'bravo', 'charlie adopting bravo'), { parent: 'bravo', level: 2, root: 'alpha' });
    // D hears the new level and root from C and moves with it.
    await delta.positions.wait((p) => p.level === 3 && p.root === 'alpha', 'delta following charlie');
    await bravo.childJoins.wait((name) => name === 'charlie', 'bravo taking charlie');
    for (const n of [alpha, bravo, charlie, delta]) await n.sync();
    assert.deepEqual(
      [alpha, bravo, charlie, delta].map((n) => [n.username, n.parent?.remoteName, n.level, n.root]),
      [
        ['alpha', undefined, 0, 'alpha'],
        ['bravo', 'alpha', 1, 'alpha'],
        ['charlie', 'bravo', 2, 'alpha'],
        ['delta', 'charlie', 3, 'alpha'],
      ],
    );

    // The searcher is outside the tree, with a listen port for replies; papa never speaks about the
    // distributed network at all.
    const replies = await PeerListener.listen();
    closers.push(() => replies.close());
    const searcher = await RawClient.login(s.port, 'sierra');
    closers.push(() => searcher.close());
    searcher.send({ name: 'SetListenPort', listeningPort: replies.port });
    const papa = await RawClient.login(s.port, 'papa');
    closers.push(() => papa.close());

    const ticket = 0x1234_5678;
    const query = 'deep purple highway';
    searcher.send({ name: 'FileSearch', ticket, query });
    const isThis = (search: SeenSearch): boolean => search.ticket === ticket && search.username === 'sierra' && search.query === query;

    // The root hears it from the server; everyone below from their parent over D.
    assert.equal((await alpha.searches.wait(isThis, 'the search at alpha')).via, 'ServerSearchRequest');
    const atBravo = await bravo.searches.wait(isThis, 'the search at bravo');
    const atCharlie = await charlie.searches.wait(isThis, 'the search at charlie');
    const atDelta = await delta.searches.wait(isThis, 'the search at delta');
    assert.deepEqual([atBravo.via, atBravo.from], ['DistributedSearchRequest', 'alpha']);
    assert.deepEqual([atCharlie.via, atCharlie.from], ['DistributedSearchRequest', 'bravo']);
    assert.deepEqual([atDelta.via, atDelta.from], ['DistributedSearchRequest', 'charlie']);
    const alphaWire = await alpha.server.next('ServerSearchRequest', (m) => m.ticket === ticket);
    assert.deepEqual(alphaWire, { name: 'ServerSearchRequest', distributedCode: 3, unknown: 0x31, username: 'sierra', ticket, query });
    for (const n of [bravo, charlie, delta]) {
      const sent = n.searches.items.filter(isThis);
      assert.equal(sent.length, 1, `${n.username} heard the search once`);
      // Nothing for B, C or D straight from the server: they have parents.
      await n.server.nothingMore('ServerSearchRequest');
      await n.server.nothingMore('FileSearch');
    }
    // The user outside the distributed network gets the plain FileSearch; the searcher gets nothing.
    assert.deepEqual(await papa.next('FileSearch'), { name: 'FileSearch', username: 'sierra', ticket, query });
    await searcher.nothingMore('FileSearch');
    await searcher.nothingMore('ServerSearchRequest');

    // C's reply comes back to the searcher over a P connection opened by C.
    const incoming = await replies.incoming.wait((i) => i.type === 'P', 'a P connection at the searcher');
    assert.deepEqual(incoming.init, { name: 'PeerInit', username: 'charlie', connectionType: 'P', ticket: 0 });
    if (incoming.type !== 'P') assert.fail('not a P connection');
    const reply = await incoming.link.messages.wait((m) => m.name === 'PeerSearchReply', 'the PeerSearchReply');
    assert.ok(reply.name === 'PeerSearchReply');
    assert.equal(reply.username, 'charlie');
    assert.equal(reply.ticket, ticket);
    assert.deepEqual(reply.results, [
      { unknown: 1, filename: '@@music\\charlie\\Deep Purple - Highway Star.mp3', filesize: 7_654_321n, extension: '', attributes: [{ key: 0, value: 320 }] },
    ]);
    assert.equal(replies.incoming.items.length, 1, 'no one else replied');
    assert.deepEqual(charlie.repliesSent.items, [{ to: 'sierra', ticket, files: ['@@music\\charlie\\Deep Purple - Highway Star.mp3'] }]);
    for (const n of [alpha, bravo, charlie, delta]) assert.deepEqual(n.problems, [], `${n.username} had no trouble`);
    assert.deepEqual(replies.errors, []);
  } finally {
    await closeAll(s, closers);
  }
});

test('BranchRoot naming a user who is not online gets ResetDistributed', async () => {
  const s = await startServer();
  const closers: (() => Promise<void>)[] = [];
  try {
    // An account that exists but has logged out, and one that never existed.
    const ghost = await RawClient.login(s.port, 'ghost');
    await ghost.close();
    const user = await RawClient.login(s.port, 'uniform');
    closers.push(() => user.close());
    const online = await RawClient.login(s.port, 'oscar');
    closers.push(() => online.close());

    // A root that is online is fine.
    user.send({ name: 'BranchLevel', level: 1 });
    user.send({ name: 'BranchRoot', username: 'oscar' });
    await user.nothingMore('ResetDistributed');

    user.send({ name: 'BranchRoot', username: 'ghost' });
    await user.next('ResetDistributed');
    user.send({ name: 'BranchRoot', username: 'never-registered' });
    await user.next('ResetDistributed');
    // Naming itself is what a root does: no reset.
    user.send({ name: 'BranchRoot', username: 'uniform' });
    await user.nothingMore('ResetDistributed');

    // After the reset the server counts the user as a branch root again: searches reach it directly.
    user.send({ name: 'BranchRoot', username: 'ghost' });
    await user.next('ResetDistributed');
    online.send({ name: 'FileSearch', ticket: 77, query: 'anything' });
    const search = await user.next('ServerSearchRequest');
    assert.deepEqual([search.username, search.ticket, search.query], ['oscar', 77, 'anything']);
  } finally {
    await closeAll(s, closers);
  }
});

test('a user who never spoke about the distributed network gets FileSearch; one who did gets ServerSearchRequest', async () => {
  const s = await startServer();
  const closers: (() => Promise<void>)[] = [];
  try {
    const plain = await PeerNode.start({ serverPort: s.port, username: 'plain', files: [{ filename: '@@share\\Field Recording.flac', size: 42n }] });
    closers.push(() => plain.close());
    const root = await PeerNode.start({ serverPort: s.port, username: 'rooty' });
    closers.push(() => root.close());
    await root.becomeRoot();
    const replies = await PeerListener.listen();
    closers.push(() => replies.close());
    const searcher = await RawClient.login(s.port, 'seeker');
    closers.push(() => searcher.close());
    searcher.send({ name: 'SetListenPort', listeningPort: replies.port });

    searcher.send({ name: 'FileSearch', ticket: 9, query: 'field recording' });
    const atPlain = await plain.searches.wait((m) => m.ticket === 9, 'the search at plain');
    assert.deepEqual(atPlain, { via: 'FileSearch', from: 'server', username: 'seeker', ticket: 9, query: 'field recording' });
    const atRoot = await root.searches.wait((m) => m.ticket === 9, 'the search at rooty');
    assert.equal(atRoot.via, 'ServerSearchRequest');
    await plain.server.nothingMore('ServerSearchRequest');
    await root.server.nothingMore('FileSearch');

    // The plain receiver answers the same way a tree member does.
    const incoming = await replies.incoming.wait((i) => i.type === 'P' && i.init.username === 'plain', 'plain connecting back');
    if (incoming.type !== 'P') assert.fail('not a P connection');
    const reply = await incoming.link.messages.wait((m) => m.name === 'PeerSearchReply', 'the reply from plain');
    assert.ok(reply.name === 'PeerSearchReply');
    assert.deepEqual([reply.username, reply.ticket, reply.results.map((f) => [f.filename, f.filesize])], ['plain', 9, [['@@share\\Field Recording.flac', 42n]]]);
  } finally {
    await closeAll(s, closers);
  }
});

/**
 * Every node of the tree searches in turn; every other node (and a user outside the tree) must
 * receive each search exactly once, however it travels (server, or down a D connection).
 */
async function assertEverySearchReachesEveryoneOnce(s: TestServer, shape: TreeShape): Promise<void> {
  const closers: (() => Promise<void>)[] = [];
  try {
    const nodes = await buildTree(s, shape, closers);
    const outsider = await PeerNode.start({ serverPort: s.port, username: 'outsider' });
    closers.push(() => outsider.close());
    const everyone = [...nodes.values(), outsider];
    let ticket = 1000;
    const tickets = new Map<number, string>();
    for (const searcher of everyone) {
      ticket += 1;
      tickets.set(ticket, searcher.username);
      searcher.server.send({ name: 'FileSearch', ticket, query: `from ${searcher.username}` });
      const mine = ticket;
      for (const other of everyone) {
        if (other === searcher) continue;
        await other.searches.wait((seen) => seen.ticket === mine && seen.username === searcher.username, `${searcher.username}'s search at ${other.username}`);
      }
    }
    // A last search from outside the tree travels every server link and every D link after the
    // others: any duplicate of an earlier search is in by the time it has arrived everywhere.
    const marker = 9999;
    outsider.server.send({ name: 'FileSearch', ticket: marker, query: 'marker' });
    for (const n of nodes.values()) await n.searches.wait((seen) => seen.ticket === marker, `the marker at ${n.username}`);
    for (const n of everyone) await n.sync();
    for (const receiver of everyone) {
      for (const [t, from] of tickets) {
        if (from === receiver.username) continue;
        const times = receiver.searches.items.filter((seen) => seen.ticket === t && seen.username === from).length;
        assert.equal(times, 1, `${receiver.username} heard ${from}'s search ${times} times`);
      }
      assert.deepEqual(receiver.problems, [], `${receiver.username} had no trouble`);
    }
  } finally {
    await Promise.allSettled(closers.map((close) => close()));
  }
}

test("a branch root's own search reaches its children and grandchildren", async () => {
  const s = await startServer();
  const closers: (() => Promise<void>)[] = [];
  try {
    // One root and nobody else in the network but its branch: R → A, R → B, A → C.
    const nodes = await buildTree(s, { rome: undefined, athens: 'rome', berlin: 'rome', cairo: 'athens' }, closers);
    const rome = nodes.get('rome')!;
    rome.server.send({ name: 'FileSearch', ticket: 42, query: 'anything at all' });
    for (const name of ['athens', 'berlin', 'cairo']) {
      const seen = await nodes.get(name)!.searches.wait((m) => m.ticket === 42 && m.username === 'rome', `rome's search at ${name}`);
      assert.equal(seen.query, 'anything at all');
    }
    // The root itself is never sent its own search.
    await rome.server.nothingMore('ServerSearchRequest', (m) => m.ticket === 42);
    await rome.server.nothingMore('FileSearch', (m) => m.ticket === 42);
  } finally {
    await closeAll(s, closers);
  }
});

test('every search reaches every other user exactly once, whatever the shape of the tree', async (t) => {
  const shapes: [string, TreeShape][] = [
    ['one root with a wide and a deep side', { r: undefined, a: 'r', b: 'r', c: 'a', d: 'c' }],
    ['a chain', { c1: undefined, c2: 'c1', c3: 'c2', c4: 'c3' }],
    ['two roots with branches', { p: undefined, q: undefined, p1: 'p', q1: 'q', q2: 'q1' }],
  ];
  for (const [label, shape] of shapes) {
    await t.test(label, async () => {
      const s = await startServer();
      try {
        await assertEverySearchReachesEveryoneOnce(s, shape);
      } finally {
        await s.close();
      }
    });
  }
});
