// Every wire variant that docs/interop.md and vectors/DIFF.md list, each decoded from bytes built by hand:
// the forms Nicotine+, SoulseekQt, Soulseek NS and Museek+ send beside the canonical one.

import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { decode, encode } from '../../src/protocol/index.ts';
import { concat, frame32, frame8, hex, raw, strBytes, u16, u32, u64, u8, utf8 } from './bytes.ts';

describe('independent: wire variants real peers send, from hand-built bytes (docs/interop.md, DIFF.md)', () => {
  describe('strings', () => {
    test('bytes that are not UTF-8 are read as Windows-1252 (legacy latin-1 paths, DIFF.md 6)', () => {
      // Nicotine+ legacy_client: "Björk" as latin-1.
      const message = decode('peer', 'both', frame32(43, strBytes([0x42, 0x6a, 0xf6, 0x72, 0x6b])));
      assert.deepEqual(message, { name: 'PeerTransferQueue', filename: 'Björk' });
    });

    test('cp1252 bytes 0x80–0x9f become their Windows-1252 characters', () => {
      const message = decode('peer', 'both', frame32(51, strBytes([0x41, 0x96, 0x42, 0x80])));
      assert.deepEqual(message, { name: 'PeerPlaceInQueueRequest', filename: 'A–B€' });
    });

    test('long non-UTF-8 strings fall back too, and encoding writes UTF-8', () => {
      const bytes = [...Buffer.from('x'.repeat(100), 'latin1'), 0xe9];
      const message = decode('peer', 'both', frame32(43, strBytes(bytes)));
      assert.equal(message.name === 'PeerTransferQueue' && message.filename, `${'x'.repeat(100)}é`);
      assert.equal(hex(encode('peer', 'both', message)), hex(frame32(43, utf8(`${'x'.repeat(100)}é`))));
    });
  });

  describe('server messages', () => {
    test('Login failure with a rejection detail (Nicotine+, DIFF.md 23)', () => {
      const frame = frame32(1, u8(0), utf8('INVALIDUSERNAME'), utf8('Nick too long.'));
      const message = decode('server', 'response', frame);
      assert.deepEqual(message, {
        name: 'Login',
        result: false,
        failureReason: 'INVALIDUSERNAME',
        rejectionDetail: 'Nick too long.',
      });
      assert.equal(hex(encode('server', 'response', message)), hex(frame));
    });

    test('Login request from a client of version 149 or older (no md5 hash or minor version)', () => {
      const frame = frame32(1, utf8('old'), utf8('pw'), u32(149));
      assert.deepEqual(decode('server', 'request', frame), { name: 'Login', username: 'old', password: 'pw', version: 149 });
    });

    test('ChildDepth as a uint8 (SoulseekQt)', () => {
      assert.deepEqual(decode('server', 'request', frame32(129, u8(1))), { name: 'ChildDepth', depth: 1 });
      // Written canonically as a uint32.
      assert.equal(hex(encode('server', 'request', { name: 'ChildDepth', depth: 1 })), hex(frame32(129, u32(1))));
    });

    test('GetPeerAddress reply: the obfuscated port is a uint16', () => {
      const frame = frame32(3, utf8('alice'), raw('04030201'), u32(2234), u32(1), u16(2235));
      assert.deepEqual(decode('server', 'response', frame), {
        name: 'GetPeerAddress',
        username: 'alice',
        ip: '1.2.3.4',
        port: 2234,
        hasObfuscatedPort: 1,
        obfuscatedPort: 2235,
      });
    });

    test('CannotConnect reply with the username the listing adds', () => {
      assert.deepEqual(decode('server', 'response', frame32(1001, u32(7), utf8('bob'))), {
        name: 'CannotConnect',
        ticket: 7,
        username: 'bob',
      });
    });

    test('GetRelatedSearches reply as Nicotine+ reads it: (term, score) pairs (docs/interop.md)', () => {
      const frame = frame32(153, utf8('q'), u32(2), utf8('björk'), u32(5), utf8('jóga'), u32(3));
      assert.deepEqual(decode('server', 'response', frame), {
        name: 'GetRelatedSearches',
        query: 'q',
        relatedSearches: ['björk', 'jóga'],
      });
    });

    test('GetItemRecommendations reply with the second list Nicotine+ reads (docs/interop.md)', () => {
      const frame = frame32(111, utf8('jazz'), u32(1), utf8('bebop'), u32(3), u32(1), utf8('polka'), u32(0xffffffff));
      assert.deepEqual(decode('server', 'response', frame), {
        name: 'GetItemRecommendations',
        item: 'jazz',
        recommendations: [{ recommendation: 'bebop', score: 3 }],
        unrecommendations: [{ unrecommendation: 'polka', score: -1 }],
      });
    });

    test('UserStats upload counts above 2^32 (aioslsk reads a uint64)', () => {
      const frame = frame32(36, utf8('a'), u32(100), u64(5_000_000_000n), u32(3), u32(4));
      assert.deepEqual(decode('server', 'response', frame), {
        name: 'GetUserStats',
        username: 'a',
        userStats: { avgSpeed: 100, uploads: 5_000_000_000n, sharedFileCount: 3, sharedFolderCount: 4 },
      });
    });

    test('ServerSearchRequest carries the distributed code as a uint8', () => {
      const frame = frame32(93, u8(3), u32(0x31), utf8('bob'), u32(9), utf8('q'));
      assert.deepEqual(decode('server', 'response', frame), {
        name: 'ServerSearchRequest',
        distributedCode: 3,
        unknown: 0x31,
        username: 'bob',
        ticket: 9,
        query: 'q',
      });
    });
  });

  describe('peer-init messages', () => {
    test('PeerInit with a uint64 ticket (older clients) is read, and written back as uint32', () => {
      const frame = frame8(1, utf8('carol'), utf8('P'), u64(5n));
      const message = decode('peer-init', 'both', frame);
      assert.deepEqual(message, { name: 'PeerInit', username: 'carol', connectionType: 'P', ticket: 5 });
      assert.equal(hex(encode('peer-init', 'both', message)), hex(frame8(1, utf8('carol'), utf8('P'), u32(5))));
    });
  });

  describe('peer messages', () => {
    const file = concat(u8(1), utf8('@@music\\a.mp3'), u64(1234n), utf8(''), u32(1), u32(0), u32(320));
    const fileDecoded = {
      unknown: 1,
      filename: '@@music\\a.mp3',
      filesize: 1234n,
      extension: '',
      attributes: [{ key: 0, value: 320 }],
    };

    test('zlib at level 4 (Nicotine+, header 78 5e) decodes like level 6 (docs/interop.md)', () => {
      const body = concat(utf8('dave'), u32(3), u32(1), file, u8(1), u32(100), u32(0), u32(0));
      const compressed = deflateSync(body, { level: 4 });
      assert.equal(hex(compressed.subarray(0, 2)), '785e');
      assert.deepEqual(decode('peer', 'both', frame32(9, compressed)), {
        name: 'PeerSearchReply',
        username: 'dave',
        ticket: 3,
        results: [fileDecoded],
        hasSlotsFree: true,
        avgSpeed: 100,
        queueSize: 0,
        unknown: 0,
      });
    });

    test('a shares reply without the unknown uint32 or the locked list (old clients) reads unknown as 0', () => {
      const body = concat(u32(1), utf8('@@music'), u32(1), file);
      assert.deepEqual(decode('peer', 'both', frame32(5, deflateSync(body))), {
        name: 'PeerSharesReply',
        directories: [{ name: '@@music', files: [fileDecoded] }],
        unknown: 0,
      });
    });

    test('Soulseek NS file sizes with the high four bytes set read as the low four bytes, unsigned', () => {
      const frame = frame32(40, u32(1), u32(8), utf8('big.iso'), raw('00000080ffffffff'));
      assert.deepEqual(decode('peer', 'both', frame), {
        name: 'PeerTransferRequest',
        direction: 1,
        ticket: 8,
        filename: 'big.iso',
        filesize: 0x8000_0000n,
      });
    });

    test('PeerUserInfoReply from Museek+: has_slots_free as four bytes, no upload permissions', () => {
      const frame = frame32(16, utf8('hi'), u8(0), u32(2), u32(5), u32(1));
      assert.deepEqual(decode('peer', 'both', frame), {
        name: 'PeerUserInfoReply',
        description: 'hi',
        hasPicture: false,
        uploadSlots: 2,
        queueSize: 5,
        hasSlotsFree: true,
      });
    });

    test('PeerTransferReply: size only when allowed, reason only when not', () => {
      assert.deepEqual(decode('peer', 'both', frame32(41, u32(1), u8(1), u64(99n))), {
        name: 'PeerTransferReply',
        ticket: 1,
        allowed: true,
        filesize: 99n,
      });
      assert.deepEqual(decode('peer', 'both', frame32(41, u32(2), u8(0), utf8('Queued'))), {
        name: 'PeerTransferReply',
        ticket: 2,
        allowed: false,
        reason: 'Queued',
      });
    });
  });

  describe('distributed messages', () => {
    test('DistributedBranchLevel −1 as Nicotine+ sends it (docs/interop.md)', () => {
      const frame = frame8(4, raw('ffffffff'));
      assert.equal(hex(frame), '0500000004ffffffff');
      assert.deepEqual(decode('distributed', 'both', frame), { name: 'DistributedBranchLevel', level: -1 });
      assert.equal(hex(encode('distributed', 'both', { name: 'DistributedBranchLevel', level: -1 })), hex(frame));
    });

    test('a forwarded ServerSearchRequest with a uint8 code (old SoulseekQt) and with a uint32 code (aioslsk)', () => {
      const inner = concat(u8(3), u32(0x31), utf8('erin'), u32(77), utf8('aphex'));
      const expected = {
        name: 'DistributedServerSearchRequest',
        distributedCode: 3,
        unknown: 0x31,
        username: 'erin',
        ticket: 77,
        query: 'aphex',
      };
      assert.deepEqual(decode('distributed', 'both', frame8(93, inner)), expected);
      const wide = concat(u32(4 + inner.length), u32(93), inner);
      assert.deepEqual(decode('distributed', 'both', wide), expected);
    });
  });
});
