// Server messages: login, presence, watched users, peer addresses and the deprecated session
// messages old clients still send. Layouts follow MESSAGES.rst; deviations cite docs/interop.md.

import { array, bool, codec, ip, optional, string, uint16, uint32, when, type Codec } from '../layout.ts';
import { userStats } from '../structures.ts';
import { serverMessage } from './define.ts';

/** The official Qt client sends ChildDepth's depth as a uint8, everyone else as a uint32. */
const childDepth: Codec<number> = codec(
  'u32',
  4,
  (r) => (r.remaining === 1 ? r.u8() : r.u32()),
  (w, v) => w.u32(v),
);

export const sessionMessages = {
  Login: serverMessage(1, {
    request: {
      username: string,
      password: string,
      version: uint32,
      // Clients of version 149 and older stop after the version.
      md5Hash: optional(string),
      minorVersion: optional(uint32),
    },
    response: {
      result: bool,
      greeting: when('result', string),
      ipAddress: when('result', ip),
      /** MD5 hex of the password alone (docs/interop.md). */
      md5Hash: when('result', string),
      privileged: when('result', bool),
      failureReason: when('result', string, { equals: false }),
      /** Nicotine+ reads a detail after the reason, e.g. "Nick too long." after INVALIDUSERNAME. */
      rejectionDetail: when('result', string, { equals: false, optional: true }),
    },
  }),
  SetListenPort: serverMessage(2, {
    request: {
      listeningPort: uint32,
      /** The obfuscation type (1 = rotated XOR); the listing calls it has_obfuscated_port. */
      hasObfuscatedPort: optional(uint32),
      obfuscatedPort: optional(uint32),
    },
  }),
  GetPeerAddress: serverMessage(3, {
    request: { username: string },
    response: {
      username: string,
      ip: ip,
      port: uint32,
      hasObfuscatedPort: optional(uint32),
      /** A uint16 here, although SetListenPort and ConnectToPeer carry it as a uint32 (docs/interop.md). */
      obfuscatedPort: optional(uint16),
    },
  }),
  AddUser: serverMessage(5, {
    request: { username: string },
    response: {
      username: string,
      exist: bool,
      status: when('exist', uint32),
      userStats: when('exist', userStats),
      /** Present for users whose status is not offline. */
      countryCode: when('exist', string, { optional: true }),
    },
  }),
  RemoveUser: serverMessage(6, { request: { username: string } }),
  GetUserStatus: serverMessage(7, {
    request: { username: string },
    response: { username: string, status: uint32, privileged: bool },
  }),
  IgnoreUser: serverMessage(11, {
    request: { username: string },
    response: { username: string },
    status: 'defunct',
  }),
  UnignoreUser: serverMessage(12, {
    request: { username: string },
    response: { username: string },
    status: 'defunct',
  }),
  ConnectToPeer: serverMessage(18, {
    request: { ticket: uint32, username: string, connectionType: string },
    response: {
      username: string,
      connectionType: string,
      ipAddress: ip,
      port: uint32,
      ticket: uint32,
      privileged: bool,
      hasObfuscatedPort: optional(uint32),
      obfuscatedPort: optional(uint32),
    },
  }),
  SetStatus: serverMessage(28, { request: { status: uint32 } }),
  Ping: serverMessage(32, { request: {}, response: {} }),
  SendConnectTicket: serverMessage(33, {
    request: { username: string, ticket: uint32 },
    response: { username: string, ticket: uint32 },
    status: 'defunct',
  }),
  SendDownloadSpeed: serverMessage(34, { request: { username: string, speed: uint32 }, status: 'defunct' }),
  SharedFoldersFiles: serverMessage(35, { request: { sharedFolderCount: uint32, sharedFileCount: uint32 } }),
  GetUserStats: serverMessage(36, {
    request: { username: string },
    response: { username: string, userStats },
  }),
  Kicked: serverMessage(41, { response: {} }),
  ExecuteCommand: serverMessage(58, {
    request: { commandType: string, argument: array(string) },
    status: 'defunct',
  }),
  AdminMessage: serverMessage(66, { response: { message: string }, status: 'defunct' }),
  GetUserList: serverMessage(67, {
    request: {},
    response: {
      users: array(string),
      usersStatus: array(uint32),
      usersStats: array(userStats),
      usersSlotsFree: array(uint32),
      usersCountries: array(string),
    },
    status: 'defunct',
  }),
  TunneledMessage: serverMessage(68, {
    request: { username: string, ticket: uint32, code: uint32, message: string },
    // Nicotine+ reads code before ticket here; the bytes cannot tell the two apart (docs/interop.md).
    response: { username: string, ticket: uint32, code: uint32, ip: ip, port: uint32, message: string },
    status: 'defunct',
  }),
  Unknown80: serverMessage(80, { request: {}, status: 'defunct' }),
  SendUploadSpeed: serverMessage(121, { request: { speed: uint32 } }),
  ChildDepth: serverMessage(129, { request: { depth: childDepth }, status: 'deprecated' }),
  NewPassword: serverMessage(142, { request: { password: string } }),
  CannotConnect: serverMessage(1001, {
    request: { ticket: uint32, username: string },
    // The listing adds the username; real servers send the ticket only.
    response: { ticket: uint32, username: optional(string) },
  }),
};
