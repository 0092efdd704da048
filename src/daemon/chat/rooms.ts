// The daemon's rooms: the ones we are in (remembered in the store, so a restarted daemon joins them
// again once logged in), who is in each, their messages kept in the history (each flagged when it
// mentions us) and published as events, and the client's room calls (tickers, private rooms) behind
// one service the HTTP routes use.
//
// Only rooms we asked to be in are tracked: what the server says about any other room is dropped,
// so a misbehaving server cannot grow the daemon's state. A room's member list is bounded too.

import type { EventEmitter } from 'node:events';
import type { Client, ClientEvents, PrivateRoomInfo, RoomListing, RoomMember, RoomTicker } from '../../client/index.ts';
import { ClientError } from '../../client/index.ts';
import { presenceOf } from '../../client/types.ts';
import type { ServerResponse } from '../../protocol/index.ts';
import type { EventHub } from '../events/index.ts';
import type { ChatHistory, Page, RoomMessage } from '../store/index.ts';
import { EchoWaits } from './echo-waits.ts';
import { mentionsUser } from './mentions.ts';

/** The longest room or private message sent, in characters (what servers accept; longer ones are dropped by them). */
export const MAX_CHAT_TEXT = 2048;
/** Rooms the daemon may be in at once (the server's own limit is lower: it refuses past it). */
export const MAX_JOINED_ROOMS = 200;
/** Members remembered per room; what a server lists past this is not kept. */
export const MAX_MEMBERS_PER_ROOM = 20_000;
/** Sent room messages waiting for the server's echo, per room. */
export const MAX_PENDING_SENDS = 64;
const DEFAULT_ECHO_TIMEOUT_MS = 10_000;

export interface JoinedRoom {
  room: string;
  private: boolean;
  owner?: string;
  operators: string[];
  memberCount: number;
  /** We are in it now; false while offline or while it is being joined again after a start. */
  present: boolean;
}

export interface RoomListEntry extends RoomListing {
  joined: boolean;
}

export interface DaemonRoomsOptions {
  client: Client;
  history: ChatHistory;
  hub: EventHub;
  /** How long a sent room message waits for the server to echo it back (default 10 s). */
  echoTimeoutMs?: number;
  /** Rooms the daemon may be in at once (default MAX_JOINED_ROOMS). */
  maxJoinedRooms?: number;
  /** Failures no caller waits for (storing a message, joining a remembered room again). */
  onWarning?: (message: string) => void;
}

interface RoomState {
  private: boolean;
  owner: string | undefined;
  operators: string[];
  /** undefined until the server's JoinRoom reply (offline, or joining again at start). */
  members: Map<string, RoomMember> | undefined;
}

type JoinReply = Extract<ServerResponse, { name: 'JoinRoom' }>;

const notInRoom = (room: string): ClientError => new ClientError('NOT_IN_ROOM', `the daemon is not in room ${JSON.stringify(room)}`);

/** Refuses an empty text or one longer than MAX_CHAT_TEXT (INVALID_ARGUMENT). */
export function checkChatText(text: string): void {
  if (typeof text !== 'string' || text.length === 0) throw new ClientError('INVALID_ARGUMENT', 'a message is a non-empty text');
  if (text.length > MAX_CHAT_TEXT) throw new ClientError('INVALID_ARGUMENT', `a message is at most ${MAX_CHAT_TEXT} characters; this one has ${text.length}`);
}

/** The members of a JoinRoom reply (the one after a reconnect, which no call of ours awaits). */
function membersOf(reply: JoinReply): RoomMember[] {
  return reply.users.slice(0, MAX_MEMBERS_PER_ROOM).map((username, i) => {
    const stats = reply.usersStats[i];
    return {
      username,
      status: presenceOf(reply.usersStatus[i] ?? 0),
      stats: stats === undefined
        ? { avgSpeed: 0, uploads: 0, files: 0, folders: 0 }
        : { avgSpeed: stats.avgSpeed, uploads: Number(stats.uploads), files: stats.sharedFileCount, folders: stats.sharedFolderCount },
      slotsFree: reply.usersSlotsFree[i] ?? 0,
      country: reply.usersCountries[i] ?? '',
    };
  });
}

export class DaemonRooms {
  readonly #client: Client;
  readonly #history: ChatHistory;
  readonly #hub: EventHub;
  readonly #maxJoinedRooms: number;
  readonly #warn: (message: string) => void;
  /** The rooms we mean to be in, by name. */
  readonly #rooms = new Map<string, RoomState>();
  /** One join in flight per room, shared by every caller asking for it. */
  readonly #joins = new Map<string, Promise<JoinedRoom>>();
  readonly #echoes: EchoWaits<RoomMessage>;
  readonly #leaving = new Set<string>();
  readonly #detach: (() => void)[] = [];

  constructor(options: DaemonRoomsOptions) {
    this.#client = options.client;
    this.#history = options.history;
    this.#hub = options.hub;
    this.#echoes = new EchoWaits(options.echoTimeoutMs ?? DEFAULT_ECHO_TIMEOUT_MS, MAX_PENDING_SENDS);
    this.#maxJoinedRooms = options.maxJoinedRooms ?? MAX_JOINED_ROOMS;
    this.#warn = options.onWarning ?? (() => {});
    for (const { room, private: isPrivate } of this.#history.joinedRooms().slice(0, this.#maxJoinedRooms)) {
      this.#rooms.set(room, { private: isPrivate, owner: undefined, operators: [], members: undefined });
    }
    this.#on('loggedIn', () => this.#rejoin());
    this.#on('disconnected', () => {
      for (const state of this.#rooms.values()) state.members = undefined;
    });
    this.#on('serverMessage', (message) => {
      // After a reconnect the client joins its rooms again by itself: the reply refreshes the members.
      if (message.name === 'JoinRoom' && this.#rooms.has(message.roomName) && !this.#joins.has(message.roomName)) {
        this.#entered(message.roomName, { members: membersOf(message), ...(message.owner === undefined ? {} : { owner: message.owner }), operators: message.operator ?? [] });
      }
    });
    this.#on('roomJoined', (state) => {
      // A room joined through the client itself (the slskd-compatible routes do): ours from now on,
      // so its messages are kept too. Our own joins are tracked already.
      if (this.#rooms.has(state.room) || this.#rooms.size >= this.#maxJoinedRooms) return;
      this.#rooms.set(state.room, { private: false, owner: undefined, operators: [], members: undefined });
      this.#entered(state.room, state);
    });
    this.#on('roomMessage', (message) => this.#message(message.room, message.username, message.text));
    this.#on('userJoinedRoom', ({ room, member }) => {
      const members = this.#rooms.get(room)?.members;
      if (members === undefined || (members.size >= MAX_MEMBERS_PER_ROOM && !members.has(member.username))) return;
      members.set(member.username, member);
      this.#hub.publish('roomMembership', { room, username: member.username, change: 'joined', memberCount: members.size });
    });
    this.#on('userLeftRoom', ({ room, username }) => {
      const members = this.#rooms.get(room)?.members;
      if (members?.delete(username) !== true) return;
      this.#hub.publish('roomMembership', { room, username, change: 'left', memberCount: members.size });
    });
    this.#on('userStatus', ({ username, status }) => {
      for (const { members } of this.#rooms.values()) {
        const member = members?.get(username);
        if (member !== undefined) member.status = status;
      }
    });
    this.#on('roomLeft', (room) => this.#gone(room, this.#leaving.delete(room) ? 'left' : 'removed'));
    this.#on('roomCreateRefused', ({ room }) => {
      if (!this.#joins.has(room)) this.#gone(room, 'refused');
    });
    this.#on('roomTickerSet', ({ room, username, ticker }) => {
      if (this.#rooms.has(room)) this.#hub.publish('roomTicker', { room, username, ticker });
    });
    this.#on('roomTickerCleared', ({ room, username }) => {
      if (this.#rooms.has(room)) this.#hub.publish('roomTicker', { room, username, ticker: '' });
    });
  }

  // ---- the room list and the rooms we are in ----------------------------------------------------

  /** The server's rooms (public, then private ones we own, then those we belong to), each marked if we are in it. */
  async list(): Promise<RoomListEntry[]> {
    const rooms = await this.#client.roomList();
    return rooms.map((room) => ({ ...room, joined: this.#rooms.has(room.name) }));
  }

  joined(): JoinedRoom[] {
    return [...this.#rooms.keys()].map((room) => this.#summary(room));
  }

  joinedRoom(room: string): JoinedRoom {
    if (!this.#rooms.has(room)) throw notInRoom(room);
    return this.#summary(room);
  }

  /**
   * Joins a room (creating it if nobody has: `private` makes it a private room we own); resolves once
   * in. Joining a room we are in resolves at once; two joins of one room share the one request.
   */
  join(room: string, options: { private?: boolean } = {}): Promise<JoinedRoom> {
    if (typeof room !== 'string' || room.trim() === '' || room.length > 100) throw new ClientError('INVALID_ARGUMENT', 'a room name is 1 to 100 characters');
    const known = this.#rooms.get(room);
    if (known?.members !== undefined && this.#client.rooms.includes(room)) return Promise.resolve(this.#summary(room));
    const running = this.#joins.get(room);
    if (running !== undefined) return running;
    if (known === undefined && this.#rooms.size >= this.#maxJoinedRooms) {
      throw new ClientError('TOO_MANY_ROOMS', `the daemon is in ${this.#maxJoinedRooms} rooms already; leave one first`);
    }
    const join = this.#join(room, options.private === true, known !== undefined).finally(() => this.#joins.delete(room));
    this.#joins.set(room, join);
    return join;
  }

  async #join(room: string, isPrivate: boolean, remembered: boolean): Promise<JoinedRoom> {
    // Tracked before the request so the reply and the messages that follow it are taken in.
    if (!remembered) this.#rooms.set(room, { private: isPrivate, owner: undefined, operators: [], members: undefined });
    try {
      const state = await this.#client.joinRoom(room, isPrivate ? { private: true } : {});
      this.#entered(room, state);
      return this.#summary(room);
    } catch (error) {
      // A refusal forgets the room even if it was remembered: the server will not let us in.
      if (!remembered || (error instanceof ClientError && error.code === 'ROOM_REFUSED')) {
        if (this.#rooms.delete(room)) this.#history.forgetJoined(room);
      }
      throw error;
    }
  }

  /** Leaves a room we are in (and stops joining it at start). */
  async leave(room: string): Promise<void> {
    if (!this.#rooms.has(room)) throw notInRoom(room);
    this.#leaving.add(room);
    try {
      await this.#client.leaveRoom(room);
    } catch (error) {
      // Offline, we are in no room anyway: forgetting it is the whole of leaving.
      if (!(error instanceof ClientError && error.code === 'NOT_CONNECTED')) throw error;
    } finally {
      // The client forgets the room before it asks the server, whatever the answer: so do we.
      this.#leaving.delete(room);
      this.#gone(room, 'left');
    }
  }

  members(room: string): RoomMember[] {
    const state = this.#rooms.get(room);
    if (state === undefined) throw notInRoom(room);
    return [...(state.members?.values() ?? [])];
  }

  /** A room's history, newest first (also of rooms we have left, while it is kept). */
  messages(room: string, page: Page): RoomMessage[] {
    return this.#history.roomMessages(room, page);
  }

  /**
   * Says `text` in a room; resolves with the message as stored once the server has sent it back to
   * the room (it echoes every message to every member, the sender included), or rejects after the
   * echo timeout: the message then most likely never reached the room.
   */
  send(room: string, text: string): Promise<RoomMessage> {
    checkChatText(text);
    if (!this.#rooms.has(room) || !this.#client.rooms.includes(room)) throw notInRoom(room);
    this.#echoes.checkRoom(room);
    this.#client.sayInRoom(room, text);
    return this.#echoes.wait(room, text);
  }

  // ---- tickers and private rooms ------------------------------------------------------------------

  tickers(room: string): RoomTicker[] {
    if (!this.#rooms.has(room)) throw notInRoom(room);
    return this.#client.roomTickers(room);
  }

  /** Sets our ticker in a room we are in; '' clears it. */
  setTicker(room: string, text: string): Promise<void> {
    return text === '' ? this.#client.clearRoomTicker(room) : this.#client.setRoomTicker(room, text);
  }

  privateRooms(): PrivateRoomInfo[] {
    return this.#client.privateRooms();
  }

  addMember(room: string, username: string): Promise<void> {
    return this.#client.addRoomMember(room, username);
  }

  removeMember(room: string, username: string): Promise<void> {
    return this.#client.removeRoomMember(room, username);
  }

  addOperator(room: string, username: string): Promise<void> {
    return this.#client.addRoomOperator(room, username);
  }

  removeOperator(room: string, username: string): Promise<void> {
    return this.#client.removeRoomOperator(room, username);
  }

  /** Gives up our membership of someone else's private room. */
  giveUpMembership(room: string): Promise<void> {
    return this.#client.leavePrivateRoom(room);
  }

  /** Gives up a private room we own, which disbands it. */
  disown(room: string): Promise<void> {
    return this.#client.disbandRoom(room);
  }

  /** Whether others may add us to their private rooms; resolves with what the server keeps. */
  setInvitations(enabled: boolean): Promise<boolean> {
    return this.#client.setRoomInvitations(enabled);
  }

  /** Stops listening to the client and fails the sends still waiting for their echo. */
  close(): void {
    for (const detach of this.#detach.splice(0)) detach();
    this.#echoes.fail(undefined, (room) => new ClientError('CLOSED', `the daemon stopped before the server echoed a message to room ${JSON.stringify(room)}`));
  }

  // ---- what the client tells us -------------------------------------------------------------------

  #on<K extends keyof ClientEvents>(name: K, listener: (...args: ClientEvents[K]) => void): void {
    const client = this.#client as EventEmitter<ClientEvents>;
    client.on(name, listener as never);
    this.#detach.push(() => client.off(name, listener as never));
  }

  #entered(room: string, state: { members: RoomMember[]; owner?: string; operators: string[] }): void {
    const known = this.#rooms.get(room);
    if (known === undefined) return;
    known.members = new Map(state.members.slice(0, MAX_MEMBERS_PER_ROOM).map((member) => [member.username, member]));
    known.owner = state.owner;
    known.operators = state.operators;
    known.private = state.owner !== undefined;
    this.#history.rememberJoined(room, known.private);
    this.#hub.publish('roomJoined', { room, private: known.private, memberCount: known.members.size });
  }

  #gone(room: string, reason: 'left' | 'removed' | 'refused'): void {
    if (!this.#rooms.delete(room)) return;
    this.#history.forgetJoined(room);
    this.#echoes.fail(room, notInRoom);
    this.#hub.publish('roomLeft', { room, reason });
  }

  /** Stored first, then published: a client that reloads after the event finds it. */
  #message(room: string, username: string, text: string): void {
    if (!this.#rooms.has(room)) return;
    const self = this.#client.username;
    const own = self !== undefined && username === self;
    let stored: RoomMessage;
    try {
      stored = this.#history.addRoomMessage({ room, username, text, own, mention: !own && mentionsUser(text, self) });
    } catch (error) {
      this.#warn(`a message in room ${JSON.stringify(room)} was not stored: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.#hub.publish('roomMessage', {
      room,
      username,
      text: stored.text,
      time: new Date(stored.at).toISOString(),
      historyId: stored.id,
      own,
      mention: stored.mention,
    });
    if (own) this.#echoes.echoed(room, text, stored);
  }

  /** At a login, joins the remembered rooms the client is not in (those of the last run); a refusal forgets one. */
  #rejoin(): void {
    for (const room of this.#rooms.keys()) {
      if (this.#client.rooms.includes(room) || this.#joins.has(room)) continue;
      this.join(room).catch((error: unknown) => {
        if (error instanceof ClientError && error.code === 'ROOM_REFUSED') this.#hub.publish('roomLeft', { room, reason: 'refused' });
        else this.#warn(`joining room ${JSON.stringify(room)} again failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }

  #summary(room: string): JoinedRoom {
    const state = this.#rooms.get(room)!;
    return {
      room,
      private: state.private,
      ...(state.owner === undefined ? {} : { owner: state.owner }),
      operators: [...state.operators],
      memberCount: state.members?.size ?? 0,
      present: state.members !== undefined && this.#client.rooms.includes(room),
    };
  }
}
