// The one error type the protocol layer throws. Every failure to read or write a message is a
// ProtocolError with a stable `code`, so callers can decide per code (skip an unknown message,
// drop a connection on a truncated one) without parsing error text.

export const ProtocolErrorCode = {
  /** The frame ended before a field that the layout requires. */
  truncated: 'TRUNCATED',
  /** Bytes were left over after the last field of the layout. */
  trailingBytes: 'TRAILING_BYTES',
  /** No message with this code exists on this channel and direction. */
  unknownCode: 'UNKNOWN_CODE',
  /** No message with this name exists on this channel and direction (encoding). */
  unknownMessage: 'UNKNOWN_MESSAGE',
  /** A boolean field held a byte other than 0 or 1. */
  invalidBoolean: 'INVALID_BOOLEAN',
  /** An array count claims more elements than the rest of the frame can hold. */
  countTooLarge: 'COUNT_TOO_LARGE',
  /** A message holds more array elements (folders, files, attributes…) than it declares it may. */
  tooManyItems: 'TOO_MANY_ITEMS',
  /** A frame's length prefix is larger than the channel allows. */
  frameTooLarge: 'FRAME_TOO_LARGE',
  /** A frame's length prefix disagrees with the bytes given, or is too small to hold a code. */
  badLength: 'BAD_LENGTH',
  /** A compressed body is not a valid zlib stream. */
  badCompression: 'BAD_COMPRESSION',
  /** A compressed body inflates past the allowed size. */
  inflateLimit: 'INFLATE_LIMIT',
  /** A value handed to an encoder does not fit its field (wrong type, out of range). */
  invalidValue: 'INVALID_VALUE',
} as const;

export type ProtocolErrorCode = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

export interface ProtocolErrorDetails {
  /** Byte offset inside the frame (or body) where the problem was found. */
  offset?: number;
  /** The listing's name of the message being read or written, when known. */
  messageName?: string;
  /** The numeric message code, when known. */
  messageCode?: number;
  /** The channel: 'server', 'peer-init', 'peer', 'distributed' or 'file'. */
  channel?: string;
  cause?: unknown;
}

export class ProtocolError extends Error {
  override readonly name: string = 'ProtocolError';
  readonly code: ProtocolErrorCode;
  /** The bare description, without the location prefix that `message` carries. */
  readonly detail: string;
  offset: number | undefined;
  messageName: string | undefined;
  messageCode: number | undefined;
  channel: string | undefined;
  /** For encoding errors: the path of the offending field inside the message, e.g. `results.filename`. */
  fieldPath: string[] = [];

  constructor(code: ProtocolErrorCode, detail: string, details: ProtocolErrorDetails = {}) {
    super(detail, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.detail = detail;
    this.offset = details.offset;
    this.messageName = details.messageName;
    this.messageCode = details.messageCode;
    this.channel = details.channel;
    this.message = this.describe();
  }

  /**
   * Adds what an outer layer knows (which message, which channel) to an error thrown deep inside a
   * field reader, keeping what the inner layer already said.
   */
  annotate(details: ProtocolErrorDetails): this {
    this.offset ??= details.offset;
    this.messageName ??= details.messageName;
    this.messageCode ??= details.messageCode;
    this.channel ??= details.channel;
    this.message = this.describe();
    return this;
  }

  /** Records that the error happened inside field `key` of an enclosing struct. */
  insideField(key: string): this {
    this.fieldPath.unshift(key);
    this.message = this.describe();
    return this;
  }

  /** `TRUNCATED in server Login (code 1) at byte 12: …` */
  private describe(): string {
    const parts: string[] = [];
    if (this.channel !== undefined) parts.push(this.channel);
    if (this.messageName !== undefined) parts.push(this.messageName);
    let where = parts.length > 0 ? ` in ${parts.join(' ')}` : '';
    if (this.messageCode !== undefined) where += ` (code ${this.messageCode})`;
    if (this.offset !== undefined) where += ` at byte ${this.offset}`;
    const path = this.fieldPath.map((part, i) => (i === 0 || part.startsWith('[') ? part : `.${part}`)).join('');
    const field = path === '' ? '' : `field ${path}: `;
    return `${this.code}${where}: ${field}${this.detail}`;
  }
}

/** Thrown while decoding: the bytes do not form a valid message. */
export class DecodeError extends ProtocolError {
  override readonly name: string = 'DecodeError';
}

/** Thrown while encoding: the message object does not fit its layout. */
export class EncodeError extends ProtocolError {
  override readonly name: string = 'EncodeError';
}

/** Thrown by the frame reader: the stream itself is broken (bad length, frame over the limit). */
export class FrameError extends ProtocolError {
  override readonly name: string = 'FrameError';
}
