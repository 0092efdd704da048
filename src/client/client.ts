// The Soulseek client: one object an app embeds to log in, search, browse, chat and take part in
// the distributed network. It composes the server link, the peer connections, the searches and the
// distributed node; every async call takes an AbortSignal and has a timeout.

import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import {
  UploadPermissions,
  UserStatus,
  type PeerMessage,
  type ServerResponse,
  type UserStats,
} from '../protocol/index.ts';
import { DistributedNode, type DistributedStatus } from './distributed.ts';
import { ClientError, LoginError, NotConnectedError } from './errors.ts';
import { toFileData, toSharedFile, type AudioInfo } from '../model/files.ts';
import type { OfferedFile, SearchAnswer, SearchResponder, SharesProvider } from '../model/shares.ts';
export type { OfferedFile, SearchAnswer, SearchResponder, SharesProvider } from '../model/shares.ts';
import { resolveOptions, type ClientOptions, type ResolvedOptions } from './options.ts';
import type { PeerConnection } from './peer-connection.ts';
import { PeerManager, type EstablishedSocket } from './peers.ts';
import { PeerRequests } from './peer-requests.ts';
import { Interests, type Recommendations, type SimilarUser, type UserInterests } from './interests.ts';
import { mentions, NoticeClaims, SERVER_USER } from './notices.ts';
import { PrivateRooms, type PrivateRoomInfo, type PrivateRoomsContext, type RoomTicker } from './private-rooms.ts';
import { Privileges } from './privileges.ts';
import { Search, type SearchOptions, type SearchResponse } from './search.ts';
import { ServerLink } from './server-link.ts';
import type { UserListChange, UserListsView } from './user-lists.ts';
import {
  presenceOf,
  type ClientEvents,
  type Folder,
  type IncomingSearch,
  type LoginInfo,
  type Presence,
  type RoomListing,
  type RoomMember,
  type RoomState,
  type SharesListing,
  type UserInfo,
  type UserStatsInfo,
  type WatchResult,
} from './types.ts';
import { withDeadline } from './wait.ts';

/** How long a refused join waits for the server's notice that says why, after CannotCreateRoom. */
const REFUSAL_NOTICE_GRACE_MS = 1000;

export interface LoginOptions {
  /** `host:port`, or an object. */
  server: string | { host: string; port: number };
  username: string;
  password: string;
  signal?: AbortSignal;
}

/** A file our search responder offers. */
/** What we show to users who ask for our user info. */
export interface OwnUserInfo {
  description: string;
  picture?: Uint8Array;
  uploadSlots: number;
  queueLength: number;
  slotsFree: boolean;
  uploadPermissions: number;
}

export type FileConnectionHandler = (connection: EstablishedSocket) => void;

function parseServer(server: LoginOptions['server']): { host: string; port: number } {
  if (typeof server !== 'string') return server;
  const match = /^(.*):(\d+)$/.exec(server);
  if (match === null) return { host: server, port: 2242 };
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) };
}

const statsInfo = (stats: UserStats): UserStatsInfo => ({
  avgSpeed: stats.avgSpeed,
  uploads: Number(stats.uploads),
  files: stats.sharedFileCount,
  folders: stats.sharedFolderCount,
});

const toFolder = (directory: { name: string; files: Parameters<typeof toSharedFile>[0][] }, locked: boolean): Folder => ({
  name: directory.name,
  files: directory.files.map((file) => toSharedFile(file, locked)),
});

/** From an ignored user these get no answer (requests) or are dropped (search results). */
const IGNORED_PEER_MESSAGES: ReadonlySet<PeerMessage['name']> = new Set(['PeerSharesRequest', 'PeerDirectoryContentsRequest', 'PeerUserInfoRequest', 'PeerSearchReply']);

export class Client extends EventEmitter<ClientEvents> {
  readonly options: ResolvedOptions;
  private link: ServerLink | undefined;
  private readonly peers: PeerManager;
  private readonly distributed: DistributedNode;
  private credentials: { server: { host: string; port: number }; username: string; password: string } | undefined;
  private loggedInAs: string | undefined;
  private closing = false;
  private kicked = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private reconnectAttempt = 0;
  private pingTimer: NodeJS.Timeout | undefined;
  private readonly searches = new Map<number, Search>();
  private nextTicket = Math.floor(Math.random() * 0x7000_0000) + 1;
  private readonly joinedRooms = new Set<string>();
  private readonly watched = new Set<string>();
  private status: number = UserStatus.online;
  private sharedCounts = { folders: 0, files: 0 };
  private responder: SearchResponder | undefined;
  private sharesProvider: SharesProvider | undefined;
  private fileHandler: FileConnectionHandler | undefined;
  private ownInfo: OwnUserInfo = { description: '', uploadSlots: 1, queueLength: 0, slotsFree: true, uploadPermissions: UploadPermissions.everyone };
  /** Browse, folder and user info requests, shared by their callers until the peer replies. */
  private readonly requests: PeerRequests;
  private wishes: string[] = [];
  private wishIndex = 0;
  private wishlistTimer: NodeJS.Timeout | undefined;
  private readonly wishTickets = new Map<number, string>();
  private loginRoomList: Promise<void> = Promise.resolve();
  private userLists: UserListsView | undefined;
  private readonly interestLists = new Interests(() => this.link, (what) => this.requireLink(what));
  /** Calls waiting for a server notice that may answer them (refusals, admin replies). */
  private readonly notices = new NoticeClaims();
  private readonly privilegeState: Privileges;
  private readonly privateRoomState: PrivateRooms;
  /** Rooms we are joining, so a CannotCreateRoom for one of them is the join's, not news. */
  private readonly pendingJoins = new Set<string>();

  constructor(options: ClientOptions = {}) {
    super();
    this.options = resolveOptions(options);
    this.privilegeState = new Privileges((what) => this.requireLink(what), {
      added: (username) => this.emit('privilegedUserAdded', username),
      given: (event) => this.emit('privilegesGiven', event),
    }, { claims: this.notices, requestMs: this.options.timeouts.requestMs });
    this.privateRoomState = new PrivateRooms({
      requireLink: (what) => this.requireLink(what),
      // The login's own room list is read before login() has set loggedInAs.
      username: () => this.loggedInAs ?? this.credentials?.username,
      claims: this.notices,
      requestMs: this.options.timeouts.requestMs,
      emit: this.emit.bind(this) as PrivateRoomsContext['emit'],
    });
    this.peers = new PeerManager(this.options, {
      username: () => this.loggedInAs,
      server: () => this.link,
      peerConnected: (connection) => this.watchPeer(connection),
      distributedConnected: (connection, direction) => {
        if (direction === 'incoming') this.distributed.incoming(connection);
        else connection.close('unexpected distributed connection');
      },
      fileConnected: (connection) => {
        if (this.fileHandler !== undefined) this.fileHandler(connection);
        else connection.socket.destroy();
      },
    });
    this.requests = new PeerRequests({
      send: (username, message, signal) => this.peers.send(username, message, signal),
      timeoutMs: this.options.timeouts.peerReplyMs,
      nextTicket: () => this.ticket(),
    });
    this.distributed = new DistributedNode(this.options, this.peers, {
      username: () => this.loggedInAs,
      server: () => this.link,
      search: (request) => this.incomingSearch({ ...request, via: 'distributed' }),
      changed: (status) => this.emit('distributed', status),
    });
  }

  // ---- session ---------------------------------------------------------------------------------

  get username(): string | undefined {
    return this.loggedInAs;
  }

  get loggedIn(): boolean {
    return this.link !== undefined && !this.link.closed && this.loggedInAs !== undefined;
  }

  get listenPort(): number {
    return this.peers.listenPort;
  }

  /** Connects, logs in, and announces our ports, status and shares. Rejects with LoginError when refused. */
  async login(options: LoginOptions): Promise<LoginInfo> {
    const server = parseServer(options.server);
    this.closing = false;
    this.kicked = false;
    this.credentials = { server, username: options.username, password: options.password };
    const info = await this.connectAndLogin(options.signal);
    this.reconnectAttempt = 0;
    return info;
  }

  private async connectAndLogin(signal?: AbortSignal): Promise<LoginInfo> {
    const credentials = this.credentials;
    if (credentials === undefined) throw new NotConnectedError('login');
    await this.peers.listen();
    const { host, port } = credentials.server;
    const timeouts = this.options.timeouts;
    const link = await ServerLink.connect(host, port, timeouts, this.options.logger, signal);
    link.on('message', (message) => this.onServerMessage(link, message));
    const { username, password } = credentials;
    const reply = link.waitFor('Login', () => true, timeouts.loginMs, signal);
    // The server follows a successful login with a room list of its own (small rooms left out);
    // claim it here so roomList() waits for the answer to its own request.
    this.loginRoomList = link.waitFor('RoomList', () => true, timeouts.loginMs).then(
      () => undefined,
      () => undefined,
    );
    link.send({
      name: 'Login',
      username,
      password,
      version: this.options.version.major,
      md5Hash: createHash('md5').update(username + password).digest('hex'),
      minorVersion: this.options.version.minor,
    });
    let login;
    try {
      login = await reply;
    } catch (error) {
      link.close('login failed');
      throw error;
    }
    if (!login.result) {
      link.close('login refused');
      throw new LoginError(login.failureReason ?? 'unknown', login.rejectionDetail);
    }
    this.link = link;
    this.loggedInAs = username;
    link.on('close', (reason) => this.onServerClosed(link, reason.kind === 'local' ? reason.detail : reason.kind));
    this.announce();
    const info: LoginInfo = {
      username,
      greeting: login.greeting ?? '',
      ip: login.ipAddress ?? '0.0.0.0',
      privileged: login.privileged ?? false,
      listenPort: this.peers.listenPort,
      obfuscatedPort: this.peers.obfuscatedPort,
    };
    this.options.logger.info?.({ server: `${host}:${port}`, username }, 'logged in');
    this.emit('loggedIn', info);
    return info;
  }

  /** What a client tells the server right after login (docs/flows.md §1.6). */
  private announce(): void {
    const link = this.link!;
    const obfuscated = this.peers.obfuscatedPort;
    const port = this.options.announcePort ?? this.peers.listenPort;
    link.send(
      obfuscated > 0
        ? { name: 'SetListenPort', listeningPort: port, hasObfuscatedPort: 1, obfuscatedPort: obfuscated }
        : { name: 'SetListenPort', listeningPort: port },
    );
    link.send({ name: 'SetStatus', status: this.status });
    link.send({ name: 'SharedFoldersFiles', sharedFolderCount: this.sharedCounts.folders, sharedFileCount: this.sharedCounts.files });
    link.send({ name: 'AddUser', username: this.loggedInAs! });
    this.interestLists.announce(link);
    for (const name of this.watched) link.send({ name: 'AddUser', username: name });
    // Buddies are watched, as clients do, so their status is known.
    for (const name of this.userLists?.buddyNames() ?? []) if (!this.watched.has(name)) link.send({ name: 'AddUser', username: name });
    for (const room of this.joinedRooms) link.send({ name: 'JoinRoom', roomName: room });
    if (this.options.distributed) this.distributed.start();
    this.pingTimer ??= setInterval(() => this.link?.send({ name: 'Ping' }), this.options.timeouts.pingMs);
    this.pingTimer.unref();
  }

  private onServerClosed(link: ServerLink, reason: string): void {
    if (this.link !== link) return;
    this.link = undefined;
    this.distributed.stop();
    for (const search of this.searches.values()) search.finish('disconnected');
    const willReconnect = !this.closing && !this.kicked && this.options.reconnect.enabled;
    this.emit('disconnected', { reason, willReconnect });
    if (willReconnect) this.scheduleReconnect();
  }

  /** Capped exponential backoff with jitter, so a restarted server is not hit by every client at once. */
  private scheduleReconnect(): void {
    const { initialDelayMs, maxDelayMs } = this.options.reconnect;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** this.reconnectAttempt);
    const delayMs = Math.round(base * (0.5 + Math.random()));
    this.reconnectAttempt++;
    this.emit('reconnecting', { attempt: this.reconnectAttempt, delayMs });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connectAndLogin().then(
        () => {
          this.reconnectAttempt = 0;
        },
        (error: unknown) => {
          this.options.logger.info?.({ err: (error as Error).message }, 'reconnect failed');
          if (error instanceof LoginError || this.closing || this.kicked) return;
          this.scheduleReconnect();
        },
      );
    }, delayMs);
  }

  /** Logs out and closes every connection. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.wishlistTimer) clearInterval(this.wishlistTimer);
    this.pingTimer = undefined;
    this.wishlistTimer = undefined;
    this.distributed.stop();
    for (const search of this.searches.values()) search.finish('stopped');
    this.requests.close();
    const link = this.link;
    this.link = undefined;
    this.loggedInAs = undefined;
    if (link !== undefined && !link.closed) {
      const closed = new Promise<void>((resolve) => link.once('close', () => resolve()));
      link.close('logged out');
      await closed;
    }
    await this.peers.close();
  }

  private requireLink(what: string): ServerLink {
    const link = this.link;
    if (link === undefined || link.closed) throw new NotConnectedError(what);
    return link;
  }

  setStatus(status: 'online' | 'away'): void {
    this.status = status === 'away' ? UserStatus.away : UserStatus.online;
    this.link?.send({ name: 'SetStatus', status: this.status });
  }

  /** Tells the server how much we share (shown to others in our stats). */
  setSharedCounts(folders: number, files: number): void {
    this.sharedCounts = { folders, files };
    this.link?.send({ name: 'SharedFoldersFiles', sharedFolderCount: folders, sharedFileCount: files });
  }

  /** Answers searches that reach us (the shares index plugs in here). */
  setSearchResponder(responder: SearchResponder | undefined): void {
    this.responder = responder;
  }

  setSharesProvider(provider: SharesProvider | undefined): void {
    this.sharesProvider = provider;
  }

  /** Takes F (file transfer) connections; without a handler they are closed. */
  setFileConnectionHandler(handler: FileConnectionHandler | undefined): void {
    this.fileHandler = handler;
  }

  setUserInfo(info: Partial<OwnUserInfo>): void {
    this.ownInfo = { ...this.ownInfo, ...info };
  }

  /**
   * The buddy and ignore lists (a UserLists). Ignored users' private messages are acknowledged and
   * dropped, their searches, browse, folder and user info requests get no answer, and their search
   * results are dropped; buddies are watched. (Hand `lists.isBuddy` to the shares responder and
   * provider, and `lists.isIgnored` to the TransferManager.)
   */
  setUserLists(lists: UserListsView | undefined): void {
    this.userLists?.off('change', this.onUserListChange);
    this.userLists = lists;
    lists?.on('change', this.onUserListChange);
    for (const name of lists?.buddyNames() ?? []) this.onUserListChange({ list: 'buddies', action: 'added', name });
  }

  private readonly onUserListChange = (change: UserListChange): void => {
    if (change.list !== 'buddies' || change.action === 'updated' || this.watched.has(change.name)) return;
    this.link?.send(change.action === 'added' ? { name: 'AddUser', username: change.name } : { name: 'RemoveUser', username: change.name });
  };

  /** Open P connections, for diagnostics. */
  peerConnections(): { username: string; address: string; obfuscated: boolean }[] {
    return this.peers.connections();
  }

  /** Peer sockets held, in total and per remote address of incoming ones, for diagnostics. */
  peerSocketCounts(): { total: number; byAddress: Record<string, number> } {
    return this.peers.socketCounts();
  }

  distributedStatus(): DistributedStatus {
    return this.distributed.status();
  }

  // ---- server messages -------------------------------------------------------------------------

  /** `link` is the connection the message came on: during login it is not yet `this.link`. */
  private onServerMessage(link: ServerLink, message: ServerResponse): void {
    this.emit('serverMessage', message);
    this.privilegeState.serverMessage(link, message);
    this.privateRoomState.serverMessage(message);
    if (this.options.distributed) this.distributed.serverMessage(message);
    switch (message.name) {
      case 'Kicked':
        this.kicked = true;
        this.emit('kicked');
        break;
      case 'PrivateChatMessage':
        // A notice that answers a call of ours is that call's result; messages stored from an
        // earlier session (not direct) answer nothing we asked now.
        if (message.username === SERVER_USER && message.isDirect !== false && this.notices.offer(message.message)) {
          link.send({ name: 'PrivateChatMessageAck', chatId: message.chatId });
          break;
        }
        if (this.userLists?.isIgnored(message.username) === true) {
          // Acknowledged all the same, or the server would deliver it again at every login.
          link.send({ name: 'PrivateChatMessageAck', chatId: message.chatId });
          break;
        }
        // Acknowledged only when someone listens: otherwise the server keeps it and delivers it
        // again at the next login, instead of it being lost.
        if (this.listenerCount('privateMessage') === 0) break;
        link.send({ name: 'PrivateChatMessageAck', chatId: message.chatId });
        this.emit('privateMessage', {
          id: message.chatId,
          time: new Date(message.timestamp * 1000),
          from: message.username,
          text: message.message,
          isNew: message.isDirect ?? true,
        });
        break;
      case 'RoomChatMessage':
        this.emit('roomMessage', { room: message.roomName, username: message.username, text: message.message });
        break;
      case 'PublicChatMessage':
        this.emit('publicChatMessage', { room: message.room, username: message.username, text: message.message });
        break;
      case 'UserJoinedRoom':
        this.emit('userJoinedRoom', {
          room: message.roomName,
          member: {
            username: message.username,
            status: presenceOf(message.status),
            stats: statsInfo(message.userStats),
            slotsFree: message.slotsFree,
            country: message.countryCode,
          },
        });
        break;
      case 'UserLeftRoom':
        this.emit('userLeftRoom', { room: message.roomName, username: message.username });
        break;
      case 'LeaveRoom':
        // Not one we asked for (leaveRoom forgets the room first): the server removed us, as when
        // our membership of a private room is revoked.
        if (this.joinedRooms.delete(message.roomName)) {
          this.privateRoomState.left(message.roomName);
          this.emit('roomLeft', message.roomName);
        }
        break;
      case 'CannotCreateRoom':
        if (!this.pendingJoins.has(message.roomName)) {
          // A room we re-join after a reconnect that has since become private to others.
          this.joinedRooms.delete(message.roomName);
          this.emit('roomCreateRefused', { room: message.roomName });
        }
        break;
      case 'GetUserStatus':
        this.emit('userStatus', { username: message.username, status: presenceOf(message.status), privileged: message.privileged });
        break;
      case 'GetUserStats':
        this.emit('userStats', { username: message.username, stats: statsInfo(message.userStats) });
        break;
      case 'ConnectToPeer':
        this.peers.connectBack(message).catch((error: unknown) => this.options.logger.warn?.({ peer: message.username, err: (error as Error).message }, 'connecting back failed'));
        break;
      case 'FileSearch':
        this.incomingSearch({ username: message.username, ticket: message.ticket, query: message.query, via: 'server' });
        break;
      case 'WishlistInterval':
        this.restartWishlist(message.interval);
        break;
      case 'AdminMessage':
        this.emit('adminMessage', message.message);
        break;
      default:
    }
  }

  // ---- searching -------------------------------------------------------------------------------

  /** Starts a search; iterate it, listen to its events, or await `search.done`. */
  search(query: string, options: SearchOptions = {}): Search {
    const link = this.requireLink('search');
    const ticket = this.ticket();
    const scope = options.scope ?? { kind: 'network' };
    const search = new Search({
      query,
      ticket,
      scope,
      timeoutMs: options.timeoutMs ?? this.options.timeouts.searchMs,
      maxResults: options.maxResults ?? this.options.limits.maxSearchResults,
      ...(options.signal ? { signal: options.signal } : {}),
      onEnd: (ended) => this.searches.delete(ended.ticket),
    });
    this.searches.set(ticket, search);
    switch (scope.kind) {
      case 'network':
        link.send({ name: 'FileSearch', ticket, query });
        break;
      case 'room':
        link.send({ name: 'RoomSearch', room: scope.room, ticket, query });
        break;
      case 'user':
        link.send({ name: 'UserSearch', username: scope.username, ticket, query });
        break;
      case 'wishlist':
        link.send({ name: 'WishlistSearch', ticket, query });
        break;
    }
    return search;
  }

  /** Wishlist queries re-run at the server's WishlistInterval, one per tick; replies come as `wishlistResponse`. */
  addWish(query: string): void {
    if (!this.wishes.includes(query)) this.wishes.push(query);
  }

  removeWish(query: string): void {
    this.wishes = this.wishes.filter((wish) => wish !== query);
  }

  get wishlist(): readonly string[] {
    return this.wishes;
  }

  private restartWishlist(intervalSeconds: number): void {
    if (this.wishlistTimer) clearInterval(this.wishlistTimer);
    this.wishlistTimer = setInterval(() => this.runNextWish(), Math.max(1, intervalSeconds) * 1000);
    this.wishlistTimer.unref();
  }

  private runNextWish(): void {
    if (this.wishes.length === 0 || !this.loggedIn) return;
    const query = this.wishes[this.wishIndex++ % this.wishes.length]!;
    const search = this.search(query, { scope: { kind: 'wishlist' } });
    this.wishTickets.set(search.ticket, query);
    search.on('response', (response) => this.emit('wishlistResponse', { query, response }));
    search.once('end', () => this.wishTickets.delete(search.ticket));
  }

  private ticket(): number {
    this.nextTicket = (this.nextTicket % 0xffff_fff0) + 1;
    return this.nextTicket;
  }

  /** A search that reached us: hand it to the responder and send its answer to the searcher. */
  private incomingSearch(search: IncomingSearch): void {
    if (search.username === this.loggedInAs || this.userLists?.isIgnored(search.username) === true) return;
    this.emit('searchRequest', search);
    const responder = this.responder;
    if (responder === undefined) return;
    void (async () => {
      const answer = await responder(search);
      if (answer === undefined || (answer.files.length === 0 && (answer.lockedFiles?.length ?? 0) === 0)) return;
      await this.peers.send(search.username, {
        name: 'PeerSearchReply',
        username: this.loggedInAs ?? '',
        ticket: search.ticket,
        results: answer.files.map(toFileData),
        hasSlotsFree: answer.slotsFree,
        avgSpeed: answer.avgSpeed,
        queueSize: answer.queueLength,
        unknown: 0,
        ...(answer.lockedFiles !== undefined && answer.lockedFiles.length > 0 ? { lockedResults: answer.lockedFiles.map(toFileData) } : {}),
      });
    })().catch((error: unknown) => this.emit('warning', error instanceof Error ? error : new Error(String(error))));
  }

  // ---- peers -----------------------------------------------------------------------------------

  private watchPeer(connection: PeerConnection): void {
    const { username, remoteAddress: address } = connection;
    connection.wants = (code) => this.wantsPeerReply(username, code);
    // A shares listing can be megabytes: say how much of it has come while we wait for it.
    connection.connection.on('partial', ({ code, received, size }) => {
      if (code === 5 && this.requests.wants(username, 'PeerSharesReply')) this.emit('browseProgress', { username, bytesReceived: received, bytes: size });
    });
    connection.on('message', (message) => this.onPeerMessage(connection, message));
    connection.once('close', (reason) =>
      this.emit('peerDisconnected', { username, address, reason: reason.kind === 'local' ? reason.detail : reason.kind }),
    );
    this.emit('peerConnected', { username, address, obfuscated: connection.obfuscated });
  }

  /**
   * Whether a compressed reply from `username` is awaited, asked before its frame is inflated: a
   * shares reply only while we browse them, a folder listing only while we asked them for one, a
   * search reply only while one of our searches is open (its ticket is checked after inflating).
   */
  private wantsPeerReply(username: string, code: number): boolean {
    switch (code) {
      case 5: // PeerSharesReply
        return this.requests.wants(username, 'PeerSharesReply');
      case 37: // its ticket is inside the compressed body: any folder request to this user will do
        return this.requests.wants(username, 'PeerDirectoryContentsReply');
      case 9: // PeerSearchReply
        return this.searches.size > 0;
      default:
        return true;
    }
  }

  private onPeerMessage(connection: PeerConnection, message: PeerMessage): void {
    const username = connection.username;
    this.emit('peerMessage', { username, message });
    if (IGNORED_PEER_MESSAGES.has(message.name) && this.userLists?.isIgnored(username) === true) return;
    switch (message.name) {
      case 'PeerSearchReply':
        this.searches.get(message.ticket)?.accept(username, message);
        break;
      case 'PeerSharesReply':
      case 'PeerUserInfoReply':
      case 'PeerDirectoryContentsReply':
        if (!this.requests.reply(username, message)) this.options.logger.debug?.({ peer: username, message: message.name }, 'unrequested peer reply dropped');
        break;
      case 'PeerUserInfoRequest':
        this.replyTo(connection, {
          name: 'PeerUserInfoReply',
          description: this.ownInfo.description,
          hasPicture: this.ownInfo.picture !== undefined,
          ...(this.ownInfo.picture !== undefined ? { picture: this.ownInfo.picture } : {}),
          uploadSlots: this.ownInfo.uploadSlots,
          queueSize: this.ownInfo.queueLength,
          hasSlotsFree: this.ownInfo.slotsFree,
          uploadPermissions: this.ownInfo.uploadPermissions,
        });
        break;
      case 'PeerSharesRequest':
        this.answerPeer(connection, 'browse', () => this.answerShares(connection));
        break;
      case 'PeerDirectoryContentsRequest':
        this.answerPeer(connection, `folder ${JSON.stringify(message.directory)}`, () => this.answerFolder(connection, message.ticket, message.directory));
        break;
      default:
    }
  }

  /**
   * Runs an answer to a peer's request. A provider that rejects or throws is the app's bug, not the
   * peer's: the peer gets no answer (as from a busy client), its connection stays open, and the app
   * hears of it as a `warning`; the process never sees an unhandled rejection.
   */
  private answerPeer(connection: PeerConnection, what: string, answer: () => Promise<void>): void {
    const report = (error: unknown): void => {
      const cause = error instanceof Error ? error : new Error(String(error));
      this.options.logger.warn?.({ peer: connection.username, err: cause.message }, `answering a ${what} request failed`);
      this.emit('warning', new ClientError('PROVIDER_FAILED', `answering ${connection.username}'s ${what} request failed: ${cause.message}; fix the shares provider`, { cause }));
    };
    try {
      answer().catch(report);
    } catch (error) {
      report(error);
    }
  }

  /**
   * Answers a request that came on `connection`, on the user's current connection: after a race
   * the peer may have closed the one the request came on (see PeerOutbox).
   */
  private replyTo(connection: PeerConnection, message: PeerMessage): void {
    this.peers.send(connection.username, message).catch((error: unknown) =>
      this.options.logger.debug?.({ peer: connection.username, message: message.name, err: (error as Error).message }, 'reply not delivered'),
    );
  }

  private async answerShares(connection: PeerConnection): Promise<void> {
    const shares = (await this.sharesProvider?.shares(connection.username)) ?? { folders: [], lockedFolders: [] };
    const toDirectory = (folder: Folder) => ({ name: folder.name, files: folder.files.map((f) => toFileData({ ...f, filename: f.filename })) });
    this.replyTo(connection, {
      name: 'PeerSharesReply',
      directories: shares.folders.map(toDirectory),
      unknown: 0,
      ...(shares.lockedFolders.length > 0 ? { lockedDirectories: shares.lockedFolders.map(toDirectory) } : {}),
    });
  }

  private async answerFolder(connection: PeerConnection, ticket: number, directory: string): Promise<void> {
    const folder = await this.sharesProvider?.folder(connection.username, directory);
    this.replyTo(connection, {
      name: 'PeerDirectoryContentsReply',
      ticket,
      directory,
      directories: folder === undefined ? [] : [{ name: folder.name, files: folder.files.map((f) => toFileData(f)) }],
    });
  }

  /** Every shared folder of a user, locked folders included. */
  async browse(username: string, options: { signal?: AbortSignal } = {}): Promise<SharesListing> {
    this.requireLink('browse');
    const reply = await this.requests.browse(username, options.signal);
    return {
      username,
      folders: reply.directories.map((d) => toFolder(d, false)),
      lockedFolders: (reply.lockedDirectories ?? []).map((d) => toFolder(d, true)),
    };
  }

  /** The files of one folder of a user's shares. */
  async folder(username: string, directory: string, options: { signal?: AbortSignal } = {}): Promise<Folder[]> {
    this.requireLink('folder');
    const reply = await this.requests.folder(username, directory, options.signal);
    return reply.directories.map((d) => toFolder(d, false));
  }

  /** A user's description, picture, slots, queue and upload permissions. */
  async userInfo(username: string, options: { signal?: AbortSignal } = {}): Promise<UserInfo> {
    this.requireLink('user info');
    const reply = await this.requests.userInfo(username, options.signal);
    return {
      username,
      description: reply.description,
      ...(reply.picture !== undefined ? { picture: reply.picture } : {}),
      uploadSlots: reply.uploadSlots,
      queueLength: reply.queueSize,
      slotsFree: reply.hasSlotsFree,
      ...(reply.uploadPermissions !== undefined ? { uploadPermissions: reply.uploadPermissions } : {}),
    };
  }

  /** Sends one message to a peer over its P connection (made if needed). For the transfers code. */
  async sendToPeer(username: string, message: PeerMessage, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.requireLink('send to peer');
    await this.peers.send(username, message, options.signal);
  }

  /**
   * Opens an F (file transfer) connection to a peer, direct or indirect; the caller owns the socket.
   * With `handshake` (write the ticket, read the offset), a connection counts only once the
   * handshake succeeded on it, and its result comes back as `verified`.
   */
  async openFileConnection<V = undefined>(
    username: string,
    options: { signal?: AbortSignal; handshake?: (connection: EstablishedSocket) => Promise<V> } = {},
  ): Promise<EstablishedSocket & { verified?: V }> {
    this.requireLink('file connection');
    return this.peers.connect(username, 'F', options.signal, options.handshake);
  }

  /** Tells the server the speed of an upload that just finished (bytes/s); it updates our average. */
  reportUploadSpeed(bytesPerSecond: number): void {
    const speed = Math.max(0, Math.min(0xffff_ffff, Math.round(bytesPerSecond)));
    if (speed > 0) this.link?.send({ name: 'SendUploadSpeed', speed });
  }

  /** Where a peer listens (ip 0.0.0.0 when offline). */
  async peerAddress(username: string, options: { signal?: AbortSignal } = {}): Promise<{ ip: string; port: number; obfuscatedPort: number }> {
    const reply = await this.requireLink('peer address').lookup({ name: 'GetPeerAddress', username }, 'GetPeerAddress', options.signal);
    return { ip: reply.ip, port: reply.port, obfuscatedPort: reply.obfuscatedPort ?? 0 };
  }

  // ---- users -----------------------------------------------------------------------------------

  async userStatus(username: string, options: { signal?: AbortSignal } = {}): Promise<{ status: Presence; privileged: boolean }> {
    const reply = await this.requireLink('user status').lookup({ name: 'GetUserStatus', username }, 'GetUserStatus', options.signal);
    return { status: presenceOf(reply.status), privileged: reply.privileged };
  }

  async userStats(username: string, options: { signal?: AbortSignal } = {}): Promise<UserStatsInfo> {
    const reply = await this.requireLink('user stats').lookup({ name: 'GetUserStats', username }, 'GetUserStats', options.signal);
    return statsInfo(reply.userStats);
  }

  /** Watches a user: its status and stats changes arrive as `userStatus` / `userStats` events. */
  async watch(username: string, options: { signal?: AbortSignal } = {}): Promise<WatchResult> {
    const reply = await this.requireLink('watch').lookup({ name: 'AddUser', username }, 'AddUser', options.signal);
    if (!reply.exist) return { username, exists: false };
    this.watched.add(username);
    return {
      username,
      exists: true,
      ...(reply.status !== undefined ? { status: presenceOf(reply.status) } : {}),
      ...(reply.userStats !== undefined ? { stats: statsInfo(reply.userStats) } : {}),
      ...(reply.countryCode !== undefined ? { country: reply.countryCode } : {}),
    };
  }

  unwatch(username: string): void {
    this.watched.delete(username);
    this.link?.send({ name: 'RemoveUser', username });
  }

  // ---- interests and privileges -----------------------------------------------------------------

  /**
   * Adds an item we like (moving it out of the hated list). The client remembers its lists and
   * sends them again after every login; before login the item is only remembered.
   */
  addInterest(item: string): void {
    this.interestLists.add(item, false);
  }

  removeInterest(item: string): void {
    this.interestLists.remove(item, false);
  }

  /** Adds an item we dislike (moving it out of the liked list). */
  addHatedInterest(item: string): void {
    this.interestLists.add(item, true);
  }

  removeHatedInterest(item: string): void {
    this.interestLists.remove(item, true);
  }

  /** Our own lists, as this client remembers them. */
  get interests(): { liked: readonly string[]; hated: readonly string[] } {
    return { liked: this.interestLists.liked, hated: this.interestLists.hated };
  }

  /** A user's liked and hated items, as the server has them (our own too). */
  userInterests(username: string, options: { signal?: AbortSignal } = {}): Promise<UserInterests> {
    return this.interestLists.userInterests(username, options);
  }

  /** Recommendations from the interests of users who share ours. */
  recommendations(options: { signal?: AbortSignal } = {}): Promise<Recommendations> {
    return this.interestLists.recommendations(options);
  }

  /** The network's ranking of items liked and hated, whatever our own interests. */
  globalRecommendations(options: { signal?: AbortSignal } = {}): Promise<Recommendations> {
    return this.interestLists.globalRecommendations(options);
  }

  /** Users whose interests overlap ours. */
  similarUsers(options: { signal?: AbortSignal } = {}): Promise<SimilarUser[]> {
    return this.interestLists.similarUsers(options);
  }

  /** What users who like `item` also like. */
  itemRecommendations(item: string, options: { signal?: AbortSignal } = {}): Promise<Recommendations> {
    return this.interestLists.itemRecommendations(item, options);
  }

  /** Users who like `item`. */
  itemSimilarUsers(item: string, options: { signal?: AbortSignal } = {}): Promise<string[]> {
    return this.interestLists.itemSimilarUsers(item, options);
  }

  relatedSearches(query: string, options: { signal?: AbortSignal } = {}): Promise<string[]> {
    return this.interestLists.relatedSearches(query, options);
  }

  /** Our privileges left, in seconds (0: none). */
  checkPrivileges(options: { signal?: AbortSignal } = {}): Promise<number> {
    return this.privilegeState.check(options);
  }

  /** Gives `days` of our privileges to a user; resolves with our seconds left afterwards. */
  givePrivileges(username: string, days: number, options: { signal?: AbortSignal } = {}): Promise<number> {
    return this.privilegeState.give(username, days, options);
  }

  /** Asks the server whether a user is privileged now. */
  userPrivileged(username: string, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    return this.privilegeState.userPrivileged(username, options);
  }

  /** Whether a user is privileged, from what the server told us (no request): for upload queues. */
  isPrivileged(username: string): boolean {
    return this.privilegeState.has(username);
  }

  /** The privileged users the server told us of, sorted. */
  get privilegedUsers(): readonly string[] {
    return this.privilegeState.list;
  }

  // ---- rooms and chat --------------------------------------------------------------------------

  /** Public rooms, then the private rooms we own, then those we are a member of. */
  async roomList(options: { signal?: AbortSignal } = {}): Promise<RoomListing[]> {
    await this.loginRoomList;
    const reply = await this.requireLink('room list').sendAndWait({ name: 'RoomList' }, 'RoomList', () => true, options.signal);
    const operated = new Set(reply.roomsPrivateOperated);
    const owned = new Set(reply.roomsPrivateOwned);
    return [
      ...reply.rooms.map((name, i) => ({ name, users: reply.roomsUserCount[i] ?? 0 })),
      ...reply.roomsPrivateOwned.map((name, i) => ({ name, users: reply.roomsPrivateOwnedUserCount[i] ?? 0, private: 'owned' as const, operator: operated.has(name) })),
      ...reply.roomsPrivate.flatMap((name, i) =>
        owned.has(name) ? [] : [{ name, users: reply.roomsPrivateUserCount[i] ?? 0, private: 'member' as const, operator: operated.has(name) }],
      ),
    ];
  }

  /**
   * Joins a room; resolves with who is in it, its owner and operators (private rooms) and its
   * tickers. A room that does not exist is created: `private: true` makes it a private room we
   * own. Rejects with ClientError ROOM_REFUSED (the server's notice as its message) when the server
   * refuses the name or the room is private to others.
   */
  async joinRoom(room: string, options: { private?: boolean; signal?: AbortSignal } = {}): Promise<RoomState> {
    const link = this.requireLink('join room');
    const requestMs = this.options.timeouts.requestMs;
    const what = `joining room ${JSON.stringify(room)}`;
    this.pendingJoins.add(room);
    let reply: Extract<ServerResponse, { name: 'JoinRoom' }>;
    let tickers: RoomTicker[];
    try {
      ({ reply, tickers } = await withDeadline(what, requestMs, options.signal, async (deadline) => {
        const done = new AbortController();
        const signal = AbortSignal.any([deadline, done.signal]);
        // Once the JoinRoom reply is read, a notice naming the room is news, not a refusal (such as
        // "registered as public" when a private room was asked for where a public one is in use).
        let entered = false;
        const joined = link.waitFor('JoinRoom', (m) => m.roomName === room && (entered = true), requestMs, signal);
        // The ticker list follows the JoinRoom reply (docs/flows.md §7 "Rooms" 2).
        const tickerList = link.waitFor('RoomTickers', (m) => m.room === room, requestMs, signal);
        const cannot = link.waitFor('CannotCreateRoom', (m) => m.roomName === room, requestMs, signal);
        const notice = this.notices.claim((text) => !entered && mentions(text, room), signal);
        for (const wait of [joined, tickerList, cannot, notice]) wait.catch(() => {});
        link.send(options.private === true ? { name: 'JoinRoom', roomName: room, isPrivate: true } : { name: 'JoinRoom', roomName: room });
        try {
          const first = await Promise.race([
            joined.then((m) => ({ kind: 'joined' as const, m })),
            cannot.then(() => ({ kind: 'cannot' as const })),
            notice.then((text) => ({ kind: 'notice' as const, text })),
          ]);
          if (first.kind === 'joined') {
            const list = await tickerList;
            return { reply: first.m, tickers: list.tickers.map(({ username, ticker }) => ({ username, ticker })) };
          }
          let reason: string | undefined;
          if (first.kind === 'notice') reason = first.text;
          else {
            // The notice that says why comes after CannotCreateRoom, if the server sends one.
            const grace = AbortSignal.any([signal, AbortSignal.timeout(REFUSAL_NOTICE_GRACE_MS)]);
            const gaveUp = new Promise<undefined>((resolve) => grace.addEventListener('abort', () => resolve(undefined), { once: true }));
            reason = await Promise.race([notice, gaveUp]).catch(() => undefined);
            this.emit('roomCreateRefused', reason === undefined ? { room } : { room, reason });
          }
          throw new ClientError('ROOM_REFUSED', `the server refused room ${JSON.stringify(room)}: ${reason ?? 'it is a private room of another user'}`);
        } finally {
          done.abort();
        }
      }));
    } finally {
      this.pendingJoins.delete(room);
    }
    this.joinedRooms.add(room);
    const members: RoomMember[] = reply.users.map((username, i) => ({
      username,
      status: presenceOf(reply.usersStatus[i] ?? 0),
      stats: reply.usersStats[i] ? statsInfo(reply.usersStats[i]) : { avgSpeed: 0, uploads: 0, files: 0, folders: 0 },
      slotsFree: reply.usersSlotsFree[i] ?? 0,
      country: reply.usersCountries[i] ?? '',
    }));
    this.privateRoomState.joined(room, reply.owner, reply.operator, tickers);
    const state: RoomState = {
      room,
      members,
      ...(reply.owner !== undefined ? { owner: reply.owner } : {}),
      operators: reply.operator ?? [],
      tickers,
    };
    this.emit('roomJoined', state);
    return state;
  }

  async leaveRoom(room: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    this.joinedRooms.delete(room);
    this.privateRoomState.left(room);
    await this.requireLink('leave room').sendAndWait({ name: 'LeaveRoom', roomName: room }, 'LeaveRoom', (m) => m.roomName === room, options.signal);
    this.emit('roomLeft', room);
  }

  // ---- private rooms and tickers -----------------------------------------------------------------

  /** Adds a member to a private room we own or operate; resolves once the server announced it. */
  addRoomMember(room: string, username: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.privateRoomState.addMember(room, username, options);
  }

  removeRoomMember(room: string, username: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.privateRoomState.removeMember(room, username, options);
  }

  /** Makes a member an operator (only the owner may). */
  addRoomOperator(room: string, username: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.privateRoomState.addOperator(room, username, options);
  }

  removeRoomOperator(room: string, username: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.privateRoomState.removeOperator(room, username, options);
  }

  /** Gives up our membership of a private room. */
  leavePrivateRoom(room: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.privateRoomState.leave(room, options);
  }

  /** Gives up ownership of a private room we own, which disbands it. */
  disbandRoom(room: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.privateRoomState.disband(room, options);
  }

  /** Whether others may add us to their private rooms; resolves with the state the server keeps. */
  setRoomInvitations(enabled: boolean, options: { signal?: AbortSignal } = {}): Promise<boolean> {
    return this.privateRoomState.setInvitations(enabled, options);
  }

  /** Sets our ticker in a room we joined (at most 1024 characters, one line). */
  setRoomTicker(room: string, text: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.privateRoomState.setTicker(room, text, this.joinedRooms.has(room), options);
  }

  clearRoomTicker(room: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.privateRoomState.setTicker(room, '', this.joinedRooms.has(room), options);
  }

  /** A joined room's tickers, as the server last told us. */
  roomTickers(room: string): RoomTicker[] {
    return this.privateRoomState.roomTickers(room);
  }

  /** A private room we own or belong to: owner (when known), members and operators. */
  privateRoom(room: string): PrivateRoomInfo | undefined {
    return this.privateRoomState.room(room);
  }

  privateRooms(): PrivateRoomInfo[] {
    return this.privateRoomState.list();
  }

  // ---- administration --------------------------------------------------------------------------

  /**
   * Sends a command to the server's administrators' interface (a private message to `server`,
   * e.g. `help`, `kick NAME`) and resolves with the server's reply; a non-admin's reply says so.
   */
  adminCommand(text: string, options: { signal?: AbortSignal } = {}): Promise<string> {
    if (typeof text !== 'string' || text.trim() === '') throw new ClientError('INVALID_ARGUMENT', 'an admin command is a non-empty text; try "help"');
    const link = this.requireLink('admin command');
    return withDeadline(`the admin command ${JSON.stringify(text.trim().split(/\s/, 1)[0])}`, this.options.timeouts.requestMs, options.signal, (signal) => {
      const reply = this.notices.claim(() => true, signal);
      link.send({ name: 'PrivateChatMessage', username: SERVER_USER, message: text });
      return reply;
    });
  }

  sayInRoom(room: string, text: string): void {
    this.requireLink('room message').send({ name: 'RoomChatMessage', roomName: room, message: text });
  }

  sendPrivateMessage(username: string, text: string): void {
    this.requireLink('private message').send({ name: 'PrivateChatMessage', username, message: text });
  }

  /** One message to several users (delivered to those online who watch us). */
  sendPrivateMessageToMany(usernames: string[], text: string): void {
    this.requireLink('private message').send({ name: 'PrivateChatMessageUsers', username: usernames, message: text });
  }

  get rooms(): readonly string[] {
    return [...this.joinedRooms];
  }
}

export type { SearchResponse };
