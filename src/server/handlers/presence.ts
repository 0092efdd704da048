// Presence and peers: listen ports, status, shared counts, upload speed, watched users, peer
// addresses and the indirect-connection relay. A user only ever changes its own state.

import { UserStatus, serverResponse } from '../../protocol/index.ts';
import { toWireStats } from '../network.ts';
import type { Handler } from './context.ts';

export const setListenPort: Handler<'SetListenPort'> = ({ user }, m) => {
  user.port = m.listeningPort;
  user.obfuscationType = m.hasObfuscatedPort ?? 0;
  user.obfuscatedPort = m.obfuscatedPort ?? 0;
};

export const setStatus: Handler<'SetStatus'> = ({ core, user }, m) => {
  // Offline comes only from disconnecting; anything but away/online is ignored.
  if (m.status !== UserStatus.away && m.status !== UserStatus.online) return;
  if (user.status === m.status) return;
  user.status = m.status;
  core.network.pushStatus(user.username, user.status, user.privileged, user);
};

export const sharedFoldersFiles: Handler<'SharedFoldersFiles'> = async ({ core, user }, m) => {
  user.stats = await core.store.setShared(user.username, m.sharedFileCount, m.sharedFolderCount);
  core.network.pushStats(user);
};

export const sendUploadSpeed: Handler<'SendUploadSpeed'> = async ({ core, user }, m) => {
  user.stats = await core.store.recordUpload(user.username, m.speed);
  core.network.pushStats(user);
};

export const addUser: Handler<'AddUser'> = async ({ core, user }, m) => {
  const online = core.network.online.get(m.username);
  const exists = online !== undefined || (await core.store.getAccount(m.username)) !== undefined;
  if (!exists) {
    user.send(serverResponse.AddUser({ username: m.username, exist: false }));
    return;
  }
  if (!user.watching.has(m.username) && user.watching.size >= core.config.limits.maxWatchedUsers) {
    core.sendServerNotice(user, `You are watching ${user.watching.size} users, the most this server allows.`);
  } else {
    core.network.watch(user, m.username);
  }
  if (online !== undefined) {
    // No GeoIP here: the country is unknown, sent empty as clients expect the field for online users.
    user.send(
      serverResponse.AddUser({ username: m.username, exist: true, status: online.status, userStats: online.wireStats, countryCode: '' }),
    );
  } else {
    const stats = await core.store.getStats(m.username);
    user.send(serverResponse.AddUser({ username: m.username, exist: true, status: UserStatus.offline, userStats: toWireStats(stats) }));
  }
};

export const removeUser: Handler<'RemoveUser'> = ({ core, user }, m) => {
  // A user always hears about itself.
  if (m.username !== user.username) core.network.unwatch(user, m.username);
};

export const getUserStatus: Handler<'GetUserStatus'> = ({ core, user }, m) => {
  const target = core.network.online.get(m.username);
  user.send(
    serverResponse.GetUserStatus({
      username: m.username,
      status: target?.status ?? UserStatus.offline,
      privileged: target?.privileged ?? core.isPrivileged(m.username),
    }),
  );
};

export const getUserStats: Handler<'GetUserStats'> = async ({ core, user }, m) => {
  const target = core.network.online.get(m.username);
  const userStats = target !== undefined ? target.wireStats : toWireStats(await core.store.getStats(m.username));
  user.send(serverResponse.GetUserStats({ username: m.username, userStats }));
};

export const getPeerAddress: Handler<'GetPeerAddress'> = ({ core, user }, m) => {
  const target = core.network.online.get(m.username);
  // Unknown or offline: all zeros, which clients read as "offline".
  user.send(
    serverResponse.GetPeerAddress({
      username: m.username,
      ip: target?.ip ?? '0.0.0.0',
      port: target?.port ?? 0,
      hasObfuscatedPort: target?.obfuscationType ?? 0,
      obfuscatedPort: (target?.obfuscatedPort ?? 0) & 0xffff,
    }),
  );
};

export const connectToPeer: Handler<'ConnectToPeer'> = ({ core, user }, m) => {
  const target = core.network.online.get(m.username);
  if (target === undefined || target === user) {
    user.send(serverResponse.CannotConnect({ ticket: m.ticket }));
    return;
  }
  // The target learns where to reach the requester: the requester's own address, never a forged one.
  target.send(
    serverResponse.ConnectToPeer({
      username: user.username,
      connectionType: m.connectionType,
      ipAddress: user.ip,
      port: user.port,
      ticket: m.ticket,
      privileged: user.privileged,
      hasObfuscatedPort: user.obfuscationType,
      obfuscatedPort: user.obfuscatedPort,
    }),
  );
};

export const cannotConnect: Handler<'CannotConnect'> = ({ core }, m) => {
  // Real servers relay the ticket only; clients match it to their pending request.
  core.network.online.get(m.username)?.send(serverResponse.CannotConnect({ ticket: m.ticket }));
};

export const ping: Handler<'Ping'> = () => {
  // Newer servers do not answer; the message only keeps the connection busy.
};

export const newPassword: Handler<'NewPassword'> = async ({ core, user, session }, m) => {
  if (m.password === '') return;
  await core.store.setPassword(user.username, m.password);
  // The old password must stop working at once, not at the next restart.
  core.forgetVerifiedPassword(user.username);
  core.rememberPassword(user.username, m.password);
  session.log.info({ user: user.username }, 'password changed');
};
