// Every file's details, by slot: its name, size, modification time and audio attributes (0 where
// unknown: the catalog's flags say which are known).
//
// A catalog built by a scan keeps them in memory: the names as UTF-8 in one growing buffer (no
// string per file), the rest in typed columns. A warm catalog leaves the snapshot's in the file
// (details-file.ts): slots below `base` are read from there, a file among them that a rescan found
// changed keeps its new details in a small map, and slots added since live in the memory columns.

import type { DetailsFile } from './details-file.ts';

export interface Details {
  size: number;
  mtime: number;
  bitrate: number;
  duration: number;
  sampleRate: number;
  bitDepth: number;
}

/** The columns as arrays, slot by slot (a snapshot's parts, or a catalog's own). */
export interface DetailColumns {
  names: Uint8Array<ArrayBuffer>;
  nameStarts: Uint32Array<ArrayBuffer>;
  sizes: Float64Array<ArrayBuffer>;
  mtimes: Float64Array<ArrayBuffer>;
  bitrates: Uint32Array<ArrayBuffer>;
  durations: Uint32Array<ArrayBuffer>;
  sampleRates: Uint32Array<ArrayBuffer>;
  bitDepths: Uint8Array<ArrayBuffer>;
}

function grow<T extends Uint8Array | Uint32Array | Float64Array>(array: T, size: number): T {
  const Constructor = array.constructor as new (length: number) => T;
  const grown = new Constructor(size);
  grown.set(array.subarray(0, Math.min(array.length, size)));
  return grown;
}

/**
 * Arrays double while small; past LARGE_ARRAY elements they grow by an eighth, so a large catalog
 * (one loaded from a snapshot is sized exactly) that gains a few files does not double its memory.
 */
const LARGE_ARRAY = 1 << 16;
export const grownSize = (size: number): number => (size < LARGE_ARRAY ? size * 2 : size + (size >>> 3));

const INITIAL_CAPACITY = 1024;

const fileSize = (file: DetailsFile, slot: number): number => file.size(slot);
const fileMtime = (file: DetailsFile, slot: number): number => file.mtime(slot);
const fileBitrate = (file: DetailsFile, slot: number): number => file.bitrate(slot);
const fileDuration = (file: DetailsFile, slot: number): number => file.duration(slot);
const fileSampleRate = (file: DetailsFile, slot: number): number => file.sampleRate(slot);
const fileBitDepth = (file: DetailsFile, slot: number): number => file.bitDepth(slot);

export class FileDetails {
  #file: DetailsFile | undefined;
  /** Slots below this are in the file. */
  #base = 0;
  /** Slots of the file with details changed since. */
  readonly #changed = new Map<number, Details>();

  // Slots from `base` on, at index slot - base.
  // (Assigned by #allocate, from the constructor.)
  #count!: number;
  #capacity!: number;
  #names!: Buffer;
  #nameEnd!: number;
  #nameStarts!: Uint32Array<ArrayBuffer>;
  #sizes!: Float64Array<ArrayBuffer>;
  #mtimes!: Float64Array<ArrayBuffer>;
  #bitrates!: Uint32Array<ArrayBuffer>;
  #durations!: Uint32Array<ArrayBuffer>;
  #sampleRates!: Uint32Array<ArrayBuffer>;
  #bitDepths!: Uint8Array<ArrayBuffer>;

  constructor(capacity = INITIAL_CAPACITY) {
    this.#allocate(capacity);
  }

  /** Empty memory columns with room for `capacity` slots after the file's. */
  #allocate(capacity: number): void {
    this.#count = 0;
    this.#capacity = capacity;
    this.#names = Buffer.allocUnsafe(Math.max(64, capacity * 16));
    this.#nameEnd = 0;
    this.#nameStarts = new Uint32Array(capacity);
    this.#sizes = new Float64Array(capacity);
    this.#mtimes = new Float64Array(capacity);
    this.#bitrates = new Uint32Array(capacity);
    this.#durations = new Uint32Array(capacity);
    this.#sampleRates = new Uint32Array(capacity);
    this.#bitDepths = new Uint8Array(capacity);
  }

  /** Details held in these arrays (a snapshot's, taken over as they are: sized exactly). */
  static fromColumns(columns: DetailColumns): FileDetails {
    const details = new FileDetails(0);
    const count = columns.nameStarts.length;
    details.#capacity = count;
    details.#count = count;
    details.#names = Buffer.from(columns.names.buffer, columns.names.byteOffset, columns.names.byteLength);
    details.#nameEnd = columns.names.byteLength;
    details.#nameStarts = columns.nameStarts;
    details.#sizes = columns.sizes;
    details.#mtimes = columns.mtimes;
    details.#bitrates = columns.bitrates;
    details.#durations = columns.durations;
    details.#sampleRates = columns.sampleRates;
    details.#bitDepths = columns.bitDepths;
    return details;
  }

  /** Details read from a snapshot file (owned from now on: close() closes it). */
  static fromFile(file: DetailsFile): FileDetails {
    const details = new FileDetails();
    details.#file = file;
    details.#base = file.files;
    return details;
  }

  /**
   * From now on, reads every slot from `file` (a snapshot of exactly these slots, just written):
   * the memory columns and changes are dropped. False (nothing changed) when it holds another count.
   */
  adopt(file: DetailsFile): boolean {
    if (file.files !== this.length) return false;
    this.#file?.close();
    this.#file = file;
    this.#base = file.files;
    this.#changed.clear();
    this.#allocate(INITIAL_CAPACITY);
    return true;
  }

  /** Slots in all. */
  get length(): number {
    return this.#base + this.#count;
  }

  /** Slots read from a snapshot file. */
  get inFile(): number {
    return this.#base;
  }

  /** Slots the memory columns have room for (after the file's). */
  get memoryCapacity(): number {
    return this.#capacity;
  }

  /** Bytes of all names, and the bytes the memory buffer has room for. */
  nameBytes(): { used: number; capacity: number } {
    return { used: (this.#file?.namesLength ?? 0) + this.#nameEnd, capacity: this.#names.length };
  }

  /** Adds a slot at the end; returns it. */
  add(name: string, details: Details): number {
    if (this.#count === this.#capacity) {
      const size = Math.max(INITIAL_CAPACITY, grownSize(this.#capacity));
      this.#nameStarts = grow(this.#nameStarts, size);
      this.#sizes = grow(this.#sizes, size);
      this.#mtimes = grow(this.#mtimes, size);
      this.#bitrates = grow(this.#bitrates, size);
      this.#durations = grow(this.#durations, size);
      this.#sampleRates = grow(this.#sampleRates, size);
      this.#bitDepths = grow(this.#bitDepths, size);
      this.#capacity = size;
    }
    const bytes = Buffer.byteLength(name);
    if (this.#nameEnd + bytes > this.#names.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.#nameEnd + bytes, grownSize(this.#names.length)));
      this.#names.copy(grown, 0, 0, this.#nameEnd);
      this.#names = grown;
    }
    const index = this.#count++;
    this.#nameStarts[index] = this.#nameEnd;
    this.#nameEnd += this.#names.write(name, this.#nameEnd, 'utf8');
    this.#setMemory(index, details);
    return this.#base + index;
  }

  set(slot: number, details: Details): void {
    if (slot < this.#base) this.#changed.set(slot, { ...details });
    else this.#setMemory(slot - this.#base, details);
  }

  #setMemory(index: number, details: Details): void {
    this.#sizes[index] = details.size;
    this.#mtimes[index] = details.mtime;
    this.#bitrates[index] = details.bitrate;
    this.#durations[index] = details.duration;
    this.#sampleRates[index] = details.sampleRate;
    this.#bitDepths[index] = details.bitDepth;
  }

  /** One detail: from memory, a change, or the file. */
  #detail(slot: number, key: keyof Details, memory: Float64Array | Uint32Array | Uint8Array, fromFile: (file: DetailsFile, slot: number) => number): number {
    if (slot >= this.#base) return memory[slot - this.#base]!;
    return this.#changed.get(slot)?.[key] ?? fromFile(this.#file!, slot);
  }

  size(slot: number): number {
    return this.#detail(slot, 'size', this.#sizes, fileSize);
  }
  mtime(slot: number): number {
    return this.#detail(slot, 'mtime', this.#mtimes, fileMtime);
  }
  bitrate(slot: number): number {
    return this.#detail(slot, 'bitrate', this.#bitrates, fileBitrate);
  }
  duration(slot: number): number {
    return this.#detail(slot, 'duration', this.#durations, fileDuration);
  }
  sampleRate(slot: number): number {
    return this.#detail(slot, 'sampleRate', this.#sampleRates, fileSampleRate);
  }
  bitDepth(slot: number): number {
    return this.#detail(slot, 'bitDepth', this.#bitDepths, fileBitDepth);
  }

  #memoryNameEnd(index: number): number {
    return index + 1 < this.#count ? this.#nameStarts[index + 1]! : this.#nameEnd;
  }

  name(slot: number): string {
    if (slot < this.#base) return this.#file!.name(slot);
    const index = slot - this.#base;
    return this.#names.toString('utf8', this.#nameStarts[index]!, this.#memoryNameEnd(index));
  }

  /** Where slot's name starts among all names' bytes (ascending with the slot). */
  nameStart(slot: number): number {
    if (slot < this.#base) return this.#file!.nameStart(slot);
    return (this.#file?.namesLength ?? 0) + this.#nameStarts[slot - this.#base]!;
  }

  /** The length of slot's name in UTF-8 bytes. */
  nameLength(slot: number): number {
    if (slot < this.#base) {
      const [start, end] = this.#file!.nameRange(slot);
      return end - start;
    }
    const index = slot - this.#base;
    return this.#memoryNameEnd(index) - this.#nameStarts[index]!;
  }

  /** Copies slot's name, as UTF-8, into `target` at `at`; returns its length. */
  copyName(slot: number, target: Uint8Array, at: number): number {
    if (slot < this.#base) return this.#file!.copyName(slot, target, at);
    const index = slot - this.#base;
    const start = this.#nameStarts[index]!;
    const end = this.#memoryNameEnd(index);
    target.set(this.#names.subarray(start, end), at);
    return end - start;
  }

  /**
   * The first `count` slots' columns as they are, without a copy: only while every slot is in
   * memory (undefined otherwise). Views: store them before anything changes.
   */
  views(count: number): DetailColumns | undefined {
    if (this.#base > 0 || count > this.#count) return undefined;
    return {
      names: new Uint8Array(this.#names.buffer as ArrayBuffer, this.#names.byteOffset, count < this.#count ? this.#nameStarts[count]! : this.#nameEnd),
      nameStarts: this.#nameStarts.subarray(0, count),
      sizes: this.#sizes.subarray(0, count),
      mtimes: this.#mtimes.subarray(0, count),
      bitrates: this.#bitrates.subarray(0, count),
      durations: this.#durations.subarray(0, count),
      sampleRates: this.#sampleRates.subarray(0, count),
      bitDepths: this.#bitDepths.subarray(0, count),
    };
  }

  /** Closes the snapshot file, if any (reads of its slots throw after this). */
  close(): void {
    this.#file?.close();
  }
}
