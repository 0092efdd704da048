// Filter text → SearchFilter. The syntax is documented in search-filter.ts (FILTER_SYNTAX_HELP);
// every refusal is a FilterParseError naming the token and what would have been accepted.

import { wordsOf } from '../shares/words.ts';
import {
  emptyFilter,
  FilterParseError,
  MAX_FILTER_LENGTH,
  MAX_FILTER_TERMS,
  type NumberAttribute,
  type NumberCondition,
  type SearchFilter,
} from './search-filter-types.ts';

interface Token {
  text: string;
  position: number;
}

/** Splits on whitespace outside double quotes; a quote left open is an error. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const start = i;
    let quoted = false;
    while (i < text.length && (quoted || !/\s/.test(text[i]!))) {
      if (text[i] === '"') quoted = !quoted;
      i++;
    }
    const token = text.slice(start, i);
    if (quoted) throw new FilterParseError('unclosed-quote', token, start, `unclosed quote in ${token}: close it with another "`);
    tokens.push({ text: token, position: start });
    if (tokens.length > MAX_FILTER_TERMS) {
      throw new FilterParseError('too-many-terms', '', 0, `too many terms: a filter holds at most ${MAX_FILTER_TERMS}`);
    }
  }
  return tokens;
}

// ---- values -------------------------------------------------------------------------------

interface ValueKind {
  /** What a value looks like, for error messages. */
  describe: string;
  parse(text: string): number | undefined;
}

const SIZE_FACTORS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
};

function parseSize(text: string): number | undefined {
  const m = /^(\d{1,15}(?:\.\d{1,6})?)([a-z]*)$/i.exec(text);
  const unit = m?.[2]!.toLowerCase() ?? '';
  const factor = m === null || !Object.hasOwn(SIZE_FACTORS, unit) ? undefined : SIZE_FACTORS[unit];
  if (m === null || factor === undefined) return undefined;
  const bytes = Math.round(Number(m[1]) * factor);
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

const KINDS = {
  size: {
    describe: 'a size like 700kb, 10mb or 1.5gb (k, m, g: 1024-based; kb, mb, gb: 1000-based; a bare number is bytes)',
    parse: parseSize,
  },
  speed: {
    describe: 'a speed like 500kb or 1mb, per second (units as for size; a bare number is bytes/s)',
    parse: (text) => parseSize(text.replace(/\/s$/i, '')),
  },
  bitrate: {
    describe: 'a bitrate in kbit/s like 320',
    parse: (text) => {
      const m = /^(\d{1,7})(?:kbps|kbit\/s|kbit|k)?$/i.exec(text);
      return m === null ? undefined : Number(m[1]);
    },
  },
  duration: {
    describe: 'a duration in seconds, m:ss or h:mm:ss, like 90 or 3:00',
    parse: (text) => {
      const m = /^(?:(?:(\d{1,4}):)?(\d{1,5}):)?(\d{1,7})$/.exec(text);
      if (m === null) return undefined;
      const [hours, minutes, seconds] = [m[1], m[2], m[3]!];
      if (minutes !== undefined && seconds.length !== 2) return undefined;
      if (hours !== undefined && minutes!.length !== 2) return undefined;
      if (minutes !== undefined && Number(seconds) > 59) return undefined;
      if (hours !== undefined && Number(minutes) > 59) return undefined;
      return Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds);
    },
  },
  sampleRate: {
    describe: 'a sample rate like 44100, 44.1k or 96khz (a number below 1000 is kHz)',
    parse: (text) => {
      const m = /^(\d{1,7}(?:\.\d{1,3})?)(hz|khz|k)?$/i.exec(text);
      if (m === null) return undefined;
      const number = Number(m[1]);
      const unit = m[2]?.toLowerCase();
      const khz = unit === 'k' || unit === 'khz' || (unit === undefined && number < 1000);
      const hz = Math.round(khz ? number * 1000 : number);
      return Number.isInteger(number) || khz ? hz : undefined;
    },
  },
  bitDepth: {
    describe: 'a bit depth like 16 or 24',
    parse: (text) => {
      const m = /^(\d{1,3})(?:bits?)?$/i.exec(text);
      return m === null ? undefined : Number(m[1]);
    },
  },
  count: {
    describe: 'a number of files like 10',
    parse: (text) => (/^\d{1,9}$/.test(text) ? Number(text) : undefined),
  },
} satisfies Record<string, ValueKind>;

const OPERATORS = ['<=', '>=', '<', '>', '='] as const;
const CONDITION_FORMS = 'after <, >, <=, >= or =, or a range a-b or a..b (both ends included)';

function badValue(token: Token, message: string): FilterParseError {
  return new FilterParseError('bad-value', token.text, token.position, `${token.text}: ${message}`);
}

/** `<v`, `>=v`, `=v`, `v` (equal), `a-b`, `a..b`. */
function parseCondition(token: Token, value: string, kind: ValueKind): NumberCondition {
  const expected = () => badValue(token, `expected ${kind.describe}, ${CONDITION_FORMS}`);
  const op = OPERATORS.find((candidate) => value.startsWith(candidate));
  if (op !== undefined) {
    const number = kind.parse(value.slice(op.length).trim());
    if (number === undefined) throw expected();
    return { op, value: number };
  }
  const dots = value.split('..');
  const ends = dots.length === 2 ? dots : value.split('-');
  if (ends.length === 1) {
    const number = kind.parse(value);
    if (number === undefined) throw expected();
    return { op: '=', value: number };
  }
  if (ends.length !== 2) throw expected();
  const [min, max] = ends.map((end) => kind.parse(end.trim()));
  if (min === undefined || max === undefined) throw expected();
  if (min > max) throw badValue(token, `the range starts above its end; write the smaller value first`);
  return { op: 'between', min, max };
}

// ---- keys and keywords ------------------------------------------------------------------

interface NumberKey {
  attribute: NumberAttribute;
  kind: ValueKind;
  /** slskd's `minbr:320` style: a bare value meaning "at least". */
  atLeast?: true;
}

const NUMBER_KEYS = new Map<string, NumberKey>(Object.entries({
  size: { attribute: 'size', kind: KINDS.size },
  br: { attribute: 'bitrate', kind: KINDS.bitrate },
  bitrate: { attribute: 'bitrate', kind: KINDS.bitrate },
  minbr: { attribute: 'bitrate', kind: KINDS.bitrate, atLeast: true },
  minbitrate: { attribute: 'bitrate', kind: KINDS.bitrate, atLeast: true },
  len: { attribute: 'duration', kind: KINDS.duration },
  length: { attribute: 'duration', kind: KINDS.duration },
  duration: { attribute: 'duration', kind: KINDS.duration },
  minlen: { attribute: 'duration', kind: KINDS.duration, atLeast: true },
  minlength: { attribute: 'duration', kind: KINDS.duration, atLeast: true },
  sr: { attribute: 'sampleRate', kind: KINDS.sampleRate },
  samplerate: { attribute: 'sampleRate', kind: KINDS.sampleRate },
  bd: { attribute: 'bitDepth', kind: KINDS.bitDepth },
  bitdepth: { attribute: 'bitDepth', kind: KINDS.bitDepth },
  minbd: { attribute: 'bitDepth', kind: KINDS.bitDepth, atLeast: true },
  minbitdepth: { attribute: 'bitDepth', kind: KINDS.bitDepth, atLeast: true },
  queue: { attribute: 'queueLength', kind: KINDS.count },
  speed: { attribute: 'uploadSpeed', kind: KINDS.speed },
} satisfies Record<string, NumberKey>));

const OTHER_KEYS = ['ext', 'slot', 'user', 'hide'] as const;
const NEGATABLE_KEYS = new Set(['ext', 'user']);

type Keyword = 'lossless' | 'lossy' | 'vbr' | 'cbr' | 'freeslot';
const KEYWORDS = new Map<string, Keyword>(Object.entries({
  lossless: 'lossless',
  islossless: 'lossless',
  lossy: 'lossy',
  islossy: 'lossy',
  vbr: 'vbr',
  isvbr: 'vbr',
  cbr: 'cbr',
  iscbr: 'cbr',
  freeslot: 'freeslot',
} satisfies Record<string, Keyword>));

const KEY_LIST = 'ext, size, br, len, sr, bd, slot, queue, speed, user, hide (and slskd\'s minbr, minlen, minbd)';

/** `a,"b c",d` → ['a', 'b c', 'd']; quotes removed, empty items refused by the caller. */
function listItems(value: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  for (const char of value) {
    if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      items.push(current);
      current = '';
    } else current += char;
  }
  items.push(current);
  return items;
}

function addUnique(list: string[], items: readonly string[]): void {
  for (const item of items) if (!list.includes(item)) list.push(item);
}

function applyKey(filter: SearchFilter, token: Token, negated: boolean, key: string, value: string): void {
  const numberKey = NUMBER_KEYS.get(key);
  if (negated && !NEGATABLE_KEYS.has(key) && (numberKey !== undefined || (OTHER_KEYS as readonly string[]).includes(key))) {
    throw new FilterParseError('not-negatable', token.text, token.position, `${token.text}: only ext: and user: take a leading -; write the opposite condition instead (e.g. size:<10mb for -size:>=10mb)`);
  }
  if (numberKey !== undefined) {
    if (numberKey.atLeast === true) {
      const number = numberKey.kind.parse(value);
      if (number === undefined) throw badValue(token, `expected ${numberKey.kind.describe}, with no operator (${key}: means at least)`);
      filter.numbers[numberKey.attribute].push({ op: '>=', value: number });
    } else {
      filter.numbers[numberKey.attribute].push(parseCondition(token, value, numberKey.kind));
    }
    return;
  }
  switch (key) {
    case 'ext': {
      const extensions = listItems(value).map((item) => item.trim().replace(/^\./, '').toLowerCase());
      if (extensions.some((ext) => !/^[a-z0-9]{1,16}$/.test(ext))) {
        throw badValue(token, 'expected file extensions separated by commas, like ext:flac or ext:mp3,ogg');
      }
      if (negated) addUnique(filter.excludedExtensions, extensions);
      else addUnique((filter.types ??= { extensions: [], lossless: false, lossy: false }).extensions, extensions);
      return;
    }
    case 'slot':
      if (value.toLowerCase() !== 'free') throw badValue(token, 'expected slot:free (only users with a free upload slot)');
      filter.freeSlot = true;
      return;
    case 'user':
    case 'hide': {
      const names = listItems(value);
      if (names.some((name) => name.length === 0)) {
        throw badValue(token, `expected user names separated by commas, like ${key}:alice,bob or ${key}:"name with spaces"`);
      }
      addUnique(key === 'hide' || negated ? filter.hiddenUsers : filter.users, names);
      return;
    }
  }
  const quoted = `"${token.text.replaceAll('"', '')}"`;
  throw new FilterParseError('unknown-key', token.text, token.position, `unknown filter ${token.text}: the keys are ${KEY_LIST}; to search for the text itself, put it in quotes: ${quoted}`);
}

function applyKeyword(filter: SearchFilter, token: Token, keyword: Keyword): void {
  switch (keyword) {
    case 'lossless':
    case 'lossy':
      (filter.types ??= { extensions: [], lossless: false, lossy: false })[keyword] = true;
      return;
    case 'vbr':
    case 'cbr': {
      const vbr = keyword === 'vbr';
      if (filter.vbr === !vbr) throw badValue(token, `vbr and cbr exclude each other: keep one of them`);
      filter.vbr = vbr;
      return;
    }
    case 'freeslot':
      filter.freeSlot = true;
      return;
  }
}

/** Parses the text of a filter box. Throws FilterParseError, and nothing else, on any input. */
export function parseSearchFilter(text: string): SearchFilter {
  if (text.length > MAX_FILTER_LENGTH) {
    throw new FilterParseError('too-long', '', 0, `filter too long: at most ${MAX_FILTER_LENGTH} characters (this one has ${text.length})`);
  }
  const filter = emptyFilter();
  for (const token of tokenize(text)) {
    const negated = token.text.length > 1 && token.text.startsWith('-');
    const body = negated ? token.text.slice(1) : token.text;
    if (body.startsWith('"')) {
      const words = wordsOf(body.replaceAll('"', ''));
      if (words.length === 1) addUnique(negated ? filter.excludedWords : filter.words, words);
      else if (words.length > 1) (negated ? filter.excludedPhrases : filter.phrases).push(words);
      continue;
    }
    const keyValue = /^([a-z]+):(.*)$/is.exec(body);
    if (keyValue !== null) {
      applyKey(filter, token, negated, keyValue[1]!.toLowerCase(), keyValue[2]!);
      continue;
    }
    const keyword = KEYWORDS.get(body.toLowerCase());
    if (keyword !== undefined) {
      if (negated) {
        throw new FilterParseError('not-negatable', token.text, token.position, `${token.text}: ${body} takes no leading -; to exclude the word itself, quote it: -"${body}"`);
      }
      applyKeyword(filter, token, keyword);
      continue;
    }
    if (!negated && body.startsWith('*')) {
      // The Soulseek wildcard, as in searches: `*tles` matches "beatles"; only at the start of a term.
      const [suffix, ...rest] = wordsOf(body);
      if (suffix !== undefined) addUnique(filter.suffixes, [suffix]);
      addUnique(filter.words, rest);
      continue;
    }
    addUnique(negated ? filter.excludedWords : filter.words, wordsOf(body));
  }
  return filter;
}
