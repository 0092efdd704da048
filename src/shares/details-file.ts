// The per-file details of a warm catalog (names, sizes, modification times, audio attributes) read
// from its snapshot file, a page at a time, instead of held in memory.
//
// They are most of a large catalog (~55 MB at 1,000,000 files, the names alone ~22 MB) and the
// least used part of it: a search reads them only for the files it returns, a browse for the
// folders it lists, a rescan once per file. A read is a pread of one 4 KB page (from the page cache
// once warm), kept among the last few pages read, so a pass over neighbouring slots (a folder, a
// browse, a rescan) costs one read per page, not one per file. The descriptor stays open while the
// catalog lives, like the postings' (frozen-postings.ts): a newer snapshot renamed over the file
// leaves this one readable.

import { closeSync, readSync } from 'node:fs';
import { endedEarly, readExactly } from './frozen-postings.ts';

/** The snapshot parts holding file details, each a column indexed by slot (`names` by byte). */
export const DETAIL_PARTS = ['names', 'nameStarts', 'sizes', 'mtimes', 'bitrates', 'durations', 'sampleRates', 'bitDepths'] as const;
export type DetailPart = (typeof DETAIL_PARTS)[number];

/** Bytes per element of each column ('names' is bytes). */
export const DETAIL_WIDTHS: Readonly<Record<DetailPart, number>> = {
  names: 1,
  nameStarts: 4,
  sizes: 8,
  mtimes: 8,
  bitrates: 4,
  durations: 4,
  sampleRates: 4,
  bitDepths: 1,
};

const [NAMES, NAME_STARTS, SIZES, MTIMES, BITRATES, DURATIONS, SAMPLE_RATES, BIT_DEPTHS] = DETAIL_PARTS.map((_, index) => index) as [number, number, number, number, number, number, number, number];

const PAGE_BYTES = 4096;
/** Pages kept: enough for every column of a run of neighbouring slots at once (8 columns, names over several pages). */
const CACHED_PAGES = 32;

export class DetailsFile {
  #fd: number | undefined;
  readonly #parts: Readonly<Record<DetailPart, readonly [offset: number, length: number]>>;
  /** Each part's offset in the file, by its index in DETAIL_PARTS. */
  readonly #offsets: Float64Array;
  /** How many files (slots) the columns hold. */
  readonly files: number;
  /** Bytes of all names. */
  readonly namesLength: number;

  // The page cache: page numbers (-1: empty), the bytes read into each, typed views over them.
  readonly #numbers = new Float64Array(CACHED_PAGES).fill(-1);
  readonly #valid = new Uint32Array(CACHED_PAGES);
  readonly #bytes: Buffer[] = [];
  readonly #u32: Uint32Array[] = [];
  readonly #f64: Float64Array[] = [];
  /** Per part, the cache index of the page it read last (a pass over neighbouring slots hits it). */
  readonly #hints = new Uint8Array(DETAIL_PARTS.length);
  #evict = 0;

  /**
   * Takes ownership of `fd`; undefined (and `fd` closed) when the parts do not describe columns of
   * one length at aligned offsets.
   */
  static open(fd: number, parts: Readonly<Record<string, readonly [offset: number, length: number]>>): DetailsFile | undefined {
    const files = (parts['nameStarts']?.[1] ?? -1) / 4;
    const fits = DETAIL_PARTS.every((name) => {
      const part = parts[name];
      if (part === undefined) return false;
      const width = DETAIL_WIDTHS[name];
      return part[0] % width === 0 && (name === 'names' || part[1] === files * width);
    });
    if (!Number.isInteger(files) || !fits) {
      closeSync(fd);
      return undefined;
    }
    return new DetailsFile(fd, parts as Record<DetailPart, readonly [number, number]>, files);
  }

  private constructor(fd: number, parts: Readonly<Record<DetailPart, readonly [number, number]>>, files: number) {
    this.#fd = fd;
    this.#parts = parts;
    this.#offsets = Float64Array.from(DETAIL_PARTS, (part) => parts[part][0]);
    this.files = files;
    this.namesLength = parts.names[1];
    for (let i = 0; i < CACHED_PAGES; i++) {
      const buffer = new ArrayBuffer(PAGE_BYTES);
      this.#bytes.push(Buffer.from(buffer));
      this.#u32.push(new Uint32Array(buffer));
      this.#f64.push(new Float64Array(buffer));
    }
  }

  /**
   * The cache index of the page holding bytes [at, at + width) of the file (never across pages:
   * columns are aligned), read for part number `part`.
   */
  #page(at: number, width: number, part: number): number {
    const number = Math.floor(at / PAGE_BYTES);
    let index = this.#hints[part]!;
    if (this.#numbers[index] !== number) {
      index = this.#numbers.indexOf(number);
      if (index < 0) index = this.#load(number);
      this.#hints[part] = index;
    }
    if (at - number * PAGE_BYTES + width > this.#valid[index]!) throw endedEarly();
    return index;
  }

  #load(number: number): number {
    if (this.#fd === undefined) throw new Error('the shares index was closed');
    const index = this.#evict;
    this.#evict = (index + 1) % CACHED_PAGES;
    this.#numbers[index] = -1;
    const bytes = this.#bytes[index]!;
    let done = 0;
    while (done < PAGE_BYTES) {
      const read = readSync(this.#fd, bytes, done, PAGE_BYTES - done, number * PAGE_BYTES + done);
      if (read === 0) break;
      done += read;
    }
    this.#numbers[index] = number;
    this.#valid[index] = done;
    return index;
  }

  #u32At(part: number, slot: number): number {
    const at = this.#offsets[part]! + slot * 4;
    const index = this.#page(at, 4, part);
    return this.#u32[index]![(at % PAGE_BYTES) >>> 2]!;
  }

  #f64At(part: number, slot: number): number {
    const at = this.#offsets[part]! + slot * 8;
    const index = this.#page(at, 8, part);
    return this.#f64[index]![(at % PAGE_BYTES) >>> 3]!;
  }

  size(slot: number): number {
    return this.#f64At(SIZES, slot);
  }
  mtime(slot: number): number {
    return this.#f64At(MTIMES, slot);
  }
  bitrate(slot: number): number {
    return this.#u32At(BITRATES, slot);
  }
  duration(slot: number): number {
    return this.#u32At(DURATIONS, slot);
  }
  sampleRate(slot: number): number {
    return this.#u32At(SAMPLE_RATES, slot);
  }
  bitDepth(slot: number): number {
    const at = this.#offsets[BIT_DEPTHS]! + slot;
    return this.#bytes[this.#page(at, 1, BIT_DEPTHS)]![at % PAGE_BYTES]!;
  }

  /** Where slot's name starts among the names' bytes. */
  nameStart(slot: number): number {
    return this.#u32At(NAME_STARTS, slot);
  }

  /** Where slot's name lies among the names' bytes: [start, end). */
  nameRange(slot: number): [start: number, end: number] {
    return [this.#u32At(NAME_STARTS, slot), slot + 1 < this.files ? this.#u32At(NAME_STARTS, slot + 1) : this.namesLength];
  }

  name(slot: number): string {
    const [start, end] = this.nameRange(slot);
    return this.#nameBytes(start, end).toString('utf8');
  }

  /** Copies slot's name, as UTF-8, into `target` at `at`; returns its length. */
  copyName(slot: number, target: Uint8Array, at: number): number {
    const [start, end] = this.nameRange(slot);
    target.set(this.#nameBytes(start, end), at);
    return end - start;
  }

  /** Bytes [start, end) of the names: a view into a cached page, or read on their own when they straddle two. */
  #nameBytes(start: number, end: number): Buffer {
    if (!(start <= end && end <= this.namesLength)) throw endedEarly();
    const at = this.#offsets[NAMES]! + start;
    const length = end - start;
    if (length === 0) return Buffer.alloc(0);
    const offset = at % PAGE_BYTES;
    if (offset + length <= PAGE_BYTES) return this.#bytes[this.#page(at, length, NAMES)]!.subarray(offset, offset + length);
    if (this.#fd === undefined) throw new Error('the shares index was closed');
    const bytes = Buffer.allocUnsafe(length);
    readExactly(this.#fd, bytes, at);
    return bytes;
  }

  /** A whole column as stored (for tests and tools; a catalog never holds one). */
  readPart(part: DetailPart): Uint8Array<ArrayBuffer> {
    if (this.#fd === undefined) throw new Error('the shares index was closed');
    const [offset, length] = this.#parts[part];
    const bytes = new Uint8Array(length);
    readExactly(this.#fd, bytes, offset);
    return bytes;
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
    this.#numbers.fill(-1);
  }
}
