// The word index as a warm start reads it (snapshot.ts), kept flat: one string of words, their
// posting lists back to back in one Uint32Array, and an open-addressing hash table of word indexes.
// A library of 1,000,000 files has ~500,000 distinct words; a JS object, a typed-array view, a Map
// entry and two strings for each (what the catalog keeps for a word it changes) were ~4 s and
// ~150 MB of a warm start. The catalog asks this for a word's list and makes an object only for a
// word it searches often (one with a bitmap) or changes.

import { forEachList, type PostingsSource } from './frozen-postings.ts';
import { reverseWord } from './words.ts';

/** Bounds of the search scratch, in postings (4 bytes each): 4 MB at most is kept between searches. */
const SCRATCH_MIN = 1 << 14;
const SCRATCH_MAX = 1 << 20;

export class FrozenWords {
  /** The words, '\n'-joined, in ascending order of their reversal (the order wildcard lookups need). */
  readonly #text: string;
  /** Word i spans #text[#starts[i] .. #starts[i + 1] - 1) (the newline excluded). */
  readonly #starts: Uint32Array;
  /** Word i's files are postings[#lists[i] .. #lists[i + 1]), ascending. */
  readonly #lists: Uint32Array;
  /** In memory, or left in the snapshot file (frozen-postings.ts). */
  readonly #postings: PostingsSource;
  /**
   * Where a search's lists are read to, when they are in the file: reused from one search to the
   * next (a fresh array per list read made garbage that, over 3,000 searches of a 1,000,000-file
   * index, left RSS ~40 MB above keeping every list in memory, and doubled p99 with the GCs).
   */
  #scratch = new Uint32Array(0);
  #scratchUsed = 0;
  /** Word index + 1 at the slot its hash leads to (linear probing); 0 is empty. */
  readonly #table: Int32Array;

  private constructor(text: string, starts: Uint32Array, lists: Uint32Array, postings: PostingsSource, table: Int32Array) {
    this.#text = text;
    this.#starts = starts;
    this.#lists = lists;
    this.#postings = postings;
    this.#table = table;
  }

  /**
   * From a snapshot's words, counts and postings; undefined when they are inconsistent: counts that
   * do not match, an empty or unsorted list, a file id ≥ `files`, a word twice.
   */
  static from(text: string, counts: Uint32Array, postings: PostingsSource, files: number): FrozenWords | undefined {
    const n = counts.length;
    if ((text === '') !== (n === 0)) return undefined;
    const starts = new Uint32Array(n + 1);
    let word = 0;
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) {
      if (++word >= n) return undefined;
      starts[word] = at + 1;
    }
    if (n > 0 && word !== n - 1) return undefined;
    starts[n] = text.length + 1;
    const lists = new Uint32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const count = counts[i]!;
      if (count === 0) return undefined;
      total += count;
      lists[i + 1] = total;
    }
    if (total !== postings.length) return undefined;
    // Read through once in chunks (from the file, when they are left there), nothing kept.
    const valid = forEachList(postings, lists, 0, n, (list) => {
      for (let p = 0, last = -1; p < list.length; p++) {
        const id = list[p]!;
        if (id <= last || id >= files) return false;
        last = id;
      }
      return true;
    });
    if (!valid) return undefined;
    let size = 16;
    while (size < n * 2) size *= 2;
    const frozen = new FrozenWords(text, starts, lists, postings, new Int32Array(size));
    for (let i = 0; i < n; i++) if (!frozen.#insert(i)) return undefined;
    return frozen;
  }

  get size(): number {
    return this.#starts.length - 1;
  }

  /** FNV-1a over the UTF-16 code units of text[from, to). */
  static #hash(text: string, from: number, to: number): number {
    let h = 0x811c9dc5;
    for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return h >>> 0;
  }

  #equals(index: number, word: string): boolean {
    const start = this.#starts[index]!;
    return this.#starts[index + 1]! - 1 - start === word.length && this.#text.startsWith(word, start);
  }

  /** False when the word is there already. */
  #insert(index: number): boolean {
    const table = this.#table;
    const mask = table.length - 1;
    const start = this.#starts[index]!;
    const end = this.#starts[index + 1]! - 1;
    const word = this.#text.slice(start, end);
    for (let slot = FrozenWords.#hash(this.#text, start, end) & mask; ; slot = (slot + 1) & mask) {
      const held = table[slot]!;
      if (held === 0) {
        table[slot] = index + 1;
        return true;
      }
      if (this.#equals(held - 1, word)) return false;
    }
  }

  /** The word's index, or -1. */
  indexOf(word: string): number {
    const table = this.#table;
    const mask = table.length - 1;
    for (let slot = FrozenWords.#hash(word, 0, word.length) & mask; ; slot = (slot + 1) & mask) {
      const held = table[slot]!;
      if (held === 0) return -1;
      if (this.#equals(held - 1, word)) return held - 1;
    }
  }

  word(index: number): string {
    return this.#text.slice(this.#starts[index]!, this.#starts[index + 1]! - 1);
  }

  /** Word `index`'s files, ascending: a view of a shared array (copy before changing it). */
  list(index: number): Uint32Array {
    return this.#postings.read(this.#lists[index]!, this.#lists[index + 1]!);
  }

  /** Starts a search: the lists `borrow` and `borrowRange` gave before are no longer to be used. */
  returnBorrowed(): void {
    this.#scratchUsed = 0;
  }

  /** Word `index`'s files, valid until `returnBorrowed` (never changed, never kept). */
  borrow(index: number): Uint32Array {
    return this.#borrow(this.#lists[index]!, this.#lists[index + 1]!);
  }

  /** The lists of words [from, to) in one read: `list(i)` for each i in the range, valid until `returnBorrowed`. */
  borrowRange(from: number, to: number): (index: number) => Uint32Array {
    const base = this.#lists[from]!;
    const block = this.#borrow(base, this.#lists[to]!);
    return (index) => block.subarray(this.#lists[index]! - base, this.#lists[index + 1]! - base);
  }

  #borrow(from: number, to: number): Uint32Array {
    const source = this.#postings;
    const n = to - from;
    if (source.inMemory || n > SCRATCH_MAX) return source.read(from, to);
    if (this.#scratchUsed + n > this.#scratch.length) {
      // A new buffer: lists borrowed from the old one stay valid (they hold it).
      this.#scratch = new Uint32Array(Math.min(SCRATCH_MAX, Math.max(n, this.#scratch.length * 2, SCRATCH_MIN)));
      this.#scratchUsed = 0;
    }
    const list = this.#scratch.subarray(this.#scratchUsed, this.#scratchUsed + n);
    source.readInto(from, list);
    this.#scratchUsed += n;
    return list;
  }

  /** `each(list, index)` for words [from, to) in order, their lists read in a few chunks (`list`: valid during the call only, never changed). */
  forEachList(from: number, to: number, each: (list: Uint32Array, index: number) => void): void {
    forEachList(this.#postings, this.#lists, from, to, each);
  }

  /** All the postings. */
  get postingCount(): number {
    return this.#postings.length;
  }

  /** Closes the snapshot file the lists are read from (when they were left there). */
  close(): void {
    this.#postings.close();
  }

  count(index: number): number {
    return this.#lists[index + 1]! - this.#lists[index]!;
  }

  /** Indexes of the words ending with `suffix`, as a range [from, to). */
  suffixRange(suffix: string): [from: number, to: number] {
    const prefix = reverseWord(suffix);
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (reverseWord(this.word(mid)) < prefix) lo = mid + 1;
      else hi = mid;
    }
    let to = lo;
    while (to < this.size && reverseWord(this.word(to)).startsWith(prefix)) to++;
    return [lo, to];
  }
}
