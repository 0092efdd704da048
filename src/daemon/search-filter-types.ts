// The parsed form of a search result filter (see search-filter.ts for the syntax) and its typed
// parse error. Plain data: the web UI can show it, tests can write it by hand.

/** A condition on one number. Every bound is inclusive unless the operator says otherwise. */
export type NumberCondition =
  | { op: '<' | '<=' | '>' | '>=' | '='; value: number }
  | { op: 'between'; min: number; max: number };

/** The numeric attributes a filter can test, with the unit each is stored in. */
export interface NumberConditions {
  /** Bytes. */
  size: NumberCondition[];
  /** kbit/s. */
  bitrate: NumberCondition[];
  /** Seconds. */
  duration: NumberCondition[];
  /** Hz. */
  sampleRate: NumberCondition[];
  /** Bits per sample. */
  bitDepth: NumberCondition[];
  /** The uploader's queue length (files). */
  queueLength: NumberCondition[];
  /** The uploader's average upload speed, bytes/s. */
  uploadSpeed: NumberCondition[];
}

export type NumberAttribute = keyof NumberConditions;

/** The file types a result may have: any one of them is enough. */
export interface FileTypes {
  /** Lowercase extensions without the dot. */
  extensions: string[];
  lossless: boolean;
  lossy: boolean;
}

export interface SearchFilter {
  /** Folded words that must all occur as whole words in the path (the Soulseek search rule). */
  words: string[];
  /** Folded word endings (from `*suffix`, the Soulseek wildcard): each must end some word of the path. */
  suffixes: string[];
  /** Folded words none of which may occur in the path. */
  excludedWords: string[];
  /** Word sequences that must occur, consecutively, in the path's words. */
  phrases: string[][];
  /** Word sequences that must not occur. */
  excludedPhrases: string[][];
  /** undefined: any type. */
  types: FileTypes | undefined;
  /** Lowercase extensions without the dot that no result may have. */
  excludedExtensions: string[];
  /** Every condition of every attribute must hold (a file without the attribute fails them). */
  numbers: NumberConditions;
  /** true: variable bitrate only; false: constant bitrate only; undefined: either. */
  vbr: boolean | undefined;
  /** Only users with a free upload slot. */
  freeSlot: boolean;
  /** Only these users (exact names); empty: everyone. */
  users: string[];
  /** Never these users (exact names). */
  hiddenUsers: string[];
}

export type FilterErrorCode = 'too-long' | 'too-many-terms' | 'unclosed-quote' | 'unknown-key' | 'bad-value' | 'not-negatable';

/** What is wrong with a filter text, naming the token (empty for the whole text) and what is accepted. */
export class FilterParseError extends Error {
  readonly code: FilterErrorCode;
  /** The offending token as written, or '' when the problem is the whole text. */
  readonly token: string;
  /** Index of the token in the filter text (0 for the whole text). */
  readonly position: number;

  constructor(code: FilterErrorCode, token: string, position: number, message: string) {
    super(message);
    this.name = 'FilterParseError';
    this.code = code;
    this.token = token;
    this.position = position;
  }
}

export const MAX_FILTER_LENGTH = 1_000;
export const MAX_FILTER_TERMS = 50;

export function emptyFilter(): SearchFilter {
  return {
    words: [],
    suffixes: [],
    excludedWords: [],
    phrases: [],
    excludedPhrases: [],
    types: undefined,
    excludedExtensions: [],
    numbers: { size: [], bitrate: [], duration: [], sampleRate: [], bitDepth: [], queueLength: [], uploadSpeed: [] },
    vbr: undefined,
    freeSlot: false,
    users: [],
    hiddenUsers: [],
  };
}
