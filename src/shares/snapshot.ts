// The catalog as a handful of flat arrays, so a warm start reads a few blobs from SQLite instead of
// a million rows, and splits no path into words: the word index is stored, not rebuilt.
//
// It is written after a scan or a load from rows, and SQLite triggers delete it in the same
// transaction as any change to the shares, folders or files tables: a stored snapshot always
// describes exactly the rows beside it.

import { endianness } from 'node:os';

export interface CatalogSnapshot {
  /** Per live folder, in slot order: the share's database id… */
  folderShares: Float64Array<ArrayBuffer>;
  /** …its virtual path ('\n'-joined: no shared name holds a control character)… */
  folderPaths: string;
  /** …and its row id. */
  folderRowIds: Float64Array<ArrayBuffer>;
  /** Per live file, in slot order (the columns of Catalog). */
  fileFolders: Uint32Array<ArrayBuffer>;
  sizes: Float64Array<ArrayBuffer>;
  mtimes: Float64Array<ArrayBuffer>;
  rowIds: Float64Array<ArrayBuffer>;
  bitrates: Uint32Array<ArrayBuffer>;
  durations: Uint32Array<ArrayBuffer>;
  sampleRates: Uint32Array<ArrayBuffer>;
  bitDepths: Uint8Array<ArrayBuffer>;
  flags: Uint8Array<ArrayBuffer>;
  /** File names, UTF-8, concatenated; file s starts at nameStarts[s]. */
  names: Uint8Array<ArrayBuffer>;
  nameStarts: Uint32Array<ArrayBuffer>;
  /** Words in ascending order of their reversal (the order wildcard lookups need), '\n'-joined… */
  words: string;
  /** …how many files each has… */
  wordCounts: Uint32Array<ArrayBuffer>;
  /** …and those files' slots, ascending per word, one word after the other. */
  postings: Uint32Array<ArrayBuffer>;
}

type TypedArrayConstructor = Float64ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor;

const ARRAYS: Record<Exclude<keyof CatalogSnapshot, 'folderPaths' | 'words'>, TypedArrayConstructor> = {
  folderShares: Float64Array,
  folderRowIds: Float64Array,
  fileFolders: Uint32Array,
  sizes: Float64Array,
  mtimes: Float64Array,
  rowIds: Float64Array,
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
export const SNAPSHOT_FORMAT = `catalog-snapshot 1 ${endianness()}`;

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

/** The snapshot from its stored parts; undefined when one is missing or malformed. */
export function snapshotFromParts(parts: ReadonlyMap<string, Uint8Array>): CatalogSnapshot | undefined {
  const arrays: Partial<Record<keyof typeof ARRAYS, Float64Array | Uint32Array | Uint8Array>> = {};
  for (const [name, Type] of Object.entries(ARRAYS) as [keyof typeof ARRAYS, TypedArrayConstructor][]) {
    const bytes = parts.get(name);
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
  return { ...arrays, ...texts } as CatalogSnapshot;
}
