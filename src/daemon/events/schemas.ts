// The daemon's live events, declared once as TypeBox schemas: the TypeScript payload types, the
// OpenAPI description of the event stream and the typed client all come from DAEMON_EVENTS. The
// shapes are the minimum a client needs to update its view without a reload; the daemon's
// services (searches, transfers, rooms, shares…) fill them as they publish.

import { Type, type Static } from 'typebox';

const Time = Type.String({ format: 'date-time', description: 'When it happened (ISO 8601, UTC).' });

const SearchFile = Type.Object({
  filename: Type.String({ description: 'The full virtual path as the sharer sent it.' }),
  size: Type.Number({ minimum: 0, description: 'Bytes.' }),
  extension: Type.String(),
  locked: Type.Boolean({ description: "Only the sharer's buddies may download it." }),
  bitrate: Type.Optional(Type.Number({ description: 'kbit/s' })),
  duration: Type.Optional(Type.Number({ description: 'Seconds.' })),
  sampleRate: Type.Optional(Type.Number({ description: 'Hz' })),
  bitDepth: Type.Optional(Type.Number()),
  vbr: Type.Optional(Type.Boolean()),
});

const SearchResponse = Type.Object({
  username: Type.String(),
  files: Type.Array(SearchFile),
  hasFreeUploadSlot: Type.Boolean(),
  uploadSpeed: Type.Number({ description: "The user's average upload speed, bytes/s." }),
  queueLength: Type.Number(),
});

const TRANSFER_STATES = ['queued', 'requesting', 'connecting', 'transferring', 'completed', 'failed', 'cancelled'] as const;
const TransferStateName = Type.Enum(TRANSFER_STATES);

/** Event name → payload schema. `resync` is the stream's own control event; heartbeats are SSE comment lines, not events. */
export const DAEMON_EVENTS = {
  /** The link to the Soulseek server changed state. */
  serverConnection: Type.Object({
    state: Type.Enum(['disconnected', 'connecting', 'loggedIn', 'reconnecting']),
    username: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String({ description: 'Why it disconnected, when it did.' })),
  }),
  /**
   * Results of a running search as they arrive, one or more users' replies per event. Publish them
   * in modest batches (one reply, or what arrived in the last moment): an event larger than a
   * slow client's queue bound sends that client straight to `resync`.
   */
  searchResponses: Type.Object({
    searchId: Type.String(),
    responses: Type.Array(SearchResponse),
  }),
  /** A search started, ended or was stopped, with its totals so far. */
  searchState: Type.Object({
    searchId: Type.String(),
    state: Type.Enum(['requested', 'in-progress', 'completed', 'cancelled', 'errored'], { description: "The search record's state (GET /api/v1/searches/{id})." }),
    responseCount: Type.Number(),
    fileCount: Type.Number(),
  }),
  /** Bytes moved; coalesced per transfer (key `transferProgress:<id>`) to a few per second. */
  transferProgress: Type.Object({
    id: Type.String(),
    bytesTransferred: Type.Number({ minimum: 0 }),
    size: Type.Number({ minimum: 0 }),
    speed: Type.Number({ minimum: 0, description: 'bytes/s, averaged' }),
    state: TransferStateName,
  }),
  /** A transfer appeared, changed state or was removed. */
  transferState: Type.Object({
    id: Type.String(),
    direction: Type.Enum(['download', 'upload']),
    username: Type.String(),
    filename: Type.String(),
    state: Type.Enum([...TRANSFER_STATES, 'removed']),
    error: Type.Optional(Type.String()),
  }),
  /** Every file of a folder download is final (completed, already present, failed for good, cancelled or removed). */
  folderDone: Type.Object({
    id: Type.String({ description: 'The folder download (GET /api/v1/transfers/folders/{id}).' }),
    username: Type.String(),
    folder: Type.String(),
    complete: Type.Boolean({ description: 'Every file is completed or was already present.' }),
    counts: Type.Record(Type.String(), Type.Number({ minimum: 0 }), { description: 'Files by state.' }),
  }),
  roomMessage: Type.Object({
    room: Type.String(),
    username: Type.String(),
    text: Type.String(),
    time: Time,
    historyId: Type.Optional(Type.Number({ description: "The message's id in the room's history (GET /api/v1/rooms/{room}/messages)." })),
    own: Type.Optional(Type.Boolean({ description: 'We sent it.' })),
    mention: Type.Optional(Type.Boolean({ description: 'It says our username (not counting our own messages).' })),
  }),
  privateMessage: Type.Object({
    id: Type.Number({ description: "The server's message id (0 for ours)." }),
    username: Type.String({ description: 'The other side of the conversation.' }),
    direction: Type.Enum(['in', 'out']),
    text: Type.String(),
    time: Time,
    historyId: Type.Optional(Type.Number({ description: "The message's id in the conversation's history (GET /api/v1/conversations/{username})." })),
    unread: Type.Optional(Type.Number({ minimum: 0, description: "The conversation's unread count after this message." })),
  }),
  /** We are in a room now (joined through the API, or again at start). */
  roomJoined: Type.Object({
    room: Type.String(),
    private: Type.Boolean(),
    memberCount: Type.Number({ minimum: 0 }),
  }),
  /** We are no longer in a room: we left, the server removed us (a private room's membership revoked), or it refused us on rejoining. */
  roomLeft: Type.Object({
    room: Type.String(),
    reason: Type.Enum(['left', 'removed', 'refused']),
  }),
  /** Someone entered or left a room we are in. */
  roomMembership: Type.Object({
    room: Type.String(),
    username: Type.String(),
    change: Type.Enum(['joined', 'left']),
    memberCount: Type.Number({ minimum: 0 }),
  }),
  /** A user's ticker in a room we are in was set ('' when cleared). */
  roomTicker: Type.Object({
    room: Type.String(),
    username: Type.String(),
    ticker: Type.String(),
  }),
  /** A conversation's messages were marked read (through the API, from any client of this daemon). */
  conversationRead: Type.Object({
    username: Type.String(),
    unread: Type.Number({ minimum: 0 }),
  }),
  userStatus: Type.Object({
    username: Type.String(),
    status: Type.Enum(['offline', 'away', 'online']),
    privileged: Type.Optional(Type.Boolean()),
  }),
  /**
   * A browse of a user's shares: requested, then receiving (bytes of the compressed listing so far;
   * coalesced per user, key `browseProgress:<username>`), then received (folders and files) or failed
   * (with why).
   */
  browseProgress: Type.Object({
    username: Type.String(),
    state: Type.Enum(['requested', 'receiving', 'received', 'failed']),
    bytesReceived: Type.Optional(Type.Number({ minimum: 0 })),
    bytes: Type.Optional(Type.Number({ minimum: 0, description: 'Size of the listing as sent (compressed).' })),
    folders: Type.Optional(Type.Number({ minimum: 0 })),
    files: Type.Optional(Type.Number({ minimum: 0 })),
    error: Type.Optional(Type.String()),
  }),
  /** The shares scan, coalesced (key `scanProgress`) like transfer progress. */
  scanProgress: Type.Object({
    state: Type.Enum(['scanning', 'done', 'failed']),
    folders: Type.Number({ minimum: 0 }),
    files: Type.Number({ minimum: 0 }),
    error: Type.Optional(Type.String()),
  }),
  /** A wishlist item ran: its search (kept like any other) is `searchId`. */
  wishlistRun: Type.Object({
    itemId: Type.String(),
    query: Type.String(),
    searchId: Type.String(),
    trigger: Type.Enum(['timer', 'manual']),
  }),
  /** A wishlist run with auto-download on asked for the best new match it found. */
  wishlistDownload: Type.Object({
    itemId: Type.String(),
    searchId: Type.String(),
    transferId: Type.String(),
    username: Type.String(),
    filename: Type.String(),
    size: Type.Number({ minimum: 0 }),
  }),
  log: Type.Object({
    level: Type.Enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
    time: Time,
    message: Type.String(),
  }),
  /**
   * This client missed events (its Last-Event-ID is no longer in the replay buffer, or it read too
   * slowly and its queue was dropped): reload the state it shows, then carry on with the events
   * that follow. Its `id:` is the stream position the reload corresponds to.
   */
  resync: Type.Object({
    reason: Type.Enum(['tooOld', 'unknownId', 'overflow']),
  }),
} as const;

export type DaemonEventMap = { [K in keyof typeof DAEMON_EVENTS]: Static<(typeof DAEMON_EVENTS)[K]> };
export type DaemonEventType = keyof DaemonEventMap;
/** What publishers may send: `resync` is written by the stream itself, per client. */
export type PublishableEventType = Exclude<DaemonEventType, 'resync'>;

/** One event as a client reads it off the stream: `id:`, `event:` and the JSON of `data:`. */
export type DaemonEvent = { [K in DaemonEventType]: { id: number; event: K; data: DaemonEventMap[K] } }[DaemonEventType];

export const DAEMON_EVENT_TYPES = Object.keys(DAEMON_EVENTS) as DaemonEventType[];

export const isDaemonEventType = (name: string): name is DaemonEventType => Object.hasOwn(DAEMON_EVENTS, name);
