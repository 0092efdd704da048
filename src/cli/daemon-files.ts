// A file as the daemon's API sends it (search responses and browse listings) in the client library's
// shape, so the commands print it with the same code as a direct search or browse.

import type { SharedFile } from '../client/index.ts';
import type { SearchResponseJson } from '../daemon/http/search-routes.ts';

export type FileJson = SearchResponseJson['files'][number];

export const sharedFileOf = (file: FileJson): SharedFile => ({
  filename: file.filename,
  size: BigInt(Math.max(0, Math.trunc(file.size))),
  extension: file.extension,
  locked: file.locked,
  attributes: [],
  ...(file.bitrate === undefined ? {} : { bitrate: file.bitrate }),
  ...(file.duration === undefined ? {} : { duration: file.duration }),
  ...(file.sampleRate === undefined ? {} : { sampleRate: file.sampleRate }),
  ...(file.bitDepth === undefined ? {} : { bitDepth: file.bitDepth }),
  ...(file.vbr === undefined ? {} : { vbr: file.vbr }),
});
