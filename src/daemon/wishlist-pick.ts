// Which file a wishlist run downloads: among the files its search kept (they passed the item's filter),
// the best new one — a free upload slot first, then the faster uploader, then the shorter queue — and
// never one already downloaded or in the download list (same user and path, or the same file name
// and size from anyone: the same song from another user is not new).

import type { StoredResponse } from './store/index.ts';
import type { Transfer } from '../transfers/index.ts';

export interface WishlistCandidate {
  readonly username: string;
  readonly filename: string;
  readonly size: bigint;
  readonly hasFreeUploadSlot: boolean;
  readonly uploadSpeed: number;
  readonly queueLength: number;
}

/** The last component of a virtual path (`\` or `/` separated), lower-cased. */
const baseName = (path: string): string => (path.split(/[\\/]/).pop() ?? path).toLowerCase();
const sameFileKey = (filename: string, size: bigint | undefined): string => `${baseName(filename)}\0${size ?? ''}`;

/** What the download list already holds: exact (user, path) pairs and (name, size) pairs. */
export function knownDownloads(transfers: readonly Pick<Transfer, 'username' | 'filename' | 'size' | 'state' | 'direction'>[]): { has(candidate: WishlistCandidate): boolean } {
  const exact = new Set<string>();
  const similar = new Set<string>();
  for (const transfer of transfers) {
    if (transfer.direction !== 'download') continue;
    exact.add(`${transfer.username}\0${transfer.filename}`);
    // A cancelled or failed one did not get the file: its name and size do not count as had.
    if (transfer.state !== 'cancelled' && transfer.state !== 'failed') similar.add(sameFileKey(transfer.filename, transfer.size));
  }
  return { has: (c) => exact.has(`${c.username}\0${c.filename}`) || similar.has(sameFileKey(c.filename, c.size)) };
}

/** Better first: free slot, then speed, then queue, then name (so equal offers pick the same file every run). */
export function compareCandidates(a: WishlistCandidate, b: WishlistCandidate): number {
  if (a.hasFreeUploadSlot !== b.hasFreeUploadSlot) return a.hasFreeUploadSlot ? -1 : 1;
  if (a.uploadSpeed !== b.uploadSpeed) return b.uploadSpeed - a.uploadSpeed;
  if (a.queueLength !== b.queueLength) return a.queueLength - b.queueLength;
  return a.username === b.username ? (a.filename < b.filename ? -1 : 1) : a.username < b.username ? -1 : 1;
}

/** The best candidate of the responses that the download list does not already hold; undefined when none. */
export function bestNewMatch(responses: readonly StoredResponse[], known: { has(candidate: WishlistCandidate): boolean }): WishlistCandidate | undefined {
  let best: WishlistCandidate | undefined;
  for (const response of responses) {
    for (const file of response.files) {
      // A locked file is only for the sharer's buddies: asking for it would be refused.
      if (file.locked) continue;
      const candidate: WishlistCandidate = {
        username: response.username,
        filename: file.filename,
        size: file.size,
        hasFreeUploadSlot: response.slotsFree,
        uploadSpeed: response.avgSpeed,
        queueLength: response.queueLength,
      };
      if (known.has(candidate)) continue;
      if (best === undefined || compareCandidates(candidate, best) < 0) best = candidate;
    }
  }
  return best;
}
