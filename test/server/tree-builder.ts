// Builds a distributed tree of PeerNodes over real sockets, in a given shape, the way clients form
// one through the server: for the search delivery tests and the tree status tests. And a tree of
// four raw clients with one user the server cannot place, for the status tests of the server and
// of `slsk server status`.

import type { TreeShape as ServerTreeShape } from '../../src/server/tree.ts';
import { RawClient, type TestServer } from './harness.ts';
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


/**
 * Four users report their places with BranchRoot and BranchLevel: a root, two children, and one two
 * levels down that the server cannot place under either child (no PotentialParents list tells them
 * apart). Each client goes into `clients`, for the caller to close.
 */
export async function reportUnplaceableTree(port: number, clients: RawClient[]): Promise<void> {
  for (const [name, level] of [['root', 0], ['left', 1], ['right', 1], ['below', 2]] as const) {
    const client = await RawClient.login(port, name);
    clients.push(client);
    client.send({ name: 'BranchRoot', username: 'root' });
    client.send({ name: 'BranchLevel', level });
    await client.sync();
  }
}

/** The shape the server sees once those four reported: one of them counted as not placed. */
export const UNPLACEABLE_TREE_SHAPE: ServerTreeShape = {
  participants: 4,
  branchRoots: 1,
  depth: 2,
  notPlaced: 1,
  largestBranch: 4,
  childrenPerParent: { max: 2, mean: 2, histogram: [3, 0, 1] },
};
