// Private rooms and room tickers as the client knows them: who owns, operates and belongs to each
// private room we are in (from the server's lists and its grant/revoke broadcasts), the tickers
// of the rooms we joined, and the calls that manage them (docs/flows.md §7 "Rooms").

import type { ServerResponse } from '../protocol/index.ts';
import { ClientError } from './errors.ts';
import { confirmedOrRefused, mentions, type Confirming, type NoticeClaims } from './notices.ts';
import type { ServerLink } from './server-link.ts';
import type { ClientEvents } from './types.ts';

export interface RoomTicker {
  username: string;
  ticker: string;
}

export interface PrivateRoomInfo {
  name: string;
  /** Known from the room list (rooms we own) or the JoinRoom reply. */
  owner?: string;
  members: string[];
  operators: string[];
}

/** The longest ticker servers take (docs/flows.md §7 "Rooms" 5). */
export const MAX_TICKER_LENGTH = 1024;
/** Private rooms remembered; what a server sends past this is dropped. */
export const MAX_PRIVATE_ROOMS = 1000;
/** Tickers remembered per room. */
export const MAX_TICKERS_PER_ROOM = 10_000;
/** Names remembered per private room's member and operator lists. */
export const MAX_ROOM_MEMBERS = 10_000;

type Signal = { signal?: AbortSignal };
/** Membership and operator changes: sent as (room, username), confirmed by the same message back. */
type EchoedChange = 'PrivateRoomGrantMembership' | 'PrivateRoomRevokeMembership' | 'PrivateRoomGrantOperator' | 'PrivateRoomRevokeOperator';
type Emit = <K extends keyof ClientEvents>(name: K, ...args: ClientEvents[K]) => void;

export interface PrivateRoomsContext {
  requireLink(what: string): ServerLink;
  username(): string | undefined;
  claims: NoticeClaims;
  requestMs: number;
  emit: Emit;
}

interface RoomRecord {
  owner: string | undefined;
  members: Set<string>;
  operators: Set<string>;
}

const refusal = (what: string) => (notice: string) => new ClientError('ROOM_REFUSED', `the server refused ${what}: ${notice}`);

function addBounded(set: Set<string>, name: string): void {
  if (set.size < MAX_ROOM_MEMBERS || set.has(name)) set.add(name);
}

export class PrivateRooms {
  private readonly rooms = new Map<string, RoomRecord>();
  private readonly tickers = new Map<string, Map<string, string>>();
  private readonly context: PrivateRoomsContext;

  constructor(context: PrivateRoomsContext) {
    this.context = context;
  }

  // ---- what the client knows ---------------------------------------------------------------------

  room(name: string): PrivateRoomInfo | undefined {
    const record = this.rooms.get(name);
    return record === undefined ? undefined : info(name, record);
  }

  list(): PrivateRoomInfo[] {
    return [...this.rooms].map(([name, record]) => info(name, record)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  roomTickers(room: string): RoomTicker[] {
    return [...(this.tickers.get(room) ?? [])].map(([username, ticker]) => ({ username, ticker }));
  }

  /** A joined room's owner and operators from the JoinRoom reply, and its tickers. */
  joined(room: string, owner: string | undefined, operators: readonly string[] | undefined, tickers: readonly RoomTicker[]): void {
    this.setTickers(room, tickers);
    if (owner === undefined) return;
    const record = this.record(room);
    if (record === undefined) return;
    record.owner = owner;
    record.operators = new Set(operators?.slice(0, MAX_ROOM_MEMBERS));
    this.changed(room);
  }

  left(room: string): void {
    this.tickers.delete(room);
  }

  /** Keeps the state up to date; called for every message from the server. */
  serverMessage(message: ServerResponse): void {
    const self = this.context.username();
    switch (message.name) {
      case 'RoomList':
        this.roomList(message);
        break;
      case 'PrivateRoomMembers': {
        const record = this.record(message.room);
        if (record === undefined) break;
        record.members = new Set(message.username.slice(0, MAX_ROOM_MEMBERS));
        this.changed(message.room);
        break;
      }
      case 'PrivateRoomOperators': {
        const record = this.record(message.room);
        if (record === undefined) break;
        record.operators = new Set(message.username.slice(0, MAX_ROOM_MEMBERS));
        this.changed(message.room);
        break;
      }
      case 'PrivateRoomGrantMembership':
        this.update(message.room, (record) => addBounded(record.members, message.username));
        break;
      case 'PrivateRoomRevokeMembership':
        this.update(message.room, (record) => {
          record.members.delete(message.username);
          record.operators.delete(message.username);
        });
        break;
      case 'PrivateRoomGrantOperator':
        this.update(message.room, (record) => addBounded(record.operators, message.username));
        break;
      case 'PrivateRoomRevokeOperator':
        this.update(message.room, (record) => record.operators.delete(message.username));
        break;
      case 'PrivateRoomMembershipGranted':
        if (self !== undefined) this.update(message.room, (record) => addBounded(record.members, self), true);
        this.context.emit('roomMembershipGranted', message.room);
        break;
      case 'PrivateRoomMembershipRevoked':
        if (this.rooms.delete(message.room)) this.context.emit('privateRoomChanged', { room: message.room, members: [], operators: [] });
        this.context.emit('roomMembershipRevoked', message.room);
        break;
      case 'PrivateRoomOperatorGranted':
        if (self !== undefined) this.update(message.room, (record) => addBounded(record.operators, self), true);
        this.context.emit('roomOperatorGranted', message.room);
        break;
      case 'PrivateRoomOperatorRevoked':
        if (self !== undefined) this.update(message.room, (record) => record.operators.delete(self));
        this.context.emit('roomOperatorRevoked', message.room);
        break;
      case 'RoomTickers':
        this.setTickers(message.room, message.tickers);
        this.context.emit('roomTickers', { room: message.room, tickers: this.roomTickers(message.room) });
        break;
      case 'RoomTickerAdded': {
        const tickers = this.tickers.get(message.room);
        if (tickers !== undefined && (tickers.size < MAX_TICKERS_PER_ROOM || tickers.has(message.username))) tickers.set(message.username, message.ticker);
        this.context.emit('roomTickerSet', { room: message.room, username: message.username, ticker: message.ticker });
        break;
      }
      case 'RoomTickerRemoved':
        this.tickers.get(message.room)?.delete(message.username);
        this.context.emit('roomTickerCleared', { room: message.room, username: message.username });
        break;
      default:
    }
  }

  /** The room list's private sections are the whole truth about which private rooms we are in. */
  private roomList(message: Extract<ServerResponse, { name: 'RoomList' }>): void {
    const self = this.context.username();
    const owned = new Set(message.roomsPrivateOwned);
    const operated = new Set(message.roomsPrivateOperated);
    const listed = new Set([...message.roomsPrivateOwned, ...message.roomsPrivate]);
    for (const name of [...this.rooms.keys()]) {
      if (listed.has(name)) continue;
      this.rooms.delete(name);
      this.context.emit('privateRoomChanged', { room: name, members: [], operators: [] });
    }
    for (const name of listed) {
      const record = this.record(name);
      if (record === undefined) continue;
      const before = JSON.stringify(info(name, record));
      if (owned.has(name) && self !== undefined) record.owner = self;
      if (self !== undefined) {
        if (operated.has(name)) addBounded(record.operators, self);
        else record.operators.delete(self);
        if (!owned.has(name)) addBounded(record.members, self);
      }
      if (JSON.stringify(info(name, record)) !== before) this.changed(name);
    }
  }

  private record(room: string): RoomRecord | undefined {
    let record = this.rooms.get(room);
    if (record === undefined) {
      if (this.rooms.size >= MAX_PRIVATE_ROOMS) return undefined;
      record = { owner: undefined, members: new Set(), operators: new Set() };
      this.rooms.set(room, record);
    }
    return record;
  }

  /** Changes a room we know (or, with `create`, one we just entered) and tells the app. */
  private update(room: string, change: (record: RoomRecord) => void, create = false): void {
    const record = create ? this.record(room) : this.rooms.get(room);
    if (record === undefined) return;
    change(record);
    this.changed(room);
  }

  private changed(room: string): void {
    const record = this.rooms.get(room);
    if (record === undefined) return;
    const { name: _, ...rest } = info(room, record);
    this.context.emit('privateRoomChanged', { room, ...rest });
  }

  private setTickers(room: string, tickers: readonly RoomTicker[]): void {
    // Only joined rooms have tickers; a server sending lists for more rooms than that is ignored.
    if (!this.tickers.has(room) && this.tickers.size >= MAX_PRIVATE_ROOMS) return;
    this.tickers.set(room, new Map(tickers.slice(0, MAX_TICKERS_PER_ROOM).map((t) => [t.username, t.ticker])));
  }

  // ---- calls -----------------------------------------------------------------------------------

  /** Sends one private-room request; settles on `confirmed` or on a notice naming the room or user. */
  private request(
    what: string,
    room: string,
    target: string | undefined,
    send: (link: ServerLink) => void,
    confirmed: (link: ServerLink, signal: AbortSignal, confirming: Confirming) => Promise<unknown>,
    options: Signal,
  ): Promise<void> {
    checkName('room', room);
    if (target !== undefined) checkName('username', target);
    const link = this.context.requireLink(what);
    const accepts = (text: string): boolean => mentions(text, room) || (target !== undefined && mentions(text, target));
    return confirmedOrRefused({
      what,
      timeoutMs: this.context.requestMs,
      signal: options.signal,
      claims: this.context.claims,
      accepts,
      confirmation: (signal, confirming) => confirmed(link, signal, confirming).then(() => undefined),
      onConfirmed: () => {
        if (target !== undefined && this.rooms.get(room)?.owner === this.context.username()) this.absorbOwnerNotice(room, target);
      },
      send: () => send(link),
      refused: refusal(what),
    });
  }

  /**
   * Servers tell a room's owner of every change to its members and operators, the owner's own
   * included ("User bob is now a member of room jazz."), in a notice that comes after the broadcast
   * that confirmed the change. Taken here, it cannot pass for the refusal of our next request.
   */
  private absorbOwnerNotice(room: string, target: string): void {
    this.context.claims
      .claim((text) => mentions(text, room) && mentions(text, target), AbortSignal.timeout(this.context.requestMs))
      .catch(() => {});
  }

  addMember(room: string, username: string, options: Signal = {}): Promise<void> {
    return this.echoed('PrivateRoomGrantMembership', `adding ${username} to room ${room}`, room, username, options);
  }

  removeMember(room: string, username: string, options: Signal = {}): Promise<void> {
    return this.echoed('PrivateRoomRevokeMembership', `removing ${username} from room ${room}`, room, username, options);
  }

  addOperator(room: string, username: string, options: Signal = {}): Promise<void> {
    return this.echoed('PrivateRoomGrantOperator', `making ${username} an operator of room ${room}`, room, username, options);
  }

  removeOperator(room: string, username: string, options: Signal = {}): Promise<void> {
    return this.echoed('PrivateRoomRevokeOperator', `removing ${username} as operator of room ${room}`, room, username, options);
  }

  /** A change the server confirms by broadcasting the same message (room, username) back to the room. */
  private echoed(name: EchoedChange, what: string, room: string, username: string, options: Signal): Promise<void> {
    return this.request(
      what,
      room,
      username,
      (link) => link.send({ name, room, username }),
      (link, signal, confirming) =>
        link.waitFor(name, confirming((m) => m.room === room && m.username === username), this.context.requestMs, signal),
      options,
    );
  }

  /** Gives up our membership: the server revokes it (PrivateRoomMembershipRevoked). */
  leave(room: string, options: Signal = {}): Promise<void> {
    return this.request(
      `leaving private room ${room}`,
      room,
      undefined,
      (link) => link.send({ name: 'PrivateRoomDropMembership', room }),
      (link, signal, confirming) => link.waitFor('PrivateRoomMembershipRevoked', confirming((m) => m.room === room), this.context.requestMs, signal),
      options,
    );
  }

  /**
   * Gives up ownership, which disbands the room. The server revokes every membership; the owner is
   * not a member, so what confirms it to us is a revocation if the server sends one, or else the
   * fresh room list without the room among those we own.
   */
  disband(room: string, options: Signal = {}): Promise<void> {
    return this.request(
      `disbanding room ${room}`,
      room,
      undefined,
      (link) => link.send({ name: 'PrivateRoomDropOwnership', room }),
      (link, signal, confirming) =>
        Promise.race([
          link.waitFor('PrivateRoomMembershipRevoked', confirming((m) => m.room === room), this.context.requestMs, signal),
          link.waitFor('RoomList', confirming((m) => !m.roomsPrivateOwned.includes(room)), this.context.requestMs, signal),
        ]),
      options,
    );
  }

  /** Whether others may add us to their private rooms; resolves with the state the server echoes. */
  async setInvitations(enabled: boolean, options: Signal = {}): Promise<boolean> {
    const reply = await this.context
      .requireLink('room invitations')
      .sendAndWait({ name: 'TogglePrivateRoomInvites', enable: enabled }, 'TogglePrivateRoomInvites', () => true, options.signal);
    return reply.enabled;
  }

  /**
   * Sets our ticker in a room we are in (an empty text clears it); resolves once the server
   * announced it back to the room.
   */
  setTicker(room: string, text: string, joined: boolean, options: Signal = {}): Promise<void> {
    checkName('room', room);
    if (typeof text !== 'string' || text.length > MAX_TICKER_LENGTH) {
      throw new ClientError('INVALID_ARGUMENT', `a ticker is a text of at most ${MAX_TICKER_LENGTH} characters`);
    }
    if (/[\r\n]/.test(text)) throw new ClientError('INVALID_ARGUMENT', 'a ticker is one line of text');
    if (!joined) throw new ClientError('NOT_IN_ROOM', `join room ${JSON.stringify(room)} before setting its ticker`);
    const self = this.context.username();
    if (text === '' && (self === undefined || !this.tickers.get(room)?.has(self))) {
      // No ticker of ours to clear: the server would stay silent.
      this.context.requireLink('room ticker').send({ name: 'SetRoomTicker', room, ticker: '' });
      return Promise.resolve();
    }
    const link = this.context.requireLink('room ticker');
    const what = text === '' ? `clearing our ticker in room ${room}` : `setting our ticker in room ${room}`;
    return confirmedOrRefused({
      what,
      timeoutMs: this.context.requestMs,
      signal: options.signal,
      claims: this.context.claims,
      accepts: (notice) => mentions(notice, room),
      confirmation: (signal, confirming) =>
        text === ''
          ? link.waitFor('RoomTickerRemoved', confirming((m) => m.room === room && m.username === self), this.context.requestMs, signal).then(() => undefined)
          : link
              .waitFor('RoomTickerAdded', confirming((m) => m.room === room && m.username === self && m.ticker === text), this.context.requestMs, signal)
              .then(() => undefined),
      send: () => link.send({ name: 'SetRoomTicker', room, ticker: text }),
      refused: refusal(what),
    });
  }
}

function info(name: string, record: RoomRecord): PrivateRoomInfo {
  return {
    name,
    ...(record.owner !== undefined ? { owner: record.owner } : {}),
    members: [...record.members].sort(),
    operators: [...record.operators].sort(),
  };
}

function checkName(what: string, name: string): void {
  if (typeof name !== 'string' || name === '') throw new ClientError('INVALID_ARGUMENT', `a ${what} name must be a non-empty text, got ${JSON.stringify(name)}`);
}
