// Shares: the folders we offer on the network — scanning, the SQLite-backed index, search, browse
// replies and the upload lookup.

export {
  SharesLibrary,
  type ListedFolder,
  type ListingOptions,
  type LockedMode,
  type ResolvedFile,
  type ResponderOptions,
  type ScanProgress,
  type ScanSummary,
  type SearchResult,
  type ShareFolderConfig,
  type SharesEvents,
  type SharesLibraryOptions,
  type SharesSearchOptions,
  type ShareTotals,
  type Visibility,
} from './library.ts';
export { Catalog, DEFAULT_MAX_RESULTS, type SearchOptions } from './catalog.ts';
export { foldText, parseQuery, wordsOf, type ParsedQuery } from './words.ts';
export { AUDIO_EXTENSIONS, audioInfoOf, extensionOf, readAudioInfo } from './metadata.ts';
export { ignoreMatcher } from './ignore.ts';
export { isInside, virtualSegments } from './virtual-path.ts';
