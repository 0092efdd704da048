// Each compressed message's caps (messages/peer.ts) bound what decoding it costs: inflating stops
// at the message's own cap in steps of at most INFLATE_STEP_BYTES, arrays stop at its item cap
// before anything is allocated, a large body is read in steps, and the server never inflates.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import {
  DECODE_STEP_BYTES,
  DecodeError,
  INFLATE_STEP_BYTES,
  ProtocolErrorCode,
  decode,
  decodeInSteps,
  encode,
  inflateMeter,
  decodeMeter,
  isCompressed,
  messageLimits,
  messageNames,
  messageCode,
  peerFrameLimit,
  type PeerMessage,
} from '../../src/protocol/index.ts';
import { sampleStruct } from './samples.ts';
import { serverMessages } from '../../src/protocol/messages/index.ts';
import type { Struct } from '../../src/protocol/layout.ts';
import { bombFrame, peerFrame } from './bombs.ts';
import { concat, frame32, u32, u8, utf8 } from './bytes.ts';

const MiB = 1024 * 1024;
const limitsOf = (code: number) => messageLimits('peer', 'both', code)!;

function isDecodeError(code: string) {
  return (error: unknown) => error instanceof DecodeError && error.code === code;
}

describe('per-message caps', () => {
  test('every compressed message declares its inflate and item caps; the frame caps come from the same place', () => {
    for (const code of [5, 9, 37]) {
      assert.ok(isCompressed('peer', 'both', code));
      const limits = limitsOf(code);
      assert.ok(limits.maxInflatedBytes > 0 && Number.isFinite(limits.maxInflatedBytes), `code ${code} inflate cap`);
      assert.ok(Number.isFinite(limits.maxItems), `code ${code} item cap`);
      assert.equal(peerFrameLimit(code), limits.maxFrameBytes);
    }
    assert.ok(limitsOf(9).maxInflatedBytes <= 8 * MiB, 'a search reply is small');
    // A 1,000,000-file share (~150 bytes and 5 items per file inflated) still opens.
    assert.ok(limitsOf(5).maxInflatedBytes >= 150 * 1_000_000);
    assert.ok(limitsOf(5).maxItems >= 5 * 1_000_000 + 10_000);
    assert.equal(peerFrameLimit(4), 1 * MiB, 'plain peer messages keep the 1 MiB default');
    assert.equal(peerFrameLimit(12345), 16 * MiB, 'unknown codes get 16 MiB');
  });

  test('a search-reply bomb stops at the search reply cap, in steps of at most INFLATE_STEP_BYTES', async () => {
    const cap = limitsOf(9).maxInflatedBytes;
    const bomb = await bombFrame(9, 64 * MiB);
    const before = { bytes: inflateMeter.bytes, steps: inflateMeter.steps };
    inflateMeter.largestStepBytes = 0;
    await assert.rejects(decodeInSteps('peer', 'both', bomb), isDecodeError(ProtocolErrorCode.inflateLimit));
    const inflated = inflateMeter.bytes - before.bytes;
    assert.ok(inflated <= cap + INFLATE_STEP_BYTES, `inflated ${inflated} bytes for a cap of ${cap}`);
    assert.ok(inflateMeter.largestStepBytes <= INFLATE_STEP_BYTES, `largest step ${inflateMeter.largestStepBytes}`);
    assert.ok(inflateMeter.steps - before.steps >= cap / INFLATE_STEP_BYTES, 'the work came in steps');
  });

  test('the synchronous decode() stops at the same per-message cap', () => {
    // 8 MiB of zeros: past the search reply's cap, far below the shares reply's.
    const body = deflateSync(Buffer.alloc(8 * MiB));
    const before = inflateMeter.bytes;
    assert.throws(() => decode('peer', 'both', peerFrame(9, body)), isDecodeError(ProtocolErrorCode.inflateLimit));
    assert.ok(inflateMeter.bytes - before <= limitsOf(9).maxInflatedBytes);
    // The same bytes as a shares reply inflate whole (then fail on their layout, not the cap).
    assert.throws(() => decode('peer', 'both', peerFrame(5, body)), (error: unknown) => error instanceof DecodeError && error.code !== ProtocolErrorCode.inflateLimit);
  });

  test('a search reply with more results than its item cap is refused at the count, before reading them', async () => {
    const maxItems = limitsOf(9).maxItems;
    const count = maxItems + 1;
    // Enough bytes follow for `count` minimal files, so only the item cap can refuse it.
    const body = Buffer.concat([concat(utf8('bob'), u32(1), u32(count)), new Uint8Array(count * 21)]);
    const frame = peerFrame(9, deflateSync(body));
    const error = await decodeInSteps('peer', 'both', frame).catch((e: unknown) => e);
    assert.ok(error instanceof DecodeError && error.code === ProtocolErrorCode.tooManyItems, String(error));
    assert.equal(error.offset, 4 + 3 + 4, 'refused at the count');
    assert.throws(() => decode('peer', 'both', frame), isDecodeError(ProtocolErrorCode.tooManyItems));
  });

  test('items are counted across nested arrays: folders, files and attributes together', () => {
    const maxItems = limitsOf(37).maxItems;
    // One folder of files, each with enough attributes that the sum passes the cap though no
    // single array does.
    const files = 1000;
    const attributesEach = Math.ceil(maxItems / files);
    const file = Buffer.concat([concat(u8(1), utf8('a'), u32(1), u32(0), utf8(''), u32(attributesEach)), new Uint8Array(attributesEach * 8)]);
    const parts: Uint8Array[] = [concat(u32(7), utf8('dir'), u32(1), utf8('dir'), u32(files))];
    for (let i = 0; i < files; i++) parts.push(file);
    const frame = peerFrame(37, deflateSync(Buffer.concat(parts)));
    assert.throws(() => decode('peer', 'both', frame), isDecodeError(ProtocolErrorCode.tooManyItems));
  });

  test('a large shares reply is read in steps of about DECODE_STEP_BYTES, to the same message', async () => {
    const directories = Array.from({ length: 40 }, (_, d) => ({
      name: `Music\\Artist ${d}`,
      files: Array.from({ length: 500 }, (_, f) => ({
        unknown: 1,
        filename: `${String(f).padStart(3, '0')} - a track with a plausible title.flac`,
        filesize: BigInt(30_000_000 + f),
        extension: 'flac',
        attributes: [
          { key: 1, value: 240 },
          { key: 4, value: 44100 },
          { key: 5, value: 16 },
        ],
      })),
    }));
    const message: PeerMessage = { name: 'PeerSharesReply', directories, unknown: 0 };
    const frame = encode('peer', 'both', message);
    const before = decodeMeter.pauses;
    decodeMeter.largestStepBytes = 0;
    const stepped = await decodeInSteps('peer', 'both', frame);
    assert.deepEqual(stepped, decode('peer', 'both', frame));
    const inflatedBytes = inflateSync(frame.subarray(8)).length;
    assert.ok(inflatedBytes > 8 * DECODE_STEP_BYTES, 'the body spans several steps');
    assert.ok(decodeMeter.pauses - before >= Math.floor(inflatedBytes / DECODE_STEP_BYTES) - 1, `paused ${decodeMeter.pauses - before} times`);
    // A step ends after the element that crossed DECODE_STEP_BYTES: one file here.
    assert.ok(decodeMeter.largestStepBytes <= DECODE_STEP_BYTES + 200, `largest step ${decodeMeter.largestStepBytes}`);
  });
});

describe('the server channel never inflates', () => {
  test('no server message is compressed, and decoding every one inflates nothing', () => {
    const before = { bytes: inflateMeter.bytes, syncCalls: inflateMeter.syncCalls, steps: inflateMeter.steps };
    let decoded = 0;
    for (const direction of ['request', 'response'] as const) {
      for (const name of messageNames('server', direction)) {
        const code = messageCode('server', direction, name)!;
        assert.equal(isCompressed('server', direction, code), false, `${direction} ${name}`);
        assert.equal(messageLimits('server', direction, code)!.maxInflatedBytes, 0);
        const layout = (serverMessages as unknown as Record<string, Record<string, Struct<unknown> | undefined>>)[name]![direction]!;
        const frame = encode('server', direction, { name, ...sampleStruct(layout, 'full') } as never);
        decode('server', direction, frame);
        decoded++;
      }
    }
    // A zlib stream inside a server frame is just bytes of a field: a string here.
    const zlib = deflateSync(Buffer.alloc(1024 * 1024));
    const withZlib = frame32(messageCode('server', 'request', 'NewPassword')!, u32(zlib.length), zlib);
    assert.equal(decode('server', 'request', withZlib).name, 'NewPassword');
    assert.ok(decoded > 100);
    assert.deepEqual({ bytes: inflateMeter.bytes, syncCalls: inflateMeter.syncCalls, steps: inflateMeter.steps }, before);
  });
});
