import assert from 'node:assert/strict';
import { openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FilePostings, forEachList, MemoryPostings, type PostingsSource } from '../../src/shares/frozen-postings.ts';
import { FrozenWords } from '../../src/shares/frozen-words.ts';
import { tempDir } from './helpers.ts';

// Lists of 0..9 ids after a 12-byte header (file offsets are 4-byte aligned, as the snapshot's are).
const lengths = [1, 4, 1, 9, 2, 2, 7, 1, 3];
const bounds = new Uint32Array(lengths.length + 1);
lengths.forEach((n, i) => (bounds[i + 1] = bounds[i]! + n));
const ids = Uint32Array.from({ length: bounds[lengths.length]! }, (_, i) => i * 3 + 1);
const expected = lengths.map((_, i) => [...ids.subarray(bounds[i]!, bounds[i + 1]!)]);

async function sources(t: Parameters<typeof tempDir>[0]): Promise<[string, PostingsSource][]> {
  const dir = await tempDir(t, 'slsk-postings-');
  const path = join(dir, 'postings');
  writeFileSync(path, Buffer.concat([Buffer.alloc(12, 0xff), Buffer.from(ids.buffer), Buffer.alloc(8, 0xff)]));
  const file = new FilePostings(openSync(path, 'r'), 12, ids.byteLength);
  t.after(() => file.close());
  return [
    ['memory', new MemoryPostings(ids)],
    ['file', file],
  ];
}

test('postings read from memory and from a file give the same lists, whole or in chunks of any size', async (t) => {
  for (const [name, source] of await sources(t)) {
    assert.equal(source.length, ids.length, name);
    for (let i = 0; i < lengths.length; i++) assert.deepEqual([...source.read(bounds[i]!, bounds[i + 1]!)], expected[i], `${name} list ${i}`);
    // Chunks smaller than some lists (read on their own), and ranges that start past the first list.
    for (const chunk of [1, 3, 5, 100]) {
      for (const [first, end] of [[0, lengths.length], [2, 7], [4, 4]] as const) {
        const seen: number[][] = [];
        const indexes: number[] = [];
        assert.equal(forEachList(source, bounds, first, end, (list, index) => void (seen.push([...list]), indexes.push(index)), chunk), true);
        assert.deepEqual(seen, expected.slice(first, end), `${name}, chunk ${chunk}, ${first}..${end}`);
        assert.deepEqual(indexes, Array.from({ length: end - first }, (_, i) => first + i));
      }
    }
    // Stopping early: `false` from the callback ends the walk.
    let calls = 0;
    assert.equal(forEachList(source, bounds, 0, lengths.length, () => ++calls < 3, 2), false);
    assert.equal(calls, 3);
  }
});

test('a postings file refuses reads outside its range, reads after close, and a file cut short', async (t) => {
  const file = (await sources(t))[1]![1];
  assert.throws(() => file.read(0, ids.length + 1), RangeError);
  assert.throws(() => file.read(3, 2), RangeError);
  file.close();
  assert.throws(() => file.read(0, 1), /closed/);
  file.close(); // twice is harmless

  const dir = await tempDir(t, 'slsk-postings-short-');
  const path = join(dir, 'short');
  writeFileSync(path, Buffer.from(ids.buffer).subarray(0, 8));
  const short = new FilePostings(openSync(path, 'r'), 0, ids.byteLength);
  t.after(() => short.close());
  assert.deepEqual([...short.read(0, 2)], [...ids.subarray(0, 2)]);
  assert.throws(() => short.read(0, 3), /ended early/);
  assert.throws(() => new FilePostings(-1, 2, 8), RangeError, 'a misaligned offset');
});

test('lists borrowed during one search stay intact while later ones outgrow the scratch; the next search reuses it', async (t) => {
  // Three words of 10,000 files each: together past the first scratch (16,384 postings), so the
  // third is read into a new buffer while the first two are still in use.
  const n = 10_000;
  const lists = [0, 1, 2].map((word) => Uint32Array.from({ length: n }, (_, i) => i * 3 + word));
  const all = new Uint32Array(lists.length * n);
  lists.forEach((list, i) => all.set(list, i * n));
  const dir = await tempDir(t, 'slsk-borrow-');
  const path = join(dir, 'postings');
  writeFileSync(path, all);
  const words = FrozenWords.from('a\nb\nc', Uint32Array.from([n, n, n]), new FilePostings(openSync(path, 'r'), 0, all.byteLength), 3 * n)!;
  t.after(() => words.close());
  for (let search = 0; search < 3; search++) {
    words.returnBorrowed();
    const borrowed = [words.borrow(0), words.borrow(1), words.borrow(2)];
    borrowed.forEach((list, i) => assert.deepEqual(list, lists[i], `search ${search}, word ${i}`));
    const range = words.borrowRange(0, 3);
    [0, 1, 2].forEach((i) => assert.deepEqual(range(i), lists[i], `search ${search}, range word ${i}`));
    borrowed.forEach((list, i) => assert.deepEqual(list, lists[i], `search ${search}, word ${i} after the range`));
    // Kept lists are copies of their own, not scratch.
    assert.notEqual(words.list(1).buffer, borrowed[1]!.buffer);
  }
});
