// Reading a large message in steps. A shares reply of a million files takes far longer to read
// than the event loop may be held, so its layout is walked by a generator that pauses after every
// element of a nested array (every folder, every file of a folder); the driver lets the event loop
// run whenever DECODE_STEP_BYTES have been read since the last pause. Leaves (a file's fields and
// attributes) are read by the same codecs as decode(), so both paths read identical bytes alike.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { fieldIsPresent, readArrayCount, type Codec, type Shape, type Struct } from './layout.ts';
import type { Reader } from './reader.ts';

/** Body bytes read between two turns of the event loop. */
export const DECODE_STEP_BYTES = 128 * 1024;

/** How stepwise reading went: tests and benchmarks read it. */
export const decodeMeter = {
  /** Times the reader let the event loop run. */
  pauses: 0,
  /** The most body bytes read between two pauses. */
  largestStepBytes: 0,
};

const deepness = new WeakMap<Codec<unknown>, boolean>();

/** Holds an array anywhere inside. */
function containsArray(c: Codec<unknown>): boolean {
  if (c.type === 'array') return true;
  if (c.type !== 'struct') return false;
  return Object.values((c as Struct<unknown>).shape).some((spec) => containsArray(spec.kind === 'codec' ? spec : spec.codec));
}

/**
 * Worth pausing inside: an array whose elements hold arrays themselves (folders of files, files
 * with attributes), or a struct with such a field. A file with its few attributes is read whole.
 * Only arrays made by array() have an element to walk; custom array codecs read themselves.
 */
function isDeep(c: Codec<unknown>): boolean {
  let deep = deepness.get(c);
  if (deep === undefined) {
    if (c.type === 'array') deep = c.element !== undefined && containsArray(c.element);
    else if (c.type === 'struct') deep = Object.values((c as Struct<unknown>).shape).some((spec) => isDeep(spec.kind === 'codec' ? spec : spec.codec));
    else deep = false;
    deepness.set(c, deep);
  }
  return deep;
}

function* readValue(c: Codec<unknown>, r: Reader): Generator<void, unknown> {
  if (!isDeep(c)) return c.read(r);
  if (c.type === 'array') {
    const element = c.element!;
    const count = readArrayCount(r, element);
    const items = new Array<unknown>(count);
    for (let i = 0; i < count; i++) {
      items[i] = yield* readValue(element, r);
      yield;
    }
    return items;
  }
  const fields: Record<string, unknown> = {};
  yield* readFields((c as Struct<unknown>).shape, r, fields);
  return fields;
}

function* readFields(shape: Shape, r: Reader, target: Record<string, unknown>): Generator<void, void> {
  for (const [key, spec] of Object.entries(shape)) {
    if (fieldIsPresent(r, target, spec)) target[key] = yield* readValue(spec.kind === 'codec' ? spec : spec.codec, r);
    else if (spec.kind === 'defaulted') target[key] = spec.fallback;
  }
}

/** Reads a struct's fields into `target`, letting the event loop run every DECODE_STEP_BYTES. */
export async function readIntoInSteps(layout: Struct<unknown>, r: Reader, target: Record<string, unknown>): Promise<void> {
  const steps = readFields(layout.shape, r, target);
  let mark = r.pos;
  for (;;) {
    const step = steps.next();
    const read = r.pos - mark;
    if (step.done === true || read >= DECODE_STEP_BYTES) {
      if (read > decodeMeter.largestStepBytes) decodeMeter.largestStepBytes = read;
      if (step.done === true) return;
      decodeMeter.pauses++;
      await nextTurn();
      mark = r.pos;
    }
  }
}
