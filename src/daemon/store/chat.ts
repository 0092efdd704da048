// Room and private-message history, kept across restarts. Pages go backwards by id (keyset, never
// OFFSET), and per-room/per-conversation bounds are kept on every insert through a summary row, so
// neither a page nor an insert ever scans the history.

import { checkLimit, checkText, DaemonStoreError } from './errors.ts';
import { int, optionalInt, text, type Row, type StoreDatabase } from './database.ts';
import { MAX_NAME_LENGTH } from './migrations.ts';

export interface RoomMessage {
  id: number;
  room: string;
  username: string;
  text: string;
  /** The text was longer than the store's limit and was cut to it. */
  truncated: boolean;
  at: number;
  own: boolean;
  /** The text says our username (see mentionsUser in src/daemon/chat/mentions.ts). */
  mention: boolean;
}

export type MessageDirection = 'in' | 'out';

export interface PrivateMessage {
  id: number;
  peer: string;
  direction: MessageDirection;
  text: string;
  truncated: boolean;
  at: number;
  read: boolean;
  /** The server's id of an incoming message (what is acknowledged), if it had one. */
  serverId: number | undefined;
}

export interface Conversation {
  peer: string;
  unread: number;
  messageCount: number;
  last: PrivateMessage;
}

/** A room we are in, kept so a restarted daemon joins it again. */
export interface JoinedRoomRecord {
  room: string;
  private: boolean;
  joinedAt: number;
}

export interface RoomHistory {
  room: string;
  messageCount: number;
  last: RoomMessage;
}

export interface ChatSettings {
  /** Longer texts are cut to this many characters (and marked truncated). */
  maxMessageLength: number;
  /** Messages kept per room; the oldest go first (0: no limit). */
  maxMessagesPerRoom: number;
  /** Messages kept per private conversation (0: no limit). */
  maxMessagesPerConversation: number;
  /** Messages older than this are swept (0: no age limit). */
  retentionDays: number;
  /** Rows deleted per transaction by the sweep. */
  sweepBatchRows: number;
}

export interface Page {
  /** Only messages with a smaller id (the oldest id of the page before); newest when absent. */
  before?: number | undefined;
  limit?: number | undefined;
}

const MAX_PAGE = 1000;
const DAY_MS = 86_400_000;
const NEWEST = Number.MAX_SAFE_INTEGER;

function toRoomMessage(row: Row): RoomMessage {
  return {
    id: int(row['id']),
    room: text(row['room']),
    username: text(row['username']),
    text: text(row['text']),
    truncated: int(row['truncated']) === 1,
    at: int(row['at']),
    own: int(row['own']) === 1,
    mention: int(row['mention']) === 1,
  };
}

function toPrivateMessage(row: Row): PrivateMessage {
  return {
    id: int(row['id']),
    peer: text(row['peer']),
    direction: text(row['direction']) as MessageDirection,
    text: text(row['text']),
    truncated: int(row['truncated']) === 1,
    at: int(row['at']),
    read: int(row['read']) === 1,
    serverId: optionalInt(row['server_id']),
  };
}

export class ChatHistory {
  readonly #db: StoreDatabase;
  readonly #settings: ChatSettings;
  readonly #now: () => number;

  constructor(db: StoreDatabase, settings: ChatSettings, now: () => number) {
    this.#db = db;
    this.#settings = settings;
    this.#now = now;
  }

  addRoomMessage(input: { room: string; username: string; text: string; at?: number; own?: boolean; mention?: boolean }): RoomMessage {
    const room = checkText('room', input.room, MAX_NAME_LENGTH);
    const username = checkText('username', input.username, MAX_NAME_LENGTH, { allowEmpty: true });
    const { value, truncated } = this.#cut(input.text);
    const at = input.at ?? this.#now();
    const id = this.#db.transaction(1, () => {
      const { lastId } = this.#db.run(
        'INSERT INTO room_messages (room, username, text, truncated, at, own, mention) VALUES (?, ?, ?, ?, ?, ?, ?)',
        room, username, value, truncated ? 1 : 0, at, input.own === true ? 1 : 0, input.mention === true ? 1 : 0,
      );
      this.#db.run(
        `INSERT INTO chat_rooms (room, last_id, message_count) VALUES (?, ?, 1)
         ON CONFLICT (room) DO UPDATE SET last_id = excluded.last_id, message_count = message_count + 1`,
        room, lastId,
      );
      this.#trimRoom(room, this.#settings.maxMessagesPerRoom);
      return lastId;
    });
    return { id, room, username, text: value, truncated, at, own: input.own === true, mention: input.mention === true };
  }

  /**
   * Stores a private message. An incoming one with a server id already stored (the server sends
   * offline messages again until acknowledged) is not stored twice: the first copy is returned.
   */
  addPrivateMessage(input: { peer: string; direction: MessageDirection; text: string; at?: number; serverId?: number; read?: boolean }): PrivateMessage {
    const peer = checkText('peer', input.peer, MAX_NAME_LENGTH);
    if (input.direction !== 'in' && input.direction !== 'out') throw new DaemonStoreError('BAD_INPUT', "direction must be 'in' or 'out'");
    if (input.serverId !== undefined) {
      const seen = this.#db.get('SELECT * FROM private_messages WHERE peer = ? AND server_id = ?', peer, input.serverId);
      if (seen !== undefined) return toPrivateMessage(seen);
    }
    const { value, truncated } = this.#cut(input.text);
    const at = input.at ?? this.#now();
    // what we sent ourselves is read
    const read = input.direction === 'out' || input.read === true;
    const id = this.#db.transaction(1, () => {
      const { lastId } = this.#db.run(
        'INSERT INTO private_messages (peer, direction, text, truncated, at, read, server_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
        peer, input.direction, value, truncated ? 1 : 0, at, read ? 1 : 0, input.serverId ?? null,
      );
      this.#db.run(
        `INSERT INTO conversations (peer, last_id, message_count, unread) VALUES (?, ?, 1, ?)
         ON CONFLICT (peer) DO UPDATE SET last_id = excluded.last_id, message_count = message_count + 1,
           unread = unread + excluded.unread`,
        peer, lastId, read ? 0 : 1,
      );
      this.#trimConversation(peer, this.#settings.maxMessagesPerConversation);
      return lastId;
    });
    return { id, peer, direction: input.direction, text: value, truncated, at, read, serverId: input.serverId };
  }

  /** A room's messages, newest first. */
  roomMessages(room: string, page: Page = {}): RoomMessage[] {
    return this.#db
      .all('SELECT * FROM room_messages WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?', room, page.before ?? NEWEST, checkLimit(page.limit ?? 100, MAX_PAGE))
      .map(toRoomMessage);
  }

  /** A conversation's messages, newest first. */
  privateMessages(peer: string, page: Page = {}): PrivateMessage[] {
    return this.#db
      .all('SELECT * FROM private_messages WHERE peer = ? AND id < ? ORDER BY id DESC LIMIT ?', peer, page.before ?? NEWEST, checkLimit(page.limit ?? 100, MAX_PAGE))
      .map(toPrivateMessage);
  }

  /** Whether the incoming message `serverId` from `peer` is stored already (the server delivers again what was not acknowledged). */
  hasServerMessage(peer: string, serverId: number): boolean {
    return this.#db.get('SELECT 1 AS found FROM private_messages WHERE peer = ? AND server_id = ?', peer, serverId) !== undefined;
  }

  /** One conversation's summary; undefined when there is no message with `peer`. */
  conversation(peer: string): Conversation | undefined {
    const row = this.#db.get(
      'SELECT c.unread, c.message_count, m.* FROM conversations c JOIN private_messages m ON m.id = c.last_id WHERE c.peer = ?',
      peer,
    );
    return row === undefined ? undefined : { peer: text(row['peer']), unread: int(row['unread']), messageCount: int(row['message_count']), last: toPrivateMessage(row) };
  }

  /** Remembers a room we joined (or updates whether it is private). */
  rememberJoined(room: string, isPrivate: boolean): void {
    checkText('room', room, MAX_NAME_LENGTH);
    this.#db.run(
      'INSERT INTO joined_rooms (room, private, joined_at) VALUES (?, ?, ?) ON CONFLICT (room) DO UPDATE SET private = excluded.private',
      room, isPrivate ? 1 : 0, this.#now(),
    );
  }

  /** Forgets a room we left; false when it was not remembered. */
  forgetJoined(room: string): boolean {
    return this.#db.run('DELETE FROM joined_rooms WHERE room = ?', room).changes > 0;
  }

  /**
   * The rooms to be in, in the order they were first joined. A whole-table read on purpose: the table
   * holds what the server lets one user be in at once (a hundred rooms), never history.
   */
  joinedRooms(): JoinedRoomRecord[] {
    return this.#db
      .all('SELECT * FROM joined_rooms ORDER BY rowid')
      .map((row) => ({ room: text(row['room']), private: int(row['private']) === 1, joinedAt: int(row['joined_at']) }));
  }

  unreadCount(peer: string): number {
    return int(this.#db.get('SELECT unread FROM conversations WHERE peer = ?', peer)?.['unread']);
  }

  /** Marks a conversation's messages read up to and including `upToId` (all when absent); returns how many changed. */
  markRead(peer: string, upToId: number = NEWEST): number {
    return this.#db.transaction(1, () => {
      const { changes } = this.#db.run('UPDATE private_messages SET read = 1 WHERE peer = ? AND read = 0 AND id <= ?', peer, upToId);
      if (changes > 0) this.#db.run('UPDATE conversations SET unread = max(0, unread - ?) WHERE peer = ?', changes, peer);
      return changes;
    });
  }

  /** Conversations, the most recently active first; `before` is the last_id of the previous page's last entry. */
  conversations(page: Page = {}): Conversation[] {
    return this.#db
      .all(
        `SELECT c.unread, c.message_count, m.* FROM conversations c JOIN private_messages m ON m.id = c.last_id
         WHERE c.last_id < ? ORDER BY c.last_id DESC LIMIT ?`,
        page.before ?? NEWEST, checkLimit(page.limit ?? 100, MAX_PAGE),
      )
      .map((row) => ({ peer: text(row['peer']), unread: int(row['unread']), messageCount: int(row['message_count']), last: toPrivateMessage(row) }));
  }

  /** Rooms with history, the most recently active first. */
  rooms(page: Page = {}): RoomHistory[] {
    return this.#db
      .all(
        `SELECT r.message_count, m.* FROM chat_rooms r JOIN room_messages m ON m.id = r.last_id
         WHERE r.last_id < ? ORDER BY r.last_id DESC LIMIT ?`,
        page.before ?? NEWEST, checkLimit(page.limit ?? 100, MAX_PAGE),
      )
      .map((row) => ({ room: text(row['room']), messageCount: int(row['message_count']), last: toRoomMessage(row) }));
  }

  /**
   * Deletes messages past the age limit, and beyond the per-room/conversation bounds (a bound lowered
   * since they were stored); returns how many. At most `sweepBatchRows` per transaction, yielding
   * between them: the first sweep after a long time may have a lot to delete.
   */
  async sweep(): Promise<number> {
    const { retentionDays, maxMessagesPerRoom, maxMessagesPerConversation, sweepBatchRows: batch } = this.#settings;
    const cutoff = this.#now() - retentionDays * DAY_MS;
    let deleted = 0;
    for (const row of this.#db.all('SELECT room FROM chat_rooms')) {
      const room = text(row['room']);
      if (retentionDays > 0) {
        deleted += await this.#db.inBatches(batch, () =>
          this.#removeRoomMessages(room, 'SELECT id FROM room_messages WHERE room = ? AND at < ? LIMIT ?', room, cutoff, batch),
        );
      }
      deleted += await this.#db.inBatches(batch, () => this.#trimRoom(room, maxMessagesPerRoom, batch));
    }
    for (const row of this.#db.all('SELECT peer FROM conversations')) {
      const peer = text(row['peer']);
      if (retentionDays > 0) {
        deleted += await this.#db.inBatches(batch, () =>
          this.#removePrivateMessages(peer, 'SELECT id, read FROM private_messages WHERE peer = ? AND at < ? LIMIT ?', peer, cutoff, batch),
        );
      }
      deleted += await this.#db.inBatches(batch, () => this.#trimConversation(peer, maxMessagesPerConversation, batch));
    }
    return deleted;
  }

  #cut(value: string): { value: string; truncated: boolean } {
    checkText('text', value, Number.MAX_SAFE_INTEGER, { allowEmpty: true });
    const max = this.#settings.maxMessageLength;
    return value.length > max ? { value: value.slice(0, max), truncated: true } : { value, truncated: false };
  }

  /** Deletes the oldest messages over `max` (at most `batch` of them). */
  #trimRoom(room: string, max: number, batch = Number.MAX_SAFE_INTEGER): number {
    if (max <= 0) return 0;
    const count = int(this.#db.get('SELECT message_count FROM chat_rooms WHERE room = ?', room)?.['message_count']);
    if (count <= max) return 0;
    return this.#removeRoomMessages(room, 'SELECT id FROM room_messages WHERE room = ? ORDER BY id LIMIT ?', room, Math.min(count - max, batch));
  }

  #trimConversation(peer: string, max: number, batch = Number.MAX_SAFE_INTEGER): number {
    if (max <= 0) return 0;
    const count = int(this.#db.get('SELECT message_count FROM conversations WHERE peer = ?', peer)?.['message_count']);
    if (count <= max) return 0;
    return this.#removePrivateMessages(peer, 'SELECT id, read FROM private_messages WHERE peer = ? ORDER BY id LIMIT ?', peer, Math.min(count - max, batch));
  }

  /**
   * Deletes the room's messages `select` picks (ids) and keeps its summary row right without
   * recounting the room: the count goes down by what went, the last id is found again through the
   * index only if it went, and a room left empty loses its row.
   */
  #removeRoomMessages(room: string, select: string, ...params: (string | number)[]): number {
    const { changes } = this.#db.run(`DELETE FROM room_messages WHERE id IN (${select})`, ...params);
    if (changes === 0) return 0;
    this.#db.run(
      `UPDATE chat_rooms SET message_count = message_count - ?,
         last_id = coalesce((SELECT max(id) FROM room_messages WHERE room = ?), 0) WHERE room = ?`,
      changes, room, room,
    );
    this.#db.run('DELETE FROM chat_rooms WHERE room = ? AND message_count <= 0', room);
    return changes;
  }

  /** The same for a conversation; `select` picks (id, read) so the unread count goes down by the unread that went. */
  #removePrivateMessages(peer: string, select: string, ...params: (string | number)[]): number {
    const unreadGoing = int(this.#db.get(`SELECT count(*) AS n FROM (${select}) WHERE read = 0`, ...params)?.['n']);
    const { changes } = this.#db.run(`DELETE FROM private_messages WHERE id IN (SELECT id FROM (${select}))`, ...params);
    if (changes === 0) return 0;
    this.#db.run(
      `UPDATE conversations SET message_count = message_count - ?, unread = max(0, unread - ?),
         last_id = coalesce((SELECT max(id) FROM private_messages WHERE peer = ?), 0) WHERE peer = ?`,
      changes, unreadGoing, peer, peer,
    );
    this.#db.run('DELETE FROM conversations WHERE peer = ? AND message_count <= 0', peer);
    return changes;
  }
}
