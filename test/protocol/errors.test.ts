// Broken frames and bad message objects give a typed ProtocolError that says what and where.

import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { describe, test } from 'node:test';
import {
  DecodeError,
  EncodeError,
  ProtocolError,
  ProtocolErrorCode,
  decode,
  decodeFileOffset,
  encode,
  type ProtocolErrorCode as Code,
} from '../../src/protocol/index.ts';
import { concat, frame32, frame8, raw, u32, u8, utf8 } from './bytes.ts';

function expectDecodeError(run: () => unknown, code: Code, details: Partial<ProtocolError> = {}): DecodeError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DecodeError, `expected a DecodeError, got ${String(caught)}`);
  assert.ok(caught instanceof ProtocolError);
  assert.equal(caught.code, code, caught.message);
  for (const [key, value] of Object.entries(details)) assert.equal(caught[key as keyof ProtocolError], value, key);
  return caught;
}

describe('decoding', () => {
  test('a truncated field names the message and the offset', () => {
    const frame = frame32(1, utf8('alice'), utf8('pw')); // Login without version
    const cut = concat(u32(frame.length - 4), frame.subarray(4));
    const error = expectDecodeError(() => decode('server', 'request', cut), ProtocolErrorCode.truncated, {
      messageName: 'Login',
      messageCode: 1,
      channel: 'server',
      offset: frame.length,
    });
    assert.match(error.message, /TRUNCATED in server Login \(code 1\) at byte \d+: uint32 needs 4 bytes/);
  });

  test('a string longer than the frame', () => {
    expectDecodeError(() => decode('peer', 'both', frame32(43, u32(1000), raw('41'))), ProtocolErrorCode.truncated, {
      messageName: 'PeerTransferQueue',
    });
  });

  test('bytes left over after the last field', () => {
    expectDecodeError(() => decode('server', 'request', frame32(28, u32(2), u8(9))), ProtocolErrorCode.trailingBytes, {
      messageName: 'SetStatus',
      offset: 12,
    });
  });

  test('allowTrailingBytes accepts padding after a complete message (slsk-client’s 4-byte boolean)', () => {
    const padded = frame32(71, raw('01000000'));
    expectDecodeError(() => decode('server', 'request', padded), ProtocolErrorCode.trailingBytes);
    assert.deepEqual(decode('server', 'request', padded, { allowTrailingBytes: true }), { name: 'ToggleParentSearch', enable: true });
  });

  test('an unknown code carries the code', () => {
    expectDecodeError(() => decode('server', 'request', frame32(9999)), ProtocolErrorCode.unknownCode, { messageCode: 9999 });
    expectDecodeError(() => decode('distributed', 'both', frame8(200)), ProtocolErrorCode.unknownCode, { messageCode: 200 });
  });

  test('a boolean byte other than 0 or 1', () => {
    expectDecodeError(() => decode('server', 'request', frame32(71, u8(2))), ProtocolErrorCode.invalidBoolean, {
      messageName: 'ToggleParentSearch',
      offset: 8,
    });
  });

  test('an array count larger than the frame could hold is refused before allocating', () => {
    expectDecodeError(() => decode('server', 'response', frame32(69, u32(0xffff_ffff))), ProtocolErrorCode.countTooLarge, {
      messageName: 'PrivilegedUsers',
    });
  });

  test('a length prefix that disagrees with the frame, or a frame without a code', () => {
    expectDecodeError(() => decode('server', 'request', concat(u32(99), u32(28), u32(2))), ProtocolErrorCode.badLength);
    expectDecodeError(() => decode('server', 'request', concat(u32(2), raw('0000'))), ProtocolErrorCode.badLength);
    expectDecodeError(() => decode('peer-init', 'both', new Uint8Array()), ProtocolErrorCode.badLength);
  });

  test('a compressed body that is not zlib', () => {
    expectDecodeError(() => decode('peer', 'both', frame32(9, raw('0102030405'))), ProtocolErrorCode.badCompression, {
      messageName: 'PeerSearchReply',
    });
  });

  test('a small compressed body that inflates past the limit', () => {
    const bomb = deflateSync(new Uint8Array(8 * 1024 * 1024)); // 8 MiB of zeros in ~8 KiB
    assert.ok(bomb.length < 16 * 1024);
    expectDecodeError(
      () => decode('peer', 'both', frame32(5, bomb), { maxInflatedBytes: 1024 * 1024 }),
      ProtocolErrorCode.inflateLimit,
      { messageName: 'PeerSharesReply' },
    );
  });

  test('file values have exact sizes', () => {
    expectDecodeError(() => decodeFileOffset(new Uint8Array(7)), ProtocolErrorCode.truncated);
    expectDecodeError(() => decodeFileOffset(new Uint8Array(9)), ProtocolErrorCode.trailingBytes);
  });

  test('a bad channel or direction is a TypeError that lists the valid ones', () => {
    assert.throws(() => decode('nope' as never, 'both', new Uint8Array(8)), /use server, peer-init, peer or distributed/);
    assert.throws(() => decode('server', 'both', new Uint8Array(8)), /direction 'request' or 'response'/);
  });
});

describe('encoding', () => {
  function expectEncodeError(run: () => unknown, code: Code, pattern: RegExp): void {
    assert.throws(run, (error: unknown) => {
      assert.ok(error instanceof EncodeError, String(error));
      assert.equal(error.code, code);
      assert.match(error.message, pattern);
      return true;
    });
  }

  test('an unknown message name', () => {
    expectEncodeError(() => encode('server', 'request', { name: 'Nope' } as never), ProtocolErrorCode.unknownMessage, /Nope/);
    // A response-only message cannot be sent as a request.
    expectEncodeError(() => encode('server', 'request', { name: 'Kicked' } as never), ProtocolErrorCode.unknownMessage, /Kicked/);
  });

  test('a wrong type or an out-of-range value names the field', () => {
    expectEncodeError(
      () => encode('server', 'request', { name: 'SetStatus', status: -1 }),
      ProtocolErrorCode.invalidValue,
      /SetStatus.*field status: uint32 must be an integer/,
    );
    expectEncodeError(
      () => encode('server', 'request', { name: 'GetUserStats', username: 42 as never }),
      ProtocolErrorCode.invalidValue,
      /field username: string expected/,
    );
    expectEncodeError(
      () => encode('peer', 'both', { name: 'PeerTransferRequest', direction: 1, ticket: 1, filename: 'a', filesize: 5 as never }),
      ProtocolErrorCode.invalidValue,
      /field filesize: uint64 must be a bigint/,
    );
    expectEncodeError(
      () =>
        encode('peer', 'both', {
          name: 'PeerSearchReply',
          username: 'u',
          ticket: 1,
          results: [{ unknown: 1, filename: 'f', filesize: 1n, extension: '', attributes: [{ key: 0, value: 1.5 }] }],
          hasSlotsFree: true,
          avgSpeed: 0,
          queueSize: 0,
          unknown: 0,
        }),
      ProtocolErrorCode.invalidValue,
      /field results\[0\]\.attributes\[0\]\.value: uint32/,
    );
    expectEncodeError(
      () => encode('server', 'response', { name: 'PotentialParents', entries: [{ username: 'p', ip: '1.2.3', port: 1 }] }),
      ProtocolErrorCode.invalidValue,
      /IPv4 address expected/,
    );
  });

  test('a missing required field, and a field required by an earlier one', () => {
    expectEncodeError(
      () => encode('server', 'request', { name: 'SetStatus' } as never),
      ProtocolErrorCode.invalidValue,
      /field status: required field is missing/,
    );
    expectEncodeError(
      () => encode('server', 'response', { name: 'Login', result: true }),
      ProtocolErrorCode.invalidValue,
      /field greeting: required when result is true/,
    );
  });

  test('a later optional field without the earlier one', () => {
    expectEncodeError(
      () => encode('server', 'request', { name: 'SetListenPort', listeningPort: 1, obfuscatedPort: 2 }),
      ProtocolErrorCode.invalidValue,
      /hasObfuscatedPort is missing/,
    );
  });
});
