// The distributed tree as the server sees it: its shape (branch roots, depth, children per parent)
// from a tree formed over real sockets, the admin command `status`, and the debug log lines as
// branch roots, parents and children change. `slsk server status`: test/cli/server.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../src/server/log.ts';
import { treeShape } from '../../src/server/tree.ts';
import { EventLog } from './peer-node.ts';
import { RawClient, startServer } from './harness.ts';
import { expectNotice } from './server-notice.ts';
import { buildTree, reportUnplaceableTree, UNPLACEABLE_TREE_SHAPE } from './tree-builder.ts';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

test('the shape of a tree formed over real sockets, the admin status command, and debug lines as the tree changes', async () => {
  const lines = new EventLog<LogLine>();
  const logger = createLogger('debug', { write: (text: string) => lines.push(JSON.parse(text) as LogLine) });
  const s = await startServer({ admins: ['boss'], logger });
  const closers: (() => Promise<void>)[] = [];
  try {
    // Two branches: r with a wide and a deep side (r → a, b; a → c, d; c → e), and q alone.
    const nodes = await buildTree(s, { r: undefined, q: undefined, a: 'r', b: 'r', c: 'a', d: 'a', e: 'c' }, closers);
    assert.deepEqual(treeShape(s.server.core.network), {
      participants: 7,
      branchRoots: 2,
      depth: 3,
      notPlaced: 0,
      largestBranch: 6,
      childrenPerParent: { max: 2, mean: 1.67, histogram: [4, 1, 2] },
    });

    const boss = await RawClient.login(s.port, 'boss');
    closers.push(() => boss.close());
    boss.send({ name: 'PrivateChatMessage', username: 'server', message: 'status' });
    await expectNotice(
      boss,
      [
        'Up less than an hour, 8 users online.',
        'Distributed tree: 7 users, 2 branch roots, depth 3, largest branch 6 users.',
        'Children per parent: max 2, mean 1.67; users by number of children: 0: 4, 1: 1, 2: 2.',
      ].join('\n'),
    );

    // The log told each change as it happened.
    const said = (msg: string, fields: Record<string, unknown>): Promise<LogLine> =>
      lines.wait((line) => line.msg === msg && Object.entries(fields).every(([key, value]) => line[key] === value), `${msg} ${JSON.stringify(fields)}`);
    for (const root of ['r', 'q']) assert.equal((await said('distributed: branch root', { user: root })).level, 20);
    for (const [child, parent] of [['a', 'r'], ['b', 'r'], ['c', 'a'], ['d', 'a'], ['e', 'c']]) {
      await said('distributed: child joined', { parent, child });
    }
    // c goes: e loses its parent and starts over as a root of its own.
    await nodes.get('c')!.close();
    await said('distributed: left the tree', { user: 'c', parent: 'a', level: 2, root: 'r' });
    await said('distributed: child left', { parent: 'c', child: 'e' });
    await said('distributed: branch root', { user: 'e' });
    await boss.sync();
    const after = treeShape(s.server.core.network);
    assert.deepEqual([after.participants, after.branchRoots, after.depth, after.childrenPerParent.histogram], [6, 3, 2, [4, 1, 1]]);
  } finally {
    await Promise.allSettled(closers.map((close) => close()));
    await s.close();
  }
});

test('a user whose parent cannot be told apart is counted as not placed, not guessed', async () => {
  const s = await startServer();
  const clients: RawClient[] = [];
  try {
    await reportUnplaceableTree(s.port, clients);
    assert.deepEqual(treeShape(s.server.core.network), UNPLACEABLE_TREE_SHAPE);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await s.close();
  }
});
