// The distributed search tree as the server sees it. Clients report only their own level and branch
// root (BranchLevel, BranchRoot), never their parent, so a parent is inferred: a level-1 user's
// parent is its root; deeper, the one user one level up in the same branch, or the one of those the
// server offered it in PotentialParents. When that leaves several, the user is counted as "not
// placed" rather than guessed. From that: the shape shown by `slsk server status` and the admin
// command `status`, and the debug log lines as branch roots, parents and children change.

import type { Logger } from './log.ts';
import type { Network, OnlineUser } from './network.ts';

export interface TreeShape {
  /** Users that take part in the distributed network (they reported a level, root or parent search). */
  participants: number;
  /** Participants at level 0: the server sends searches to each. */
  branchRoots: number;
  /** The deepest level reported (0 when every participant is a root). */
  depth: number;
  /** Participants below level 0 whose parent could not be told apart from others. */
  notPlaced: number;
  /** The most users in one branch, its root included. */
  largestBranch: number;
  childrenPerParent: {
    /** The most children of one user. */
    max: number;
    /** Children per user that has any (0 when nobody has children). */
    mean: number;
    /** How many participants have 0, 1, 2, … children (index = number of children). */
    histogram: number[];
  };
}

/** Participants by branch and level, so finding who sits one level up costs one lookup. */
type PlaceIndex = Map<string, OnlineUser[]>;
const placeKey = (root: string, level: number): string => `${level}\u0000${root}`;

function indexPlaces(participants: Iterable<OnlineUser>): PlaceIndex {
  const index: PlaceIndex = new Map();
  for (const user of participants) {
    const key = placeKey(user.distributed.branchRoot, user.distributed.branchLevel);
    const list = index.get(key);
    if (list === undefined) index.set(key, [user]);
    else list.push(user);
  }
  return index;
}

/** The parent `user` most likely has, or undefined for a root or when the server cannot tell. */
export function inferParent(network: Network, user: OnlineUser, index?: PlaceIndex): OnlineUser | undefined {
  const { branchLevel: level, branchRoot: root } = user.distributed;
  if (level === 0 || root === user.username) return undefined;
  if (level === 1) {
    const rootUser = network.online.get(root);
    return rootUser?.distributed.participates === true ? rootUser : undefined;
  }
  let oneUp: OnlineUser[];
  if (index !== undefined) {
    oneUp = (index.get(placeKey(root, level - 1)) ?? []).filter((other) => other !== user);
  } else {
    oneUp = [];
    for (const other of network.online.values()) {
      const place = other.distributed;
      if (other !== user && place.participates && place.branchRoot === root && place.branchLevel === level - 1) oneUp.push(other);
    }
  }
  if (oneUp.length === 1) return oneUp[0];
  const offered = oneUp.filter((other) => user.distributed.offeredParents.includes(other.username));
  return offered.length === 1 ? offered[0] : undefined;
}

export function treeShape(network: Network): TreeShape {
  const participants: OnlineUser[] = [];
  for (const user of network.online.values()) if (user.distributed.participates) participants.push(user);
  const index = indexPlaces(participants);
  const children = new Map<OnlineUser, number>();
  const branchSizes = new Map<string, number>();
  let branchRoots = 0;
  let depth = 0;
  let notPlaced = 0;
  for (const user of participants) {
    const { branchLevel: level, branchRoot: root } = user.distributed;
    depth = Math.max(depth, level);
    branchSizes.set(root, (branchSizes.get(root) ?? 0) + 1);
    if (level === 0) {
      branchRoots += 1;
      continue;
    }
    const parent = inferParent(network, user, index);
    if (parent === undefined) notPlaced += 1;
    else children.set(parent, (children.get(parent) ?? 0) + 1);
  }
  const histogram: number[] = [];
  let parents = 0;
  let childCount = 0;
  for (const user of participants) {
    const n = children.get(user) ?? 0;
    while (histogram.length <= n) histogram.push(0);
    histogram[n]! += 1;
    if (n > 0) {
      parents += 1;
      childCount += n;
    }
  }
  return {
    participants: participants.length,
    branchRoots,
    depth,
    notPlaced,
    largestBranch: Math.max(0, ...branchSizes.values()),
    childrenPerParent: {
      max: histogram.length === 0 ? 0 : histogram.length - 1,
      mean: parents === 0 ? 0 : Math.round((childCount / parents) * 100) / 100,
      histogram,
    },
  };
}

/** The shape in a few lines of text, for the admin command and `slsk server status`. */
export function describeTree(shape: TreeShape): string[] {
  if (shape.participants === 0) return ['Distributed tree: nobody takes part.'];
  const c = shape.childrenPerParent;
  const histogram = c.histogram.map((users, children) => `${children}: ${users}`).join(', ');
  return [
    `Distributed tree: ${plural(shape.participants, 'user')}, ${plural(shape.branchRoots, 'branch root')}, depth ${shape.depth}, largest branch ${plural(shape.largestBranch, 'user')}${shape.notPlaced > 0 ? `, ${shape.notPlaced} not placed (parent unknown)` : ''}.`,
    `Children per parent: max ${c.max}, mean ${c.mean}; users by number of children: ${histogram}.`,
  ];
}

const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * Logs (debug) what changed in `user`'s place after it reported a new level or root: becoming a
 * branch root, or leaving one parent for another. Keeps the parent it logged, to compare next time.
 */
export function logTreeChange(log: Logger, network: Network, user: OnlineUser): void {
  if (!log.isLevelEnabled('debug')) return;
  const place = user.distributed;
  const parent = inferParent(network, user)?.username;
  const wasRoot = place.loggedAsRoot;
  const isRoot = place.branchLevel === 0;
  if (isRoot && !wasRoot) log.debug({ user: user.username }, 'distributed: branch root');
  if (parent !== place.loggedParent) {
    if (place.loggedParent !== undefined) log.debug({ parent: place.loggedParent, child: user.username }, 'distributed: child left');
    if (parent !== undefined) {
      log.debug({ parent, child: user.username, level: place.branchLevel, root: place.branchRoot }, 'distributed: child joined');
    }
  }
  place.loggedAsRoot = isRoot;
  place.loggedParent = parent;
}

/** Logs (debug) a participant going offline, with the place it left. */
export function logTreeLeave(log: Logger, user: OnlineUser): void {
  const place = user.distributed;
  if (!place.participates || !log.isLevelEnabled('debug')) return;
  log.debug({ user: user.username, level: place.branchLevel, root: place.branchRoot, parent: place.loggedParent }, 'distributed: left the tree');
}
