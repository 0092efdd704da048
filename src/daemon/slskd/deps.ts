// What the slskd-compatible routes use of the daemon: narrow views of its own objects (the searches
// service, the transfer manager, the client), so this area depends on nothing else being built.

import type { Client } from '../../client/index.ts';
import type { TransferManager } from '../../transfers/index.ts';
import type { SearchService } from '../http/services.ts';
import type { ServerConnection } from '../http/routes.ts';
import type { ChatHistory } from '../store/chat.ts';

export interface SlskdDeps {
  readonly searches: Pick<SearchService, 'start' | 'list' | 'get' | 'responses' | 'stop' | 'delete'>;
  readonly transfers: Pick<TransferManager, 'download' | 'get' | 'list' | 'cancel' | 'remove' | 'placeInQueue'>;
  readonly client: Pick<
    Client,
    'folder' | 'browse' | 'userInfo' | 'userStatus' | 'peerAddress' | 'sendPrivateMessage' | 'roomList' | 'joinRoom' | 'leaveRoom' | 'sayInRoom' | 'rooms' | 'privateRoom'
  >;
  /** The chat history the daemon keeps (messages received, and those sent through these routes). */
  readonly chat: Pick<ChatHistory, 'conversations' | 'privateMessages' | 'unreadCount' | 'markRead' | 'addPrivateMessage' | 'roomMessages'>;
  /** The Soulseek server connection as it is now. */
  readonly server: () => ServerConnection;
  /** Absolute folders, as GET /options reports them (the Lidarr plugin builds paths from `downloads`). */
  readonly downloadsDir: string;
  readonly incompleteDir: string;
  /** Our Soulseek username (setting soulseek.username). */
  readonly username: string | undefined;
}
