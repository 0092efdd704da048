// The distributed search tree, server side: who looks for a parent, who takes children, where each
// user sits, and the PotentialParents lists that grow the tree.

import { serverResponse } from '../../protocol/index.ts';
import type { ServerCore } from '../core.ts';
import type { OnlineUser } from '../network.ts';
import { logTreeChange } from '../tree.ts';
import type { Handler } from './context.ts';

export const toggleParentSearch: Handler<'ToggleParentSearch'> = ({ core, user }, m) => {
  user.distributed.participates = true;
  if (user.distributed.parentSearch !== m.enable) core.log.debug({ user: user.username, enable: m.enable }, 'distributed: parent search');
  user.distributed.parentSearch = m.enable;
  if (m.enable) {
    core.parentSeekers.add(user);
    sendPotentialParents(core, user);
  } else {
    core.parentSeekers.delete(user);
  }
};

export const acceptChildren: Handler<'AcceptChildren'> = ({ core, user }, m) => {
  user.distributed.participates = true;
  if (user.distributed.acceptChildren !== m.accept) core.log.debug({ user: user.username, accept: m.accept }, 'distributed: accepts children');
  user.distributed.acceptChildren = m.accept;
  if (m.accept) core.parentCandidates.add(user);
  else core.parentCandidates.delete(user);
};

export const branchLevel: Handler<'BranchLevel'> = ({ core, user }, m) => {
  user.distributed.participates = true;
  // Levels are small; a uint32 that reads as negative (−1 sent unsigned) means "no parent".
  user.distributed.branchLevel = m.level > 0x7fff_ffff ? 0 : m.level;
  logTreeChange(core.log, core.network, user);
};

export const branchRoot: Handler<'BranchRoot'> = ({ core, user }, m) => {
  user.distributed.participates = true;
  user.distributed.branchRoot = m.username;
  // A root that is not online means the branch is broken: the official server resets the user.
  if (m.username !== user.username && !core.network.online.has(m.username)) {
    core.log.debug({ user: user.username, root: m.username }, 'distributed: branch root offline, reset');
    resetDistributed(user);
  }
  logTreeChange(core.log, core.network, user);
};

export const childDepth: Handler<'ChildDepth'> = ({ user }, m) => {
  user.distributed.childDepth = m.depth;
};

export const parentIP: Handler<'ParentIP'> = () => {
  // Old clients report their parent's address; nothing on the server needs it.
};

/** Drops a user back to the root of its own branch and tells it to rebuild. */
export function resetDistributed(user: OnlineUser): void {
  user.distributed.branchLevel = 0;
  user.distributed.branchRoot = user.username;
  user.send(serverResponse.ResetDistributed({}));
}

/**
 * Up to potentialParentsCount users that take children, never the asker and never a user in the
 * asker's own branch (which would make a loop), shallowest branches first so the tree stays flat;
 * ties are shuffled so one candidate does not receive every child.
 */
export function choosePotentialParents(core: ServerCore, asker: OnlineUser): OnlineUser[] {
  const candidates: OnlineUser[] = [];
  for (const candidate of core.parentCandidates) {
    if (candidate === asker || candidate.port === 0) continue;
    if (candidate.distributed.branchRoot === asker.username) continue;
    candidates.push(candidate);
  }
  const keyed = candidates.map((user) => ({ user, level: user.distributed.branchLevel, tie: core.random() }));
  keyed.sort((a, b) => a.level - b.level || a.tie - b.tie);
  return keyed.slice(0, core.config.potentialParentsCount).map((entry) => entry.user);
}

export function sendPotentialParents(core: ServerCore, user: OnlineUser): void {
  user.distributed.parentsSentAt = core.now();
  const parents = choosePotentialParents(core, user);
  user.distributed.offeredParents = parents.map((parent) => parent.username);
  if (parents.length === 0) return;
  user.send(
    serverResponse.PotentialParents({
      entries: parents.map((parent) => ({ username: parent.username, ip: parent.ip, port: parent.port })),
    }),
  );
}

/** Called on a timer: repeats the list for users still looking for a parent. */
export function refreshPotentialParents(core: ServerCore): void {
  const due = core.now() - core.config.potentialParentsIntervalSeconds * 1000;
  for (const user of core.parentSeekers) if (user.distributed.parentsSentAt <= due) sendPotentialParents(core, user);
}
