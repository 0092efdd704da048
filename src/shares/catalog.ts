// The in-memory side of the shares: every shared folder and file, and the inverted search index
// (word → ascending file slots). The SQLite database is only its persistence; searches, browse and
// folder replies and upload lookups are answered from here.
//
// Memory: no JS object or string per file. Per file 9 bytes of typed-array columns (folder, next
// file of the folder, flags) plus its details (name, size, times, audio attributes: ~55 bytes at
// 1,000,000 files, file-details.ts), which a warm catalog, or one that stored its snapshot, reads
// from the snapshot file instead of holding; per (file, distinct word) a 4-byte posting (8 while a
// word's list is still short, as a plain array); frequent words (≥ 1 file in 32) also keep a bitmap
// of one bit per slot. Folder paths are stored once per folder. `snapshot()`/`fromSnapshot()` turn
// the whole catalog, word index included, into flat arrays and back, for warm starts (snapshot.ts);
// a warm catalog keeps the words flat too (frozen-words.ts: no object per word until one changes)
// and leaves their lists and the file details in the file.
//
// Search: the query's smallest set (a word's list, or the union of a wildcard's words) drives; every
// other word is probed by galloping in its list or by a bitmap lookup; when all words have bitmaps
// they are ANDed word-wise. Results come in slot order and stop at the cap. Slots are handed out in increasing order and never reused while the catalog
// lives, so appending keeps every posting list sorted; removed files leave a dead slot that searches
// skip, their lists are compacted by `compact()` and `rebuilt()` renumbers everything when many
// slots are dead.

import type { AudioInfo, SharedFile } from '../model/files.ts';
import { encodeAttributes } from '../model/files.ts';
import type { Folder, OfferedFile } from '../model/shares.ts';
import { extensionOf } from './metadata.ts';
import { MemoryPostings } from './frozen-postings.ts';
import { DETAIL_PARTS, type DetailsFile } from './details-file.ts';
import { FileDetails, grownSize, type DetailColumns, type Details } from './file-details.ts';
import { FrozenWords } from './frozen-words.ts';
import type { CatalogSnapshot } from './snapshot.ts';
import { parseQuery, reverseWord, wordsOf, type ParsedQuery } from './words.ts';

export type Visibility = 'everyone' | 'buddies' | 'nobody';
/** How buddies-only files are treated: returned normally (a buddy asks), as locked results, or not at all. */
export type LockedMode = 'hide' | 'locked' | 'open';

export interface SearchOptions {
  locked?: LockedMode;
  /** Files and locked files together; default 500. */
  maxResults?: number;
  /** The server's ExcludedSearchPhrases: files whose virtual path contains one (case-insensitively) are left out. */
  excludedPhrases?: readonly string[];
}

export interface SearchResult {
  files: OfferedFile[];
  lockedFiles: OfferedFile[];
}

export const DEFAULT_MAX_RESULTS = 500;

const ALIVE = 1;
const HAS_BITRATE = 2;
const VBR = 4;
const HAS_DURATION = 8;
const HAS_SAMPLE_RATE = 16;
const HAS_BIT_DEPTH = 32;
const HAS_VBR = 64;

/** Lists stay plain arrays up to this length, then move to a Uint32Array. */
const SMALL_LIST = 16;
/** A wildcard matching more words than this is checked against a candidate's words, not per list. */
const WILDCARD_LIST_CHECK = 8;
/** Reading one candidate's words costs about as much as putting this many postings in a bitmap. */
const UNION_POSTINGS_PER_WORD_CHECK = 256;
/** A word's list gets a bitmap once it holds this many ids… */
const DENSE_MIN = 2048;
/** …and at least one slot in this many. */
const DENSE_RATIO = 32;
/** New words wait in an unsorted list until this many, then are merged into the sorted vocabulary. */
const PENDING_WORDS = 1024;
/** Frozen words whose lists a snapshot reads at a time (from the snapshot file, for a warm catalog). */
const FROZEN_READ_WORDS = 4096;

class Postings {
  ids: number[] | Uint32Array = [];
  n = 0;
  /** For frequent words, also a bitmap over slots: O(1) membership, and word-wise AND of several. */
  bits: Uint32Array | undefined;
  readonly word: string;
  constructor(word: string) {
    this.word = word;
  }

  push(id: number, slots: number): void {
    const ids = this.ids;
    if (Array.isArray(ids)) {
      ids.push(id);
      this.n++;
      if (this.n > SMALL_LIST) {
        const typed = new Uint32Array(SMALL_LIST * 4);
        typed.set(ids);
        this.ids = typed;
      }
      return;
    }
    if (this.n === ids.length) {
      const grown = new Uint32Array(grownSize(ids.length));
      grown.set(ids);
      this.ids = grown;
    }
    this.ids[this.n++] = id;
    if (this.bits !== undefined) this.setBit(id);
    else if (this.n >= DENSE_MIN && this.n * DENSE_RATIO >= slots) this.makeBits(slots);
  }

  private setBit(id: number): void {
    const word = id >>> 5;
    let bits = this.bits!;
    if (word >= bits.length) {
      const grown = new Uint32Array(Math.max(word + 1, bits.length * 2));
      grown.set(bits);
      this.bits = bits = grown;
    }
    bits[word]! |= 1 << (id & 31);
  }

  makeBits(slots: number): void {
    this.bits = new Uint32Array((slots >>> 5) + 1);
    for (let i = 0; i < this.n; i++) this.setBit(this.ids[i]!);
  }

  /** Keeps the ids for which `keep` is true. */
  filter(keep: (id: number) => boolean): void {
    const ids = this.ids;
    let out = 0;
    for (let i = 0; i < this.n; i++) {
      const id = ids[i]!;
      if (keep(id)) ids[out++] = id;
    }
    this.n = out;
    if (Array.isArray(ids)) ids.length = out;
    else if (out <= SMALL_LIST) this.ids = Array.from(ids.subarray(0, out));
    else if (out * 4 < ids.length) this.ids = ids.slice(0, out * 2);
    if (this.bits !== undefined) {
      if (out < DENSE_MIN / 2) {
        this.bits = undefined;
      } else {
        this.bits.fill(0);
        for (let i = 0; i < out; i++) this.setBit(this.ids[i]!);
      }
    }
  }
}

/** Membership tests for ids asked in ascending order: a bitmap lookup, or galloping from the last position. */
class Probe {
  private cursor = 0;
  readonly list: Postings;
  constructor(list: Postings) {
    this.list = list;
  }
  has(id: number): boolean {
    const list = this.list;
    const bits = list.bits;
    if (bits !== undefined) {
      const word = id >>> 5;
      return word < bits.length && ((bits[word]! >>> (id & 31)) & 1) === 1;
    }
    const at = seek(list.ids, list.n, this.cursor, id);
    this.cursor = at;
    return at < list.n && list.ids[at] === id;
  }
}

/** Ascending walk over the ids set in every bitmap (word-wise AND). */
function bitmapWalk(maps: readonly Uint32Array[]): () => number {
  const words = Math.min(...maps.map((map) => map.length));
  let word = -1;
  let current = 0;
  return () => {
    while (current === 0) {
      if (++word >= words) return -1;
      let x = maps[0]![word]!;
      for (let i = 1; i < maps.length && x !== 0; i++) x &= maps[i]![word]!;
      current = x | 0;
    }
    const low = current & -current;
    current ^= low;
    return word * 32 + (31 - Math.clz32(low));
  };
}

/** First index ≥ from whose id is ≥ target (n if none): galloping, for ascending walks. */
function seek(ids: number[] | Uint32Array, n: number, from: number, target: number): number {
  if (from >= n || ids[from]! >= target) return from;
  let lo = from;
  let step = 1;
  let hi = from + 1;
  while (hi < n && ids[hi]! < target) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > n) hi = n;
  let l = lo + 1;
  while (l < hi) {
    const mid = (l + hi) >>> 1;
    if (ids[mid]! < target) l = mid + 1;
    else hi = mid;
  }
  return l;
}

/** Ascending, de-duplicated walk over the union of several sorted lists (a wildcard's words). */
class UnionWalk {
  private readonly heap: number[] = []; // list indexes, ordered by their current id
  private readonly pos: number[];
  private last = -1;
  private readonly lists: readonly Postings[];
  constructor(lists: readonly Postings[]) {
    this.lists = lists;
    this.pos = lists.map(() => 0);
    lists.forEach((list, index) => {
      if (list.n > 0) this.pushHeap(index);
    });
  }
  private head(index: number): number {
    return this.lists[index]!.ids[this.pos[index]!]!;
  }
  private pushHeap(index: number): void {
    const heap = this.heap;
    heap.push(index);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.head(heap[parent]!) <= this.head(heap[i]!)) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }
  private siftDown(): void {
    const heap = this.heap;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) return;
      const right = left + 1;
      let smallest = right < heap.length && this.head(heap[right]!) < this.head(heap[left]!) ? right : left;
      if (this.head(heap[i]!) <= this.head(heap[smallest]!)) return;
      [heap[smallest], heap[i]] = [heap[i]!, heap[smallest]!];
      i = smallest;
    }
  }
  /** The next id, or -1 at the end. */
  next(): number {
    while (this.heap.length > 0) {
      const index = this.heap[0]!;
      const id = this.head(index);
      const pos = ++this.pos[index]!;
      if (pos >= this.lists[index]!.n) {
        const lastIndex = this.heap.pop()!;
        if (this.heap.length > 0) this.heap[0] = lastIndex;
      }
      if (this.heap.length > 0) this.siftDown();
      if (id !== this.last) {
        this.last = id;
        return id;
      }
    }
    return -1;
  }
}

interface ShareEntry {
  name: string;
  visibility: Visibility;
  files: number;
  folders: number;
  /** Sum of the live files' sizes. */
  bytes: number;
}

function grow<T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(array: T, size: number): T {
  const Constructor = array.constructor as new (length: number) => T;
  const grown = new Constructor(size);
  grown.set(array);
  return grown;
}

/** A new file's details before setFile() gives them. */
const NO_DETAILS: Details = { size: 0, mtime: 0, bitrate: 0, duration: 0, sampleRate: 0, bitDepth: 0 };

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export class Catalog {
  private readonly shares: ShareEntry[] = [];

  // Folders (JS arrays: there are far fewer folders than files).
  private readonly folderPaths: string[] = [];
  private readonly folderShares: number[] = []; // -1 once removed
  private readonly folderRowIds: number[] = [];
  private readonly folderHeads: number[] = []; // first file slot, -1 if none
  private readonly folderGens: number[] = [];
  private readonly folderBySlot = new Map<string, number>();
  private folderVersion = 0;
  private lowerFolders: { version: number; map: Map<string, number[]> } | undefined;

  // Files: what searches and folders need per slot, in typed columns; the rest (name, size, times,
  // audio attributes) in `details`, which a warm catalog leaves in its snapshot file.
  private capacity = 1024;
  private used = 0;
  private live = 0;
  private details = new FileDetails();
  private fileFolders = new Uint32Array(this.capacity);
  private fileNext = new Int32Array(this.capacity);
  /**
   * Files the running scan has seen, one bit each, for scan generation `markGen` only (a scan
   * compares marks with its own generation alone, so one generation's worth is all there is to keep:
   * 125 KB at 1,000,000 files, where a generation per file was 4 MB). Only while a scan runs (see
   * releaseScanMarks).
   */
  private marks: Uint32Array | undefined;
  private markGen = 0;
  private flags = new Uint8Array(this.capacity);

  // Search index: the words of a warm start stay in `frozen` (flat arrays); `postings` holds the
  // words added since and the frozen ones changed since (an emptied one stays, so it hides its
  // frozen list), and the frozen ones with a bitmap once searched. `sortedReversed` and
  // `pendingReversed` list only the words that are not frozen.
  private frozen: FrozenWords | undefined;
  private readonly postings = new Map<string, Postings>();
  private sortedReversed: string[] = [];
  private pendingReversed: string[] = [];
  private readonly dirty = new Set<Postings>();
  private postingCount = 0;
  private wordCache: { folder: number; words: string[] } = { folder: -1, words: [] };
  /** Files whose path was split into words (a catalog loaded from a snapshot splits none). */
  private tokenized = 0;

  // ---- shares -------------------------------------------------------------------------------------

  addShare(name: string, visibility: Visibility): number {
    this.shares.push({ name, visibility, files: 0, folders: 0, bytes: 0 });
    return this.shares.length - 1;
  }

  shareCount(): number {
    return this.shares.length;
  }

  shareName(share: number): string {
    return this.shares[share]!.name;
  }

  visibility(share: number): Visibility {
    return this.shares[share]!.visibility;
  }

  setVisibility(share: number, visibility: Visibility): void {
    this.shares[share]!.visibility = visibility;
  }

  /** One share's live folders, files and bytes. */
  shareTotals(share: number): { folders: number; files: number; bytes: number } {
    const { folders, files, bytes } = this.shares[share]!;
    return { folders, files, bytes };
  }

  /** Folders and files of the shares with this visibility. */
  countsFor(visibility: Visibility): { folders: number; files: number } {
    let folders = 0;
    let files = 0;
    for (const share of this.shares) {
      if (share.visibility !== visibility) continue;
      folders += share.folders;
      files += share.files;
    }
    return { folders, files };
  }

  // ---- folders ------------------------------------------------------------------------------------

  /** Adds a folder by its virtual path (`share\\a\\b`); returns its slot. */
  addFolder(share: number, virtualPath: string, rowId = 0): number {
    const existing = this.folderBySlot.get(virtualPath);
    if (existing !== undefined) return existing;
    const slot = this.folderPaths.length;
    this.folderPaths.push(virtualPath);
    this.folderShares.push(share);
    this.folderRowIds.push(rowId);
    this.folderHeads.push(-1);
    this.folderGens.push(0);
    this.folderBySlot.set(virtualPath, slot);
    this.shares[share]!.folders++;
    this.folderVersion++;
    return slot;
  }

  folderSlot(virtualPath: string): number | undefined {
    return this.folderBySlot.get(virtualPath);
  }

  folderPath(folder: number): string {
    return this.folderPaths[folder]!;
  }

  folderShare(folder: number): number {
    return this.folderShares[folder]!;
  }

  folderRowId(folder: number): number {
    return this.folderRowIds[folder]!;
  }

  folderGen(folder: number): number {
    return this.folderGens[folder]!;
  }

  setFolderGen(folder: number, gen: number): void {
    this.folderGens[folder] = gen;
  }

  /** Live folder slots, in slot order. */
  *folders(): Generator<number> {
    for (let slot = 0; slot < this.folderPaths.length; slot++) if (this.folderShares[slot]! >= 0) yield slot;
  }

  /** Removes a folder and its files; returns how many files went. */
  removeFolder(folder: number): number {
    const share = this.folderShares[folder]!;
    if (share < 0) return 0;
    let removed = 0;
    for (let file = this.folderHeads[folder]!; file !== -1; file = this.fileNext[file]!) {
      this.dropFile(file);
      removed++;
    }
    this.folderHeads[folder] = -1;
    this.folderBySlot.delete(this.folderPaths[folder]!);
    this.folderPaths[folder] = '';
    this.folderShares[folder] = -1;
    this.shares[share]!.folders--;
    this.folderVersion++;
    if (this.wordCache.folder === folder) this.wordCache = { folder: -1, words: [] };
    return removed;
  }

  /** File slots of a folder (most recently added first). */
  *filesOf(folder: number): Generator<number> {
    for (let file = this.folderHeads[folder] ?? -1; file !== -1; file = this.fileNext[file]!) yield file;
  }

  // ---- files --------------------------------------------------------------------------------------

  fileCount(): number {
    return this.live;
  }

  deadSlots(): number {
    return this.used - this.live;
  }

  private ensureCapacity(): void {
    if (this.used < this.capacity) return;
    const size = grownSize(this.capacity);
    this.fileFolders = grow(this.fileFolders, size);
    this.fileNext = grow(this.fileNext, size);
    if (this.marks !== undefined) this.marks = grow(this.marks, (size >>> 5) + 1);
    this.flags = grow(this.flags, size);
    this.capacity = size;
  }

  private folderWords(folder: number): string[] {
    if (this.wordCache.folder !== folder) this.wordCache = { folder, words: wordsOf(this.folderPaths[folder]!) };
    return this.wordCache.words;
  }

  /**
   * Adds a file to a folder; returns its slot. `mtime` is the persistence layer's. (Its row is
   * found by folder row id and name, so no row id is kept per file.)
   */
  addFile(folder: number, name: string, size: number, mtime: number, info: AudioInfo): number {
    this.ensureCapacity();
    const slot = this.used++;
    if (this.details.add(name, NO_DETAILS) !== slot) throw new Error('file details out of step with the catalog');
    this.fileFolders[slot] = folder;
    this.fileNext[slot] = this.folderHeads[folder]!;
    this.folderHeads[folder] = slot;
    this.flags[slot] = ALIVE;
    this.setFile(slot, size, mtime, info);
    this.live++;
    this.shares[this.folderShares[folder]!]!.files++;

    const folderWords = this.folderWords(folder);
    const nameWords = wordsOf(name);
    this.tokenized++;
    for (let i = 0; i < folderWords.length; i++) {
      const word = folderWords[i]!;
      if (folderWords.indexOf(word) === i) this.post(word, slot);
    }
    for (let i = 0; i < nameWords.length; i++) {
      const word = nameWords[i]!;
      if (nameWords.indexOf(word) === i && !folderWords.includes(word)) this.post(word, slot);
    }
    return slot;
  }

  /** The word's list, to change: a frozen word's list becomes an object of its own (copied on its first push). */
  private listToChange(word: string): Postings | undefined {
    const list = this.postings.get(word);
    if (list !== undefined || this.frozen === undefined) return list;
    const index = this.frozen.indexOf(word);
    return index < 0 ? undefined : this.thaw(word, index);
  }

  private thaw(word: string, index: number): Postings {
    const list = new Postings(word);
    list.ids = this.frozen!.list(index);
    list.n = list.ids.length;
    if (list.n >= DENSE_MIN && list.n * DENSE_RATIO >= this.used) list.makeBits(this.used);
    this.postings.set(word, list);
    return list;
  }

  /**
   * The word's list, to read: a frozen word gets an object only when it is frequent (its bitmap is
   * worth keeping); otherwise a throwaway one over the shared array.
   */
  private listToRead(word: string): Postings | undefined {
    const list = this.postings.get(word);
    if (list !== undefined || this.frozen === undefined) return list;
    const index = this.frozen.indexOf(word);
    return index < 0 ? undefined : this.frozenList(word, index);
  }

  /** During a search only (its list is borrowed, unless kept with a bitmap); `ids`: the list when the caller has it already. */
  private frozenList(word: string, index: number, ids?: Uint32Array): Postings {
    const n = this.frozen!.count(index);
    if (n >= DENSE_MIN && n * DENSE_RATIO >= this.used) return this.thaw(word, index);
    const list = new Postings(word);
    list.ids = ids ?? this.frozen!.borrow(index);
    list.n = n;
    return list;
  }

  private post(word: string, slot: number): void {
    let list = this.listToChange(word);
    if (list === undefined) {
      list = new Postings(word);
      this.postings.set(word, list);
      this.pendingReversed.push(reverseWord(word));
    }
    list.push(slot, this.used);
    this.postingCount++;
  }

  /** New size, mtime and audio attributes for a file (a rescan found it changed). */
  setFile(slot: number, size: number, mtime: number, info: AudioInfo): void {
    if ((this.flags[slot]! & ALIVE) !== 0) this.shares[this.folderShares[this.fileFolders[slot]!]!]!.bytes += size - this.details.size(slot);
    this.details.set(slot, { size, mtime, bitrate: info.bitrate ?? 0, duration: info.duration ?? 0, sampleRate: info.sampleRate ?? 0, bitDepth: info.bitDepth ?? 0 });
    let flags = this.flags[slot]! & ALIVE;
    if (info.bitrate !== undefined) flags |= HAS_BITRATE;
    if (info.duration !== undefined) flags |= HAS_DURATION;
    if (info.sampleRate !== undefined) flags |= HAS_SAMPLE_RATE;
    if (info.bitDepth !== undefined) flags |= HAS_BIT_DEPTH;
    if (info.vbr !== undefined) flags |= HAS_VBR | (info.vbr ? VBR : 0);
    this.flags[slot] = flags;
  }

  removeFile(slot: number): void {
    if ((this.flags[slot]! & ALIVE) === 0) return;
    const folder = this.fileFolders[slot]!;
    let previous = -1;
    for (let file = this.folderHeads[folder]!; file !== -1; previous = file, file = this.fileNext[file]!) {
      if (file !== slot) continue;
      if (previous === -1) this.folderHeads[folder] = this.fileNext[file]!;
      else this.fileNext[previous] = this.fileNext[file]!;
      break;
    }
    this.dropFile(slot);
  }

  /** Marks a file dead and its words' lists dirty (it stays linked in its folder: callers unlink). */
  private dropFile(slot: number): void {
    if ((this.flags[slot]! & ALIVE) === 0) return;
    const folder = this.fileFolders[slot]!;
    for (const word of new Set([...this.folderWords(folder), ...wordsOf(this.fileName(slot))])) {
      const list = this.listToChange(word);
      if (list !== undefined) this.dirty.add(list);
    }
    this.flags[slot] = 0;
    this.live--;
    const share = this.shares[this.folderShares[folder]!]!;
    share.files--;
    share.bytes -= this.details.size(slot);
  }

  isAlive(slot: number): boolean {
    return (this.flags[slot]! & ALIVE) !== 0;
  }

  fileName(slot: number): string {
    return this.details.name(slot);
  }

  fileFolder(slot: number): number {
    return this.fileFolders[slot]!;
  }

  fileSize(slot: number): number {
    return this.details.size(slot);
  }

  fileMtime(slot: number): number {
    return this.details.mtime(slot);
  }

  /** The generation of the scan that last saw the file, if it is the latest one to mark any; else 0. */
  fileGen(slot: number): number {
    const marks = this.marks;
    return marks !== undefined && ((marks[slot >>> 5]! >>> (slot & 31)) & 1) !== 0 ? this.markGen : 0;
  }

  /**
   * Forgets the files' scan marks (a scan compares them only with its own, so between scans
   * they are kept for nothing; the next scan starts from none).
   */
  releaseScanMarks(): void {
    this.marks = undefined;
  }

  /** Marks the file seen by scan `gen` (a new generation forgets the marks of the one before). */
  setFileGen(slot: number, gen: number): void {
    if (this.marks === undefined || gen !== this.markGen) {
      this.marks = new Uint32Array((this.capacity >>> 5) + 1);
      this.markGen = gen;
    }
    this.marks[slot >>> 5]! |= 1 << (slot & 31);
  }

  virtualPath(slot: number): string {
    return `${this.folderPaths[this.fileFolders[slot]!]!}\\${this.fileName(slot)}`;
  }

  audioInfo(slot: number): AudioInfo {
    const flags = this.flags[slot]!;
    const info: AudioInfo = {};
    if (flags & HAS_BITRATE) info.bitrate = this.details.bitrate(slot);
    if (flags & HAS_DURATION) info.duration = this.details.duration(slot);
    if (flags & HAS_VBR) info.vbr = (flags & VBR) !== 0;
    if (flags & HAS_SAMPLE_RATE) info.sampleRate = this.details.sampleRate(slot);
    if (flags & HAS_BIT_DEPTH) info.bitDepth = this.details.bitDepth(slot);
    return info;
  }

  /** Drops dead slots from the posting lists that hold any, and sorts new words in for wildcards. */
  compact(): void {
    this.mergePendingWords();
    const flags = this.flags;
    for (const list of this.dirty) {
      const before = list.n;
      list.filter((id) => (flags[id]! & ALIVE) !== 0);
      this.postingCount -= before - list.n;
      // An emptied frozen word keeps its (empty) object: it hides the frozen list.
      if (list.n === 0 && (this.frozen === undefined || this.frozen.indexOf(list.word) < 0)) this.postings.delete(list.word);
    }
    this.dirty.clear();
    // Forget reversed words whose list is gone (they would only cost lookups).
    if (this.sortedReversed.length > 0 && this.postings.size < this.sortedReversed.length / 2) {
      this.sortedReversed = this.sortedReversed.filter((reversed) => this.postings.has(reverseWord(reversed)));
    }
  }

  /** Closes the snapshot file a warm catalog reads its word lists from; searches after this throw. */
  close(): void {
    this.frozen?.close();
    this.details.close();
  }

  /**
   * Reads the file details from `file` from now on (a snapshot of exactly these slots, just
   * written), instead of memory; false (and `file` closed) when it does not hold these slots.
   */
  adoptDetails(file: DetailsFile): boolean {
    if (this.live === this.used && this.details.adopt(file)) return true;
    file.close();
    return false;
  }

  /** A copy with only the live folders and files, renumbered densely (same order). */
  rebuilt(): Catalog {
    const next = new Catalog();
    for (const share of this.shares) next.addShare(share.name, share.visibility);
    const folderMap = new Map<number, number>();
    for (const folder of this.folders()) {
      const copy = next.addFolder(this.folderShares[folder]!, this.folderPaths[folder]!, this.folderRowIds[folder]!);
      next.folderGens[copy] = this.folderGens[folder]!;
      folderMap.set(folder, copy);
    }
    for (let slot = 0; slot < this.used; slot++) {
      if (!this.isAlive(slot)) continue;
      const copy = next.addFile(folderMap.get(this.fileFolders[slot]!)!, this.fileName(slot), this.details.size(slot), this.details.mtime(slot), this.audioInfo(slot));
      const gen = this.fileGen(slot);
      if (gen !== 0) next.setFileGen(copy, gen);
    }
    return next;
  }

  /**
   * The live folders and files, renumbered densely (same order), with the word index: what a warm
   * start loads instead of the rows. `shareDbIds[i]` is the database id of share i. Its arrays may
   * be views of the catalog's own: store it before the catalog changes.
   */
  snapshot(shareDbIds: readonly number[]): CatalogSnapshot {
    this.compact();
    const liveFolders = [...this.folders()];
    const folderMap = new Int32Array(this.folderPaths.length).fill(-1);
    liveFolders.forEach((folder, index) => (folderMap[folder] = index));
    const fileMap = new Int32Array(this.used).fill(-1);
    for (let slot = 0, next = 0; slot < this.used; slot++) if (this.isAlive(slot)) fileMap[slot] = next++;
    const files = this.live;
    // Nothing removed since the last renumbering (the usual case): the columns are written as they
    // are, through views, instead of copied (a copy of them all would be ~100 MB at 1,000,000 files).
    const dense = files === this.used && liveFolders.length === this.folderPaths.length;
    const column = <T extends Uint8Array | Uint32Array | Float64Array>(array: T, Type: new (length: number) => T): T =>
      (dense ? array.subarray(0, files) : new Type(files)) as T;
    const out: CatalogSnapshot = {
      folderShares: Float64Array.from(liveFolders, (folder) => shareDbIds[this.folderShares[folder]!]!),
      folderPaths: liveFolders.map((folder) => this.folderPaths[folder]!).join('\n'),
      folderRowIds: Float64Array.from(liveFolders, (folder) => this.folderRowIds[folder]!),
      fileFolders: column(this.fileFolders, Uint32Array),
      flags: column(this.flags, Uint8Array),
      ...((files === this.used ? this.details.views(files) : undefined) ?? this.detailsCopy(fileMap, files)),
      words: '',
      wordCounts: new Uint32Array(0),
      postings: new Uint32Array(this.postingCount),
    };
    for (let slot = 0; slot < this.used && !dense; slot++) {
      const to = fileMap[slot]!;
      if (to < 0) continue;
      out.fileFolders[to] = folderMap[this.fileFolders[slot]!]!;
      out.flags[to] = this.flags[slot]!;
    }
    const words: string[] = [];
    const counts: number[] = [];
    let at = 0;
    const write = (word: string, ids: ArrayLike<number>, n: number): void => {
      const start = at;
      for (let i = 0; i < n; i++) {
        const to = fileMap[ids[i]!]!;
        if (to >= 0) out.postings[at++] = to;
      }
      if (at === start) return;
      words.push(word);
      counts.push(at - start);
    };
    // The frozen words and the others, both in ascending order of their reversal, merged.
    const frozen = this.frozen;
    const frozenCount = frozen?.size ?? 0;
    let f = 0;
    let frozenReversed = frozenCount > 0 ? reverseWord(frozen!.word(0)) : undefined;
    // Frozen lists are read a chunk of words at a time (they may be in the snapshot file).
    const block = { from: 0, to: 0, lists: [] as Uint32Array[] };
    const frozenList = (index: number): Uint32Array => {
      if (index >= block.to) {
        block.from = index;
        block.to = Math.min(frozenCount, index + FROZEN_READ_WORDS);
        block.lists = [];
        frozen!.forEachList(block.from, block.to, (list) => void block.lists.push(list.slice()));
      }
      return block.lists[index - block.from]!;
    };
    const writeFrozen = (): void => {
      const word = frozen!.word(f);
      const changed = this.postings.get(word);
      if (changed !== undefined) write(word, changed.ids, changed.n);
      else write(word, frozenList(f), frozen!.count(f));
      f++;
      frozenReversed = f < frozenCount ? reverseWord(frozen!.word(f)) : undefined;
    };
    let previous: string | undefined;
    for (const reversed of this.sortedReversed) {
      if (reversed === previous) continue;
      previous = reversed;
      while (frozenReversed !== undefined && frozenReversed < reversed) writeFrozen();
      const word = reverseWord(reversed);
      const list = this.postings.get(word);
      if (list !== undefined) write(word, list.ids, list.n);
    }
    while (frozenReversed !== undefined) writeFrozen();
    out.words = words.join('\n');
    out.wordCounts = Uint32Array.from(counts);
    out.postings = out.postings.subarray(0, at);
    return out;
  }

  /** The live files' details, renumbered by `fileMap` (-1: left out), copied into arrays of their own. */
  private detailsCopy(fileMap: Int32Array, files: number): DetailColumns {
    const details = this.details;
    let nameBytes = 0;
    for (let slot = 0; slot < this.used; slot++) if (fileMap[slot]! >= 0) nameBytes += details.nameLength(slot);
    const out: DetailColumns = {
      names: new Uint8Array(nameBytes),
      nameStarts: new Uint32Array(files),
      sizes: new Float64Array(files),
      mtimes: new Float64Array(files),
      bitrates: new Uint32Array(files),
      durations: new Uint32Array(files),
      sampleRates: new Uint32Array(files),
      bitDepths: new Uint8Array(files),
    };
    let nameAt = 0;
    for (let slot = 0; slot < this.used; slot++) {
      const to = fileMap[slot]!;
      if (to < 0) continue;
      out.sizes[to] = details.size(slot);
      out.mtimes[to] = details.mtime(slot);
      out.bitrates[to] = details.bitrate(slot);
      out.durations[to] = details.duration(slot);
      out.sampleRates[to] = details.sampleRate(slot);
      out.bitDepths[to] = details.bitDepth(slot);
      out.nameStarts[to] = nameAt;
      nameAt += details.copyName(slot, out.names, nameAt);
    }
    return out;
  }

  /**
   * A catalog from a snapshot, for shares given in catalog order with their database ids; undefined
   * when the snapshot does not fit them or is inconsistent (the caller then loads the rows).
   */
  static fromSnapshot(snapshot: CatalogSnapshot, shares: readonly { name: string; visibility: Visibility; dbId: number }[]): Catalog | undefined {
    let catalog: Catalog | undefined;
    try {
      catalog = Catalog.#fromSnapshot(snapshot, shares);
    } catch {
      // The file ended early under us (details-file.ts): as unusable as a malformed snapshot.
      catalog = undefined;
    }
    // The catalog owns the files it was given; those it could not be made from are closed here.
    if (catalog === undefined) {
      snapshot.postingsFile?.close();
      snapshot.detailsFile?.close();
    }
    return catalog;
  }

  static #fromSnapshot(snapshot: CatalogSnapshot, shares: readonly { name: string; visibility: Visibility; dbId: number }[]): Catalog | undefined {
    const catalog = new Catalog();
    const shareIndex = new Map<number, number>();
    for (const share of shares) shareIndex.set(share.dbId, catalog.addShare(share.name, share.visibility));
    const paths = snapshot.folderPaths === '' ? [] : snapshot.folderPaths.split('\n');
    if (paths.length !== snapshot.folderShares.length || paths.length !== snapshot.folderRowIds.length) return undefined;
    for (const [index, path] of paths.entries()) {
      const share = shareIndex.get(snapshot.folderShares[index]!);
      if (share === undefined) return undefined;
      const name = shares[share]!.name;
      if (path !== name && !path.startsWith(`${name}\\`)) return undefined;
      if (catalog.addFolder(share, path, snapshot.folderRowIds[index]!) !== index) return undefined;
    }
    const files = snapshot.fileFolders.length;
    if (snapshot.flags.length !== files) return undefined;
    const file = snapshot.detailsFile;
    if (file === undefined ? DETAIL_PARTS.some((part) => part !== 'names' && snapshot[part].length !== files) : file.files !== files) return undefined;
    const capacity = Math.max(1024, files);
    const fit = <T extends Uint8Array | Uint32Array | Int32Array | Float64Array>(array: T): T => (array.length === capacity ? array : grow(array, capacity));
    catalog.capacity = capacity;
    catalog.used = files;
    catalog.live = files;
    catalog.fileFolders = fit(snapshot.fileFolders);
    catalog.flags = fit(snapshot.flags);
    catalog.fileNext = new Int32Array(capacity);
    const details = file === undefined ? FileDetails.fromColumns(snapshot) : FileDetails.fromFile(file);
    catalog.details = details;
    const namesEnd = details.nameBytes().used;
    let previousStart = 0;
    for (let slot = 0; slot < files; slot++) {
      const folder = catalog.fileFolders[slot]!;
      const start = details.nameStart(slot);
      if (folder >= paths.length || (catalog.flags[slot]! & ALIVE) === 0 || start < previousStart || start > namesEnd) return undefined;
      previousStart = start;
      catalog.fileNext[slot] = catalog.folderHeads[folder]!;
      catalog.folderHeads[folder] = slot;
      const share = catalog.shares[catalog.folderShares[folder]!]!;
      share.files++;
      share.bytes += details.size(slot);
    }
    const frozen = FrozenWords.from(snapshot.words, snapshot.wordCounts, snapshot.postingsFile ?? new MemoryPostings(snapshot.postings), files);
    if (frozen === undefined) return undefined;
    catalog.frozen = frozen;
    catalog.postingCount = frozen.postingCount;
    return catalog;
  }

  stats(): {
    files: number;
    deadSlots: number;
    folders: number;
    words: number;
    postings: number;
    bitmaps: number;
    /** Words with a list object of their own (a warm start makes none until a word is changed or searched for with a bitmap). */
    listObjects: number;
    tokenizedFiles: number;
    nameBytes: number;
    capacity: number;
    /** Bytes the names held in memory have room for (files whose details are in the snapshot file hold none). */
    nameCapacity: number;
    /** Files whose details (name, size, times, audio attributes) are read from the snapshot file, not memory. */
    detailsInFile: number;
  } {
    let bitmaps = 0;
    let words = 0;
    for (const list of this.postings.values()) {
      if (list.bits !== undefined) bitmaps++;
      if (list.n > 0 && (this.frozen === undefined || this.frozen.indexOf(list.word) < 0)) words++;
    }
    const frozen = this.frozen;
    for (let i = 0; frozen !== undefined && i < frozen.size; i++) {
      const word = frozen.word(i);
      const changed = this.postings.get(word);
      if (changed === undefined) {
        words++;
        const n = frozen.count(i);
        if (n >= DENSE_MIN && n * DENSE_RATIO >= this.used) bitmaps++;
      } else if (changed.n > 0) words++;
    }
    return {
      files: this.live,
      deadSlots: this.used - this.live,
      folders: this.folderBySlot.size,
      words,
      postings: this.postingCount,
      bitmaps,
      listObjects: this.postings.size,
      tokenizedFiles: this.tokenized,
      nameBytes: this.details.nameBytes().used,
      capacity: this.capacity,
      nameCapacity: this.details.nameBytes().capacity,
      detailsInFile: this.details.inFile,
    };
  }

  // ---- lookups ------------------------------------------------------------------------------------

  /** The slot of the file at exactly this virtual path. */
  findFile(virtualPath: string): number | undefined {
    const cut = virtualPath.lastIndexOf('\\');
    if (cut <= 0) return undefined;
    const folder = this.folderBySlot.get(virtualPath.slice(0, cut));
    if (folder === undefined) return undefined;
    const name = virtualPath.slice(cut + 1);
    for (const file of this.filesOf(folder)) if (this.fileName(file) === name) return file;
    return undefined;
  }

  /**
   * Case-insensitive lookup (String#toLowerCase on both sides, no Unicode normalisation): the slot
   * only when exactly one indexed file matches; undefined when none or several do.
   */
  findFileIgnoringCase(virtualPath: string): number | undefined {
    const cut = virtualPath.lastIndexOf('\\');
    if (cut <= 0) return undefined;
    if (this.lowerFolders?.version !== this.folderVersion) {
      const map = new Map<string, number[]>();
      for (const folder of this.folders()) {
        const key = this.folderPaths[folder]!.toLowerCase();
        const slots = map.get(key);
        if (slots === undefined) map.set(key, [folder]);
        else slots.push(folder);
      }
      this.lowerFolders = { version: this.folderVersion, map };
    }
    const folders = this.lowerFolders.map.get(virtualPath.slice(0, cut).toLowerCase()) ?? [];
    const name = virtualPath.slice(cut + 1).toLowerCase();
    let found: number | undefined;
    for (const folder of folders) {
      for (const file of this.filesOf(folder)) {
        if (this.fileName(file).toLowerCase() !== name) continue;
        if (found !== undefined) return undefined;
        found = file;
      }
    }
    return found;
  }

  // ---- replies ------------------------------------------------------------------------------------

  sharedFile(slot: number, locked: boolean): SharedFile {
    const info = this.audioInfo(slot);
    const name = this.fileName(slot);
    return { filename: name, size: BigInt(this.details.size(slot)), extension: extensionOf(name), locked, attributes: encodeAttributes(info), ...info };
  }

  offeredFile(slot: number): OfferedFile {
    const name = this.fileName(slot);
    return {
      filename: `${this.folderPaths[this.fileFolders[slot]!]!}\\${name}`,
      size: BigInt(this.details.size(slot)),
      extension: extensionOf(name),
      ...this.audioInfo(slot),
    };
  }

  /** A folder as browse and folder replies carry it: its virtual path, its files by name. */
  folderListing(folder: number, locked: boolean): Folder {
    const files = [...this.filesOf(folder)].map((slot) => ({ slot, name: this.fileName(slot) })).sort((a, b) => compareStrings(a.name, b.name));
    return { name: this.folderPaths[folder]!, files: files.map(({ slot }) => this.sharedFile(slot, locked)) };
  }

  /** Live folders of the shares `include` accepts, sorted by virtual path. */
  sortedFolders(include: (share: number) => boolean): number[] {
    const out: number[] = [];
    for (const folder of this.folders()) if (include(this.folderShares[folder]!)) out.push(folder);
    return out.sort((a, b) => compareStrings(this.folderPaths[a]!, this.folderPaths[b]!));
  }

  // ---- search -------------------------------------------------------------------------------------

  private mergePendingWords(): void {
    if (this.pendingReversed.length === 0) return;
    const pending = this.pendingReversed.sort(compareStrings);
    const sorted = this.sortedReversed;
    const merged: string[] = new Array<string>(sorted.length + pending.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < sorted.length && j < pending.length) merged[k++] = sorted[i]! <= pending[j]! ? sorted[i++]! : pending[j++]!;
    while (i < sorted.length) merged[k++] = sorted[i++]!;
    while (j < pending.length) merged[k++] = pending[j++]!;
    this.sortedReversed = merged;
    this.pendingReversed = [];
  }

  /** The lists of every word ending with `suffix`. */
  private suffixLists(suffix: string): Postings[] {
    if (this.pendingReversed.length > PENDING_WORDS) this.mergePendingWords();
    const prefix = reverseWord(suffix);
    const found = new Set<Postings>();
    const take = (reversed: string) => {
      const list = this.postings.get(reverseWord(reversed));
      if (list !== undefined && list.n > 0) found.add(list);
    };
    const sorted = this.sortedReversed;
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < sorted.length && sorted[i]!.startsWith(prefix); i++) take(sorted[i]!);
    for (const reversed of this.pendingReversed) if (reversed.startsWith(prefix)) take(reversed);
    const frozen = this.frozen;
    if (frozen !== undefined) {
      const [from, to] = frozen.suffixRange(suffix);
      // The words ending so are neighbours: their lists are read together, not one read each.
      const lists = to > from ? frozen.borrowRange(from, to) : undefined;
      for (let i = from; i < to; i++) {
        const word = frozen.word(i);
        const list = this.postings.get(word) ?? this.frozenList(word, i, lists!(i));
        if (list.n > 0) found.add(list);
      }
    }
    return [...found];
  }

  /** A probe over the union of several lists, through a bitmap built for the occasion. */
  private unionProbe(word: string, lists: readonly Postings[]): Probe {
    const union = new Postings(word);
    const bits = new Uint32Array((this.used >>> 5) + 1);
    for (const list of lists) {
      const ids = list.ids;
      for (let i = 0; i < list.n; i++) {
        const id = ids[i]!;
        bits[id >>> 5]! |= 1 << (id & 31);
      }
    }
    union.bits = bits;
    return new Probe(union);
  }

  /** Soulseek search over the index (see words.ts for how queries are read). */
  search(query: string | ParsedQuery, options: SearchOptions = {}): SearchResult {
    const result: SearchResult = { files: [], lockedFiles: [] };
    // The previous search's lists read from the snapshot file are done with: their room is reused.
    this.frozen?.returnBorrowed();
    const parsed = typeof query === 'string' ? parseQuery(query) : query;
    const maxResults = Math.floor(options.maxResults ?? DEFAULT_MAX_RESULTS);
    if (!(maxResults >= 1) || (parsed.include.length === 0 && parsed.suffixes.length === 0)) return result;

    // Per share: 0 leave out, 1 normal result, 2 locked result.
    const locked = options.locked ?? 'hide';
    const modes = this.shares.map(({ visibility }) =>
      visibility === 'everyone' ? 1 : visibility === 'buddies' ? (locked === 'open' ? 1 : locked === 'locked' ? 2 : 0) : 0,
    );
    if (!modes.some((mode) => mode !== 0)) return result;

    const plain: Postings[] = [];
    for (const word of parsed.include) {
      const list = this.listToRead(word);
      if (list === undefined || list.n === 0) return result;
      plain.push(list);
    }
    const wildcards: { suffix: string; lists: Postings[]; total: number }[] = [];
    for (const suffix of parsed.suffixes) {
      const lists = this.suffixLists(suffix);
      const total = lists.reduce((sum, list) => sum + list.n, 0);
      if (total === 0) return result;
      wildcards.push({ suffix, lists, total });
    }
    const excluded: Postings[] = [];
    for (const word of parsed.exclude) {
      const list = this.listToRead(word);
      if (list !== undefined && list.n > 0) excluded.push(list);
    }
    const phrases = (options.excludedPhrases ?? []).map((phrase) => phrase.toLowerCase()).filter((phrase) => phrase.length > 0);

    // The smallest set drives; the others are probed. When every plain word is frequent enough to
    // have a bitmap, the bitmaps are ANDed word-wise instead.
    plain.sort((a, b) => a.n - b.n);
    wildcards.sort((a, b) => a.total - b.total);
    const driveWithWildcard = wildcards.length > 0 && (plain.length === 0 || wildcards[0]!.total < plain[0]!.n);
    let nextCandidate: () => number;
    if (driveWithWildcard) {
      const walk = new UnionWalk(wildcards.shift()!.lists);
      nextCandidate = () => walk.next();
    } else if (plain.length > 1 && plain.every((list) => list.bits !== undefined)) {
      nextCandidate = bitmapWalk(plain.map((list) => list.bits!));
      plain.length = 0;
    } else {
      const driver = plain.shift()!;
      let index = 0;
      nextCandidate = () => (index < driver.n ? driver.ids[index++]! : -1);
    }
    const plainProbes = plain.map((list) => new Probe(list));
    const excludedProbes = excluded.map((list) => new Probe(list));
    // A wildcard matching few words is probed word by word. One matching many is checked against
    // the words of each candidate's path, until that has cost about as much as a bitmap of the union
    // of its lists would: then that bitmap is built and probed (early hits stay cheap, long scans too).
    const wildcardProbes = wildcards.map(({ suffix, lists, total }) => ({
      suffix,
      lists,
      budget: Math.ceil(total / UNION_POSTINGS_PER_WORD_CHECK),
      probes: lists.length <= WILDCARD_LIST_CHECK ? lists.map((list) => new Probe(list)) : undefined,
      // Candidates come folder by folder: the folder's words are checked once per folder.
      folder: -1,
      folderMatches: false,
    }));

    const flags = this.flags;
    const fileFolders = this.fileFolders;
    const folderShares = this.folderShares;
    let count = 0;
    // Posting lists and bitmaps first (sequential, cache-friendly), the per-file columns only for
    // the candidates that survive them.
    candidates: for (let id = nextCandidate(); id !== -1; id = nextCandidate()) {
      for (let i = 0; i < plainProbes.length; i++) if (!plainProbes[i]!.has(id)) continue candidates;
      for (let i = 0; i < excludedProbes.length; i++) if (excludedProbes[i]!.has(id)) continue candidates;
      if ((flags[id]! & ALIVE) === 0) continue;
      const mode = modes[folderShares[fileFolders[id]!]!]!;
      if (mode === 0) continue;
      let nameWords: string[] | undefined;
      for (const wildcard of wildcardProbes) {
        let found = false;
        if (wildcard.probes === undefined && --wildcard.budget < 0) wildcard.probes = [this.unionProbe(wildcard.suffix, wildcard.lists)];
        if (wildcard.probes !== undefined) {
          for (let i = 0; i < wildcard.probes.length && !found; i++) found = wildcard.probes[i]!.has(id);
        } else {
          const folder = fileFolders[id]!;
          if (wildcard.folder !== folder) {
            wildcard.folder = folder;
            wildcard.folderMatches = wordsOf(this.folderPaths[folder]!).some((word) => word.endsWith(wildcard.suffix));
          }
          found = wildcard.folderMatches || (nameWords ??= wordsOf(this.fileName(id))).some((word) => word.endsWith(wildcard.suffix));
        }
        if (!found) continue candidates;
      }
      if (phrases.length > 0) {
        const path = this.virtualPath(id).toLowerCase();
        if (phrases.some((phrase) => path.includes(phrase))) continue;
      }
      (mode === 1 ? result.files : result.lockedFiles).push(this.offeredFile(id));
      if (++count >= maxResults) break;
    }
    return result;
  }
}
