// Peer-init (first message on every peer connection), peer (P connections), distributed
// (D connections) messages, and the two raw values of a file (F) connection.

import { array, bool, bytes, codec, defaulted, int32, optional, string, uint32, uint8, when, type Codec } from '../layout.ts';
import { directoryData, fileData, fileSize } from '../structures.ts';
import { MiB, channelMessage } from './define.ts';

/** PeerInit's ticket: a uint32 in modern clients, a uint64 in some older ones. Written as uint32. */
const peerInitTicket: Codec<number> = codec(
  'u32',
  4,
  (r) => (r.remaining === 8 ? Number(r.u64() & 0xffff_ffffn) : r.u32()),
  (w, v) => w.u32(v),
);

/**
 * PeerUserInfoReply's has_slots_free: Museek+ writes it as four bytes. Read the first byte and
 * skip up to three stray bytes when no upload_permissions (four bytes) can follow.
 */
const slotsFree: Codec<boolean> = codec(
  'bool',
  1,
  (r) => {
    const value = r.bool();
    if (r.remaining > 0 && r.remaining < 4) r.skip(r.remaining);
    return value;
  },
  (w, v) => w.bool(v),
);

export const peerInitMessages = {
  PeerPierceFirewall: channelMessage(0, { ticket: uint32 }),
  PeerInit: channelMessage(1, { username: string, connectionType: string, ticket: peerInitTicket }),
};

export const peerMessages = {
  PeerSharesRequest: channelMessage(4, { ticket: optional(uint32) }),
  PeerSharesReply: channelMessage(
    5,
    {
      directories: array(directoryData),
      unknown: defaulted(uint32, 0),
      /** Folders only buddies may open; Nicotine+ leaves the list out when it is empty. */
      lockedDirectories: optional(array(directoryData)),
    },
    {
      compressed: true,
      // 1,000,000 files must still open: ~100 bytes each inflated, plus a few attributes.
      limits: { maxFrameBytes: 448 * MiB, maxInflatedBytes: 256 * MiB, maxItems: 10_000_000 },
    },
  ),
  PeerSearchReply: channelMessage(
    9,
    {
      username: string,
      ticket: uint32,
      results: array(fileData),
      hasSlotsFree: bool,
      avgSpeed: uint32,
      queueSize: uint32,
      unknown: defaulted(uint32, 0),
      lockedResults: optional(array(fileData)),
    },
    {
      compressed: true,
      // Real replies hold tens to a few hundred results; 5,000 results with full paths and their
      // attributes stay under 4 MiB and 25,000 items. Whether a reply was asked for is known only
      // once its ticket is read, inside the zlib body, so refusing one must stay cheap.
      limits: { maxFrameBytes: 16 * MiB, maxInflatedBytes: 4 * MiB, maxItems: 25_000 },
    },
  ),
  PeerUserInfoRequest: channelMessage(15, {}),
  PeerUserInfoReply: channelMessage(
    16,
    {
      description: string,
      hasPicture: bool,
      picture: when('hasPicture', bytes),
      uploadSlots: uint32,
      queueSize: uint32,
      hasSlotsFree: slotsFree,
      uploadPermissions: optional(uint32),
    },
    // The picture rides inside: Nicotine+ accepts up to 448 MiB.
    { maxFrameBytes: 448 * MiB },
  ),
  PeerDirectoryContentsRequest: channelMessage(36, { ticket: uint32, directory: string }, { maxFrameBytes: 16 * MiB }),
  PeerDirectoryContentsReply: channelMessage(
    37,
    { ticket: uint32, directory: string, directories: array(directoryData) },
    {
      compressed: true,
      // One folder (with its subfolders in some clients): tens of thousands of files at most.
      limits: { maxFrameBytes: 16 * MiB, maxInflatedBytes: 32 * MiB, maxItems: 1_000_000 },
    },
  ),
  PeerTransferRequest: channelMessage(40, {
    direction: uint32,
    ticket: uint32,
    filename: string,
    /** Nicotine+ sends it only for direction 1 (upload offers); aioslsk whenever it knows it. */
    filesize: optional(fileSize),
  }),
  PeerTransferReply: channelMessage(41, {
    ticket: uint32,
    allowed: bool,
    /** A uint64 although the listing says uint32 (docs/interop.md); may be missing. */
    filesize: when('allowed', fileSize, { optional: true }),
    reason: when('allowed', string, { equals: false, optional: true }),
  }),
  PeerTransferQueue: channelMessage(43, { filename: string }),
  PeerPlaceInQueueReply: channelMessage(44, { filename: string, place: uint32 }),
  PeerUploadFailed: channelMessage(46, { filename: string }),
  PeerTransferQueueFailed: channelMessage(50, { filename: string, reason: string }),
  PeerPlaceInQueueRequest: channelMessage(51, { filename: string }),
  // The heading says 52, the :Code: line 51; every implementation uses 52.
  PeerUploadQueueNotification: channelMessage(52, {}, { status: 'deprecated' }),
};

export const distributedMessages = {
  DistributedPing: channelMessage(0, {}, { status: 'deprecated' }),
  /** Written up inside Unknown80 in MESSAGES.rst; the name is aioslsk's. */
  DistributedInit: channelMessage(
    1,
    { unknown1: uint32, unknown2: uint32, unknown3: uint8, port: uint32 },
    { status: 'defunct' },
  ),
  DistributedSearchRequest: channelMessage(3, { unknown: uint32, username: string, ticket: uint32, query: string }),
  /** Signed: a level of -1 has been seen, and means the parent should be dropped (docs/interop.md). */
  DistributedBranchLevel: channelMessage(4, { level: int32 }),
  DistributedBranchRoot: channelMessage(5, { root: string }),
  /** A uint32 in every implementation, although the listing says string. */
  DistributedChildDepth: channelMessage(7, { depth: uint32 }, { status: 'deprecated' }),
  DistributedServerSearchRequest: channelMessage(
    93,
    { distributedCode: uint8, unknown: uint32, username: string, ticket: uint32, query: string },
    { wideCode: true },
  ),
};
