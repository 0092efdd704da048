// encode() and decode(): whole frames to message objects and back, for every channel.
//
// A frame is `uint32 length` (bytes after itself), the code (uint32 on the server and peer
// channels, uint8 on peer-init and distributed), then the body laid out as the message declares.

import { deflate, inflate, inflateInSteps } from './compression.ts';
import { DecodeError, EncodeError, ProtocolError, ProtocolErrorCode } from './errors.ts';
import type { Simplify, Struct } from './layout.ts';
import type { MessageLimits } from './messages/define.ts';
import { distributedMessages, peerInitMessages, peerMessages, serverMessages } from './messages/index.ts';
import { Reader } from './reader.ts';
import { DECODE_STEP_BYTES, readIntoInSteps } from './stepwise.ts';
import { Writer } from './writer.ts';

export type Channel = 'server' | 'peer-init' | 'peer' | 'distributed';
/** On the server channel `request` is client → server and `response` server → client; elsewhere it is ignored. */
export type Direction = 'request' | 'response' | 'both';

type MessageOf<N, L> = L extends Struct<infer T> ? Simplify<{ name: N } & T> : never;
type Union<Defs, Key extends string> = {
  [N in keyof Defs & string]: Defs[N] extends Record<Key, infer L> ? MessageOf<N, L> : never;
}[keyof Defs & string];

type ServerDefs = typeof serverMessages;
/** A message a client sends to the server. */
export type ServerRequest = Union<ServerDefs, 'request'>;
/** A message the server sends to a client. */
export type ServerResponse = Union<ServerDefs, 'response'>;
/** The first message on a peer connection: PeerInit or PeerPierceFirewall. */
export type PeerInitMessage = Union<typeof peerInitMessages, 'layout'>;
/** A message on a P connection. */
export type PeerMessage = Union<typeof peerMessages, 'layout'>;
/** A message on a D connection. */
export type DistributedMessage = Union<typeof distributedMessages, 'layout'>;
export type AnyMessage = ServerRequest | ServerResponse | PeerInitMessage | PeerMessage | DistributedMessage;

export type ServerRequestOf<N extends ServerRequest['name']> = Extract<ServerRequest, { name: N }>;
export type ServerResponseOf<N extends ServerResponse['name']> = Extract<ServerResponse, { name: N }>;
export type PeerInitMessageOf<N extends PeerInitMessage['name']> = Extract<PeerInitMessage, { name: N }>;
export type PeerMessageOf<N extends PeerMessage['name']> = Extract<PeerMessage, { name: N }>;
export type DistributedMessageOf<N extends DistributedMessage['name']> = Extract<DistributedMessage, { name: N }>;

/** The message type a channel and direction carry. */
export type MessageFor<C extends Channel, D extends Direction> = C extends 'server'
  ? D extends 'request'
    ? ServerRequest
    : D extends 'response'
      ? ServerResponse
      : never
  : C extends 'peer-init'
    ? PeerInitMessage
    : C extends 'peer'
      ? PeerMessage
      : DistributedMessage;

export interface DecodeOptions {
  /** A tighter cap on the inflated size of a compressed body than the message's own (messages/peer.ts). */
  maxInflatedBytes?: number;
  /**
   * Accept bytes after the last field instead of throwing TRAILING_BYTES. For servers and clients
   * facing peers that pad fields (slsk-client sends ToggleParentSearch's boolean as a uint32);
   * the codec's own tests keep this off.
   */
  allowTrailingBytes?: boolean;
}

// ---- the tables ------------------------------------------------------------------------------

interface Entry {
  readonly name: string;
  readonly code: number;
  readonly layout: Struct<any>;
  readonly compressed: boolean;
  readonly wideCode: boolean;
  readonly limits: MessageLimits;
}

/** Server messages are plain and bounded by the channel's frame cap (framing.ts). */
const SERVER_LIMITS: MessageLimits = { maxFrameBytes: Number.POSITIVE_INFINITY, maxInflatedBytes: 0, maxItems: Number.POSITIVE_INFINITY };

interface Table {
  readonly channel: Channel;
  readonly label: string;
  /** Width of the code on the wire: 4 bytes (server, peer) or 1 (peer-init, distributed). */
  readonly codeBytes: 1 | 4;
  readonly byCode: (Entry | undefined)[];
  readonly byName: Map<string, Entry>;
}

function table(channel: Channel, label: string, codeBytes: 1 | 4, entries: Entry[]): Table {
  const byCode: (Entry | undefined)[] = [];
  const byName = new Map<string, Entry>();
  for (const entry of entries) {
    if (byCode[entry.code] !== undefined) throw new Error(`two ${label} messages with code ${entry.code}`);
    byCode[entry.code] = entry;
    byName.set(entry.name, entry);
  }
  return { channel, label, codeBytes, byCode, byName };
}

function serverTable(direction: 'request' | 'response'): Table {
  const entries: Entry[] = [];
  for (const [name, def] of Object.entries(serverMessages)) {
    const layout = def[direction] as Struct<any> | undefined;
    if (layout !== undefined) entries.push({ name, code: def.code, layout, compressed: false, wideCode: false, limits: SERVER_LIMITS });
  }
  return table('server', `server ${direction}`, 4, entries);
}

function channelTable(
  channel: Channel,
  codeBytes: 1 | 4,
  defs: Record<string, { code: number; layout: Struct<any>; compressed: boolean; wideCode: boolean; limits: MessageLimits }>,
): Table {
  return table(
    channel,
    channel,
    codeBytes,
    Object.entries(defs).map(([name, def]) => ({ name, ...def })),
  );
}

const tables = {
  serverRequest: serverTable('request'),
  serverResponse: serverTable('response'),
  peerInit: channelTable('peer-init', 1, peerInitMessages),
  peer: channelTable('peer', 4, peerMessages),
  distributed: channelTable('distributed', 1, distributedMessages),
};

function tableFor(channel: Channel, direction: Direction): Table {
  switch (channel) {
    case 'server':
      if (direction === 'request') return tables.serverRequest;
      if (direction === 'response') return tables.serverResponse;
      throw new TypeError(`the server channel needs direction 'request' or 'response', not ${JSON.stringify(direction)}`);
    case 'peer-init':
      return tables.peerInit;
    case 'peer':
      return tables.peer;
    case 'distributed':
      return tables.distributed;
    default:
      throw new TypeError(`unknown channel ${JSON.stringify(channel)}: use server, peer-init, peer or distributed`);
  }
}

/** The listing's name for a code on a channel, or undefined. */
export function messageName(channel: Channel, direction: Direction, code: number): string | undefined {
  return tableFor(channel, direction).byCode[code]?.name;
}

/** The code of a named message on a channel, or undefined. */
export function messageCode(channel: Channel, direction: Direction, name: string): number | undefined {
  return tableFor(channel, direction).byName.get(name)?.code;
}

/** Every message name a channel and direction carry, in code order. */
export function messageNames(channel: Channel, direction: Direction): string[] {
  return tableFor(channel, direction)
    .byCode.filter((entry): entry is Entry => entry !== undefined)
    .map((entry) => entry.name);
}

// ---- decoding --------------------------------------------------------------------------------

/** The code of a frame (already cut by the FrameReader), read from its header without decoding it. */
export function frameCode(channel: Channel, frame: Uint8Array): number | undefined {
  const wide = channel === 'server' || channel === 'peer';
  if (frame.length < (wide ? 8 : 5)) return undefined;
  return wide ? (frame[4]! | (frame[5]! << 8) | (frame[6]! << 16)) + frame[7]! * 0x100_0000 : frame[4]!;
}

/** Whether a code's body is zlib-compressed, so decoding it is worth doing with decodeInSteps(). */
export function isCompressed(channel: Channel, direction: Direction, code: number): boolean {
  return tableFor(channel, direction).byCode[code]?.compressed ?? false;
}

/** The caps a message declares, or undefined for an unknown code. */
export function messageLimits(channel: Channel, direction: Direction, code: number): MessageLimits | undefined {
  return tableFor(channel, direction).byCode[code]?.limits;
}

interface Opened {
  entry: Entry;
  code: number;
  /** Positioned at the body (for compressed messages: at the zlib stream). */
  reader: Reader;
}

/** Checks a frame's length and code, and finds its message. */
function open(channel: Channel, t: Table, frame: Uint8Array): Opened {
  const headerBytes = 4 + t.codeBytes;
  if (frame.length < headerBytes) {
    throw new DecodeError(ProtocolErrorCode.badLength, `frame of ${frame.length} bytes is shorter than its ${headerBytes}-byte header`, {
      channel,
      offset: 0,
    });
  }
  const reader = new Reader(frame);
  const length = reader.u32();
  if (length !== frame.length - 4) {
    throw new DecodeError(ProtocolErrorCode.badLength, `length prefix says ${length} bytes but ${frame.length - 4} follow it`, {
      channel,
      offset: 0,
    });
  }
  const code = t.codeBytes === 4 ? reader.u32() : reader.u8();
  const entry = t.byCode[code];
  if (entry === undefined) {
    throw new DecodeError(ProtocolErrorCode.unknownCode, `no ${t.label} message has code ${code}`, {
      channel,
      messageCode: code,
      offset: 4,
    });
  }
  if (entry.wideCode && t.codeBytes === 1 && reader.remaining >= 3) {
    const b = frame;
    const p = reader.pos;
    if (b[p] === 0 && b[p + 1] === 0 && b[p + 2] === 0) reader.pos += 3;
  }
  return { entry, code, reader };
}

function inflateCap(entry: Entry, options: DecodeOptions): number {
  return Math.min(entry.limits.maxInflatedBytes, options.maxInflatedBytes ?? Number.POSITIVE_INFINITY);
}

function checkEnd(body: Reader, options: DecodeOptions): void {
  if (body.remaining > 0 && options.allowTrailingBytes !== true) {
    throw new DecodeError(ProtocolErrorCode.trailingBytes, `${body.remaining} bytes left after the last field`, {
      offset: body.pos,
    });
  }
}

function annotated(error: unknown, channel: Channel, opened: Opened): unknown {
  if (error instanceof ProtocolError) error.annotate({ channel, messageName: opened.entry.name, messageCode: opened.code });
  return error;
}

/**
 * Decodes one whole frame (length prefix, code, body) into `{ name, ...fields }`, in one
 * synchronous call. Compressed bodies are inflated at once (up to the message's cap): for frames
 * off the network use decodeInSteps(), which never holds the event loop for a large one.
 */
export function decode<C extends Channel, D extends Direction>(
  channel: C,
  direction: D,
  frame: Uint8Array,
  options?: DecodeOptions,
): MessageFor<C, D>;
export function decode(channel: Channel, direction: Direction, frame: Uint8Array, options: DecodeOptions = {}): AnyMessage {
  const opened = open(channel, tableFor(channel, direction), frame);
  const { entry } = opened;
  const message: Record<string, unknown> = { name: entry.name };
  try {
    const body = entry.compressed ? bodyReader(inflate(opened.reader.rest(), inflateCap(entry, options)), entry) : opened.reader;
    entry.layout.readInto(body, message);
    checkEnd(body, options);
  } catch (error) {
    throw annotated(error, channel, opened);
  }
  return message as unknown as AnyMessage;
}

function bodyReader(inflated: Uint8Array, entry: Entry): Reader {
  return new Reader(inflated, 0, inflated.length, entry.limits.maxItems);
}

/**
 * Decodes a frame like decode(), but a compressed body is inflated on zlib's thread pool in
 * bounded steps (stopping at the message's inflate cap) and a large body is read in steps, letting
 * the event loop run between them. Plain messages are decoded at once.
 */
export function decodeInSteps<C extends Channel, D extends Direction>(
  channel: C,
  direction: D,
  frame: Uint8Array,
  options?: DecodeOptions,
): Promise<MessageFor<C, D>>;
export async function decodeInSteps(
  channel: Channel,
  direction: Direction,
  frame: Uint8Array,
  options: DecodeOptions = {},
): Promise<AnyMessage> {
  const opened = open(channel, tableFor(channel, direction), frame);
  const { entry } = opened;
  if (!entry.compressed) return decode(channel, direction, frame, options);
  const message: Record<string, unknown> = { name: entry.name };
  try {
    const body = bodyReader(await inflateInSteps(opened.reader.rest(), inflateCap(entry, options)), entry);
    if (body.remaining >= DECODE_STEP_BYTES) await readIntoInSteps(entry.layout, body, message);
    else entry.layout.readInto(body, message);
    checkEnd(body, options);
  } catch (error) {
    throw annotated(error, channel, opened);
  }
  return message as unknown as AnyMessage;
}

// ---- encoding --------------------------------------------------------------------------------

/** One scratch buffer for all top-level encodes; frames are copied out of it sized exactly. */
let scratch = new Writer(64 * 1024);
const SCRATCH_KEEP_BYTES = 1024 * 1024;

/** Encodes a message object into one whole frame: length prefix, code, body. */
export function encode<C extends Channel, D extends Direction>(channel: C, direction: D, message: MessageFor<C, D>): Uint8Array;
export function encode(channel: Channel, direction: Direction, message: AnyMessage): Uint8Array {
  const t = tableFor(channel, direction);
  const name = (message as { name?: unknown } | null)?.name;
  const entry = typeof name === 'string' ? t.byName.get(name) : undefined;
  if (entry === undefined) {
    throw new EncodeError(ProtocolErrorCode.unknownMessage, `no ${t.label} message is named ${JSON.stringify(name)}`, {
      channel,
    });
  }
  const w = scratch;
  w.pos = 0;
  try {
    w.reserve(8);
    w.pos = 4;
    if (t.codeBytes === 4 || entry.wideCode) w.u32(entry.code);
    else w.u8(entry.code);
    if (entry.compressed) {
      const body = new Writer(4096);
      entry.layout.write(body, message);
      w.raw(deflate(body.bytes.subarray(0, body.pos)));
    } else {
      entry.layout.write(w, message);
    }
    w.putU32At(0, w.pos - 4);
    return w.finish();
  } catch (error) {
    if (error instanceof ProtocolError) error.annotate({ channel, messageName: entry.name, messageCode: entry.code });
    throw error;
  } finally {
    if (w.bytes.length > SCRATCH_KEEP_BYTES) scratch = new Writer(64 * 1024);
  }
}

// ---- typed shorthands ------------------------------------------------------------------------

export const encodeServerRequest = (message: ServerRequest): Uint8Array => encode('server', 'request', message);
export const encodeServerResponse = (message: ServerResponse): Uint8Array => encode('server', 'response', message);
export const encodePeerInit = (message: PeerInitMessage): Uint8Array => encode('peer-init', 'both', message);
export const encodePeer = (message: PeerMessage): Uint8Array => encode('peer', 'both', message);
export const encodeDistributed = (message: DistributedMessage): Uint8Array => encode('distributed', 'both', message);

export const decodeServerRequest = (frame: Uint8Array, options?: DecodeOptions): ServerRequest =>
  decode('server', 'request', frame, options);
export const decodeServerResponse = (frame: Uint8Array, options?: DecodeOptions): ServerResponse =>
  decode('server', 'response', frame, options);
export const decodePeerInit = (frame: Uint8Array, options?: DecodeOptions): PeerInitMessage =>
  decode('peer-init', 'both', frame, options);
export const decodePeer = (frame: Uint8Array, options?: DecodeOptions): PeerMessage => decode('peer', 'both', frame, options);
export const decodeDistributed = (frame: Uint8Array, options?: DecodeOptions): DistributedMessage =>
  decode('distributed', 'both', frame, options);

type Builders<M extends { name: string }> = {
  readonly [N in M['name']]: (fields: Simplify<Omit<Extract<M, { name: N }>, 'name'>>) => Uint8Array;
};

function builders<M extends { name: string }>(channel: Channel, direction: Direction): Builders<M> {
  const out: Record<string, (fields: object) => Uint8Array> = {};
  for (const name of messageNames(channel, direction)) {
    out[name] = (fields) => encode(channel, direction, { name, ...fields } as never);
  }
  return Object.freeze(out) as unknown as Builders<M>;
}

/**
 * Per-message frame builders: `serverRequest.Login({ username, password, ... })` returns the
 * encoded frame, with the fields type-checked for that one message.
 */
export const serverRequest: Builders<ServerRequest> = builders('server', 'request');
export const serverResponse: Builders<ServerResponse> = builders('server', 'response');
export const peerInit: Builders<PeerInitMessage> = builders('peer-init', 'both');
export const peer: Builders<PeerMessage> = builders('peer', 'both');
export const distributed: Builders<DistributedMessage> = builders('distributed', 'both');
