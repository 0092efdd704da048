// Searches: delivered as the real network does. Global and wishlist searches go to the branch roots
// of the distributed network as ServerSearchRequest (they pass them down their branches), and as a
// plain FileSearch to users who take no part in the distributed network; users with a parent get
// them through the tree. The one branch the tree cannot carry a search into is the searcher's own
// (when the searcher is a branch root): real clients never pass their own searches to their
// children, so the members of that branch get a plain FileSearch, which every client answers and
// none forwards. Room and user searches go straight to their targets. Never to the searcher.

import { DISTRIBUTED_SEARCH_UNKNOWN, serverResponse } from '../../protocol/index.ts';
import type { ServerCore } from '../core.ts';
import type { OnlineUser } from '../network.ts';
import type { Handler } from './context.ts';

/** Distributed code of DistributedSearchRequest, carried inside ServerSearchRequest. */
const DISTRIBUTED_SEARCH_CODE = 3;

/** Checks the query and the user's search allowance; false means the search is dropped. */
function admit(core: ServerCore, user: OnlineUser, query: string, kind: string): boolean {
  if (query.trim() === '' || query.length > core.config.limits.maxQueryLength) return false;
  const lower = query.toLowerCase();
  if (core.excludedPhrases.some((phrase) => lower.includes(phrase))) {
    core.log.debug({ user: user.username, kind }, 'search with an excluded phrase dropped');
    return false;
  }
  if (!user.searches.take()) {
    core.log.info({ user: user.username, kind }, 'search rate limit reached, search dropped');
    return false;
  }
  return true;
}

/** Recipients served per turn of the event loop, so one search to 20,000 users does not stall logins and chat. */
const FAN_OUT_CHUNK = 2000;

/**
 * Sends a network-wide search from `searcher` to every branch root, every non-participant and
 * every member of the searcher's own branch, in chunks across event-loop turns. Returns how many recipients it was sent to.
 */
export function broadcastSearch(core: ServerCore, searcher: OnlineUser, ticket: number, query: string): number {
  const viaTree = serverResponse.ServerSearchRequest({
    distributedCode: DISTRIBUTED_SEARCH_CODE,
    unknown: DISTRIBUTED_SEARCH_UNKNOWN,
    username: searcher.username,
    ticket,
    query,
  });
  const direct = serverResponse.FileSearch({ username: searcher.username, ticket, query });
  const recipients: OnlineUser[] = [];
  const frames: Uint8Array[] = [];
  for (const user of core.network.online.values()) {
    if (user === searcher) continue;
    const tree = user.distributed;
    if (!tree.participates) {
      recipients.push(user);
      frames.push(direct);
    } else if (tree.branchLevel === 0) {
      recipients.push(user);
      frames.push(viaTree);
    } else if (tree.branchRoot === searcher.username) {
      // Below the searcher in its own branch: the tree will not bring it (see the top of this file).
      recipients.push(user);
      frames.push(direct);
    }
  }
  const sendChunk = (start: number): void => {
    const end = Math.min(start + FAN_OUT_CHUNK, recipients.length);
    for (let i = start; i < end; i++) recipients[i]!.send(frames[i]!);
    if (end < recipients.length) setImmediate(sendChunk, end);
  };
  sendChunk(0);
  return recipients.length;
}

export const fileSearch: Handler<'FileSearch'> = ({ core, user }, m) => {
  if (!admit(core, user, m.query, 'global')) return;
  const sent = broadcastSearch(core, user, m.ticket, m.query);
  core.log.debug({ user: user.username, ticket: m.ticket, sent }, 'search');
};

export const wishlistSearch: Handler<'WishlistSearch'> = ({ core, user }, m) => {
  const interval = (user.privileged ? core.config.privilegedWishlistIntervalSeconds : core.config.wishlistIntervalSeconds) * 1000;
  const now = core.now();
  // One wishlist search per announced interval; clients cycle through their wishes.
  if (now - user.wishlistSearchedAt < interval) return;
  if (!admit(core, user, m.query, 'wishlist')) return;
  user.wishlistSearchedAt = now;
  broadcastSearch(core, user, m.ticket, m.query);
};

export const userSearch: Handler<'UserSearch'> = ({ core, user }, m) => {
  const target = core.network.online.get(m.username);
  if (target === undefined || target === user) return;
  if (!admit(core, user, m.query, 'user')) return;
  target.send(serverResponse.FileSearch({ username: user.username, ticket: m.ticket, query: m.query }));
};

export const roomSearch: Handler<'RoomSearch'> = ({ core, user }, m) => {
  const room = core.network.rooms.get(m.room);
  const privateRoom = core.network.privateRooms.get(m.room);
  if (privateRoom !== undefined) {
    // A private room is searched by its members only (joined or not), and a stranger is told so.
    if (!privateRoom.admits(user.username)) {
      core.sendServerNotice(user, `You cannot search room ${m.room}: it is a private room you are not a member of.`);
      return;
    }
  } else if (room === undefined || !room.members.has(user)) {
    // A public room is searched by the users in it; the rest is ignored.
    return;
  }
  // A private room nobody is in has no one to search.
  if (room === undefined || !admit(core, user, m.query, 'room')) return;
  const frame = serverResponse.FileSearch({ username: user.username, ticket: m.ticket, query: m.query });
  for (const member of room.members) if (member !== user) member.send(frame);
};
