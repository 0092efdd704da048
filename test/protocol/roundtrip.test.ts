// Every message of every channel and direction survives encode → decode unchanged, with non-ASCII
// strings, empty arrays, uint64 values above 2^32 and 2^53, and optional fields present and absent.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decode, encode, messageNames, type Channel, type Direction } from '../../src/protocol/index.ts';
import { distributedMessages, peerInitMessages, peerMessages, serverMessages } from '../../src/protocol/messages/index.ts';
import type { Struct } from '../../src/protocol/layout.ts';
import { sampleStruct, type Flavour } from './samples.ts';
import { readListing } from './listing.ts';

interface Case {
  channel: Channel;
  direction: Direction;
  name: string;
  layout: Struct<unknown>;
}

const cases: Case[] = [];
for (const [name, def] of Object.entries(serverMessages)) {
  if (def.request) cases.push({ channel: 'server', direction: 'request', name, layout: def.request as Struct<unknown> });
  if (def.response) cases.push({ channel: 'server', direction: 'response', name, layout: def.response as Struct<unknown> });
}
for (const [channel, defs] of [
  ['peer-init', peerInitMessages],
  ['peer', peerMessages],
  ['distributed', distributedMessages],
] as const) {
  for (const [name, def] of Object.entries(defs)) cases.push({ channel, direction: 'both', name, layout: def.layout });
}

describe('independent: the listing', () => {
  test('every message of MESSAGES.rst has a layout, in every direction the listing gives', () => {
    const listing = readListing();
    const missing: string[] = [];
    for (const { channel, name, directions } of listing) {
      for (const direction of directions) {
        if (!messageNames(channel, direction).includes(name)) missing.push(`${channel} ${direction} ${name}`);
      }
    }
    assert.deepEqual(missing, []);
    assert.ok(listing.length >= 120, `parsed only ${listing.length} messages from MESSAGES.rst`);
  });
});

describe('self-consistency: encode → decode round trip of every message', () => {
  for (const c of cases) {
    for (const flavour of ['full', 'minimal', 'mixed'] as Flavour[]) {
      test(`${c.channel} ${c.direction} ${c.name} (${flavour})`, () => {
        const message = { name: c.name, ...sampleStruct(c.layout, flavour) };
        const frame = encode(c.channel, c.direction, message as never);
        const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
        assert.equal(view.getUint32(0, true), frame.length - 4, 'length prefix counts the bytes after it');
        assert.deepEqual(decode(c.channel, c.direction, frame), message);
      });
    }
  }
});
