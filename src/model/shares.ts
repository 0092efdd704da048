// What a sharer offers: folders for browsing, files for search answers, and the two callbacks an
// application plugs into a client to serve them. Shared by the client (which speaks them on the
// wire) and the shares library (which builds them), so neither imports the other.

import type { AudioInfo, SharedFile } from './files.ts';

export interface Folder {
  name: string;
  files: SharedFile[];
}

/** A search someone made that reached us: through the server, a room, or the distributed tree. */
export interface IncomingSearch {
  username: string;
  ticket: number;
  query: string;
  via: 'server' | 'distributed';
}

export interface OfferedFile extends AudioInfo {
  /** The full virtual path, e.g. `@@music\\Artist\\Album\\01 - Title.flac`. */
  filename: string;
  size: bigint;
  extension?: string;
}

export interface SearchAnswer {
  files: OfferedFile[];
  lockedFiles?: OfferedFile[];
  slotsFree: boolean;
  avgSpeed: number;
  queueLength: number;
}

/** Answers searches that reach us; return undefined (or no files) to stay silent, as clients do. */
export type SearchResponder = (search: IncomingSearch) => SearchAnswer | undefined | Promise<SearchAnswer | undefined>;

export interface SharesProvider {
  shares(requester: string): { folders: Folder[]; lockedFolders: Folder[] } | Promise<{ folders: Folder[]; lockedFolders: Folder[] }>;
  folder(requester: string, directory: string): Folder | undefined | Promise<Folder | undefined>;
}
