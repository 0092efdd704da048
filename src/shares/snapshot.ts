// The catalog as a handful of flat arrays, so a warm start reads a few blobs from SQLite instead of
// a million rows, and splits no path into words: the word index is stored, not rebuilt.
//
// It is written after a scan or a load from rows, and SQLite triggers delete it in the same
// transaction as any change to the shares, folders or files tables: a stored snapshot always
// describes exactly the rows beside it.

import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { FilePostings } from './frozen-postings.ts';
import { DETAIL_PARTS, DetailsFile, type DetailPart } from './details-file.ts';
import type { DetailColumns } from './file-details.ts';

/** The file details' columns (file names, UTF-8, concatenated: file s starts at nameStarts[s]) are parts too. */
export interface CatalogSnapshot extends DetailColumns {
  /** Per live folder, in slot order: the share's database id… */
  folderShares: Float64Array<ArrayBuffer>;
  /** …its virtual path ('\n'-joined: no shared name holds a control character)… */
  folderPaths: string;
  /** …and its row id. */
  folderRowIds: Float64Array<ArrayBuffer>;
  /** Per live file, in slot order (the columns of Catalog). */
  fileFolders: Uint32Array<ArrayBuffer>;
  flags: Uint8Array<ArrayBuffer>;
  /** Words in ascending order of their reversal (the order wildcard lookups need), '\n'-joined… */
  words: string;
  /** …how many files each has… */
  wordCounts: Uint32Array<ArrayBuffer>;
  /** …and those files' slots, ascending per word, one word after the other… */
  postings: Uint32Array<ArrayBuffer>;
  /** …or, in a snapshot read with the postings left in its file, where they are (`postings` is then empty). */
  postingsFile?: FilePostings;
  /** In a snapshot read with the file details left in its file, where they are (their columns are then empty). */
  detailsFile?: DetailsFile;
}

type TypedArrayConstructor = Float64ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor;

const ARRAYS: Record<Exclude<keyof CatalogSnapshot, 'folderPaths' | 'words' | 'postingsFile' | 'detailsFile'>, TypedArrayConstructor> = {
  folderShares: Float64Array,
  folderRowIds: Float64Array,
  fileFolders: Uint32Array,
  sizes: Float64Array,
  mtimes: Float64Array,
  bitrates: Uint32Array,
  durations: Uint32Array,
  sampleRates: Uint32Array,
  bitDepths: Uint8Array,
  flags: Uint8Array,
  names: Uint8Array,
  nameStarts: Uint32Array,
  wordCounts: Uint32Array,
  postings: Uint32Array,
};
const TEXTS = ['folderPaths', 'words'] as const;

/** Stored beside the parts: a snapshot in another layout (or byte order) is not read, and gets rebuilt. */
export const SNAPSHOT_FORMAT = `catalog-snapshot 2 ${endianness()}`;

/** The parts to store, by name (typed arrays as their bytes, in this machine's byte order). */
export function snapshotParts(snapshot: CatalogSnapshot): Map<string, Uint8Array> {
  const parts = new Map<string, Uint8Array>();
  for (const name of Object.keys(ARRAYS) as (keyof typeof ARRAYS)[]) {
    const array = snapshot[name];
    parts.set(name, new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  }
  for (const name of TEXTS) parts.set(name, Buffer.from(snapshot[name], 'utf8'));
  return parts;
}

function view<T extends TypedArrayConstructor>(Type: T, bytes: Uint8Array): InstanceType<T> | undefined {
  const size = Type.BYTES_PER_ELEMENT;
  if (bytes.byteLength % size !== 0) return undefined;
  // Views need aligned offsets; a misaligned blob is copied once.
  const source = bytes.byteOffset % size === 0 ? bytes : new Uint8Array(bytes);
  return new Type(source.buffer as ArrayBuffer, source.byteOffset, source.byteLength / size) as InstanceType<T>;
}

/** The part a warm start leaves in the file (frozen-postings.ts says why). */
export const POSTINGS_PART = 'postings';

const isDetailPart = (name: string): name is DetailPart => (DETAIL_PARTS as readonly string[]).includes(name);

/**
 * The snapshot from its stored parts; undefined when one is missing or malformed. With
 * `postingsFile`, the postings part is not among `parts` but read from there when needed; with
 * `detailsFile`, likewise the file details.
 */
export function snapshotFromParts(parts: ReadonlyMap<string, Uint8Array>, postingsFile?: FilePostings, detailsFile?: DetailsFile): CatalogSnapshot | undefined {
  const arrays: Partial<Record<keyof typeof ARRAYS, Float64Array | Uint32Array | Uint8Array>> = {};
  for (const [name, Type] of Object.entries(ARRAYS) as [keyof typeof ARRAYS, TypedArrayConstructor][]) {
    const left = (name === POSTINGS_PART && postingsFile !== undefined) || (isDetailPart(name) && detailsFile !== undefined);
    const bytes = left ? new Uint8Array(0) : parts.get(name);
    const array = bytes === undefined ? undefined : view(Type, bytes);
    if (array === undefined) return undefined;
    arrays[name] = array;
  }
  const texts: Partial<Record<(typeof TEXTS)[number], string>> = {};
  for (const name of TEXTS) {
    const bytes = parts.get(name);
    if (bytes === undefined) return undefined;
    texts[name] = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  }
  const snapshot = { ...arrays, ...texts } as CatalogSnapshot;
  if (postingsFile !== undefined) snapshot.postingsFile = postingsFile;
  if (detailsFile !== undefined) snapshot.detailsFile = detailsFile;
  return snapshot;
}

// ---- the snapshot file ------------------------------------------------------------------------------
//
// The parts live in a file beside the database, each at an 8-byte-aligned offset, so a warm start
// reads every part straight into the one buffer it keeps (a value read through SQLite arrives as an
// extra copy, and such transient copies of ~100 MB were measured to stay in the process's resident
// memory). The database row holding the file's stamp and layout is what makes it valid: triggers
// delete that row with any change to the rows, and a file whose first bytes are not that stamp (an
// older one, a half-written one) is not read.

/** Where each part lies in the file; stored in the database beside the stamp. */
export interface SnapshotLayout {
  format: string;
  size: number;
  parts: Record<string, [offset: number, length: number]>;
}

const STAMP_BYTES = 64;
const ALIGN = 8;

/** Writes the parts to a temporary file, syncs it and renames it over `path`; returns the layout. */
export function writeSnapshotFile(path: string, stamp: string, snapshot: CatalogSnapshot): SnapshotLayout {
  const header = Buffer.alloc(STAMP_BYTES, ' ');
  if (header.write(stamp, 'utf8') !== Buffer.byteLength(stamp)) throw new RangeError('snapshot stamp too long');
  const layout: SnapshotLayout = { format: SNAPSHOT_FORMAT, size: 0, parts: {} };
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    const writeAll = (bytes: Uint8Array, at: number) => {
      for (let done = 0; done < bytes.byteLength; ) done += writeSync(fd, bytes, done, bytes.byteLength - done, at + done);
    };
    writeAll(header, 0);
    let at = STAMP_BYTES;
    for (const [name, bytes] of snapshotParts(snapshot)) {
      layout.parts[name] = [at, bytes.byteLength];
      writeAll(bytes, at);
      at += Math.ceil(bytes.byteLength / ALIGN) * ALIGN;
    }
    layout.size = at;
    ftruncateSync(fd, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  return layout;
}

/** The snapshot file, open, when it is the one stamped and of the layout's size. */
function openStamped(path: string, stamp: string, layout: SnapshotLayout): number | undefined {
  if (layout.format !== SNAPSHOT_FORMAT) return undefined;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  const header = Buffer.alloc(STAMP_BYTES);
  if (fstatSync(fd).size === layout.size && readSync(fd, header, 0, STAMP_BYTES, 0) === STAMP_BYTES && header.toString('utf8').trimEnd() === stamp) return fd;
  closeSync(fd);
  return undefined;
}

const inFile = (layout: SnapshotLayout, offset: number, length: number): boolean =>
  Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= STAMP_BYTES && length >= 0 && offset + length <= layout.size;

/**
 * The file details of the stamped snapshot file, read from it from now on (see details-file.ts);
 * undefined when the file is not that one.
 */
export function openSnapshotDetails(path: string, stamp: string, layout: SnapshotLayout): DetailsFile | undefined {
  const fd = openStamped(path, stamp, layout);
  if (fd === undefined) return undefined;
  const details: Record<string, [offset: number, length: number]> = {};
  for (const [name, [offset, length]] of Object.entries(layout.parts)) {
    if (!isDetailPart(name)) continue;
    if (!inFile(layout, offset, length)) {
      closeSync(fd);
      return undefined;
    }
    details[name] = [offset, length];
  }
  return DetailsFile.open(fd, details);
}

/**
 * The parts, each read into its own buffer; undefined when the file is missing or is not the one
 * stamped. With `leavePostings`, the postings part is not read: `postingsFile` reads it from the
 * file, kept open for it (its owner closes it). With `leaveDetails`, likewise the file details
 * (`detailsFile`, on a descriptor of its own).
 */
export function readSnapshotFile(
  path: string,
  stamp: string,
  layout: SnapshotLayout,
  options: { leavePostings?: boolean; leaveDetails?: boolean } = {},
): { parts: Map<string, Uint8Array>; postingsFile?: FilePostings; detailsFile?: DetailsFile } | undefined {
  const fd = openStamped(path, stamp, layout);
  if (fd === undefined) return undefined;
  let kept = false;
  try {
    const readAll = (bytes: Uint8Array, at: number): boolean => {
      for (let done = 0; done < bytes.byteLength; ) {
        const read = readSync(fd, bytes, done, bytes.byteLength - done, at + done);
        if (read === 0) return false;
        done += read;
      }
      return true;
    };
    const parts = new Map<string, Uint8Array>();
    let postings: [offset: number, length: number] | undefined;
    for (const [name, [offset, length]] of Object.entries(layout.parts)) {
      if (!inFile(layout, offset, length)) return undefined;
      if (options.leavePostings === true && name === POSTINGS_PART) {
        if (offset % ALIGN !== 0 || length % Uint32Array.BYTES_PER_ELEMENT !== 0) return undefined;
        postings = [offset, length];
        continue;
      }
      if (options.leaveDetails === true && isDetailPart(name)) continue;
      const bytes = new Uint8Array(length);
      if (!readAll(bytes, offset)) return undefined;
      parts.set(name, bytes);
    }
    let detailsFile: DetailsFile | undefined;
    if (options.leaveDetails === true) {
      // On a descriptor of its own (stamped: the very file read so far, not one renamed over it since).
      detailsFile = openSnapshotDetails(path, stamp, layout);
      if (detailsFile === undefined) return undefined;
    }
    const read = detailsFile === undefined ? { parts } : { parts, detailsFile };
    if (postings === undefined) return read;
    kept = true;
    return { ...read, postingsFile: new FilePostings(fd, ...postings) };
  } finally {
    if (!kept) closeSync(fd);
  }
}
