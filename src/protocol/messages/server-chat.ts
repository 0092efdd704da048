// Server messages: public rooms, tickers, the public chat feed and private messages.

import { array, bool, bool32, optional, string, struct, uint32 } from '../layout.ts';
import { userStats } from '../structures.ts';
import { serverMessage } from './define.ts';

export const chatMessages = {
  RoomChatMessage: serverMessage(13, {
    request: { roomName: string, message: string },
    response: { roomName: string, username: string, message: string },
  }),
  JoinRoom: serverMessage(14, {
    request: { roomName: string, isPrivate: optional(bool32) },
    response: {
      roomName: string,
      users: array(string),
      usersStatus: array(uint32),
      usersStats: array(userStats),
      usersSlotsFree: array(uint32),
      usersCountries: array(string),
      /** Private rooms only. */
      owner: optional(string),
      operator: optional(array(string)),
    },
  }),
  LeaveRoom: serverMessage(15, {
    request: { roomName: string },
    response: { roomName: string },
  }),
  UserJoinedRoom: serverMessage(16, {
    response: {
      roomName: string,
      username: string,
      status: uint32,
      userStats,
      slotsFree: uint32,
      countryCode: string,
    },
  }),
  UserLeftRoom: serverMessage(17, { response: { roomName: string, username: string } }),
  PrivateChatMessage: serverMessage(22, {
    request: { username: string, message: string },
    response: {
      chatId: uint32,
      timestamp: uint32,
      username: string,
      message: string,
      /** False when the server re-delivers a message stored while the user was offline. */
      isDirect: optional(bool),
    },
  }),
  PrivateChatMessageAck: serverMessage(23, { request: { chatId: uint32 } }),
  RoomList: serverMessage(64, {
    request: {},
    response: {
      rooms: array(string),
      roomsUserCount: array(uint32),
      roomsPrivateOwned: array(string),
      roomsPrivateOwnedUserCount: array(uint32),
      roomsPrivate: array(string),
      roomsPrivateUserCount: array(uint32),
      roomsPrivateOperated: array(string),
    },
  }),
  RoomTickers: serverMessage(113, {
    response: { room: string, tickers: array(struct({ username: string, ticker: string })) },
  }),
  RoomTickerAdded: serverMessage(114, { response: { room: string, username: string, ticker: string } }),
  RoomTickerRemoved: serverMessage(115, { response: { room: string, username: string } }),
  // MESSAGES.rst lists it as Receive only; clients send it (docs/interop.md), so both directions parse.
  SetRoomTicker: serverMessage(116, {
    request: { room: string, ticker: string },
    response: { room: string, ticker: string },
  }),
  PrivateChatMessageUsers: serverMessage(149, { request: { username: array(string), message: string } }),
  EnablePublicChat: serverMessage(150, { request: {} }),
  DisablePublicChat: serverMessage(151, { request: {} }),
  PublicChatMessage: serverMessage(152, { response: { room: string, username: string, message: string } }),
  CannotCreateRoom: serverMessage(1003, { response: { roomName: string } }),
};

export const privateRoomMessages = {
  PrivateRoomMembers: serverMessage(133, { response: { room: string, username: array(string) } }),
  PrivateRoomGrantMembership: serverMessage(134, {
    request: { room: string, username: string },
    response: { room: string, username: string },
  }),
  PrivateRoomRevokeMembership: serverMessage(135, {
    request: { room: string, username: string },
    response: { room: string, username: string },
  }),
  PrivateRoomDropMembership: serverMessage(136, { request: { room: string } }),
  PrivateRoomDropOwnership: serverMessage(137, { request: { room: string } }),
  PrivateRoomMembershipGranted: serverMessage(139, { response: { room: string } }),
  PrivateRoomMembershipRevoked: serverMessage(140, { response: { room: string } }),
  TogglePrivateRoomInvites: serverMessage(141, {
    request: { enable: bool },
    response: { enabled: bool },
  }),
  PrivateRoomGrantOperator: serverMessage(143, {
    request: { room: string, username: string },
    response: { room: string, username: string },
  }),
  PrivateRoomRevokeOperator: serverMessage(144, {
    request: { room: string, username: string },
    response: { room: string, username: string },
  }),
  PrivateRoomOperatorGranted: serverMessage(145, { response: { room: string } }),
  // Nicotine+ can also send this one (docs/interop.md), so the request layout exists too.
  PrivateRoomOperatorRevoked: serverMessage(146, { request: { room: string }, response: { room: string } }),
  PrivateRoomOperators: serverMessage(148, { response: { room: string, username: array(string) } }),
};
