// In-memory RoomService and ConversationService for the HTTP tests: state in maps and arrays, the same
// typed errors as DaemonRooms and DaemonConversations (not in the room, refused, offline, bad text).
// Tests seed them with `say`, `receive` and `serverRooms`.

import type { ConversationPage, ConversationService, JoinedRoom, RoomListEntry, RoomService } from '../../src/daemon/chat/index.ts';
import { checkChatText } from '../../src/daemon/chat/index.ts';
import { mentionsUser } from '../../src/daemon/chat/mentions.ts';
import { ClientError, NotConnectedError, type PrivateRoomInfo, type RoomListing, type RoomMember, type RoomTicker } from '../../src/client/index.ts';
import type { Conversation, Page, PrivateMessage, RoomMessage } from '../../src/daemon/store/index.ts';

const T0 = Date.UTC(2026, 0, 1);
const notInRoom = (room: string): ClientError => new ClientError('NOT_IN_ROOM', `the daemon is not in room ${JSON.stringify(room)}`);

/** Newest first, older than `before`, at most `limit` (default 100). */
function page<T extends { id: number }>(items: readonly T[], { before, limit }: Page): T[] {
  return items.filter((m) => before === undefined || m.id < before).sort((a, b) => b.id - a.id).slice(0, limit ?? 100);
}

export class MemoryRooms implements RoomService {
  me = 'tester';
  online = true;
  serverRooms: RoomListing[] = [{ name: 'jazz', users: 12 }, { name: 'hideout', users: 2, private: 'owned', operator: false }];
  /** Names the server refuses (private rooms of others). */
  refused = new Set<string>(['vault']);
  readonly inRooms = new Map<string, { room: JoinedRoom; members: RoomMember[]; tickers: RoomTicker[] }>();
  readonly history: RoomMessage[] = [];
  readonly privateRoomList: PrivateRoomInfo[] = [{ name: 'hideout', owner: 'tester', members: ['bob'], operators: [] }];
  invitations = true;
  #id = 0;

  #online(what: string): void {
    if (!this.online) throw new NotConnectedError(what);
  }

  async list(): Promise<RoomListEntry[]> {
    this.#online('room list');
    return this.serverRooms.map((room) => ({ ...room, joined: this.inRooms.has(room.name) }));
  }
  joined(): JoinedRoom[] {
    return [...this.inRooms.values()].map(({ room }) => ({ ...room }));
  }
  joinedRoom(room: string): JoinedRoom {
    const state = this.inRooms.get(room);
    if (state === undefined) throw notInRoom(room);
    return { ...state.room };
  }
  async join(room: string, options: { private?: boolean } = {}): Promise<JoinedRoom> {
    this.#online('join room');
    if (this.refused.has(room)) throw new ClientError('ROOM_REFUSED', `the server refused room ${JSON.stringify(room)}: it is a private room of another user`);
    const known = this.inRooms.get(room);
    if (known !== undefined) return { ...known.room };
    const members: RoomMember[] = [
      { username: this.me, status: 'online', stats: { avgSpeed: 100, uploads: 1, files: 10, folders: 2 }, slotsFree: 1, country: 'NL' },
      { username: 'bob', status: 'away', stats: { avgSpeed: 5, uploads: 0, files: 0, folders: 0 }, slotsFree: 0, country: '' },
    ];
    const isPrivate = options.private === true;
    const joined: JoinedRoom = { room, private: isPrivate, ...(isPrivate ? { owner: this.me } : {}), operators: [], memberCount: members.length, present: true };
    this.inRooms.set(room, { room: joined, members, tickers: [{ username: 'bob', ticker: 'hi all' }] });
    return { ...joined };
  }
  async leave(room: string): Promise<void> {
    if (!this.inRooms.delete(room)) throw notInRoom(room);
  }
  members(room: string): RoomMember[] {
    const state = this.inRooms.get(room);
    if (state === undefined) throw notInRoom(room);
    return state.members;
  }
  messages(room: string, p: Page): RoomMessage[] {
    return page(this.history.filter((m) => m.room === room), p);
  }
  async send(room: string, text: string): Promise<RoomMessage> {
    checkChatText(text);
    if (!this.inRooms.has(room)) throw notInRoom(room);
    this.#online('room message');
    return this.say(room, this.me, text);
  }
  tickers(room: string): RoomTicker[] {
    const state = this.inRooms.get(room);
    if (state === undefined) throw notInRoom(room);
    return state.tickers;
  }
  async setTicker(room: string, text: string): Promise<void> {
    const state = this.inRooms.get(room);
    if (state === undefined) throw new ClientError('NOT_IN_ROOM', `join room ${JSON.stringify(room)} before setting its ticker`);
    state.tickers = state.tickers.filter((t) => t.username !== this.me);
    if (text !== '') state.tickers.push({ username: this.me, ticker: text });
  }
  privateRooms(): PrivateRoomInfo[] {
    return this.privateRoomList;
  }
  #owned(room: string): PrivateRoomInfo {
    const info = this.privateRoomList.find((r) => r.name === room);
    if (info === undefined) throw new ClientError('ROOM_REFUSED', `the server refused that change of ${JSON.stringify(room)}: you are not the owner or an operator`);
    return info;
  }
  async addMember(room: string, username: string): Promise<void> {
    this.#owned(room).members.push(username);
  }
  async removeMember(room: string, username: string): Promise<void> {
    const info = this.#owned(room);
    info.members = info.members.filter((name) => name !== username);
  }
  async addOperator(room: string, username: string): Promise<void> {
    this.#owned(room).operators.push(username);
  }
  async removeOperator(room: string, username: string): Promise<void> {
    const info = this.#owned(room);
    info.operators = info.operators.filter((name) => name !== username);
  }
  async giveUpMembership(room: string): Promise<void> {
    this.#owned(room);
    this.privateRoomList.splice(this.privateRoomList.findIndex((r) => r.name === room), 1);
  }
  async disown(room: string): Promise<void> {
    await this.giveUpMembership(room);
  }
  async setInvitations(enabled: boolean): Promise<boolean> {
    this.#online('room invitations');
    this.invitations = enabled;
    return enabled;
  }

  /** A message said in a room (by us or someone else), as the history keeps it. */
  say(room: string, username: string, text: string): RoomMessage {
    const own = username === this.me;
    const message: RoomMessage = { id: ++this.#id, room, username, text, truncated: false, at: T0 + this.#id * 1000, own, mention: !own && mentionsUser(text, this.me) };
    this.history.push(message);
    return message;
  }
}

export class MemoryConversations implements ConversationService {
  online = true;
  readonly messages: PrivateMessage[] = [];
  #id = 0;

  list(p: Page): Conversation[] {
    const peers = new Map<string, PrivateMessage>();
    for (const m of this.messages) peers.set(m.peer, m);
    const lasts = page([...peers.values()], p);
    return lasts.map((last) => {
      const all = this.messages.filter((m) => m.peer === last.peer);
      return { peer: last.peer, unread: all.filter((m) => !m.read).length, messageCount: all.length, last };
    });
  }
  get(peer: string, p: Page): ConversationPage {
    const all = this.messages.filter((m) => m.peer === peer);
    return { peer, unread: all.filter((m) => !m.read).length, messageCount: all.length, messages: page(all, p) };
  }
  send(peer: string, text: string): PrivateMessage {
    checkChatText(text);
    if (!this.online) throw new NotConnectedError('private message');
    return this.#add(peer, 'out', text, 0);
  }
  acknowledge(peer: string, upTo?: number): { marked: number; unread: number } {
    let marked = 0;
    for (const m of this.messages) {
      if (m.peer === peer && !m.read && (upTo === undefined || m.id <= upTo)) {
        m.read = true;
        marked++;
      }
    }
    return { marked, unread: this.messages.filter((m) => m.peer === peer && !m.read).length };
  }

  /** A message from `peer` arriving. */
  receive(peer: string, text: string): PrivateMessage {
    return this.#add(peer, 'in', text, 1000 + this.#id);
  }

  #add(peer: string, direction: 'in' | 'out', text: string, serverId: number): PrivateMessage {
    const id = ++this.#id;
    const message: PrivateMessage = { id, peer, direction, text, truncated: false, at: T0 + id * 1000, read: direction === 'out', serverId: direction === 'in' ? serverId : undefined };
    this.messages.push(message);
    return message;
  }
}
