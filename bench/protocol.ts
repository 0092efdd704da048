// Protocol benchmark: encode/decode throughput of slsk-ts/protocol on realistic frames (small server
// messages, a 100-result search reply, a 10,000-file shares list), against hand-written readers.
//
//   npm run bench:protocol [-- --quick] [-- --json] [-- --only=smallServer,searchReply,sharesReply,mixed]
//   (BENCH_QUICK=1 also selects the quick run)

import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import {
  decode,
  encode,
  type DirectoryData,
  type FileAttribute,
  type FileData,
  type PeerMessageOf,
  type ServerResponseOf,
} from '../src/protocol/index.ts';
import { mulberry32 } from '../test/support/seeded-random.ts';

const args = new Set(process.argv.slice(2));
const JSON_OUTPUT = args.has('--json');
const QUICK = args.has('--quick') || /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? '');
/** `--only=searchReply,mixed`: measure just those workloads (for profiling one of them). */
const ONLY = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');

/** Every measured function is warmed once up front, so inline caches shared by all messages are
 *  already as polymorphic as in a real process before any measurement starts. */
const WARMUP_MS = QUICK ? 50 : 400;
/** Short re-warm right before a measurement: brings caches and the GC into a steady state. */
const REWARM_MS = QUICK ? 30 : 100;
const BUDGET_MS = QUICK ? 200 : 1500;

const TARGET_SMALL_DECODE_PER_SEC = 2_000_000;
const TARGET_RATIO = 0.5;

// ---- seeded data ---------------------------------------------------------------------------------


let rand = mulberry32(0x51_5e_ed);
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
const chance = (p: number): boolean => rand() < p;

const WORDS = (
  'the a of and to in is it you that was for on are with as I his they be at one have this from or had by ' +
  'love night time heart day world dream light fire rain blue away home song life gone summer girl dance ' +
  'anyone got the new album flac rip vinyl remaster bitrate lossless thanks cheers bootleg live session ' +
  'demo mix edit remix original version deluxe edition disc bonus track anyone seen room server slow ok lol'
).split(' ');
const NON_ASCII_PHRASES = [
  'merci beaucoup',
  'ありがとう',
  'danke schön',
  'très bien',
  'привет всем',
  'añoranza',
  'größte Hits',
  'koń',
  '🙂',
  '音楽が好き',
];
const ARTISTS_ASCII = [
  'Radiohead', 'Aphex Twin', 'Boards of Canada', 'Miles Davis', 'John Coltrane', 'Portishead', 'Massive Attack',
  'The Beatles', 'Pink Floyd', 'Led Zeppelin', 'Daft Punk', 'Nick Cave & The Bad Seeds', 'Joy Division',
  'Talking Heads', 'Kraftwerk', 'Nirvana', 'Pixies', 'Slowdive', 'My Bloody Valentine', 'Burial', 'Autechre',
  'Cocteau Twins', 'Brian Eno', 'David Bowie', 'Kate Bush', 'Nina Simone', 'Bill Evans', 'Charles Mingus',
  'Fleetwood Mac', 'The Cure', 'Sonic Youth', 'Wu-Tang Clan', 'J Dilla', 'Madvillain', 'Four Tet', 'Caribou',
];
const ARTISTS_NON_ASCII = [
  'Björk', 'Sigur Rós', 'Mötley Crüe', 'Beyoncé', '坂本龍一', '宇多田ヒカル', 'Ólafur Arnalds', 'Jóhann Jóhannsson',
  'Motörhead', 'Hüsker Dü', 'Céline Dion', 'Daniel Licht', 'Sébastien Tellier', 'きゃりーぱみゅぱみゅ', 'Кино',
];
const ROOMS = [
  'nicotine', 'indie', 'Electronic Music', 'jazz', 'Hip-Hop', 'metal', 'Classical', 'Soulseek Help', 'ambient',
  'Deutsch', 'Français', '日本', 'vinyl rips', 'lossless', 'punk', 'Россия', 'Brasil', 'techno', 'drum n bass',
  'the beatles', 'shoegaze', 'post-rock', 'Español',
];
const COUNTRIES = ['US', 'DE', 'GB', 'FR', 'NL', 'JP', 'BR', 'RU', 'SE', 'PL', 'ES', 'IT', 'CA', 'AU', ''];

function words(count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(pick(WORDS));
  return out.join(' ');
}
function titleCase(text: string): string {
  return text.replace(/\b[a-z]/g, (c) => c.toUpperCase());
}

function makeUsername(): string {
  const r = rand();
  if (r < 0.05) return pick(['たかし', 'ゆき_music', '音楽好き', 'さくら']) + (chance(0.5) ? String(int(1, 99)) : '');
  if (r < 0.12) return pick(['Björn', 'José', 'Zoë', 'Jürgen', 'François', 'Łukasz', 'Søren']) + String(int(1, 999));
  const base = pick(WORDS) + pick(['', '_', '-', '.']) + pick(WORDS);
  return (chance(0.3) ? titleCase(base) : base) + (chance(0.6) ? String(int(1, 9999)) : '');
}
const USERNAMES = Array.from({ length: 600 }, makeUsername);

function makeChatMessage(): string {
  let text = words(int(1, 22));
  if (chance(0.08)) text += ' ' + pick(NON_ASCII_PHRASES);
  if (chance(0.04)) text = pick(NON_ASCII_PHRASES);
  return text;
}

// ---- workload 1: small server messages -----------------------------------------------------------

type GetUserStatus = ServerResponseOf<'GetUserStatus'>;
type RoomChatMessage = ServerResponseOf<'RoomChatMessage'>;
type UserJoinedRoom = ServerResponseOf<'UserJoinedRoom'>;
type UserLeftRoom = ServerResponseOf<'UserLeftRoom'>;
type SmallMessage = GetUserStatus | RoomChatMessage | UserJoinedRoom | UserLeftRoom;

function makeSmallMessage(): SmallMessage {
  const r = rand();
  if (r < 0.3) return { name: 'GetUserStatus', username: pick(USERNAMES), status: pick([0, 1, 2, 2, 2]), privileged: chance(0.1) };
  if (r < 0.65) return { name: 'RoomChatMessage', roomName: pick(ROOMS), username: pick(USERNAMES), message: makeChatMessage() };
  if (r < 0.85) {
    return {
      name: 'UserJoinedRoom',
      roomName: pick(ROOMS),
      username: pick(USERNAMES),
      status: pick([1, 2, 2]),
      userStats: {
        avgSpeed: int(0, 5_000_000),
        uploads: BigInt(int(0, 200_000)),
        sharedFileCount: int(0, 150_000),
        sharedFolderCount: int(0, 12_000),
      },
      slotsFree: int(0, 1),
      countryCode: pick(COUNTRIES),
    };
  }
  return { name: 'UserLeftRoom', roomName: pick(ROOMS), username: pick(USERNAMES) };
}

// ---- workloads 2 and 3: file lists ---------------------------------------------------------------

interface Album {
  dir: string;
  files: FileData[];
}

function attributesFor(kind: 'cbr' | 'vbr' | 'flac', duration: number): FileAttribute[] {
  if (kind === 'cbr') return [{ key: 0, value: 320 }, { key: 1, value: duration }, { key: 2, value: 0 }];
  if (kind === 'vbr') return [{ key: 0, value: int(190, 260) }, { key: 1, value: duration }, { key: 2, value: 1 }];
  return [{ key: 1, value: duration }, { key: 4, value: pick([44100, 44100, 48000, 96000]) }, { key: 5, value: pick([16, 16, 24]) }];
}

/** One album folder; `fullPaths` for search replies, bare names for shares lists. */
function makeAlbum(fullPaths: boolean): Album {
  const artist = chance(0.2) ? pick(ARTISTS_NON_ASCII) : pick(ARTISTS_ASCII);
  const album = titleCase(words(int(1, 4)));
  const kind = pick(['cbr', 'cbr', 'vbr', 'flac', 'flac'] as const);
  const tag = kind === 'flac' ? pick([' [FLAC]', ' (24bit)', '']) : pick([' [320]', ' [V0]', '']);
  const dir = `@@music\\${artist}\\${int(1965, 2024)} - ${album}${tag}`;
  const files: FileData[] = [];
  const tracks = int(8, 14);
  for (let n = 1; n <= tracks; n++) {
    const duration = int(90, 540);
    const ext = kind === 'flac' ? 'flac' : 'mp3';
    const name = `${String(n).padStart(2, '0')} - ${titleCase(words(int(1, 5)))}.${ext}`;
    const bytes = kind === 'flac' ? duration * int(90_000, 160_000) : duration * int(24_000, 40_000);
    files.push({
      unknown: 1,
      filename: fullPaths ? `${dir}\\${name}` : name,
      filesize: BigInt(bytes),
      extension: '',
      attributes: attributesFor(kind, duration),
    });
  }
  // The odd multi-gigabyte file (a video or disc image) exercises the high word of the uint64.
  if (chance(0.05)) {
    const name = `${titleCase(words(2))} (Live).mkv`;
    files.push({ unknown: 1, filename: fullPaths ? `${dir}\\${name}` : name, filesize: BigInt(int(4_300, 9_000)) * 1_000_000n, extension: '', attributes: [] });
  }
  return { dir, files };
}

type PeerSearchReply = PeerMessageOf<'PeerSearchReply'>;
type PeerSharesReply = PeerMessageOf<'PeerSharesReply'>;

function makeSearchReply(resultCount: number): PeerSearchReply {
  const results: FileData[] = [];
  while (results.length < resultCount) results.push(...makeAlbum(true).files);
  results.length = resultCount;
  return {
    name: 'PeerSearchReply',
    username: pick(USERNAMES),
    ticket: int(1, 0x7fff_ffff),
    results,
    hasSlotsFree: chance(0.7),
    avgSpeed: int(10_000, 8_000_000),
    queueSize: int(0, 40),
    unknown: 0,
  };
}

function makeSharesReply(directoryCount: number, filesPerDirectory: number): PeerSharesReply {
  const directories: DirectoryData[] = [];
  for (let i = 0; i < directoryCount; i++) {
    const album = makeAlbum(false);
    while (album.files.length < filesPerDirectory) album.files.push(...makeAlbum(false).files);
    album.files.length = filesPerDirectory;
    directories.push({ name: album.dir, files: album.files });
  }
  return { name: 'PeerSharesReply', directories, unknown: 0 };
}

// ---- the hand-written baseline -------------------------------------------------------------------
// What a careful author would write for exactly these messages: fixed little-endian reads, fixed
// object shapes, Buffer's native UTF-8 slice. It checks the length prefix and that the body is used
// up, as ours does, but not every read's bounds.

function u32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x100_0000;
}
function u64(b: Uint8Array, p: number): bigint {
  const low = u32(b, p);
  const high = u32(b, p + 4);
  if (high === 0) return BigInt(low);
  // Soulseek NS marks sizes over 2 GiB with an all-ones high word.
  if (high === 0xffff_ffff) return BigInt(low);
  if (high < 0x20_0000) return BigInt(high * 0x1_0000_0000 + low);
  return (BigInt(high) << 32n) | BigInt(low);
}
function asBuffer(frame: Uint8Array): Buffer {
  return Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}
function checkFrame(b: Buffer, code: number): void {
  if (b.length < 8 || u32(b, 0) !== b.length - 4) throw new Error('bad length prefix');
  if (u32(b, 4) !== code) throw new Error(`expected code ${code}, got ${u32(b, 4)}`);
}
function checkEnd(b: Uint8Array, p: number): void {
  if (p !== b.length) throw new Error(`body ends at ${p}, frame at ${b.length}`);
}

function handSmall(frame: Uint8Array): SmallMessage {
  const b = asBuffer(frame);
  if (b.length < 8 || u32(b, 0) !== b.length - 4) throw new Error('bad length prefix');
  const code = u32(b, 4);
  let p = 8;
  let n: number;
  switch (code) {
    case 7: {
      n = u32(b, p);
      const username = b.toString('utf8', (p += 4), (p += n));
      const status = u32(b, p);
      const privileged = b[p + 4] === 1;
      checkEnd(b, p + 5);
      return { name: 'GetUserStatus', username, status, privileged };
    }
    case 13: {
      n = u32(b, p);
      const roomName = b.toString('utf8', (p += 4), (p += n));
      n = u32(b, p);
      const username = b.toString('utf8', (p += 4), (p += n));
      n = u32(b, p);
      const message = b.toString('utf8', (p += 4), (p += n));
      checkEnd(b, p);
      return { name: 'RoomChatMessage', roomName, username, message };
    }
    case 16: {
      n = u32(b, p);
      const roomName = b.toString('utf8', (p += 4), (p += n));
      n = u32(b, p);
      const username = b.toString('utf8', (p += 4), (p += n));
      const status = u32(b, p);
      const userStats = {
        avgSpeed: u32(b, p + 4),
        uploads: u64(b, p + 8),
        sharedFileCount: u32(b, p + 16),
        sharedFolderCount: u32(b, p + 20),
      };
      const slotsFree = u32(b, p + 24);
      p += 28;
      n = u32(b, p);
      const countryCode = b.toString('utf8', (p += 4), (p += n));
      checkEnd(b, p);
      return { name: 'UserJoinedRoom', roomName, username, status, userStats, slotsFree, countryCode };
    }
    case 17: {
      n = u32(b, p);
      const roomName = b.toString('utf8', (p += 4), (p += n));
      n = u32(b, p);
      const username = b.toString('utf8', (p += 4), (p += n));
      checkEnd(b, p);
      return { name: 'UserLeftRoom', roomName, username };
    }
    default:
      throw new Error(`unexpected code ${code}`);
  }
}

/** Reads `count` FileData entries into `out`; returns the offset after them. */
function handFiles(b: Buffer, p: number, count: number, out: FileData[]): number {
  for (let i = 0; i < count; i++) {
    const unknown = b[p]!;
    let n = u32(b, p + 1);
    const filename = b.toString('utf8', (p += 5), (p += n));
    const filesize = u64(b, p);
    n = u32(b, p + 8);
    const extension = b.toString('utf8', (p += 12), (p += n));
    const attributeCount = u32(b, p);
    p += 4;
    const attributes: FileAttribute[] = [];
    for (let j = 0; j < attributeCount; j++, p += 8) attributes.push({ key: u32(b, p), value: u32(b, p + 4) });
    out.push({ unknown, filename, filesize, extension, attributes });
  }
  return p;
}

function handSearchReply(frame: Uint8Array): PeerSearchReply {
  const f = asBuffer(frame);
  checkFrame(f, 9);
  const b = inflateSync(f.subarray(8));
  let n = u32(b, 0);
  let p = 4;
  const username = b.toString('utf8', p, (p += n));
  const ticket = u32(b, p);
  const results: FileData[] = [];
  p = handFiles(b, p + 8, u32(b, p + 4), results);
  const hasSlotsFree = b[p] === 1;
  const avgSpeed = u32(b, p + 1);
  const queueSize = u32(b, p + 5);
  p += 9;
  // Older clients stop before these trailing fields.
  let unknown = 0;
  if (p < b.length) {
    unknown = u32(b, p);
    p += 4;
  }
  const reply: PeerSearchReply = { name: 'PeerSearchReply', username, ticket, results, hasSlotsFree, avgSpeed, queueSize, unknown };
  if (p < b.length) {
    n = u32(b, p);
    const locked: FileData[] = [];
    p = handFiles(b, p + 4, n, locked);
    reply.lockedResults = locked;
  }
  checkEnd(b, p);
  return reply;
}

function handDirectories(b: Buffer, p: number, out: DirectoryData[]): number {
  const count = u32(b, p);
  p += 4;
  for (let i = 0; i < count; i++) {
    const n = u32(b, p);
    const name = b.toString('utf8', (p += 4), (p += n));
    const files: FileData[] = [];
    p = handFiles(b, p + 4, u32(b, p), files);
    out.push({ name, files });
  }
  return p;
}

function handSharesReply(frame: Uint8Array): PeerSharesReply {
  const f = asBuffer(frame);
  checkFrame(f, 5);
  const b = inflateSync(f.subarray(8));
  const directories: DirectoryData[] = [];
  let p = handDirectories(b, 0, directories);
  let unknown = 0;
  if (p < b.length) {
    unknown = u32(b, p);
    p += 4;
  }
  const reply: PeerSharesReply = { name: 'PeerSharesReply', directories, unknown };
  if (p < b.length) {
    const locked: DirectoryData[] = [];
    p = handDirectories(b, p, locked);
    reply.lockedDirectories = locked;
  }
  checkEnd(b, p);
  return reply;
}

// ---- build the frames ----------------------------------------------------------------------------

const SMALL_FRAME_COUNT = 10_000;
const SEARCH_VARIANTS = 16;

rand = mulberry32(1);
const smallMessages = Array.from({ length: SMALL_FRAME_COUNT }, makeSmallMessage);
const smallFrames = smallMessages.map((m) => encode('server', 'response', m));
rand = mulberry32(2);
// Several distinct replies so the loop does not decode one cache-resident buffer forever.
const searchMessages = Array.from({ length: SEARCH_VARIANTS }, () => makeSearchReply(100));
const searchFrames = searchMessages.map((m) => encode('peer', 'both', m));
rand = mulberry32(3);
const sharesMessage = makeSharesReply(1_000, 10);
const sharesFrames = [encode('peer', 'both', sharesMessage)];

const KIND_SMALL = 0;
const KIND_SEARCH = 1;
const KIND_SHARES = 2;
interface MixedFrame {
  kind: typeof KIND_SMALL | typeof KIND_SEARCH | typeof KIND_SHARES;
  channel: 'server' | 'peer';
  direction: 'response' | 'both';
  frame: Uint8Array;
  message: SmallMessage | PeerSearchReply | PeerSharesReply;
}
// A client's inbound traffic over a while: chat and presence, a few searches' worth of replies,
// one browsed user.
const MIXED_SEARCH_REPLIES = 50;
rand = mulberry32(4);
const mixedFrames: MixedFrame[] = [
  ...smallFrames.map((frame, i): MixedFrame => ({ kind: KIND_SMALL, channel: 'server', direction: 'response', frame, message: smallMessages[i]! })),
  ...Array.from({ length: MIXED_SEARCH_REPLIES }, (_, i): MixedFrame => ({
    kind: KIND_SEARCH,
    channel: 'peer',
    direction: 'both',
    frame: searchFrames[i % SEARCH_VARIANTS]!,
    message: searchMessages[i % SEARCH_VARIANTS]!,
  })),
  { kind: KIND_SHARES, channel: 'peer', direction: 'both', frame: sharesFrames[0]!, message: sharesMessage },
];
for (let i = mixedFrames.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [mixedFrames[i], mixedFrames[j]] = [mixedFrames[j]!, mixedFrames[i]!];
}

const totalBytes = (frames: readonly Uint8Array[]): number => frames.reduce((sum, f) => sum + f.length, 0);
const inflatedBytes = (frames: readonly Uint8Array[]): number => frames.reduce((sum, f) => sum + inflateSync(f.subarray(8)).length + 8, 0);

// ---- start-up checks: a broken baseline or generator must not produce a number ------------------

function verify(): void {
  for (const [i, m] of smallMessages.entries()) {
    if (i % 10 !== 0 && i > 200) continue;
    const f = smallFrames[i]!;
    assert.deepStrictEqual(decode('server', 'response', f), m, `small frame ${i}: decode(encode(m)) !== m`);
    assert.deepStrictEqual(handSmall(f), decode('server', 'response', f), `small frame ${i}: hand-written differs`);
  }
  for (const [i, f] of searchFrames.entries()) {
    assert.deepStrictEqual(decode('peer', 'both', f), searchMessages[i], `search reply ${i}: decode(encode(m)) !== m`);
    assert.deepStrictEqual(handSearchReply(f), decode('peer', 'both', f), `search reply ${i}: hand-written differs`);
  }
  assert.deepStrictEqual(decode('peer', 'both', sharesFrames[0]!), sharesMessage, 'shares: decode(encode(m)) !== m');
  assert.deepStrictEqual(handSharesReply(sharesFrames[0]!), decode('peer', 'both', sharesFrames[0]!), 'shares: hand-written differs');
  assert.ok(smallFrames.filter((f) => f.some((byte) => byte >= 0x80)).length > smallFrames.length / 50, 'the small mix should include non-ASCII text');
  assert.ok(searchMessages.some((m) => m.results.some((r) => r.filesize > 0xffff_ffffn)), 'some file should exceed 4 GiB');
}

// ---- measuring -----------------------------------------------------------------------------------

let sink = 0;

/** One pass over a workload's frames; returns a value folded into `sink` so nothing is dead code. */
type Pass = () => number;

interface Rate {
  msgPerSec: number;
  mbPerSec: number;
  passes: number;
  seconds: number;
}

function spin(pass: Pass, ms: number): void {
  const start = performance.now();
  do sink += pass();
  while (performance.now() - start < ms);
}

function measure(pass: Pass, messagesPerPass: number, bytesPerPass: number): Rate {
  spin(pass, REWARM_MS);
  let passes = 0;
  const start = performance.now();
  let elapsed: number;
  do {
    sink += pass();
    passes++;
    elapsed = performance.now() - start;
  } while (elapsed < BUDGET_MS);
  const seconds = elapsed / 1000;
  return { msgPerSec: (passes * messagesPerPass) / seconds, mbPerSec: (passes * bytesPerPass) / seconds / 1e6, passes, seconds };
}

interface Workload {
  key: string;
  label: string;
  messages: number;
  bytes: number;
  oursDecode: Pass;
  handDecode: Pass;
  oursEncode: Pass;
}

const allWorkloads: Workload[] = [
  {
    key: 'smallServer',
    label: 'small server mix',
    messages: smallFrames.length,
    bytes: totalBytes(smallFrames),
    oursDecode: () => {
      let s = 0;
      for (let i = 0; i < smallFrames.length; i++) s += decode('server', 'response', smallFrames[i]!).name.length;
      return s;
    },
    handDecode: () => {
      let s = 0;
      for (let i = 0; i < smallFrames.length; i++) s += handSmall(smallFrames[i]!).name.length;
      return s;
    },
    oursEncode: () => {
      let s = 0;
      for (let i = 0; i < smallMessages.length; i++) s += encode('server', 'response', smallMessages[i]!).length;
      return s;
    },
  },
  {
    key: 'searchReply',
    label: 'search reply ×100',
    messages: searchFrames.length,
    bytes: totalBytes(searchFrames),
    oursDecode: () => {
      let s = 0;
      for (let i = 0; i < searchFrames.length; i++) {
        const m = decode('peer', 'both', searchFrames[i]!);
        if (m.name === 'PeerSearchReply') s += m.results.length;
      }
      return s;
    },
    handDecode: () => {
      let s = 0;
      for (let i = 0; i < searchFrames.length; i++) s += handSearchReply(searchFrames[i]!).results.length;
      return s;
    },
    oursEncode: () => {
      let s = 0;
      for (let i = 0; i < searchMessages.length; i++) s += encode('peer', 'both', searchMessages[i]!).length;
      return s;
    },
  },
  {
    key: 'sharesReply',
    label: 'shares 10,000 files',
    messages: 1,
    bytes: totalBytes(sharesFrames),
    oursDecode: () => {
      const m = decode('peer', 'both', sharesFrames[0]!);
      return m.name === 'PeerSharesReply' ? m.directories.length : 0;
    },
    handDecode: () => handSharesReply(sharesFrames[0]!).directories.length,
    oursEncode: () => encode('peer', 'both', sharesMessage).length,
  },
  {
    key: 'mixed',
    label: `mixed (${smallFrames.length / 1000}k+${MIXED_SEARCH_REPLIES}+1)`,
    messages: mixedFrames.length,
    bytes: totalBytes(mixedFrames.map((m) => m.frame)),
    oursDecode: () => {
      let s = 0;
      for (let i = 0; i < mixedFrames.length; i++) {
        const m = mixedFrames[i]!;
        s += decode(m.channel, m.direction, m.frame).name.length;
      }
      return s;
    },
    handDecode: () => {
      let s = 0;
      for (let i = 0; i < mixedFrames.length; i++) {
        const m = mixedFrames[i]!;
        const f = m.frame;
        s += (m.kind === KIND_SMALL ? handSmall(f) : m.kind === KIND_SEARCH ? handSearchReply(f) : handSharesReply(f)).name.length;
      }
      return s;
    },
    oursEncode: () => {
      let s = 0;
      for (let i = 0; i < mixedFrames.length; i++) {
        const m = mixedFrames[i]!;
        s += encode(m.channel, m.direction, m.message as never).length;
      }
      return s;
    },
  },
];

const workloads = allWorkloads.filter((w) => ONLY === undefined || ONLY.includes(w.key));
if (workloads.length === 0) throw new Error(`--only matches none of ${allWorkloads.map((w) => w.key).join(', ')}`);

// ---- run -----------------------------------------------------------------------------------------

verify();

const log = JSON_OUTPUT ? (_: string) => {} : (line: string) => console.log(line);
const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
const fmtMB = (n: number): string => n.toFixed(1);
const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;

log(`slsk-ts protocol benchmark — node ${process.version}, ${QUICK ? 'quick run, figures indicative only' : 'full run'} (${BUDGET_MS} ms per measurement)`);
log(`  small server mix: ${fmtInt(smallFrames.length)} frames, ${kb(totalBytes(smallFrames))} (avg ${(totalBytes(smallFrames) / smallFrames.length).toFixed(0)} B)`);
log(`  search reply:     ${searchFrames.length} frames × 100 results, avg ${kb(totalBytes(searchFrames) / searchFrames.length)} on the wire, ${kb(inflatedBytes(searchFrames) / searchFrames.length)} inflated`);
log(`  shares reply:     1,000 dirs × 10 files, ${kb(totalBytes(sharesFrames))} on the wire, ${kb(inflatedBytes(sharesFrames))} inflated`);
log(`  mixed:            the small mix + ${MIXED_SEARCH_REPLIES} search replies + 1 shares reply, shuffled`);
log(`  hand-written readers verified deep-equal to decode() on sample frames`);
log('');

const warmStart = performance.now();
for (const w of workloads) for (const pass of [w.oursDecode, w.handDecode, w.oursEncode]) spin(pass, WARMUP_MS);
const warmSeconds = (performance.now() - warmStart) / 1000;

interface Result {
  workload: Workload;
  decode: { ours: Rate; hand: Rate; ratio: number };
  encode: { ours: Rate };
}
const results: Result[] = [];
for (const w of workloads) {
  const ours = measure(w.oursDecode, w.messages, w.bytes);
  const hand = measure(w.handDecode, w.messages, w.bytes);
  const enc = measure(w.oursEncode, w.messages, w.bytes);
  results.push({ workload: w, decode: { ours, hand, ratio: ours.msgPerSec / hand.msgPerSec }, encode: { ours: enc } });
}

const smallDecodePerSec = results.find((r) => r.workload.key === 'smallServer')?.decode.ours.msgPerSec;
const smallTargetMet = smallDecodePerSec === undefined ? undefined : smallDecodePerSec >= TARGET_SMALL_DECODE_PER_SEC;
const ratioTargets = results.map((r) => ({ workload: r.workload.key, ratio: r.decode.ratio, met: r.decode.ratio >= TARGET_RATIO }));

if (JSON_OUTPUT) {
  const rate = (r: Rate) => ({ msgPerSec: Math.round(r.msgPerSec), mbPerSec: Number(r.mbPerSec.toFixed(2)), passes: r.passes });
  console.log(
    JSON.stringify({
      node: process.version,
      quick: QUICK,
      budgetMs: BUDGET_MS,
      workloads: Object.fromEntries(
        results.map((r) => [
          r.workload.key,
          {
            messagesPerPass: r.workload.messages,
            bytesPerPass: r.workload.bytes,
            decode: { ours: rate(r.decode.ours), hand: rate(r.decode.hand), ratio: Number(r.decode.ratio.toFixed(3)) },
            encode: { ours: rate(r.encode.ours) },
          },
        ]),
      ),
      targets: {
        smallDecodePerSec: {
          target: TARGET_SMALL_DECODE_PER_SEC,
          actual: smallDecodePerSec === undefined ? null : Math.round(smallDecodePerSec),
          met: smallTargetMet ?? null,
        },
        ratio: { target: TARGET_RATIO, byWorkload: ratioTargets.map((t) => ({ ...t, ratio: Number(t.ratio.toFixed(3)) })), met: ratioTargets.every((t) => t.met) },
      },
      sink,
    }),
  );
} else {
  const header = ['workload', 'op', 'ours msg/s', 'ours MB/s', 'hand-written msg/s', 'hand MB/s', 'ratio'];
  const rows: string[][] = [];
  for (const r of results) {
    const d = r.decode;
    rows.push([r.workload.label, 'decode', fmtInt(d.ours.msgPerSec), fmtMB(d.ours.mbPerSec), fmtInt(d.hand.msgPerSec), fmtMB(d.hand.mbPerSec), d.ratio.toFixed(2)]);
    rows.push(['', 'encode', fmtInt(r.encode.ours.msgPerSec), fmtMB(r.encode.ours.mbPerSec), '—', '—', '—']);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  log(line(header));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) log(line(row));
  log('');
  log(`ratio = ours ÷ hand-written decode msg/s. MB/s counts frame bytes as on the wire (compressed).`);
  log(`target: ≥ 2,000,000 small server messages decoded/s; ratio ≥ ${TARGET_RATIO}`);
  if (smallDecodePerSec !== undefined) {
    log(`  small server decode: ${fmtInt(smallDecodePerSec)}/s — ${smallTargetMet ? 'MET' : 'NOT MET'}`);
  }
  for (const t of ratioTargets) {
    const label = results.find((r) => r.workload.key === t.workload)!.workload.label;
    log(`  ratio ${label.padEnd(22)} ${t.ratio.toFixed(2)} — ${t.met ? 'MET' : 'NOT MET'}`);
  }
  log(`(warm-up ${warmSeconds.toFixed(1)} s; checksum ${sink})`);
}
