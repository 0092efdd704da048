// Every golden frame decodes to its listed fields and re-encodes to the same bytes.

import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { describe, test } from 'node:test';
import {
  decode,
  decodeFileOffset,
  decodeFileTransferInit,
  encode,
  encodeFileOffset,
  encodeFileTransferInit,
  type Channel,
  type Direction,
} from '../../src/protocol/index.ts';
import { asVectorJson, camelFields, fromHex, loadVectors, toHex, type Vector } from './vectors.ts';

const vectors = loadVectors();

/**
 * Where we deliberately read a field differently from aioslsk, which made the vectors. Each entry
 * maps the vector's expected fields to ours and says why.
 */
const deviations: Record<string, (fields: Record<string, unknown>) => Record<string, unknown>> = {
  // docs/interop.md: the level is signed (Nicotine+ sends −1); aioslsk reads the same bytes unsigned.
  DistributedBranchLevel: (fields) => ({ ...fields, level: (fields.level as number) | 0 }),
};

function expectedFields(vector: Vector): unknown {
  const fields = camelFields(vector.fields) as Record<string, unknown>;
  return deviations[vector.name]?.(fields) ?? fields;
}

function isFrameChannel(vector: Vector): vector is Vector & { channel: Channel } {
  return vector.channel !== 'file';
}

describe('independent: golden vectors from aioslsk', () => {
  test('the vectors cover every channel', () => {
    const channels = new Set(vectors.map((v) => v.channel));
    assert.deepEqual([...channels].sort(), ['distributed', 'file', 'peer', 'peer-init', 'server']);
    assert.ok(vectors.length >= 600, `expected at least 600 vectors, found ${vectors.length}`);
  });

  describe('decode → fields → encode', () => {
    for (const vector of vectors) {
      const label = `${vector.source} ${vector.channel} ${vector.direction} ${vector.name}`;
      test(label, () => {
        const frame = fromHex(vector.frame_hex);
        if (!isFrameChannel(vector)) {
          if (vector.name === 'FileTransferInit') {
            const decoded = decodeFileTransferInit(frame);
            assert.deepEqual(asVectorJson(decoded), expectedFields(vector));
            assert.equal(toHex(encodeFileTransferInit(decoded.ticket)), vector.frame_hex);
          } else {
            const decoded = decodeFileOffset(frame);
            assert.deepEqual(asVectorJson(decoded), expectedFields(vector));
            assert.equal(toHex(encodeFileOffset(decoded.offset)), vector.frame_hex);
          }
          return;
        }
        const direction = vector.direction as Direction;
        const message = decode(vector.channel, direction, frame);
        assert.equal(message.name, vector.name);
        assert.deepEqual(asVectorJson(message), expectedFields(vector));

        const encoded = encode(vector.channel, direction, message as never);
        if (vector.payload_hex === undefined) {
          assert.equal(toHex(encoded), vector.frame_hex);
        } else {
          // zlib output differs between zlib builds: compare what the frames inflate to.
          assert.equal(toHex(encoded.subarray(4, 8)), vector.frame_hex.slice(8, 16), 'same code');
          assert.equal(toHex(inflateSync(encoded.subarray(8))), vector.payload_hex);
          assert.equal(toHex(inflateSync(frame.subarray(8))), vector.payload_hex, 'the vector agrees with itself');
        }
      });
    }
  });
});
