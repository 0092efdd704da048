// Which handler answers which message. The table's type lists every message a client may send,
// so a message without a handler does not compile.

import * as chat from './chat.ts';
import type { HandlerTable } from './context.ts';
import * as distributed from './distributed.ts';
import * as legacy from './legacy.ts';
import * as presence from './presence.ts';
import * as rooms from './rooms.ts';
import * as search from './search.ts';

const ignored = legacy.ignoredHandler;

export const handlers: HandlerTable = {
  // presence and peers
  SetListenPort: presence.setListenPort,
  SetStatus: presence.setStatus,
  SharedFoldersFiles: presence.sharedFoldersFiles,
  SendUploadSpeed: presence.sendUploadSpeed,
  AddUser: presence.addUser,
  RemoveUser: presence.removeUser,
  GetUserStatus: presence.getUserStatus,
  GetUserStats: presence.getUserStats,
  GetPeerAddress: presence.getPeerAddress,
  ConnectToPeer: presence.connectToPeer,
  CannotConnect: presence.cannotConnect,
  Ping: presence.ping,
  NewPassword: presence.newPassword,
  CheckPrivileges: presence.checkPrivileges,
  GetUserPrivileges: presence.getUserPrivileges,
  // rooms
  JoinRoom: rooms.joinRoom,
  LeaveRoom: rooms.leaveRoom,
  RoomChatMessage: rooms.roomChatMessage,
  RoomList: rooms.roomList,
  EnablePublicChat: rooms.enablePublicChat,
  DisablePublicChat: rooms.disablePublicChat,
  // private messages
  PrivateChatMessage: chat.privateChatMessage,
  PrivateChatMessageAck: chat.privateChatMessageAck,
  PrivateChatMessageUsers: chat.privateChatMessageUsers,
  // search
  FileSearch: search.fileSearch,
  WishlistSearch: search.wishlistSearch,
  UserSearch: search.userSearch,
  RoomSearch: search.roomSearch,
  // distributed network
  ToggleParentSearch: distributed.toggleParentSearch,
  AcceptChildren: distributed.acceptChildren,
  BranchLevel: distributed.branchLevel,
  BranchRoot: distributed.branchRoot,
  ChildDepth: distributed.childDepth,
  ParentIP: distributed.parentIP,
  // obsolete requests answered empty, as soulfind does
  GetRecommendations: legacy.getRecommendations,
  GetGlobalRecommendations: legacy.getGlobalRecommendations,
  GetUserInterests: legacy.getUserInterests,
  GetSimilarUsers: legacy.getSimilarUsers,
  GetItemRecommendations: legacy.getItemRecommendations,
  GetItemSimilarUsers: legacy.getItemSimilarUsers,
  GetInterests: legacy.getInterests,
  DeprecatedGetItemRecommendations: legacy.deprecatedGetItemRecommendations,
  GetRelatedSearches: legacy.getRelatedSearches,
  SendConnectTicket: legacy.sendConnectTicket,
  // parsed and ignored: defunct, or arriving with the private-rooms / interests / privileges issue
  IgnoreUser: ignored,
  UnignoreUser: ignored,
  FileSearchRoom: ignored,
  SendDownloadSpeed: ignored, // reports another user's speed: a user acts only for itself
  ExecuteCommand: ignored,
  GetUserList: ignored,
  TunneledMessage: ignored,
  Unknown80: ignored,
  ExactFileSearch: ignored,
  AddInterest: ignored,
  RemoveInterest: ignored,
  AddHatedInterest: ignored,
  RemoveHatedInterest: ignored,
  SetRoomTicker: ignored,
  AddPrivilegedUser: ignored,
  GiveUserPrivileges: ignored,
  PrivilegesNotification: ignored,
  PrivilegesNotificationAck: ignored,
  PrivateRoomGrantMembership: ignored,
  PrivateRoomRevokeMembership: ignored,
  PrivateRoomDropMembership: ignored,
  PrivateRoomDropOwnership: ignored,
  TogglePrivateRoomInvites: ignored,
  PrivateRoomGrantOperator: ignored,
  PrivateRoomRevokeOperator: ignored,
  PrivateRoomOperatorRevoked: ignored,
};
