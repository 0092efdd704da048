// The work of `slsk decode` (its help is in decode.ts): hex frames → JSON messages through the
// protocol codec, with errors that say where the bytes stopped making sense and what to try next.

import { createInterface } from 'node:readline';
import {
  decode,
  decodeFileOffset,
  decodeFileTransferInit,
  DecodeError,
  FILE_OFFSET_BYTES,
  FILE_TICKET_BYTES,
  ProtocolError,
  ProtocolErrorCode,
  type Channel,
  type Direction,
} from '../../protocol/index.ts';
import { ExitCode, parseCommandArgs, UsageError, writeOut, type CliIo } from '../command.ts';
import { HexError, parseHex, toHex } from '../hex.ts';
import { formatJson } from '../json.ts';
import { painterFor, type Paint } from '../style.ts';

const CHANNELS = ['server', 'peer-init', 'peer', 'distributed', 'file'] as const;
const DIRECTIONS = ['request', 'response', 'both'] as const;

type DecodeChannel = (typeof CHANNELS)[number];

interface Target {
  readonly channel: DecodeChannel;
  readonly direction: Direction;
}

export async function runDecode(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    json: { type: 'boolean' },
    pretty: { type: 'boolean' },
  });
  if (values.json === true && values.pretty === true) {
    throw new UsageError('--json and --pretty exclude each other: --json is compact, one JSON text per line');
  }
  const [channelArg, directionArg, ...hexArgs] = positionals;
  const target = parseTarget(channelArg, directionArg);
  const fromStdin = hexArgs.length === 0 || (hexArgs.length === 1 && hexArgs[0] === '-');
  const output: OutputMode = {
    json: values.json === true,
    pretty: values.pretty === true || (values.json !== true && !fromStdin),
  };
  if (!fromStdin) {
    const ok = await decodeAndReport(target, hexArgs.join(' '), undefined, output, io);
    return ok ? ExitCode.ok : ExitCode.failure;
  }
  if (io.stdin.isTTY === true) {
    io.stderr.write('Reading hex frames from stdin, one per line; end with Ctrl-D.\n');
  }
  let allDecoded = true;
  let lineNumber = 0;
  for await (const line of createInterface({ input: io.stdin, crlfDelay: Infinity })) {
    lineNumber++;
    const text = line.trim();
    if (text === '' || text.startsWith('#')) continue;
    if (!(await decodeAndReport(target, text, lineNumber, output, io))) allDecoded = false;
  }
  return allDecoded ? ExitCode.ok : ExitCode.failure;
}

function parseTarget(channel: string | undefined, direction: string | undefined): Target {
  if (channel === undefined || direction === undefined) {
    throw new UsageError(`missing ${channel === undefined ? '<channel> and <direction>' : '<direction>'}`);
  }
  if (!isOneOf(CHANNELS, channel)) {
    throw new UsageError(`unknown channel ${JSON.stringify(channel)}: use one of ${CHANNELS.join(', ')}`);
  }
  if (!isOneOf(DIRECTIONS, direction)) {
    throw new UsageError(
      `unknown direction ${JSON.stringify(direction)}: use request (client -> server), response (server -> client) or both`,
    );
  }
  if (channel === 'server' && direction === 'both') {
    throw new UsageError('the server channel needs a direction: request (client -> server) or response (server -> client)');
  }
  return { channel, direction };
}

function isOneOf<T extends string>(choices: readonly T[], value: string): value is T {
  return (choices as readonly string[]).includes(value);
}

// ---- decoding ------------------------------------------------------------------------------------

/** Decodes one frame on a channel; the file channel's raw values are told apart by their size. */
function decodeFrame(target: Target, frame: Uint8Array): { name: string } {
  if (target.channel !== 'file') return decode(target.channel, target.direction, frame);
  if (frame.length === FILE_TICKET_BYTES) return decodeFileTransferInit(frame);
  if (frame.length === FILE_OFFSET_BYTES) return decodeFileOffset(frame);
  throw new DecodeError(
    ProtocolErrorCode.badLength,
    `a file-connection value is ${FILE_TICKET_BYTES} bytes (FileTransferInit) or ${FILE_OFFSET_BYTES} bytes (FileOffset), got ${frame.length}`,
    { channel: 'file', offset: 0 },
  );
}

/** Every other channel and direction, for "this frame decodes as …" when the asked one fails. */
const ALL_TARGETS: readonly Target[] = [
  { channel: 'server', direction: 'request' },
  { channel: 'server', direction: 'response' },
  { channel: 'peer-init', direction: 'both' },
  { channel: 'peer', direction: 'both' },
  { channel: 'distributed', direction: 'both' },
  { channel: 'file', direction: 'both' },
];

interface Alternative {
  channel: DecodeChannel;
  direction: Direction;
  name: string;
}

function alternativesFor(failed: Target, frame: Uint8Array): Alternative[] {
  const found: Alternative[] = [];
  for (const target of ALL_TARGETS) {
    if (target.channel === failed.channel && (target.channel !== 'server' || target.direction === failed.direction)) continue;
    try {
      found.push({ ...target, name: decodeFrame(target, frame).name });
    } catch {
      // Not this one either.
    }
  }
  return found;
}

// ---- reporting -----------------------------------------------------------------------------------

interface OutputMode {
  /** Machine-readable: errors go to stdout as JSON on the failing frame's line. */
  readonly json: boolean;
  readonly pretty: boolean;
}

/** What went wrong with one frame, in the shape printed by --json. */
interface FrameFailure {
  code: string;
  message: string;
  /** Byte offset in the frame where decoding stopped. */
  offset?: number;
  /** 1-based character in the hex text, for BAD_HEX. */
  column?: number;
  channel?: string;
  direction?: string;
  messageName?: string;
  messageCode?: number;
  frameBytes?: number;
  /** 1-based stdin line, when frames come from stdin. */
  line?: number;
  hint: string;
  /** Channels and directions on which this frame does decode. */
  decodesAs?: Alternative[];
}

/** Decodes one frame and prints its result or its failure. Resolves to whether it decoded. */
async function decodeAndReport(
  target: Target,
  hexText: string,
  line: number | undefined,
  output: OutputMode,
  io: CliIo,
): Promise<boolean> {
  let frame: Uint8Array | undefined;
  try {
    frame = parseHex(hexText);
    const message = decodeFrame(target, frame);
    await writeOut(io.stdout, formatJson(message, output.pretty) + '\n');
    return true;
  } catch (error) {
    const failure = describeFailure(error, target, frame, line);
    if (output.json) await writeOut(io.stdout, formatJson({ error: failure }, output.pretty) + '\n');
    else await writeOut(io.stderr, formatFailure(failure, target, frame, painterFor(io.stderr, io.env)));
    return false;
  }
}

function describeFailure(error: unknown, target: Target, frame: Uint8Array | undefined, line: number | undefined): FrameFailure {
  let code = 'UNEXPECTED';
  let message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const where: Partial<FrameFailure> = {};
  if (error instanceof HexError) {
    code = error.code;
    message = `${error.code}: ${error.message}`;
    if (error.column !== undefined) where.column = error.column;
  } else if (error instanceof ProtocolError) {
    code = error.code;
    message = error.message;
    if (error.offset !== undefined) where.offset = error.offset;
    if (error.messageName !== undefined) where.messageName = error.messageName;
    if (error.messageCode !== undefined) where.messageCode = error.messageCode;
  }
  // In this order so the JSON reads: what went wrong, where, then what to do.
  const failure: FrameFailure = {
    code,
    message,
    ...where,
    channel: target.channel,
    ...(target.channel === 'server' ? { direction: target.direction } : {}),
    ...(frame !== undefined ? { frameBytes: frame.length } : {}),
    ...(line !== undefined ? { line } : {}),
    hint: hintFor(code, target, frame),
  };
  if (frame !== undefined && !(error instanceof HexError)) {
    const alternatives = alternativesFor(target, frame);
    if (alternatives.length > 0) failure.decodesAs = alternatives;
  }
  return failure;
}

function hintFor(code: string, target: Target, frame: Uint8Array | undefined): string {
  const where = target.channel === 'server' ? `server ${target.direction}` : target.channel;
  if (code === 'BAD_HEX') {
    return 'Give the frame as hex digits, two per byte; spaces, colons, commas and 0x prefixes are ignored.';
  }
  if (code === 'UNEXPECTED') return 'This is a bug in slsk-ts, not in your frame: please report it with the hex.';
  if (target.channel === 'file') {
    return 'The file connection has no length prefix or code: give exactly the raw 4-byte ticket (FileTransferInit) or the 8-byte little-endian offset (FileOffset).';
  }
  switch (code) {
    case ProtocolErrorCode.badLength:
      return badLengthHint(frame);
    case ProtocolErrorCode.truncated:
      return `The frame ends before the message's last required field. Check that ${where} is the right channel and direction, and that the frame was copied whole.`;
    case ProtocolErrorCode.trailingBytes:
      return `Bytes are left after the message's last field. Check that ${where} is the right channel and direction; otherwise the sender adds fields this decoder does not know.`;
    case ProtocolErrorCode.unknownCode:
      return `No ${where} message has this code. Check the channel and direction: server codes differ between request and response, and only the first message on a peer connection is peer-init.`;
    case ProtocolErrorCode.badCompression:
      return 'The message body is zlib-compressed and does not inflate: the frame was probably cut short or altered.';
    case ProtocolErrorCode.inflateLimit:
      return 'The compressed body inflates past the size this message may have; the frame is probably corrupt or hostile.';
    case ProtocolErrorCode.tooManyItems:
      return 'The message holds more folders, files or attributes than this message may have; the frame is probably corrupt or hostile.';
    default:
      return `The bytes do not fit the message's layout. Check that ${where} is the right channel and direction, and that the frame was copied whole.`;
  }
}

/** Says which way the length prefix and the bytes disagree, since the fix differs. */
function badLengthHint(frame: Uint8Array | undefined): string {
  const layout = 'A frame is its 4-byte little-endian length (the number of bytes after it), the code, then the body.';
  if (frame === undefined || frame.length < 4) return `${layout} Give one whole frame, length prefix included.`;
  const declared = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0, true);
  const following = frame.length - 4;
  if (declared > following) {
    return `${layout} The prefix announces ${declared} bytes but only ${following} follow: the frame was cut short, or the first 4 bytes are not its length prefix.`;
  }
  if (declared < following) {
    return `${layout} ${following - declared} bytes follow the announced ${declared}: this may be several frames run together; give one per line, split at each length prefix.`;
  }
  return `${layout} This frame is too short to hold a code.`;
}

/** The failure for a person: the error line, then where, why and what to run instead. */
function formatFailure(failure: FrameFailure, target: Target, frame: Uint8Array | undefined, paint: Paint): string {
  const at = failure.line === undefined ? '' : `line ${failure.line}: `;
  const lines = [`${paint(['bold', 'red'], 'error:')} ${at}${failure.message}`];
  if (failure.frameBytes !== undefined) {
    const direction = target.channel === 'server' ? ` ${target.direction}` : '';
    lines.push(`  ${paint('dim', 'frame:')} ${failure.frameBytes} bytes, read as ${target.channel}${direction}`);
  }
  lines.push(`  ${paint('dim', 'hint:')}  ${failure.hint}`);
  // A short frame is repeated in the suggestion so it can be copied and run as is.
  const shownHex = frame !== undefined && frame.length <= 64 ? toHex(frame) : '<hex>';
  for (const alt of failure.decodesAs ?? []) {
    lines.push(`  ${paint('dim', 'try:')}   slsk decode ${alt.channel} ${alt.direction} ${shownHex}   ${paint('dim', `(decodes as ${alt.name})`)}`);
  }
  return lines.join('\n') + '\n';
}
