// Private rooms: creation, membership, operators, disbanding, the invitation setting.
//
// Who receives what ("everyone" = the owner and the members who are online; a private room's
// joined users are all among them). This follows docs/flows.md §7 and the official server as aioslsk's
// mock server records it, and is what Nicotine+ and aioslsk keep their lists from:
// - Login: RoomList, then PrivateRoomMembers for each of the user's private rooms, then
//   PrivateRoomOperators for each (sendRoomList). The same "room list update" goes to whoever's
//   own place changes: the creator, an added or removed member, a member made or unmade operator,
//   and everyone in a disbanded room.
// - Join: JoinRoom with owner and operators, RoomTickers, then that room's PrivateRoomMembers and
//   PrivateRoomOperators.
// - Membership granted: PrivateRoomGrantMembership(room, user) to everyone, the new member
//   included; the new member also gets PrivateRoomMembershipGranted and a room list update.
// - Membership revoked (by the owner, an operator, or PrivateRoomDropMembership): the member gets
//   PrivateRoomMembershipRevoked, LeaveRoom if it was in the room (UserLeftRoom to the others) and
//   a room list update; everyone else gets PrivateRoomRevokeOperator first if it was an operator,
//   then PrivateRoomRevokeMembership(room, user). Its ticker in the room goes (RoomTickerRemoved).
// - Operator granted/revoked: PrivateRoomGrantOperator/PrivateRoomRevokeOperator(room, user) to
//   everyone, the target included; the target also gets PrivateRoomOperatorGranted/Revoked and a
//   room list update.
// - The owner gets a server notice for every membership and operator change in its room, naming
//   the operator when one made it (the official server confirms the owner's own changes too).
// - PrivateRoomDropOwnership disbands: each member gets PrivateRoomMembershipRevoked, everyone in
//   the room gets LeaveRoom, and the owner and members get a room list update. No per-member
//   PrivateRoomRevokeMembership: the room is gone for all of them.
// - Every refusal is a server notice to the actor, saying why.

import { serverResponse } from '../../protocol/index.ts';
import type { ServerCore } from '../core.ts';
import type { OnlineUser } from '../network.ts';
import {
  MAX_OWNED_PRIVATE_ROOMS,
  grantMembershipProblem,
  grantOperatorProblem,
  notPrivate,
  revokeMembershipProblem,
  revokeOperatorProblem,
  type PrivateRoom,
} from '../private-rooms.ts';
import type { Handler } from './context.ts';
import { sendRoomList, sendToOnline } from './room-lists.ts';

/**
 * Writes a change already made in memory. Memory changes first so that two sessions never act on
 * a state the other is halfway through changing; a failed write is logged (the change then lasts
 * until a restart).
 */
export async function persist(core: ServerCore, what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    core.log.error({ err: error, what }, 'could not store a room change');
  }
}

function noticeOwner(core: ServerCore, room: PrivateRoom, text: string): void {
  const owner = core.network.online.get(room.owner);
  if (owner !== undefined) core.sendServerNotice(owner, text);
}

/** Why `user` may not create another private room, or undefined. */
export function createProblem(core: ServerCore, user: OnlineUser): string | undefined {
  if (core.network.privateRooms.ownedBy(user.username) >= MAX_OWNED_PRIVATE_ROOMS) {
    return `You already own ${MAX_OWNED_PRIVATE_ROOMS} private rooms, the most this server allows.`;
  }
  return undefined;
}

/**
 * Makes `name` a private room owned by `user` (the name is free: no room of either kind in use)
 * and sends the owner its room list update. Returns the store write to wait for.
 */
export function createPrivateRoom(core: ServerCore, user: OnlineUser, name: string): Promise<void> {
  core.network.privateRooms.create(name, user.username);
  // Tickers left by an earlier public room of this name must not show on the private room's wall.
  const stale = core.network.tickers.clearRoom(name);
  sendRoomList(core, user);
  core.log.debug({ user: user.username, room: name }, 'private room created');
  return persist(core, 'create private room', async () => {
    if (!(await core.store.createPrivateRoom(name, user.username))) throw new Error(`private room ${name} already stored`);
    for (const username of stale) await core.store.clearRoomTicker(name, username);
  });
}

/** Takes `username` out of the room (see the top of the file for who hears what). */
function removeMember(core: ServerCore, room: PrivateRoom, username: string): Promise<void> {
  const wasOperator = room.isOperator(username);
  core.network.privateRooms.removeMember(room, username);
  const target = core.network.online.get(username);
  target?.send(serverResponse.PrivateRoomMembershipRevoked({ room: room.name }));
  if (wasOperator) sendToOnline(core, room.everyone(), serverResponse.PrivateRoomRevokeOperator({ room: room.name, username }));
  sendToOnline(core, room.everyone(), serverResponse.PrivateRoomRevokeMembership({ room: room.name, username }));
  const joined = core.network.rooms.get(room.name);
  if (target !== undefined && joined?.members.has(target)) {
    core.network.leaveRoom(target, joined);
    target.send(serverResponse.LeaveRoom({ roomName: room.name }));
  }
  const hadTicker = core.network.tickers.clear(room.name, username);
  if (hadTicker && joined !== undefined) {
    const removed = serverResponse.RoomTickerRemoved({ room: room.name, username });
    for (const member of joined.members) member.send(removed);
  }
  if (target !== undefined) sendRoomList(core, target);
  return persist(core, 'remove private room member', async () => {
    await core.store.removePrivateRoomMember(room.name, username);
    if (hadTicker) await core.store.clearRoomTicker(room.name, username);
  });
}

function setOperator(core: ServerCore, room: PrivateRoom, username: string, operator: boolean): Promise<void> {
  core.network.privateRooms.setOperator(room, username, operator);
  const frame = operator
    ? serverResponse.PrivateRoomGrantOperator({ room: room.name, username })
    : serverResponse.PrivateRoomRevokeOperator({ room: room.name, username });
  sendToOnline(core, room.everyone(), frame);
  const target = core.network.online.get(username);
  if (target !== undefined) {
    target.send(
      operator ? serverResponse.PrivateRoomOperatorGranted({ room: room.name }) : serverResponse.PrivateRoomOperatorRevoked({ room: room.name }),
    );
    sendRoomList(core, target);
  }
  noticeOwner(core, room, operator ? `User ${username} is now an operator of room ${room.name}.` : `User ${username} is no longer an operator of room ${room.name}.`);
  return persist(core, 'set private room operator', () => core.store.setPrivateRoomOperator(room.name, username, operator));
}

/** The private room named, or undefined after telling the user it is not one. */
function privateRoomOrRefuse(core: ServerCore, user: OnlineUser, name: string): PrivateRoom | undefined {
  const room = core.network.privateRooms.get(name);
  if (room === undefined) core.sendServerNotice(user, notPrivate(name));
  return room;
}

export const grantMembership: Handler<'PrivateRoomGrantMembership'> = async ({ core, user }, m) => {
  // Checked again after the store answers about invitations: the room may have changed meanwhile.
  const check = (): { room: PrivateRoom; target: OnlineUser } | string => {
    const room = core.network.privateRooms.get(m.room);
    if (room === undefined) return notPrivate(m.room);
    const problem = grantMembershipProblem(room, user.username, m.username);
    if (problem !== undefined) return problem;
    const target = core.network.online.get(m.username);
    if (target === undefined) return `User ${m.username} is not logged in.`;
    return { room, target };
  };
  const first = check();
  if (typeof first === 'string') return core.sendServerNotice(user, first);
  if ((await core.store.getPrivateRoomInvites(m.username)) !== true) {
    return core.sendServerNotice(
      user,
      `User ${m.username} does not accept private room invitations. Ask them to enable them before adding them again.`,
    );
  }
  const checked = check();
  if (typeof checked === 'string') return core.sendServerNotice(user, checked);
  const { room, target } = checked;
  core.network.privateRooms.addMember(room, target.username);
  sendToOnline(core, room.everyone(), serverResponse.PrivateRoomGrantMembership({ room: room.name, username: target.username }));
  target.send(serverResponse.PrivateRoomMembershipGranted({ room: room.name }));
  sendRoomList(core, target);
  noticeOwner(
    core,
    room,
    user.username === room.owner
      ? `User ${target.username} is now a member of room ${room.name}.`
      : `User ${target.username} was added as a member of room ${room.name} by operator ${user.username}.`,
  );
  await persist(core, 'add private room member', () => core.store.addPrivateRoomMember(room.name, target.username));
};

export const revokeMembership: Handler<'PrivateRoomRevokeMembership'> = async ({ core, user }, m) => {
  const room = privateRoomOrRefuse(core, user, m.room);
  if (room === undefined) return;
  const problem = revokeMembershipProblem(room, user.username, m.username);
  if (problem !== undefined) return core.sendServerNotice(user, problem);
  const stored = removeMember(core, room, m.username);
  noticeOwner(
    core,
    room,
    user.username === room.owner
      ? `User ${m.username} is no longer a member of room ${room.name}.`
      : `User ${m.username} was removed from room ${room.name} by operator ${user.username}.`,
  );
  await stored;
};

export const dropMembership: Handler<'PrivateRoomDropMembership'> = async ({ core, user }, m) => {
  const room = privateRoomOrRefuse(core, user, m.room);
  if (room === undefined) return;
  if (room.owner === user.username) {
    return core.sendServerNotice(user, `You own room ${room.name}: drop ownership to disband it instead.`);
  }
  if (!room.members.has(user.username)) return core.sendServerNotice(user, `You are not a member of room ${room.name}.`);
  const stored = removeMember(core, room, user.username);
  noticeOwner(core, room, `User ${user.username} is no longer a member of room ${room.name}.`);
  await stored;
};

export const dropOwnership: Handler<'PrivateRoomDropOwnership'> = async ({ core, user }, m) => {
  const room = privateRoomOrRefuse(core, user, m.room);
  if (room === undefined) return;
  if (room.owner !== user.username) return core.sendServerNotice(user, `You do not own room ${room.name}.`);
  const everyone = room.everyone();
  core.network.privateRooms.delete(room);
  const revoked = serverResponse.PrivateRoomMembershipRevoked({ room: room.name });
  sendToOnline(core, everyone, revoked, room.owner);
  const joined = core.network.rooms.get(room.name);
  if (joined !== undefined) {
    for (const member of [...joined.members]) {
      core.network.leaveRoom(member, joined);
      member.send(serverResponse.LeaveRoom({ roomName: room.name }));
    }
  }
  core.network.tickers.clearRoom(room.name);
  for (const name of everyone) {
    const online = core.network.online.get(name);
    if (online !== undefined) sendRoomList(core, online);
  }
  core.log.debug({ user: user.username, room: room.name, members: everyone.length - 1 }, 'private room disbanded');
  await persist(core, 'delete private room', () => core.store.deletePrivateRoom(room.name));
};

export const grantOperator: Handler<'PrivateRoomGrantOperator'> = async ({ core, user }, m) => {
  const room = privateRoomOrRefuse(core, user, m.room);
  if (room === undefined) return;
  const problem = grantOperatorProblem(room, user.username, m.username);
  if (problem !== undefined) return core.sendServerNotice(user, problem);
  await setOperator(core, room, m.username, true);
};

export const revokeOperator: Handler<'PrivateRoomRevokeOperator'> = async ({ core, user }, m) => {
  const room = privateRoomOrRefuse(core, user, m.room);
  if (room === undefined) return;
  const problem = revokeOperatorProblem(room, user.username, m.username);
  if (problem !== undefined) return core.sendServerNotice(user, problem);
  await setOperator(core, room, m.username, false);
};

/** Sent by a client (Nicotine+ can): the operator gives up its own operator rights. */
export const operatorRevoked: Handler<'PrivateRoomOperatorRevoked'> = async ({ core, user }, m) => {
  const room = privateRoomOrRefuse(core, user, m.room);
  if (room === undefined) return;
  if (!room.isOperator(user.username)) return core.sendServerNotice(user, `You are not an operator of room ${room.name}.`);
  await setOperator(core, room, user.username, false);
};

export const toggleInvites: Handler<'TogglePrivateRoomInvites'> = async ({ core, user }, m) => {
  await persist(core, 'set private room invitations', () => core.store.setPrivateRoomInvites(user.username, m.enable));
  user.send(serverResponse.TogglePrivateRoomInvites({ enabled: m.enable }));
};
