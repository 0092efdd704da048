// Which handler answers which message. The table's type lists every message a client may send,
// so a message without a handler does not compile.

import * as admin from './admin.ts';
import * as chat from './chat.ts';
import type { HandlerTable } from './context.ts';
import * as distributed from './distributed.ts';
import * as interests from './interests.ts';
import * as legacy from './legacy.ts';
import * as presence from './presence.ts';
import * as privileges from './privileges.ts';
import * as privateRooms from './private-rooms.ts';
import * as rooms from './rooms.ts';
import * as search from './search.ts';
import * as tickers from './tickers.ts';

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
  // rooms
  JoinRoom: rooms.joinRoom,
  LeaveRoom: rooms.leaveRoom,
  RoomChatMessage: rooms.roomChatMessage,
  RoomList: rooms.roomList,
  EnablePublicChat: rooms.enablePublicChat,
  DisablePublicChat: rooms.disablePublicChat,
  SetRoomTicker: tickers.setRoomTicker,
  // private rooms
  PrivateRoomGrantMembership: privateRooms.grantMembership,
  PrivateRoomRevokeMembership: privateRooms.revokeMembership,
  PrivateRoomDropMembership: privateRooms.dropMembership,
  PrivateRoomDropOwnership: privateRooms.dropOwnership,
  PrivateRoomGrantOperator: privateRooms.grantOperator,
  PrivateRoomRevokeOperator: privateRooms.revokeOperator,
  PrivateRoomOperatorRevoked: privateRooms.operatorRevoked, // client-sent: an operator gives up its rights
  TogglePrivateRoomInvites: privateRooms.toggleInvites,
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
  // interests and recommendations
  AddInterest: interests.addInterest,
  RemoveInterest: interests.removeInterest,
  AddHatedInterest: interests.addHatedInterest,
  RemoveHatedInterest: interests.removeHatedInterest,
  GetUserInterests: interests.getUserInterests,
  GetRecommendations: interests.getRecommendations,
  GetGlobalRecommendations: interests.getGlobalRecommendations,
  GetSimilarUsers: interests.getSimilarUsers,
  GetItemRecommendations: interests.getItemRecommendations,
  GetItemSimilarUsers: interests.getItemSimilarUsers,
  GetRelatedSearches: interests.getRelatedSearches,
  GetInterests: interests.getInterests,
  DeprecatedGetItemRecommendations: interests.deprecatedGetItemRecommendations,
  // privileges
  CheckPrivileges: privileges.checkPrivileges,
  GetUserPrivileges: privileges.getUserPrivileges,
  GiveUserPrivileges: privileges.giveUserPrivileges,
  PrivilegesNotificationAck: privileges.privilegesNotificationAck,
  // administration
  ExecuteCommand: admin.executeCommand,
  // obsolete, still relayed
  SendConnectTicket: legacy.sendConnectTicket,
  // parsed and ignored: defunct, or only ever sent by the server
  IgnoreUser: ignored,
  UnignoreUser: ignored,
  FileSearchRoom: ignored, // obsolete room search, replaced by RoomSearch
  SendDownloadSpeed: ignored, // reports another user's speed: a user acts only for itself
  GetUserList: ignored,
  TunneledMessage: ignored,
  Unknown80: ignored,
  ExactFileSearch: ignored,
  AddPrivilegedUser: ignored, // server to client only: a user cannot make itself privileged
  PrivilegesNotification: ignored, // server to client only; the client answers with the ack
};
