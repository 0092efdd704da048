// Builds a distributed tree of PeerNodes over real sockets, in a given shape, the way clients form
// one through the server: for the search delivery tests and the tree status tests.

import type { TestServer } from './harness.ts';
import { PeerNode } from './peer-node.ts';

/** child → parent; a node that is no one's child is a root. Every node shares nothing. */
export type TreeShape = Record<string, string | undefined>;

/**
 * Builds the tree over real sockets the way clients do: one parent at a time takes children, so the
 * PotentialParents list a child gets names exactly the parent it should have.
 */
export async function buildTree(s: TestServer, shape: TreeShape, closers: (() => Promise<void>)[]): Promise<Map<string, PeerNode>> {
  const nodes = new Map<string, PeerNode>();
  for (const name of Object.keys(shape)) {
    const n = await PeerNode.start({ serverPort: s.port, username: name });
    closers.push(() => n.close());
    nodes.set(name, n);
  }
  const depth = (name: string): number => (shape[name] === undefined ? 0 : 1 + depth(shape[name]));
  const ordered = [...nodes.keys()].sort((a, b) => depth(a) - depth(b));
  for (const name of ordered) {
    const n = nodes.get(name)!;
    const parentName = shape[name];
    if (parentName === undefined) {
      await n.becomeRoot();
      continue;
    }
    const parent = nodes.get(parentName)!;
    await parent.acceptChildren(true);
    n.seekParent();
    await n.positions.wait((p) => p.parent === parentName && p.level === depth(name), `${name} adopting ${parentName}`);
    await parent.childJoins.wait((child) => child === name, `${parentName} taking ${name}`);
    await n.sync();
    await parent.acceptChildren(false);
  }
  return nodes;
}

