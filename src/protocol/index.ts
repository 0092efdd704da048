// slsk-ts/protocol: every Soulseek message as bytes and back. No sockets; the only scheduling is
// decodeInSteps() letting the event loop run between the steps of a large compressed message.

export {
  decode,
  decodeDistributed,
  decodeInSteps,
  decodePeer,
  decodePeerInit,
  decodeServerRequest,
  decodeServerResponse,
  distributed,
  encode,
  encodeDistributed,
  encodePeer,
  encodePeerInit,
  encodeServerRequest,
  encodeServerResponse,
  frameCode,
  isCompressed,
  messageCode,
  messageLimits,
  messageName,
  messageNames,
  peer,
  peerInit,
  serverRequest,
  serverResponse,
} from './codec.ts';
export type {
  AnyMessage,
  Channel,
  DecodeOptions,
  Direction,
  DistributedMessage,
  DistributedMessageOf,
  MessageFor,
  PeerInitMessage,
  PeerInitMessageOf,
  PeerMessage,
  PeerMessageOf,
  ServerRequest,
  ServerRequestOf,
  ServerResponse,
  ServerResponseOf,
} from './codec.ts';
export { DEFAULT_MAX_INFLATED_BYTES, INFLATE_STEP_BYTES, inflateMeter } from './compression.ts';
export { DECODE_STEP_BYTES, decodeMeter } from './stepwise.ts';
export type { MessageLimits } from './messages/define.ts';
export { DecodeError, EncodeError, FrameError, ProtocolError, ProtocolErrorCode } from './errors.ts';
export type { ProtocolErrorDetails } from './errors.ts';
export {
  FILE_OFFSET_BYTES,
  FILE_TICKET_BYTES,
  decodeFileOffset,
  decodeFileTransferInit,
  encodeFileOffset,
  encodeFileTransferInit,
} from './file.ts';
export type { FileOffset, FileTransferInit } from './file.ts';
export { FRAME_LIMITS, FrameReader, peerFrameLimit } from './framing.ts';
export type { FrameReaderOptions } from './framing.ts';
export { OBFUSCATION_KEY_BYTES, deobfuscate, obfuscate } from './obfuscation.ts';
export {
  ConnectionType,
  DISTRIBUTED_SEARCH_UNKNOWN,
  FileAttributeKey,
  LoginFailure,
  ObfuscationType,
  TransferDirection,
  TransferRefusal,
  UploadPermissions,
  UserStatus,
} from './structures.ts';
export type { DirectoryData, FileAttribute, FileData, UserStats } from './structures.ts';
