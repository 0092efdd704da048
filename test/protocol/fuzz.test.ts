// Seeded fuzzing of every decoder: random frames and mutations of real ones may only ever produce a
// message or a ProtocolError — no other exception, no hang, no allocation beyond the frame.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { FrameReader, ProtocolError, decode, type Channel, type Direction } from '../../src/protocol/index.ts';
import { fromHex, loadVectors } from './vectors.ts';
import { mulberry32 as prng } from '../support/seeded-random.ts';


const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const BUDGET_MS = Number(process.env.FUZZ_MS ?? 3000);
/** Any single decode slower than this counts as a hang. */
const SLOW_DECODE_MS = 200;

const targets: [Channel, Direction][] = [
  ['server', 'request'],
  ['server', 'response'],
  ['peer-init', 'both'],
  ['peer', 'both'],
  ['distributed', 'both'],
];

const seeds = loadVectors()
  .filter((v) => v.channel !== 'file')
  .map((v) => ({ target: [v.channel, v.direction] as [Channel, Direction], frame: fromHex(v.frame_hex), payload: v.payload_hex }));

function withLength(body: Uint8Array): Uint8Array {
  const frame = new Uint8Array(body.length + 4);
  new DataView(frame.buffer).setUint32(0, body.length, true);
  frame.set(body, 4);
  return frame;
}

function mutate(random: () => number, frame: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(frame);
  const int = (n: number) => Math.floor(random() * n);
  switch (int(6)) {
    case 0: // flip some bytes past the length prefix
      for (let i = 0, n = 1 + int(4); i < n && bytes.length > 4; i++) bytes[4 + int(bytes.length - 4)] = int(256);
      return bytes;
    case 1: // truncate, keeping the length honest
      return withLength(bytes.subarray(4, 4 + int(Math.max(1, bytes.length - 4))));
    case 2: // append junk
      return withLength(new Uint8Array([...bytes.subarray(4), ...Array.from({ length: 1 + int(8) }, () => int(256))]));
    case 3: { // a huge count or length somewhere
      if (bytes.length >= 12) new DataView(bytes.buffer).setUint32(8 + int(bytes.length - 11), 0xffff_fff0 + int(16), true);
      return bytes;
    }
    case 4: // wrong length prefix
      new DataView(bytes.buffer).setUint32(0, int(1 << 20), true);
      return bytes;
    default: // pure noise with a valid length
      return withLength(new Uint8Array(Array.from({ length: 1 + int(64) }, () => int(256))));
  }
}

/** Compressed messages: mutate the inflated payload and re-deflate, so the fuzzing reaches the layout. */
function mutateCompressed(random: () => number, frame: Uint8Array, payloadHex: string): Uint8Array {
  const payload = mutate(random, withLength(fromHex(payloadHex))).subarray(4);
  const code = frame.subarray(4, 8);
  return withLength(new Uint8Array([...code, ...deflateSync(payload)]));
}

function decodeChecked(channel: Channel, direction: Direction, frame: Uint8Array, counts: { ok: number; typed: number }): void {
  const started = performance.now();
  try {
    decode(channel, direction, frame, { maxInflatedBytes: 1 << 20 });
    counts.ok++;
  } catch (error) {
    if (!(error instanceof ProtocolError)) {
      assert.fail(`${channel} ${direction} frame ${Buffer.from(frame).toString('hex')} threw ${String(error)}`);
    }
    counts.typed++;
  }
  const elapsed = performance.now() - started;
  assert.ok(elapsed < SLOW_DECODE_MS, `decoding took ${elapsed.toFixed(0)} ms: ${Buffer.from(frame).toString('hex').slice(0, 200)}`);
}

test(`fuzzing every decoder for ${BUDGET_MS} ms (seed ${SEED})`, (t) => {
  const random = prng(SEED);
  const counts = { ok: 0, typed: 0 };
  const deadline = performance.now() + BUDGET_MS;
  let rounds = 0;
  while (performance.now() < deadline) {
    rounds++;
    const seed = seeds[Math.floor(random() * seeds.length)]!;
    const frame =
      seed.payload !== undefined && random() < 0.5
        ? mutateCompressed(random, seed.frame, seed.payload)
        : mutate(random, seed.frame);
    // Feed every mutated frame to every decoder, not only its own: codes collide across channels.
    for (const [channel, direction] of targets) decodeChecked(channel, direction, frame, counts);
  }
  // Also: every known code with a random body.
  for (const [channel, direction] of targets) {
    const wide = channel === 'server' || channel === 'peer';
    for (let code = 0; code < (wide ? 1010 : 256); code++) {
      const body = Array.from({ length: Math.floor(random() * 24) }, () => Math.floor(random() * 256));
      const head = wide ? [code & 0xff, code >>> 8, 0, 0] : [code];
      decodeChecked(channel, direction, withLength(new Uint8Array([...head, ...body])), counts);
    }
  }
  t.diagnostic(`${rounds} rounds: ${counts.ok} frames decoded, ${counts.typed} typed errors`);
  assert.ok(rounds > 100, `only ${rounds} rounds ran`);
  assert.ok(counts.ok > 0 && counts.typed > 0, `ok ${counts.ok}, typed errors ${counts.typed}`);
});

test('the frame reader survives random streams with only typed errors', () => {
  const random = prng(SEED + 1);
  for (let round = 0; round < 2000; round++) {
    const channel = targets[Math.floor(random() * targets.length)]![0];
    const reader = new FrameReader(channel, { obfuscated: random() < 0.2 });
    const stream = Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256));
    try {
      for (let i = 0; i < stream.length; ) {
        const size = 1 + Math.floor(random() * 16);
        reader.push(new Uint8Array(stream.slice(i, i + size)));
        i += size;
      }
    } catch (error) {
      assert.ok(error instanceof ProtocolError, String(error));
    }
  }
});
