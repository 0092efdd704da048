// The frame reader cuts any chunking of a stream into the same frames, and refuses absurd lengths
// before buffering them.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  FRAME_LIMITS,
  FrameError,
  FrameReader,
  ProtocolErrorCode,
  deobfuscate,
  obfuscate,
  type Channel,
} from '../../src/protocol/index.ts';
import { concat, frame32, hex, raw, u32, u8, utf8 } from './bytes.ts';
import { fromHex, loadVectors } from './vectors.ts';

const framesByChannel = new Map<Channel, Uint8Array[]>();
for (const vector of loadVectors()) {
  if (vector.channel === 'file') continue;
  const list = framesByChannel.get(vector.channel) ?? [];
  list.push(fromHex(vector.frame_hex));
  framesByChannel.set(vector.channel, list);
}

function feed(reader: FrameReader, stream: Uint8Array, chunkSize: number): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let i = 0; i < stream.length; i += chunkSize) frames.push(...reader.push(stream.subarray(i, i + chunkSize)));
  return frames;
}

describe('frame reader', () => {
  for (const [channel, frames] of framesByChannel) {
    const stream = concat(...frames);
    test(`${channel}: ${frames.length} frames in one chunk`, () => {
      const reader = new FrameReader(channel);
      assert.deepEqual(reader.push(stream).map(hex), frames.map(hex));
      assert.equal(reader.buffered, 0);
    });
    test(`${channel}: the same frames fed one byte at a time`, () => {
      const reader = new FrameReader(channel);
      assert.deepEqual(feed(reader, stream, 1).map(hex), frames.map(hex));
      assert.equal(reader.buffered, 0);
    });
    test(`${channel}: the same frames in uneven chunks`, () => {
      const reader = new FrameReader(channel);
      assert.deepEqual(feed(reader, stream, 7).map(hex), frames.map(hex));
    });
  }

  test('the frame being gathered is reported with its code, bytes so far and size, plain or obfuscated', () => {
    for (const obfuscated of [false, true]) {
      const reader = new FrameReader('peer', { obfuscated });
      const plain = frame32(5, new Uint8Array(1000));
      const wire = obfuscated ? obfuscate(plain) : plain;
      const extra = obfuscated ? 4 : 0;
      assert.equal(reader.partial, undefined);
      reader.push(wire.subarray(0, 6 + extra));
      assert.equal(reader.partial, undefined, 'the header is not complete yet');
      reader.push(wire.subarray(6 + extra, 300));
      assert.deepEqual(reader.partial, { code: 5, received: 300, size: plain.length + extra });
      const [whole] = reader.push(wire.subarray(300));
      assert.equal(hex(whole!), hex(plain));
      assert.equal(reader.partial, undefined, 'done: nothing pending');
    }
  });

  test('a length over the channel limit is refused from its header alone', () => {
    const reader = new FrameReader('distributed');
    // 16 KiB + 1: the header claims more than the distributed cap; only 5 bytes are given.
    assert.throws(
      () => reader.push(concat(u32(FRAME_LIMITS.distributed), u8(3))),
      (error: unknown) => error instanceof FrameError && error.code === ProtocolErrorCode.frameTooLarge,
    );
    assert.equal(reader.buffered, 0, 'nothing of the refused frame is kept');
    // The stream is broken for good: later chunks are refused with the same error.
    assert.throws(() => reader.push(concat(u8(0))), FrameError);
  });

  test('a 4 GiB length on the server channel is refused without allocating', () => {
    const reader = new FrameReader('server', { maxFrameBytes: 1024 });
    assert.throws(() => reader.push(concat(raw('ffffffff01000000'))), /FRAME_TOO_LARGE.*over the server limit of 1024/);
  });

  test('P connections cap frames by code (1 MiB for a transfer request, 16 MiB for unknown codes)', () => {
    const header = (length: number, code: number): Uint8Array => concat(u32(length), u32(code));
    assert.throws(() => new FrameReader('peer').push(header(2 * 1024 * 1024, 40)), FrameError);
    assert.deepEqual(new FrameReader('peer').push(header(2 * 1024 * 1024, 9)), []); // search reply: allowed, waiting
    assert.throws(() => new FrameReader('peer').push(header(17 * 1024 * 1024, 12547)), FrameError);
  });

  test('a length too small to hold the code', () => {
    assert.throws(
      () => new FrameReader('server').push(concat(u32(2), raw('00000000'))),
      (error: unknown) => error instanceof FrameError && error.code === ProtocolErrorCode.badLength,
    );
  });

  test('obfuscated frames come out plain, whatever the chunking', () => {
    const frames = framesByChannel.get('peer')!;
    const stream = concat(...frames.map((f, i) => obfuscate(f, new Uint8Array([i, 0xa5, 0x5a, 0xff - i]))));
    for (const size of [1, 3, 1000, stream.length]) {
      const reader = new FrameReader('peer', { obfuscated: true });
      assert.deepEqual(feed(reader, stream, size).map(hex), frames.map(hex), `chunks of ${size}`);
    }
  });

  test('takeRemainder hands back the bytes after the last frame', () => {
    const init = frame32(43, utf8('x')); // PeerTransferQueue
    const reader = new FrameReader('peer');
    const frames = reader.push(init.subarray(0, 3));
    assert.deepEqual(frames, []);
    const more = reader.push(concat(init.subarray(3), raw('deadbeef')));
    assert.equal(more.length, 1);
    assert.equal(hex(reader.takeRemainder()), 'deadbeef');
    assert.equal(reader.buffered, 0);
  });
});

describe('independent: obfuscation known answers', () => {
  test('known answers computed with aioslsk’s algorithm', () => {
    assert.equal(
      hex(obfuscate(fromHex('0800000002000000ba080000'), fromHex('a1b2c3d4'))),
      'a1b2c3d44b6587a985ca0e53b49d1da6',
    );
    // 23 bytes: the last, partial block uses the first three key bytes.
    assert.equal(
      hex(obfuscate(fromHex('130000000105000000616c696365010000005000000000'), fromHex('deadbeef'))),
      'deadbeefae5b7ddf7ab2fabef70f99148db8ebfbddbb85f7bb77ab',
    );
  });
});

describe('self-consistency: obfuscation', () => {
  test('deobfuscate reverses obfuscate, with a random key by default', () => {
    const data = fromHex('0800000002000000ba08000001');
    const once = obfuscate(data);
    const twice = obfuscate(data);
    assert.equal(once.length, data.length + 4);
    assert.notEqual(hex(once.subarray(0, 4)), hex(twice.subarray(0, 4)), 'keys are random');
    assert.equal(hex(deobfuscate(once)), hex(data));
    assert.equal(hex(deobfuscate(twice)), hex(data));
  });
});
