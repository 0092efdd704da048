// Data structures shared by several messages (MESSAGES.rst "Data Structures"), the value tables,
// and the few field codecs whose wire form real peers disagree on (docs/interop.md).

import { joinU64 } from './reader.ts';
import { array, codec, string, struct, uint32, uint64, uint8, type Codec, type Infer } from './layout.ts';

/**
 * A file size. Soulseek NS writes sizes over 2 GiB with the high four bytes set to 0xFFFFFFFF;
 * those are read as the unsigned low four bytes. Written as a plain uint64.
 */
export const fileSize: Codec<bigint> = codec(
  'u64',
  8,
  (r) => {
    r.need(8, 'file size');
    const low = r.u32();
    const high = r.u32();
    return high === 0xffff_ffff ? BigInt(low) : joinU64(low, high);
  },
  (w, v) => w.u64(v),
);

export const attribute = struct({ key: uint32, value: uint32 });
export type FileAttribute = Infer<typeof attribute>;

/** One file in a search reply, shares reply or folder listing. */
export const fileData = struct({
  /** Always 1 on the wire. */
  unknown: uint8,
  filename: string,
  filesize: fileSize,
  /** Nicotine+ always sends an empty extension; aioslsk sends the suffix without the dot. */
  extension: string,
  attributes: array(attribute),
});
export type FileData = Infer<typeof fileData>;

export const directoryData = struct({ name: string, files: array(fileData) });
export type DirectoryData = Infer<typeof directoryData>;

/**
 * A user's statistics. MESSAGES.rst lists four uint32 fields, but every implementation reads and
 * writes 20 bytes: the upload count is a uint64 (Nicotine+ reads it as uint32 + an unknown uint32,
 * which is the same bytes for counts below 2^32).
 */
export const userStats = struct({
  avgSpeed: uint32,
  uploads: uint64,
  sharedFileCount: uint32,
  sharedFolderCount: uint32,
});
export type UserStats = Infer<typeof userStats>;

// ---- value tables ----------------------------------------------------------------------------

export const UserStatus = { offline: 0, away: 1, online: 2 } as const;
export type UserStatus = (typeof UserStatus)[keyof typeof UserStatus];

export const TransferDirection = { upload: 0, download: 1 } as const;
export type TransferDirection = (typeof TransferDirection)[keyof typeof TransferDirection];

/** Keys of FileData attributes. Lossy files send {bitrate, duration, vbr}; lossless {duration, sampleRate, bitDepth}. */
export const FileAttributeKey = { bitrate: 0, duration: 1, vbr: 2, sampleRate: 4, bitDepth: 5 } as const;
export type FileAttributeKey = (typeof FileAttributeKey)[keyof typeof FileAttributeKey];

export const UploadPermissions = { noOne: 0, everyone: 1, userList: 2, permittedList: 3 } as const;
export type UploadPermissions = (typeof UploadPermissions)[keyof typeof UploadPermissions];

/** Peer connection types carried by PeerInit and ConnectToPeer. */
export const ConnectionType = { peer: 'P', file: 'F', distributed: 'D' } as const;
export type ConnectionType = (typeof ConnectionType)[keyof typeof ConnectionType];

/** Obfuscation types announced through SetListenPort / GetPeerAddress / ConnectToPeer. */
export const ObfuscationType = { none: 0, rotated: 1 } as const;

/** Refusal reasons other clients compare as exact strings (docs/interop.md). */
export const TransferRefusal = {
  fileNotShared: 'File not shared.',
  queued: 'Queued',
  complete: 'Complete',
  tooManyFiles: 'Too many files',
  tooManyMegabytes: 'Too many megabytes',
  cancelled: 'Cancelled',
  banned: 'Banned',
  pendingShutdown: 'Pending shutdown.',
  disallowedExtension: 'Disallowed extension',
  fileReadError: 'File read error.',
} as const;

/** Login failure reasons seen in the wild. */
export const LoginFailure = {
  invalidPassword: 'INVALIDPASS',
  invalidUsername: 'INVALIDUSERNAME',
  invalidVersion: 'INVALIDVERSION',
  emptyPassword: 'EMPTYPASSWORD',
  serverFull: 'SVRFULL',
  serverPrivate: 'SVRPRIVATE',
  /** Not sent by the official server (it stays silent); slsk-ts says it, so the user learns why at once. */
  banned: 'BANNED',
  /** slsk-ts: too many new accounts from one address (limits.registrationsPerHourPerIp). */
  registrationLimit: 'REGISTRATIONLIMIT',
} as const;

/** The `unknown` field of distributed search requests is always 0x31 in practice. */
export const DISTRIBUTED_SEARCH_UNKNOWN = 0x31;
