// The vocabulary message layouts are declared in. A layout is declared once, as data; the decoder,
// the encoder and the TypeScript type of the message all come from that one declaration.
//
//   struct({ username: string, ticket: uint32, filesize: optional(uint64) })
//
// reads and writes the fields in the order the object lists them, and has the type
// `{ username: string; ticket: number; filesize?: bigint }`.

import { DecodeError, EncodeError, ProtocolErrorCode } from './errors.ts';
import type { Reader } from './reader.ts';
import type { Writer } from './writer.ts';

/** Reads and writes one value of type T. */
export interface Codec<T> {
  readonly kind: 'codec';
  /** What the value is, for tools that walk layouts (sample generators, documentation). */
  readonly type: CodecType;
  /** For arrays: the element codec. */
  readonly element?: Codec<unknown>;
  /** The fewest bytes a value can take on the wire; bounds array counts before allocating. */
  readonly minBytes: number;
  read(reader: Reader): T;
  write(writer: Writer, value: T): void;
}

export type CodecType = 'u8' | 'u16' | 'u32' | 'i32' | 'u64' | 'bool' | 'string' | 'bytes' | 'ip' | 'array' | 'struct';

export type Infer<C> = C extends Codec<infer T> ? T : never;

export function codec<T>(
  type: CodecType,
  minBytes: number,
  read: (r: Reader) => T,
  write: (w: Writer, v: T) => void,
): Codec<T> {
  return { kind: 'codec', type, minBytes, read, write };
}

// ---- primitives ------------------------------------------------------------------------------

export const uint8: Codec<number> = codec('u8', 1, (r) => r.u8(), (w, v) => w.u8(v));
export const uint16: Codec<number> = codec('u16', 2, (r) => r.u16(), (w, v) => w.u16(v));
export const uint32: Codec<number> = codec('u32', 4, (r) => r.u32(), (w, v) => w.u32(v));
export const int32: Codec<number> = codec('i32', 4, (r) => r.i32(), (w, v) => w.i32(v));
export const uint64: Codec<bigint> = codec('u64', 8, (r) => r.u64(), (w, v) => w.u64(v));
export const bool: Codec<boolean> = codec('bool', 1, (r) => r.bool(), (w, v) => w.bool(v));
export const string: Codec<string> = codec('string', 4, (r) => r.string(), (w, v) => w.string(v));
/** `bytearr`: uint32 length + raw bytes. */
export const bytes: Codec<Uint8Array> = codec('bytes', 4, (r) => r.byteArray(), (w, v) => w.byteArray(v));

/** A boolean carried in a uint32 (JoinRoom's is_private). */
export const bool32: Codec<boolean> = codec(
  'bool',
  4,
  (r) => {
    const at = r.pos;
    const value = r.u32();
    if (value === 0) return false;
    if (value === 1) return true;
    throw new DecodeError(ProtocolErrorCode.invalidBoolean, `uint32 boolean is ${value}, not 0 or 1`, { offset: at });
  },
  (w, v) => {
    if (typeof v !== 'boolean') throw new EncodeError(ProtocolErrorCode.invalidValue, `boolean expected, got ${typeof v}`);
    w.u32(v ? 1 : 0);
  },
);

/**
 * An IPv4 address as a dotted string. It travels as a little-endian uint32 whose value is the
 * address read big-endian, so 1.2.3.4 arrives as the bytes 04 03 02 01.
 */
export const ip: Codec<string> = codec(
  'ip',
  4,
  (r) => {
    const v = r.u32();
    return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
  },
  (w, v) => w.u32(parseIPv4(v)),
);

export function parseIPv4(address: string): number {
  const parts = typeof address === 'string' ? address.split('.') : [];
  if (parts.length === 4) {
    let value = 0;
    let valid = true;
    for (const part of parts) {
      const octet = /^\d{1,3}$/.test(part) ? Number(part) : 256;
      if (octet > 255) valid = false;
      value = value * 256 + octet;
    }
    if (valid) return value;
  }
  throw new EncodeError(ProtocolErrorCode.invalidValue, `IPv4 address expected (a.b.c.d), got ${JSON.stringify(address)}`);
}

/** `uint32` count, then that many elements. */
export function array<T>(element: Codec<T>): Codec<T[]> {
  if (element.minBytes <= 0) throw new Error('array elements must take at least one byte');
  return arrayCodec(
    element,
    (r) => {
      const count = readArrayCount(r, element);
      const items = new Array<T>(count);
      for (let i = 0; i < count; i++) items[i] = element.read(r);
      return items;
    },
    (w, items) => {
      if (!Array.isArray(items)) throw new EncodeError(ProtocolErrorCode.invalidValue, `array expected, got ${typeof items}`);
      w.u32(items.length);
      for (let i = 0; i < items.length; i++) {
        try {
          element.write(w, items[i]!);
        } catch (error) {
          if (error instanceof EncodeError) error.insideField(`[${i}]`);
          throw error;
        }
      }
    },
  );
}

/**
 * Reads an array's uint32 count and checks it before anything is allocated: every element takes
 * at least minBytes, so a larger count cannot be honest; and the message's item budget (its
 * declared maxItems, shared by all its arrays) must cover it.
 */
export function readArrayCount(r: Reader, element: Codec<unknown>): number {
  const at = r.pos;
  const count = r.u32();
  if (count * element.minBytes > r.remaining) {
    throw new DecodeError(
      ProtocolErrorCode.countTooLarge,
      `array claims ${count} elements of at least ${element.minBytes} bytes but only ${r.remaining} bytes remain`,
      { offset: at },
    );
  }
  if (count > r.itemBudget) {
    throw new DecodeError(
      ProtocolErrorCode.tooManyItems,
      `array of ${count} elements goes past the message's limit of ${r.itemLimit} items in all`,
      { offset: at },
    );
  }
  r.itemBudget -= count;
  return count;
}

/** An array-typed codec with custom reading (GetRelatedSearches) keeps the element for tools. */
export function arrayCodec<T>(element: Codec<T>, read: (r: Reader) => T[], write: (w: Writer, v: T[]) => void): Codec<T[]> {
  return { kind: 'codec', type: 'array', element: element as Codec<unknown>, minBytes: 4, read, write };
}

// ---- structs ---------------------------------------------------------------------------------

/** A trailing field that may be missing from the wire: read only if bytes remain, written only if set. */
export interface Optional<T> {
  readonly kind: 'optional';
  readonly codec: Codec<T>;
}

/** A trailing field older peers leave out: read as `fallback` when missing, always written. */
export interface Defaulted<T> {
  readonly kind: 'defaulted';
  readonly codec: Codec<T>;
  readonly fallback: T;
}

/** A field present only when an earlier field says so (`has_picture` → `picture`). */
export interface When<T> {
  readonly kind: 'when';
  readonly codec: Codec<T>;
  /** The earlier field that decides, and the value that makes this one present. */
  readonly field: string;
  readonly equals: unknown;
  readonly test: (fieldsSoFar: Record<string, unknown>) => boolean;
  /** With `optional`, the field may also be missing when the test passes (PeerTransferReply). */
  readonly optional: boolean;
  readonly description: string;
}

export function optional<T>(c: Codec<T>): Optional<T> {
  return { kind: 'optional', codec: c };
}

export function defaulted<T>(c: Codec<T>, fallback: T): Defaulted<T> {
  return { kind: 'defaulted', codec: c, fallback };
}

/** Present when `field` is `value` (default `true`). */
export function when<T>(
  field: string,
  c: Codec<T>,
  options: { equals?: unknown; optional?: boolean } = {},
): When<T> {
  const expected = 'equals' in options ? options.equals : true;
  return {
    kind: 'when',
    codec: c,
    field,
    equals: expected,
    test: (fields) => fields[field] === expected,
    optional: options.optional ?? false,
    description: `${field} is ${String(expected)}`,
  };
}

export type FieldSpec = Codec<any> | Optional<any> | Defaulted<any> | When<any>;
export type Shape = Record<string, FieldSpec>;

type ValueOf<S> = S extends Codec<infer T>
  ? T
  : S extends Optional<infer T>
    ? T
    : S extends Defaulted<infer T>
      ? T
      : S extends When<infer T>
        ? T
        : never;

type RequiredKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends Codec<any> | Defaulted<any> ? K : never;
}[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;

/** Flattens an intersection into one object type so editors show the fields, not `A & B`. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type FieldsOf<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: ValueOf<S[K]> } & { [K in OptionalKeys<S>]?: ValueOf<S[K]> }
>;

const REQUIRED = 0;
const OPTIONAL = 1;
const DEFAULTED = 2;
const WHEN = 3;

/** An ordered set of named fields. */
export interface Struct<T> extends Codec<T> {
  readonly shape: Shape;
  /** Reads the fields into an existing object (the message object that already holds `name`). */
  readInto(reader: Reader, target: Record<string, unknown>): void;
}

export function struct<S extends Shape>(shape: S): Struct<FieldsOf<S>> {
  const keys = Object.keys(shape);
  const kinds: number[] = [];
  const codecs: Codec<unknown>[] = [];
  const specs = keys.map((key) => shape[key]!);
  let minBytes = 0;
  let seenOptional = false;
  for (const [i, spec] of specs.entries()) {
    const kind = spec.kind === 'codec' ? REQUIRED : spec.kind === 'optional' ? OPTIONAL : spec.kind === 'defaulted' ? DEFAULTED : WHEN;
    if (kind === REQUIRED && seenOptional) {
      throw new Error(`layout error: required field ${keys[i]} follows an optional one`);
    }
    if (kind === OPTIONAL || kind === DEFAULTED) seenOptional = true;
    kinds.push(kind);
    codecs.push(spec.kind === 'codec' ? spec : spec.codec);
    if (spec.kind === 'codec') minBytes += spec.minBytes;
  }
  const count = keys.length;
  const allRequired = kinds.every((k) => k === REQUIRED);
  const { readInto, read } = compileReaders(keys, kinds, specs, codecs, allRequired);

  function write(w: Writer, value: Record<string, unknown>): void {
    if (value === null || typeof value !== 'object') {
      throw new EncodeError(ProtocolErrorCode.invalidValue, `object expected, got ${value === null ? 'null' : typeof value}`);
    }
    let omitted: string | undefined;
    for (let i = 0; i < count; i++) {
      const key = keys[i]!;
      const field = value[key];
      const kind = kinds[i];
      try {
        if (kind === REQUIRED) {
          if (field === undefined) throw new EncodeError(ProtocolErrorCode.invalidValue, 'required field is missing');
          codecs[i]!.write(w, field);
        } else if (kind === WHEN) {
          const spec = specs[i] as When<unknown>;
          if (!spec.test(value)) continue;
          if (field === undefined) {
            if (spec.optional) continue;
            throw new EncodeError(ProtocolErrorCode.invalidValue, `required when ${spec.description}`);
          }
          codecs[i]!.write(w, field);
        } else if (field === undefined) {
          if (kind === DEFAULTED) codecs[i]!.write(w, (specs[i] as Defaulted<unknown>).fallback);
          else omitted ??= key;
        } else {
          if (omitted !== undefined) {
            throw new EncodeError(
              ProtocolErrorCode.invalidValue,
              `optional field ${omitted} is missing, so the later optional field cannot be written`,
            );
          }
          codecs[i]!.write(w, field);
        }
      } catch (error) {
        if (error instanceof EncodeError) error.insideField(key);
        throw error;
      }
    }
  }

  return {
    kind: 'codec',
    type: 'struct',
    shape,
    minBytes,
    readInto,
    read: read as (r: Reader) => FieldsOf<S>,
    write: write as (w: Writer, v: FieldsOf<S>) => void,
  };
}

// ---- compiled readers --------------------------------------------------------------------------

/**
 * Reads of the primitives, written out inline. Calling the Reader method straight from the
 * compiled function lets V8 inline it, instead of going through a shared codec closure that sees
 * every field type of every message.
 */
const inlineReads = new Map<Codec<unknown>, string>([
  [uint8, 'r.u8()'],
  [uint16, 'r.u16()'],
  [uint32, 'r.u32()'],
  [int32, 'r.i32()'],
  [uint64, 'r.u64()'],
  [bool, 'r.bool()'],
  [string, 'r.string()'],
  [bytes, 'r.byteArray()'],
]);

/**
 * Turns a struct declaration into straight-line reader functions, one per struct. Each message
 * then gets its own function with a fixed object shape, which is what a hand-written decoder
 * would be; a generic loop over fields measured about twice as slow. Only field names from our
 * own declarations reach the generated source, quoted through JSON.stringify.
 */
function compileReaders(
  keys: string[],
  kinds: number[],
  specs: FieldSpec[],
  codecs: Codec<unknown>[],
  allRequired: boolean,
): { readInto: (r: Reader, t: Record<string, unknown>) => void; read: (r: Reader) => unknown } {
  const names: string[] = [];
  const values: unknown[] = [];
  const bind = (value: unknown): string => {
    names.push(`v${names.length}`);
    values.push(value);
    return names[names.length - 1]!;
  };
  const expression = (c: Codec<unknown>): string => inlineReads.get(c) ?? `${bind(c)}.read(r)`;
  const lines: string[] = [];
  const literal: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = JSON.stringify(keys[i]);
    const read = expression(codecs[i]!);
    switch (kinds[i]) {
      case REQUIRED:
        lines.push(`t[${key}] = ${read};`);
        literal.push(`${key}: ${read}`);
        break;
      case OPTIONAL:
        lines.push(`if (r.pos < r.end) t[${key}] = ${read};`);
        break;
      case DEFAULTED:
        lines.push(`t[${key}] = r.pos < r.end ? ${read} : ${bind((specs[i] as Defaulted<unknown>).fallback)};`);
        break;
      default: {
        const spec = specs[i] as When<unknown>;
        const present = `t[${JSON.stringify(spec.field)}] === ${bind(spec.equals)}${spec.optional ? ' && r.pos < r.end' : ''}`;
        lines.push(`if (${present}) t[${key}] = ${read};`);
      }
    }
  }
  const source = `
    function readInto(r, t) {
      ${lines.join('\n      ')}
    }
    function read(r) {
      ${allRequired ? `return { ${literal.join(', ')} };` : 'const t = {}; readInto(r, t); return t;'}
    }
    return { readInto, read };`;
  try {
    return new Function(...names, source)(...values);
  } catch (error) {
    // Code generation is forbidden (--disallow-code-generation-from-strings, a strict CSP): read
    // the same declaration field by field instead.
    if (error instanceof EvalError) return interpretedReaders(keys, specs, codecs);
    throw error;
  }
}

/** Whether struct readers are generated code or the interpreted fallback (for tests and benchmarks). */
export function readerMode(): 'compiled' | 'interpreted' {
  return compiledReadersWork ? 'compiled' : 'interpreted';
}

let compiledReadersWork = true;

/** The same reads as compileReaders, walking the declaration at run time. */
function interpretedReaders(
  keys: string[],
  specs: FieldSpec[],
  codecs: Codec<unknown>[],
): { readInto: (r: Reader, t: Record<string, unknown>) => void; read: (r: Reader) => unknown } {
  compiledReadersWork = false;
  const count = keys.length;
  function readInto(r: Reader, t: Record<string, unknown>): void {
    for (let i = 0; i < count; i++) {
      const spec = specs[i]!;
      if (fieldIsPresent(r, t, spec)) t[keys[i]!] = codecs[i]!.read(r);
      else if (spec.kind === 'defaulted') t[keys[i]!] = spec.fallback;
    }
  }
  function read(r: Reader): unknown {
    const t: Record<string, unknown> = {};
    readInto(r, t);
    return t;
  }
  return { readInto, read };
}

/** Whether a field is on the wire at this point, given the fields of its struct read so far. */
export function fieldIsPresent(r: Reader, fieldsSoFar: Record<string, unknown>, spec: FieldSpec): boolean {
  switch (spec.kind) {
    case 'codec':
      return true;
    case 'optional':
    case 'defaulted':
      return r.pos < r.end;
    default:
      return fieldsSoFar[spec.field] === spec.equals && (!spec.optional || r.pos < r.end);
  }
}
