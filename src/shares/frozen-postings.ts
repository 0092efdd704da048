// Where a warm start's posting lists are read from: memory, or the snapshot file itself.
//
// The lists are the largest part of the index (~53 MB of the ~130 MB snapshot at 1,000,000 files)
// and the least used: a search reads the lists of its few words, and most searches from the network
// name a word we do not have (answered from the word table, in memory, without a list). Left in the
// file, they cost no resident memory; a list is read (pread, from the page cache once warm) when a
// search or a change needs it. The file stays open while the catalog lives: a newer snapshot is
// written beside it and renamed over it, and this descriptor keeps reading the lists it was opened
// for (they describe the catalog's slots, which a snapshot written later does not renumber).

import { closeSync, readSync } from 'node:fs';

/** The snapshot file was cut short under us (someone else's doing): a clear error, not wrong results. */
export function endedEarly(): Error {
  return new Error('the shares index file ended early; rescan the shares');
}

/** Fills `target` from the snapshot file at `at`. */
export function readExactly(fd: number, target: NodeJS.ArrayBufferView, at: number): void {
  for (let done = 0; done < target.byteLength; ) {
    const read = readSync(fd, target, done, target.byteLength - done, at + done);
    if (read === 0) throw endedEarly();
    done += read;
  }
}

export interface PostingsSource {
  /** How many postings (file ids) there are in all. */
  readonly length: number;
  /** Postings [from, to): a view for one in memory, a fresh array for one on disk. */
  read(from: number, to: number): Uint32Array;
  /** Postings [from, from + target.length) copied into `target` (on disk: read into it, no allocation). */
  readInto(from: number, target: Uint32Array): void;
  /** In memory: `read` gives views, no copies. */
  readonly inMemory: boolean;
  /** Releases the file, if any (reads after this throw). */
  close(): void;
}

export class MemoryPostings implements PostingsSource {
  readonly #ids: Uint32Array;

  constructor(ids: Uint32Array) {
    this.#ids = ids;
  }

  readonly inMemory = true;

  get length(): number {
    return this.#ids.length;
  }

  read(from: number, to: number): Uint32Array {
    return this.#ids.subarray(from, to);
  }

  readInto(from: number, target: Uint32Array): void {
    target.set(this.#ids.subarray(from, from + target.length));
  }

  close(): void {}
}

/** Postings stored as native-endian uint32 at `offset` of an open file (the snapshot). */
export class FilePostings implements PostingsSource {
  #fd: number | undefined;
  readonly #offset: number;
  readonly length: number;

  /** Takes ownership of `fd`. */
  constructor(fd: number, offset: number, byteLength: number) {
    if (offset % Uint32Array.BYTES_PER_ELEMENT !== 0 || byteLength % Uint32Array.BYTES_PER_ELEMENT !== 0) {
      throw new RangeError('postings must be 4-byte aligned in the snapshot file');
    }
    this.#fd = fd;
    this.#offset = offset;
    this.length = byteLength / Uint32Array.BYTES_PER_ELEMENT;
  }

  readonly inMemory = false;

  read(from: number, to: number): Uint32Array {
    if (!(from >= 0 && from <= to && to <= this.length)) throw new RangeError(`postings ${from}..${to} outside 0..${this.length}`);
    const ids = new Uint32Array(to - from);
    this.readInto(from, ids);
    return ids;
  }

  readInto(from: number, target: Uint32Array): void {
    if (this.#fd === undefined) throw new Error('the shares index was closed');
    if (!(from >= 0 && from + target.length <= this.length)) throw new RangeError(`postings ${from}..${from + target.length} outside 0..${this.length}`);
    readExactly(this.#fd, target, this.#offset + from * Uint32Array.BYTES_PER_ELEMENT);
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/**
 * Calls `each(list, index)` for lists [first, end) in order, reading the postings in chunks of about
 * `chunk` ids (a longer list is read on its own): a pass over every list without holding them all.
 * `bounds[i]..bounds[i + 1]` are list i's postings. `list` is never to be changed, and is valid only
 * during its call (from a file, the chunks are read into one reused buffer: a pass over 50 MB of lists
 * allocating a fresh megabyte per chunk was measured to leave ~45 MB in the process's malloc heap).
 */
export function forEachList(
  source: PostingsSource,
  bounds: Uint32Array,
  first: number,
  end: number,
  each: (list: Uint32Array, index: number) => boolean | void,
  chunk = 1 << 18,
): boolean {
  let buffer: Uint32Array | undefined;
  let index = first;
  while (index < end) {
    const from = bounds[index]!;
    let last = index + 1;
    while (last < end && bounds[last + 1]! - from <= chunk) last++;
    const size = bounds[last]! - from;
    let block: Uint32Array;
    if (source.inMemory || size > chunk) block = source.read(from, bounds[last]!);
    else {
      buffer ??= new Uint32Array(chunk);
      block = buffer.subarray(0, size);
      source.readInto(from, block);
    }
    for (; index < last; index++) {
      if (each(block.subarray(bounds[index]! - from, bounds[index + 1]! - from), index) === false) return false;
    }
  }
  return true;
}
