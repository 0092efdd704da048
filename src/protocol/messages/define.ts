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

/** A message that travels both ways with the same layout (MESSAGES.rst "Send/Receive"). */
export function channelMessage<S extends Shape>(
  code: number,
  layout: S,
  options: { compressed?: boolean; wideCode?: boolean; status?: MessageStatus } = {},
): ChannelMessageDef<Struct<FieldsOf<S>>> {
  return {
    code,
    layout: struct(layout),
    compressed: options.compressed ?? false,
    wideCode: options.wideCode ?? false,
    status: options.status ?? 'used',
  };
}
