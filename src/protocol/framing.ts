// Cuts a byte stream into whole frames. Chunks may split frames anywhere or hold many of them.
// A frame's length is checked against the channel's limit as soon as its prefix (and, where the
// limit depends on it, its code) has arrived, so an absurd length is an error before any
// allocation; a frame's bytes are gathered only once all of them are here.

import type { Channel } from './codec.ts';
import { FrameError, ProtocolErrorCode } from './errors.ts';
import { KiB, MiB, UNKNOWN_PEER_FRAME_BYTES } from './messages/define.ts';
import { peerMessages } from './messages/index.ts';
import { OBFUSCATION_KEY_BYTES, deobfuscate } from './obfuscation.ts';

/** P-connection frame caps by code, as each message declares them (messages/peer.ts). */
const peerFrameCaps = new Map<number, number>(Object.values(peerMessages).map((def) => [def.code, def.limits.maxFrameBytes]));

/** P-connection cap for a code: the message's declared maxFrameBytes, 16 MiB for unknown codes. */
export function peerFrameLimit(code: number): number {
  return peerFrameCaps.get(code) ?? UNKNOWN_PEER_FRAME_BYTES;
}

/** Frame size caps a mature client (Nicotine+) enforces, per channel (docs/interop.md). */
export const FRAME_LIMITS: Readonly<Record<Channel, number>> = {
  server: 448 * MiB,
  'peer-init': 16 * KiB,
  distributed: 16 * KiB,
  /** The largest cap any P-connection message declares; each code is held to its own (peerFrameLimit). */
  peer: Math.max(UNKNOWN_PEER_FRAME_BYTES, ...peerFrameCaps.values()),
};

export interface FrameReaderOptions {
  /** Largest frame accepted, length prefix included. Defaults to the channel's FRAME_LIMITS entry. */
  maxFrameBytes?: number;
  /** A tighter cap that depends on the message code (checked once the code has arrived). */
  limitForCode?: (code: number) => number;
  /** Each frame arrives obfuscated (type 1): a 4-byte key, then the XORed frame. */
  obfuscated?: boolean;
}

export class FrameReader {
  readonly channel: Channel;
  private readonly maxFrameBytes: number;
  private readonly limitForCode: ((code: number) => number) | undefined;
  private readonly obfuscated: boolean;
  private readonly codeBytes: number;
  private chunks: Uint8Array[] = [];
  private bufferedBytes = 0;
  /** Total size of the frame being gathered (key + prefix + body), once known. */
  private expected = -1;
  /** The message code of that frame (-1 until known). */
  private expectedCode = -1;
  private failed: FrameError | undefined;

  constructor(channel: Channel, options: FrameReaderOptions = {}) {
    this.channel = channel;
    this.maxFrameBytes = options.maxFrameBytes ?? FRAME_LIMITS[channel];
    this.limitForCode = options.limitForCode ?? (channel === 'peer' ? peerFrameLimit : undefined);
    this.obfuscated = options.obfuscated ?? false;
    this.codeBytes = channel === 'server' || channel === 'peer' ? 4 : 1;
  }

  /** Bytes held back waiting for the rest of a frame. */
  get buffered(): number {
    return this.bufferedBytes;
  }

  /**
   * The frame being gathered, once its header has arrived: its message code, the bytes of it held so
   * far and its whole size (an obfuscated frame's key included). Undefined between frames. Lets the
   * owner report progress of a big message (a shares listing) while it arrives.
   */
  get partial(): { code: number; received: number; size: number } | undefined {
    return this.expected < 0 ? undefined : { code: this.expectedCode, received: this.bufferedBytes, size: this.expected };
  }

  /**
   * Adds a chunk and returns the frames it completes, in order. Each frame is the plain frame
   * (length prefix, code, body), a view into the chunk where possible. Throws a FrameError when
   * the stream is broken; after that every call throws the same error.
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.failed) throw this.failed;
    const frames: Uint8Array[] = [];
    let data = chunk;
    let offset = 0;
    // Fast path: nothing buffered, so whole frames can be sliced straight out of the chunk.
    if (this.bufferedBytes === 0 && !this.obfuscated) {
      while (data.length - offset >= 4 + this.codeBytes) {
        const size = this.frameSize(data, offset);
        if (data.length - offset < size) break;
        frames.push(data.subarray(offset, offset + size));
        offset += size;
      }
      if (offset === data.length) return frames;
      data = data.subarray(offset);
    }
    this.chunks.push(data);
    this.bufferedBytes += data.length;
    for (;;) {
      if (this.expected < 0) {
        const headerBytes = (this.obfuscated ? OBFUSCATION_KEY_BYTES : 0) + 4 + this.codeBytes;
        if (this.bufferedBytes < headerBytes) return frames;
        const header = this.peek(headerBytes);
        const plain = this.obfuscated ? deobfuscate(header) : header;
        this.expected = (this.obfuscated ? OBFUSCATION_KEY_BYTES : 0) + this.frameSize(plain, 0);
        this.expectedCode = this.codeBytes === 4 ? (plain[4]! | (plain[5]! << 8) | (plain[6]! << 16)) + plain[7]! * 0x100_0000 : plain[4]!;
      }
      if (this.bufferedBytes < this.expected) return frames;
      const whole = this.take(this.expected);
      this.expected = -1;
      this.expectedCode = -1;
      frames.push(this.obfuscated ? deobfuscate(whole) : whole);
    }
  }

  /**
   * Hands back the bytes buffered beyond the last whole frame and empties the reader. Used when a
   * connection changes what it carries: after the init message of an F connection raw file bytes
   * follow, and after an obfuscated init on a D connection plain frames do.
   */
  takeRemainder(): Uint8Array {
    const rest = this.bufferedBytes === 0 ? new Uint8Array(0) : this.take(this.bufferedBytes);
    this.chunks = [];
    this.expected = -1;
    this.expectedCode = -1;
    return rest;
  }

  /** Size of the frame starting at `offset` (prefix included), after checking it against the limits. */
  private frameSize(bytes: Uint8Array, offset: number): number {
    const length = (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16)) + bytes[offset + 3]! * 0x100_0000;
    if (length < this.codeBytes) {
      this.fail(ProtocolErrorCode.badLength, `frame length ${length} cannot hold a ${this.codeBytes}-byte code`);
    }
    const size = length + 4;
    let limit = this.maxFrameBytes;
    if (this.limitForCode !== undefined) {
      const code =
        this.codeBytes === 4
          ? (bytes[offset + 4]! | (bytes[offset + 5]! << 8) | (bytes[offset + 6]! << 16)) + bytes[offset + 7]! * 0x100_0000
          : bytes[offset + 4]!;
      limit = Math.min(limit, this.limitForCode(code));
    }
    if (size > limit) {
      this.fail(ProtocolErrorCode.frameTooLarge, `frame of ${size} bytes is over the ${this.channel} limit of ${limit} bytes`);
    }
    return size;
  }

  private fail(code: typeof ProtocolErrorCode.badLength | typeof ProtocolErrorCode.frameTooLarge, detail: string): never {
    this.failed = new FrameError(code, detail, { channel: this.channel });
    this.chunks = [];
    this.bufferedBytes = 0;
    throw this.failed;
  }

  /** The first `count` buffered bytes, without consuming them. */
  private peek(count: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= count) return first.subarray(0, count);
    const out = new Uint8Array(count);
    let filled = 0;
    for (const chunk of this.chunks) {
      const part = Math.min(chunk.length, count - filled);
      out.set(chunk.subarray(0, part), filled);
      filled += part;
      if (filled === count) break;
    }
    return out;
  }

  /** Removes and returns the first `count` buffered bytes (a view when one chunk holds them all). */
  private take(count: number): Uint8Array {
    this.bufferedBytes -= count;
    const first = this.chunks[0]!;
    if (first.length >= count) {
      if (first.length === count) this.chunks.shift();
      else this.chunks[0] = first.subarray(count);
      return first.subarray(0, count);
    }
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0]!;
      const part = Math.min(chunk.length, count - filled);
      out.set(chunk.subarray(0, part), filled);
      filled += part;
      if (part === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(part);
    }
    return out;
  }
}
