// Matching search results against a parsed filter. The filter is compiled once; each result's path
// is folded and split into words at most once, and only when the filter has text terms and the
// cheaper checks (user, slot, type, numbers) have passed.

import { wordsOf } from '../shares/words.ts';
import { parseSearchFilter } from './search-filter-parse.ts';
import type { NumberAttribute, NumberCondition, SearchFilter } from './search-filter-types.ts';

/** What the filter reads of a file: the client's SharedFile has these fields. */
export interface FilterableFile {
  /** The full virtual path (folders and file name), `\`-separated. */
  filename: string;
  size: bigint | number;
  /** The extension field of the reply; often empty, the path's extension is preferred. */
  extension?: string | undefined;
  bitrate?: number | undefined;
  duration?: number | undefined;
  sampleRate?: number | undefined;
  bitDepth?: number | undefined;
  vbr?: boolean | undefined;
}

/** What the filter reads of a user's reply: the client's SearchResponse has these fields. */
export interface FilterableResponse {
  username: string;
  slotsFree: boolean;
  /** Bytes/s. */
  avgSpeed: number;
  queueLength: number;
}

/** Always lossless. */
export const LOSSLESS_EXTENSIONS: ReadonlySet<string> = new Set(['flac', 'alac', 'ape', 'wav', 'wave', 'w64', 'aif', 'aiff', 'aifc', 'wv', 'tta', 'tak', 'ofr', 'shn', 'dsf', 'dff']);
/** Always lossy. */
export const LOSSY_EXTENSIONS: ReadonlySet<string> = new Set(['mp3', 'mp2', 'ogg', 'oga', 'opus', 'aac', 'mpc', 'ac3']);
/** Containers holding either (ALAC or AAC, WMA Lossless or WMA): lossless when the file reports a bit depth, else lossy. */
export const EITHER_EXTENSIONS: ReadonlySet<string> = new Set(['m4a', 'mp4', 'wma']);

/** The lowercase extension of the path's last component, else the reply's extension field. */
export function fileExtension(file: FilterableFile): string {
  const name = file.filename.slice(Math.max(file.filename.lastIndexOf('\\'), file.filename.lastIndexOf('/')) + 1);
  const dot = name.lastIndexOf('.');
  if (dot > 0 && dot < name.length - 1) return name.slice(dot + 1).toLowerCase();
  return (file.extension ?? '').replace(/^\./, '').toLowerCase();
}

export function isLossless(extension: string, file: FilterableFile): boolean {
  return LOSSLESS_EXTENSIONS.has(extension) || (EITHER_EXTENSIONS.has(extension) && file.bitDepth !== undefined);
}

export function isLossy(extension: string, file: FilterableFile): boolean {
  return LOSSY_EXTENSIONS.has(extension) || (EITHER_EXTENSIONS.has(extension) && file.bitDepth === undefined);
}

function holds(condition: NumberCondition, value: number): boolean {
  switch (condition.op) {
    case '<':
      return value < condition.value;
    case '<=':
      return value <= condition.value;
    case '>':
      return value > condition.value;
    case '>=':
      return value >= condition.value;
    case '=':
      return value === condition.value;
    case 'between':
      return value >= condition.min && value <= condition.max;
  }
}

/** Every condition holds; with conditions, a missing value fails. */
function allHold(conditions: readonly NumberCondition[], value: number | undefined): boolean {
  if (conditions.length === 0) return true;
  if (value === undefined) return false;
  for (const condition of conditions) if (!holds(condition, value)) return false;
  return true;
}

function containsSequence(words: readonly string[], sequence: readonly string[]): boolean {
  outer: for (let i = 0; i + sequence.length <= words.length; i++) {
    for (let j = 0; j < sequence.length; j++) if (words[i + j] !== sequence[j]) continue outer;
    return true;
  }
  return false;
}

const FILE_NUMBERS = ['size', 'bitrate', 'duration', 'sampleRate', 'bitDepth'] as const satisfies readonly NumberAttribute[];

export interface FilterStats {
  /** Paths folded and split into words: at most one per file tested. */
  pathsNormalized: number;
}

export class CompiledSearchFilter {
  readonly filter: SearchFilter;
  readonly stats: FilterStats = { pathsNormalized: 0 };
  private readonly hasText: boolean;
  private readonly fileNumbers: ReadonlyArray<{ attribute: (typeof FILE_NUMBERS)[number]; conditions: readonly NumberCondition[] }>;
  private readonly users: ReadonlySet<string>;
  private readonly hiddenUsers: ReadonlySet<string>;
  private readonly extensions: ReadonlySet<string>;
  private readonly excludedExtensions: ReadonlySet<string>;

  constructor(filter: SearchFilter) {
    this.filter = filter;
    this.hasText = filter.words.length + filter.suffixes.length + filter.excludedWords.length + filter.phrases.length + filter.excludedPhrases.length > 0;
    this.fileNumbers = FILE_NUMBERS.map((attribute) => ({ attribute, conditions: filter.numbers[attribute] })).filter((entry) => entry.conditions.length > 0);
    this.users = new Set(filter.users);
    this.hiddenUsers = new Set(filter.hiddenUsers);
    this.extensions = new Set(filter.types?.extensions ?? []);
    this.excludedExtensions = new Set(filter.excludedExtensions);
  }

  /** The conditions on the user's reply as a whole: user, free slot, queue length, upload speed. */
  acceptsResponse(response: FilterableResponse): boolean {
    const filter = this.filter;
    if (this.hiddenUsers.has(response.username)) return false;
    if (this.users.size > 0 && !this.users.has(response.username)) return false;
    if (filter.freeSlot && !response.slotsFree) return false;
    return allHold(filter.numbers.queueLength, response.queueLength) && allHold(filter.numbers.uploadSpeed, response.avgSpeed);
  }

  /** The conditions on one file: type, numbers, vbr, then the words of its path. */
  acceptsFile(file: FilterableFile): boolean {
    const filter = this.filter;
    if (filter.types !== undefined || this.excludedExtensions.size > 0) {
      const extension = fileExtension(file);
      if (this.excludedExtensions.has(extension)) return false;
      const types = filter.types;
      if (types !== undefined && !this.extensions.has(extension) && !(types.lossless && isLossless(extension, file)) && !(types.lossy && isLossy(extension, file))) {
        return false;
      }
    }
    for (const { attribute, conditions } of this.fileNumbers) {
      const value = attribute === 'size' ? Number(file.size) : file[attribute];
      if (!allHold(conditions, value)) return false;
    }
    if (filter.vbr !== undefined && file.vbr !== filter.vbr) return false;
    return !this.hasText || this.acceptsWords(file.filename);
  }

  matches(response: FilterableResponse, file: FilterableFile): boolean {
    return this.acceptsResponse(response) && this.acceptsFile(file);
  }

  /** The files of a reply that pass; none when the reply as a whole does not. */
  matchingFiles<F extends FilterableFile>(response: FilterableResponse & { files: readonly F[] }): F[] {
    if (!this.acceptsResponse(response)) return [];
    return response.files.filter((file) => this.acceptsFile(file));
  }

  private acceptsWords(path: string): boolean {
    this.stats.pathsNormalized++;
    const words = wordsOf(path);
    const filter = this.filter;
    for (const word of filter.words) if (!words.includes(word)) return false;
    for (const suffix of filter.suffixes) if (!words.some((word) => word.endsWith(suffix))) return false;
    for (const word of filter.excludedWords) if (words.includes(word)) return false;
    for (const phrase of filter.phrases) if (!containsSequence(words, phrase)) return false;
    for (const phrase of filter.excludedPhrases) if (containsSequence(words, phrase)) return false;
    return true;
  }
}

/** Compiles a filter, parsing it first when given as text (FilterParseError on bad text). */
export function compileSearchFilter(filter: SearchFilter | string): CompiledSearchFilter {
  return new CompiledSearchFilter(typeof filter === 'string' ? parseSearchFilter(filter) : filter);
}
