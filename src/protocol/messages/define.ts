// How message declarations are written: a code plus one layout per direction.

import type { FieldsOf, Shape, Struct } from '../layout.ts';
import { struct } from '../layout.ts';

/** Lifecycle status from MESSAGES.rst; deprecated messages are still parsed because old clients send them. */
export type MessageStatus = 'used' | 'deprecated' | 'defunct' | 'unknown';

export interface ServerMessageDef<Req extends Struct<any> | undefined, Res extends Struct<any> | undefined> {
  readonly code: number;
  /** What a client sends to the server (MESSAGES.rst "Send"). */
  readonly request: Req;
  /** What the server sends to a client (MESSAGES.rst "Receive"). */
  readonly response: Res;
  readonly status: MessageStatus;
}

export const KiB = 1024;
export const MiB = 1024 * KiB;

/**
 * What one message may cost a reader, declared next to its layout. The frame reader, the inflater
 * and the array reader all take their caps from here, so a message's bounds are stated once.
 */
export interface MessageLimits {
  /**
   * Largest frame accepted, length prefix included (checked from the header, before buffering).
   * P connections hold each code to it; peer-init and D connections cap every frame at 16 KiB.
   */
  readonly maxFrameBytes: number;
  /** Largest inflated body, for compressed messages; 0 for plain ones. */
  readonly maxInflatedBytes: number;
  /**
   * Most array elements the whole message may hold, counting every level (folders + files +
   * attributes). Plain messages are already bounded by their frame: each element takes bytes.
   */
  readonly maxItems: number;
}

/** What a P-connection message may take unless it says otherwise (Nicotine+'s 1 MiB, docs/interop.md). */
export const DEFAULT_PEER_FRAME_BYTES = 1 * MiB;
/** Cap on P-connection frames whose code we do not know (docs/interop.md: 16 MiB, as Nicotine+). */
export const UNKNOWN_PEER_FRAME_BYTES = 16 * MiB;

const plainLimits = (maxFrameBytes: number): MessageLimits => ({
  maxFrameBytes,
  maxInflatedBytes: 0,
  maxItems: Number.POSITIVE_INFINITY,
});

export interface ChannelMessageDef<L extends Struct<any>> {
  readonly code: number;
  /** Peer-init, peer and distributed messages have one layout for both directions. */
  readonly layout: L;
  /** The body is a zlib stream (search reply, shares reply, folder contents reply). */
  readonly compressed: boolean;
  /**
   * The code is written as a uint32 even on the 1-byte-code distributed channel: aioslsk frames a
   * forwarded ServerSearchRequest this way, and old SoulseekQt builds forwarded the whole server
   * message. Read either way.
   */
  readonly wideCode: boolean;
  readonly status: MessageStatus;
  readonly limits: MessageLimits;
}

type StructOf<S> = S extends Shape ? Struct<FieldsOf<S>> : undefined;

/** A server message; omit a direction the message never travels in. */
export function serverMessage<Req extends Shape | undefined = undefined, Res extends Shape | undefined = undefined>(
  code: number,
  layouts: { request?: Req; response?: Res; status?: MessageStatus },
): ServerMessageDef<StructOf<Req>, StructOf<Res>> {
  return {
    code,
    request: (layouts.request === undefined ? undefined : struct(layouts.request)) as StructOf<Req>,
    response: (layouts.response === undefined ? undefined : struct(layouts.response)) as StructOf<Res>,
    status: layouts.status ?? 'used',
  };
}

interface CommonOptions {
  wideCode?: boolean;
  status?: MessageStatus;
}

/** A compressed message must say what it may inflate to and how many items it may hold. */
type ChannelMessageOptions =
  | (CommonOptions & { compressed?: false; maxFrameBytes?: number })
  | (CommonOptions & { compressed: true; limits: MessageLimits });

/** A message that travels both ways with the same layout (MESSAGES.rst "Send/Receive"). */
export function channelMessage<S extends Shape>(
  code: number,
  layout: S,
  options: ChannelMessageOptions = {},
): ChannelMessageDef<Struct<FieldsOf<S>>> {
  return {
    code,
    layout: struct(layout),
    compressed: options.compressed ?? false,
    wideCode: options.wideCode ?? false,
    status: options.status ?? 'used',
    limits: options.compressed === true ? options.limits : plainLimits(options.maxFrameBytes ?? DEFAULT_PEER_FRAME_BYTES),
  };
}
