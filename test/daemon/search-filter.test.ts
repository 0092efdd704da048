// Search result filters: the filter box's text parsed into a typed filter (tables written by hand),
// matched against results (every term kind and its edges), refused with exact messages, never
// throwing anything but FilterParseError, and folding each result's path at most once.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  compileSearchFilter,
  emptyFilter,
  FILTER_SYNTAX_HELP,
  FilterParseError,
  parseSearchFilter,
  type FilterableFile,
  type FilterableResponse,
  type NumberConditions,
  type SearchFilter,
} from '../../src/daemon/search-filter.ts';
import type { SearchResponse } from '../../src/client/index.ts';
import { toFileData, toSharedFile } from '../../src/model/files.ts';
import { mulberry32 } from '../support/seeded-random.ts';

type FilterParts = Partial<Omit<SearchFilter, 'numbers'>> & { numbers?: Partial<NumberConditions> };

/** An empty filter with `parts` written over it. */
function filterOf(parts: FilterParts): SearchFilter {
  const empty = emptyFilter();
  return { ...empty, ...parts, numbers: { ...empty.numbers, ...parts.numbers } };
}

const MB = 1024 * 1024;

describe('parsing: text → filter', () => {
  const table: Array<[string, FilterParts]> = [
    ['', {}],
    ['   ', {}],
    ['Beatles  Abbey', { words: ['beatles', 'abbey'] }],
    ['Björk BJORK', { words: ['bjork'] }],
    ['AC/DC', { words: ['ac', 'dc'] }],
    ['-live -Bootleg', { excludedWords: ['live', 'bootleg'] }],
    ['*TLES *mix/dj', { suffixes: ['tles', 'mix'], words: ['dj'] }],
    ['-*live', { excludedWords: ['live'] }],
    ['a*b', { words: ['a', 'b'] }],
    ['"abbey road"', { phrases: [['abbey', 'road']] }],
    ['-"live at"', { excludedPhrases: [['live', 'at']] }],
    ['"lossless"', { words: ['lossless'] }],
    ['"re:birth"', { phrases: [['re', 'birth']] }],
    ['-', {}],
    ['!!!', {}],
    ['ext:flac', { types: { extensions: ['flac'], lossless: false, lossy: false } }],
    ['EXT:.MP3,ogg ext:mp3', { types: { extensions: ['mp3', 'ogg'], lossless: false, lossy: false } }],
    ['lossless', { types: { extensions: [], lossless: true, lossy: false } }],
    ['islossy ext:wav', { types: { extensions: ['wav'], lossless: false, lossy: true } }],
    ['-ext:mp3,wma', { excludedExtensions: ['mp3', 'wma'] }],
    ['size:>10mb', { numbers: { size: [{ op: '>', value: 10_000_000 }] } }],
    ['size:>10MB', { numbers: { size: [{ op: '>', value: 10_000_000 }] } }],
    ['size:>10m', { numbers: { size: [{ op: '>', value: 10 * MB }] } }],
    ['size:>10MiB', { numbers: { size: [{ op: '>', value: 10 * MB }] } }],
    ['size:>=10mb', { numbers: { size: [{ op: '>=', value: 10_000_000 }] } }],
    ['size:<=1.5g', { numbers: { size: [{ op: '<=', value: 1.5 * 1024 * MB }] } }],
    ['size:1gb-2gb', { numbers: { size: [{ op: 'between', min: 1e9, max: 2e9 }] } }],
    ['size:700k..1mib', { numbers: { size: [{ op: 'between', min: 700 * 1024, max: MB }] } }],
    ['size:=500', { numbers: { size: [{ op: '=', value: 500 }] } }],
    ['size:500b', { numbers: { size: [{ op: '=', value: 500 }] } }],
    ['br:>=320', { numbers: { bitrate: [{ op: '>=', value: 320 }] } }],
    ['bitrate:192-256 br:<320kbps', { numbers: { bitrate: [{ op: 'between', min: 192, max: 256 }, { op: '<', value: 320 }] } }],
    ['minbr:320', { numbers: { bitrate: [{ op: '>=', value: 320 }] } }],
    ['len:>3:00', { numbers: { duration: [{ op: '>', value: 180 }] } }],
    ['length:90', { numbers: { duration: [{ op: '=', value: 90 }] } }],
    ['duration:1:02:03', { numbers: { duration: [{ op: '=', value: 3723 }] } }],
    ['len:2:30-4:00', { numbers: { duration: [{ op: 'between', min: 150, max: 240 }] } }],
    ['minlen:180', { numbers: { duration: [{ op: '>=', value: 180 }] } }],
    ['sr:>=96000', { numbers: { sampleRate: [{ op: '>=', value: 96_000 }] } }],
    ['sr:96k', { numbers: { sampleRate: [{ op: '=', value: 96_000 }] } }],
    ['samplerate:44.1khz', { numbers: { sampleRate: [{ op: '=', value: 44_100 }] } }],
    ['sr:44.1', { numbers: { sampleRate: [{ op: '=', value: 44_100 }] } }],
    ['sr:48000hz', { numbers: { sampleRate: [{ op: '=', value: 48_000 }] } }],
    ['bd:24 bitdepth:>=16bit minbd:16', { numbers: { bitDepth: [{ op: '=', value: 24 }, { op: '>=', value: 16 }, { op: '>=', value: 16 }] } }],
    ['queue:<10', { numbers: { queueLength: [{ op: '<', value: 10 }] } }],
    ['speed:>1mb/s', { numbers: { uploadSpeed: [{ op: '>', value: 1_000_000 }] } }],
    ['speed:>1m', { numbers: { uploadSpeed: [{ op: '>', value: MB }] } }],
    ['vbr', { vbr: true }],
    ['isCBR', { vbr: false }],
    ['freeslot', { freeSlot: true }],
    ['slot:FREE', { freeSlot: true }],
    ['user:alice,Bob user:alice', { users: ['alice', 'Bob'] }],
    ['-user:eve hide:mallory,"dj x" hide:"a,b"', { hiddenUsers: ['eve', 'mallory', 'dj x', 'a,b'] }],
    [
      'pink floyd -live "dark side" lossless size:>100mb br:>=320 freeslot queue:<5 -user:spam',
      {
        words: ['pink', 'floyd'],
        excludedWords: ['live'],
        phrases: [['dark', 'side']],
        types: { extensions: [], lossless: true, lossy: false },
        numbers: { size: [{ op: '>', value: 100_000_000 }], bitrate: [{ op: '>=', value: 320 }], queueLength: [{ op: '<', value: 5 }] },
        freeSlot: true,
        hiddenUsers: ['spam'],
      },
    ],
  ];
  for (const [text, expected] of table) {
    test(JSON.stringify(text), () => assert.deepEqual(parseSearchFilter(text), filterOf(expected)));
  }
});

describe('parse errors name the token and what is accepted', () => {
  const table: Array<[string, string, string]> = [
    ['re:birth', 'unknown-key', `unknown filter re:birth: the keys are ext, size, br, len, sr, bd, slot, queue, speed, user, hide (and slskd's minbr, minlen, minbd); to search for the text itself, put it in quotes: "re:birth"`],
    ['constructor:1', 'unknown-key', `unknown filter constructor:1: the keys are ext, size, br, len, sr, bd, slot, queue, speed, user, hide (and slskd's minbr, minlen, minbd); to search for the text itself, put it in quotes: "constructor:1"`],
    ['size:>10xb', 'bad-value', 'size:>10xb: expected a size like 700kb, 10mb or 1.5gb (k, m, g: 1024-based; kb, mb, gb: 1000-based; a bare number is bytes), after <, >, <=, >= or =, or a range a-b or a..b (both ends included)'],
    ['size:', 'bad-value', 'size:: expected a size like 700kb, 10mb or 1.5gb (k, m, g: 1024-based; kb, mb, gb: 1000-based; a bare number is bytes), after <, >, <=, >= or =, or a range a-b or a..b (both ends included)'],
    ['size:2gb-1gb', 'bad-value', 'size:2gb-1gb: the range starts above its end; write the smaller value first'],
    ['size:1-2-3', 'bad-value', 'size:1-2-3: expected a size like 700kb, 10mb or 1.5gb (k, m, g: 1024-based; kb, mb, gb: 1000-based; a bare number is bytes), after <, >, <=, >= or =, or a range a-b or a..b (both ends included)'],
    ['br:>fast', 'bad-value', 'br:>fast: expected a bitrate in kbit/s like 320, after <, >, <=, >= or =, or a range a-b or a..b (both ends included)'],
    ['len:3:75', 'bad-value', 'len:3:75: expected a duration in seconds, m:ss or h:mm:ss, like 90 or 3:00, after <, >, <=, >= or =, or a range a-b or a..b (both ends included)'],
    ['sr:44.1hz', 'bad-value', 'sr:44.1hz: expected a sample rate like 44100, 44.1k or 96khz (a number below 1000 is kHz), after <, >, <=, >= or =, or a range a-b or a..b (both ends included)'],
    ['minbr:>320', 'bad-value', 'minbr:>320: expected a bitrate in kbit/s like 320, with no operator (minbr: means at least)'],
    ['queue:-1', 'bad-value', 'queue:-1: expected a number of files like 10, after <, >, <=, >= or =, or a range a-b or a..b (both ends included)'],
    ['ext:', 'bad-value', 'ext:: expected file extensions separated by commas, like ext:flac or ext:mp3,ogg'],
    ['ext:fl*c', 'bad-value', 'ext:fl*c: expected file extensions separated by commas, like ext:flac or ext:mp3,ogg'],
    ['slot:busy', 'bad-value', 'slot:busy: expected slot:free (only users with a free upload slot)'],
    ['hide:a,,b', 'bad-value', 'hide:a,,b: expected user names separated by commas, like hide:alice,bob or hide:"name with spaces"'],
    ['vbr cbr', 'bad-value', 'cbr: vbr and cbr exclude each other: keep one of them'],
    ['-size:>10mb', 'not-negatable', '-size:>10mb: only ext: and user: take a leading -; write the opposite condition instead (e.g. size:<10mb for -size:>=10mb)'],
    ['-lossless', 'not-negatable', '-lossless: lossless takes no leading -; to exclude the word itself, quote it: -"lossless"'],
    ['abbey "road', 'unclosed-quote', 'unclosed quote in "road: close it with another "'],
    ['x'.repeat(1001), 'too-long', 'filter too long: at most 1000 characters (this one has 1001)'],
    ['a '.repeat(51), 'too-many-terms', 'too many terms: a filter holds at most 50'],
  ];
  for (const [text, code, message] of table) {
    test(JSON.stringify(text.slice(0, 40)), () => {
      assert.throws(() => parseSearchFilter(text), (error: unknown) => {
        assert.ok(error instanceof FilterParseError);
        assert.equal(error.message, message);
        assert.equal(error.code, code);
        return true;
      });
    });
  }

  test('the error carries the token and where it starts', () => {
    assert.throws(() => parseSearchFilter('beatles  size:huge'), { name: 'FilterParseError', token: 'size:huge', position: 9 });
  });

  test('exactly at the limits is accepted', () => {
    assert.equal(parseSearchFilter('a '.repeat(50)).words.length, 1);
    assert.deepEqual(parseSearchFilter(`"${'x'.repeat(998)}"`).words, ['x'.repeat(998)]);
  });
});

describe('matching', () => {
  const response: FilterableResponse = { username: 'alice', slotsFree: true, avgSpeed: 2 * MB, queueLength: 3 };
  const busy: FilterableResponse = { username: 'bob', slotsFree: false, avgSpeed: 100_000, queueLength: 40 };
  const mp3: FilterableFile = { filename: '@@music\\Pink Floyd\\The Dark Side of the Moon\\03 - Time.mp3', size: 8 * MB, extension: 'mp3', bitrate: 320, duration: 413, vbr: false };
  const vbrMp3: FilterableFile = { filename: '@@music\\Pink Floyd\\Live at Pompeii\\01 - Echoes.MP3', size: 10n * BigInt(MB), extension: '', bitrate: 245, duration: 1500, vbr: true };
  const flac: FilterableFile = { filename: 'C:\\Music\\Björk\\Homogenic\\06 - Jóga.flac', size: 30 * MB, extension: 'flac', duration: 305, sampleRate: 44_100, bitDepth: 16 };
  const hires: FilterableFile = { filename: 'Music\\Björk\\Homogenic (24-96)\\06 - Jóga.flac', size: 1e9, extension: 'flac', duration: 305, sampleRate: 96_000, bitDepth: 24 };
  const alac: FilterableFile = { filename: 'x\\Album\\song.m4a', size: 20 * MB, sampleRate: 44_100, bitDepth: 16, duration: 200 };
  const aac: FilterableFile = { filename: 'x\\Album\\song.m4a', size: 5 * MB, bitrate: 256, duration: 200 };
  const cover: FilterableFile = { filename: 'x\\Album\\cover.jpg', size: 200_000 };
  const noExt: FilterableFile = { filename: 'x\\Album\\README', size: 10, extension: 'TXT' };

  const table: Array<[string, FilterableResponse, FilterableFile, boolean]> = [
    // words: whole words, case and accents folded, anywhere in the path
    ['pink floyd', response, mp3, true],
    ['PINK time', response, mp3, true],
    ['floy', response, mp3, false],
    ['*loyd', response, mp3, true],
    ['*floyd', response, mp3, true],
    ['*floy', response, mp3, false],
    ['*ime *oon', response, mp3, true],
    ['bjork joga', response, flac, true],
    ['BJÖRK', response, flac, true],
    ['music', response, flac, true],
    ['-live', response, mp3, true],
    ['-live', response, vbrMp3, false],
    ['-"dark side"', response, mp3, false],
    ['-"side dark"', response, mp3, true],
    ['"dark side"', response, mp3, true],
    ['"side moon"', response, mp3, false],
    ['"24 96"', response, hires, true],
    // types
    ['ext:mp3', response, mp3, true],
    ['ext:mp3', response, vbrMp3, true],
    ['ext:flac,ogg', response, mp3, false],
    ['ext:txt', response, noExt, true],
    ['-ext:mp3', response, mp3, false],
    ['-ext:mp3', response, flac, true],
    ['lossless', response, flac, true],
    ['lossless', response, mp3, false],
    ['lossless', response, alac, true],
    ['lossless', response, aac, false],
    ['lossy', response, aac, true],
    ['lossy', response, cover, false],
    ['lossless', response, cover, false],
    ['lossless ext:mp3', response, mp3, true],
    ['lossless ext:mp3', response, cover, false],
    ['lossless -ext:flac', response, flac, false],
    // size: units and inclusive edges
    ['size:>8m', response, mp3, false],
    ['size:>=8m', response, mp3, true],
    ['size:>8mb', response, mp3, true],
    ['size:8m', response, mp3, true],
    ['size:8mb', response, mp3, false],
    ['size:<8388609', response, mp3, true],
    ['size:<8388608', response, mp3, false],
    ['size:1mb-8mb', response, mp3, false],
    ['size:1m-8m', response, mp3, true],
    ['size:8mb..9mb', response, mp3, true],
    ['size:8m..9m', response, mp3, true],
    ['size:8388609..9m', response, mp3, false],
    ['size:10m', response, vbrMp3, true],
    ['size:1gb', response, hires, true],
    ['size:>1gb', response, hires, false],
    // bitrate: a file without one fails
    ['br:>=320', response, mp3, true],
    ['br:>320', response, mp3, false],
    ['br:>=320', response, flac, false],
    ['br:<320', response, flac, false],
    ['br:245-320', response, vbrMp3, true],
    ['minbr:256', response, vbrMp3, false],
    // duration
    ['len:>6:00', response, mp3, true],
    ['len:>6:53', response, mp3, false],
    ['len:>=6:53', response, mp3, true],
    ['len:6:53', response, mp3, true],
    ['len:<300', response, cover, false],
    // sample rate and bit depth
    ['sr:>=96k', response, hires, true],
    ['sr:>=96k', response, flac, false],
    ['sr:44.1k', response, flac, true],
    ['sr:>0', response, mp3, false],
    ['bd:24', response, hires, true],
    ['bd:>16', response, flac, false],
    ['bd:16-24', response, flac, true],
    ['bd:>=1', response, mp3, false],
    // vbr
    ['vbr', response, vbrMp3, true],
    ['vbr', response, mp3, false],
    ['cbr', response, mp3, true],
    ['cbr', response, flac, false],
    ['vbr', response, flac, false],
    // the reply's free slot, queue and speed
    ['freeslot', response, mp3, true],
    ['freeslot', busy, mp3, false],
    ['slot:free', busy, mp3, false],
    ['queue:<10', response, mp3, true],
    ['queue:<10', busy, mp3, false],
    ['queue:0-3', response, mp3, true],
    ['speed:>1mb', response, mp3, true],
    ['speed:>1mb', busy, mp3, false],
    ['speed:>=100kb/s', busy, mp3, true],
    // users
    ['user:alice', response, mp3, true],
    ['user:alice', busy, mp3, false],
    ['user:Alice', response, mp3, false],
    ['-user:alice', response, mp3, false],
    ['hide:bob,carol', busy, mp3, false],
    ['hide:bob,carol', response, mp3, true],
    // everything together
    ['pink -live lossy br:>=320 size:1mb-20mb len:>5:00 freeslot queue:<5 hide:bob', response, mp3, true],
    ['pink -live lossy br:>=320 size:1mb-20mb len:>5:00 freeslot queue:<5 hide:bob', busy, mp3, false],
    ['pink -live lossy br:>=320 size:1mb-20mb len:>5:00 freeslot queue:<5 hide:bob', response, vbrMp3, false],
    ['', busy, cover, true],
  ];
  for (const [text, who, file, expected] of table) {
    test(`${JSON.stringify(text)} ${who.username} ${file.filename.slice(file.filename.lastIndexOf('\\') + 1)} → ${expected}`, () => {
      assert.equal(compileSearchFilter(text).matches(who, file), expected);
    });
  }

  test('matchingFiles keeps the passing files of a passing reply', () => {
    const filter = compileSearchFilter('lossless freeslot');
    assert.deepEqual(filter.matchingFiles({ ...response, files: [mp3, flac, cover, hires] }), [flac, hires]);
    assert.deepEqual(filter.matchingFiles({ ...busy, files: [flac] }), []);
  });
});

test('the client\'s search responses are filtered as they are, attributes decoded from the wire list', () => {
  const wire = (filename: string, size: number, audio: { bitrate?: number; duration?: number; sampleRate?: number; bitDepth?: number; vbr?: boolean }) =>
    toSharedFile(toFileData({ filename, size: BigInt(size), ...audio }), false);
  const reply: SearchResponse = {
    username: 'carol',
    ticket: 7,
    slotsFree: true,
    avgSpeed: 5_000_000,
    queueLength: 0,
    files: [
      wire('@@c\\Radiohead\\OK Computer\\01 - Airbag.flac', 30_000_000, { duration: 284, sampleRate: 44_100, bitDepth: 16 }),
      wire('@@c\\Radiohead\\OK Computer\\01 - Airbag.mp3', 9_000_000, { bitrate: 320, duration: 284, vbr: false }),
      wire('@@c\\Radiohead\\Kid A\\01 - Everything.flac', 40_000_000, { duration: 251, sampleRate: 96_000, bitDepth: 24 }),
    ],
  };
  const names = (text: string) => compileSearchFilter(text).matchingFiles(reply).map((file) => file.filename.slice(file.filename.lastIndexOf('\\') + 1));
  assert.deepEqual(names('radiohead lossless'), ['01 - Airbag.flac', '01 - Everything.flac']);
  assert.deepEqual(names('"ok computer" cbr br:320'), ['01 - Airbag.mp3']);
  assert.deepEqual(names('sr:>=96k bd:24 len:4:00-4:30'), ['01 - Everything.flac']);
  assert.deepEqual(names('speed:>1mb queue:0 freeslot -"kid a"'), ['01 - Airbag.flac', '01 - Airbag.mp3']);
  assert.deepEqual(names('hide:carol'), []);
});

describe('bounded work', () => {
  test('each result path is folded at most once, however many text terms the filter has', () => {
    const filter = compileSearchFilter('pink floyd moon -live -bootleg "dark side" -"live at" ext:mp3,flac size:>1mb br:>=128');
    const random = mulberry32(12);
    const files: FilterableFile[] = [];
    for (let i = 0; i < 50_000; i++) {
      const album = random() < 0.5 ? 'The Dark Side of the Moon' : 'Live at Pompeii';
      const ext = random() < 0.8 ? 'mp3' : 'jpg';
      files.push({ filename: `@@u${i}\\Pink Floyd\\${album}\\${i}.${ext}`, size: Math.floor(random() * 20 * MB), bitrate: random() < 0.9 ? 320 : undefined });
    }
    let matched = 0;
    for (const file of files) if (filter.acceptsFile(file)) matched++;
    assert.ok(matched > 0 && matched < files.length, `a filter that matches some (${matched})`);
    assert.ok(filter.stats.pathsNormalized <= files.length);
    // The cheap checks run first: files failing on type, size or bitrate are never folded.
    const cheapPass = files.filter((file) => !file.filename.endsWith('.jpg') && Number(file.size) > 1_000_000 && file.bitrate !== undefined).length;
    assert.equal(filter.stats.pathsNormalized, cheapPass);
  });

  test('a filter without text terms folds nothing', () => {
    const filter = compileSearchFilter('lossless size:>1mb');
    filter.acceptsFile({ filename: 'a\\b.flac', size: 2 * MB });
    assert.equal(filter.stats.pathsNormalized, 0);
  });
});

describe('fuzz: any text parses or fails with FilterParseError', () => {
  const alphabet = ['a', 'Z', 'é', '0', '9', ' ', ' ', '-', '"', ':', ',', '.', '..', '<', '>', '=', '*', '\\', '/', '\u0000', '\u{1f3b5}',
    'size:', 'br:', 'len:', 'sr:', 'bd:', 'ext:', 'user:', 'hide:', 'slot:', 'queue:', 'speed:', 'minbr:', 'mb', 'k', 'gb', 'lossless', 'vbr', 'cbr', 'freeslot', 'constructor', '__proto__', 'toString', 'hasOwnProperty'];
  test('20,000 seeded random filters', () => {
    const random = mulberry32(2026);
    const file: FilterableFile = { filename: '@@x\\a b\\c.flac', size: 1000, bitrate: 320, duration: 100, sampleRate: 44_100, bitDepth: 16, vbr: false };
    const who: FilterableResponse = { username: 'a', slotsFree: true, avgSpeed: 1, queueLength: 0 };
    let parsed = 0;
    for (let i = 0; i < 20_000; i++) {
      let text = '';
      const length = Math.floor(random() * 30);
      for (let j = 0; j < length; j++) text += alphabet[Math.floor(random() * alphabet.length)];
      try {
        const filter = compileSearchFilter(text);
        parsed++;
        assert.equal(typeof filter.matches(who, file), 'boolean');
      } catch (error) {
        if (!(error instanceof FilterParseError)) throw new Error(`${JSON.stringify(text)} threw ${String(error)}`);
        assert.ok(error.message.length > 0 && text.includes(error.token), `${JSON.stringify(text)}: the error names a token of the text`);
      }
    }
    assert.ok(parsed > 1000 && parsed < 20_000, `both outcomes happen (${parsed} parsed)`);
  });
});

test('the help text names every key the parser accepts', () => {
  for (const key of ['ext:', 'size:', 'br:', 'len:', 'sr:', 'bd:', 'queue:', 'speed:', 'user:', 'hide:', 'lossless', 'lossy', 'vbr', 'cbr', 'freeslot', 'minbr:', 'minlen:', 'minbd:']) {
    assert.ok(FILTER_SYNTAX_HELP.includes(key), key);
    const example = key.endsWith(':') ? `${key}${key === 'ext:' ? 'flac' : key === 'user:' || key === 'hide:' ? 'x' : '1'}` : key;
    assert.doesNotThrow(() => parseSearchFilter(example), example);
  }
});
