// Golden bytes written by hand from MESSAGES.rst (test/fixtures/MESSAGES.rst), for the room,
// ticker, private room and interest messages (and variants) that no vector from another
// implementation covers. The expected bytes come from the tiny builder in bytes.ts, never from the
// production writer; each case checks decode(expected) and encode(message) === expected.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decode, encode, messageNames, type Direction } from '../../src/protocol/index.ts';
import { frame32, hex, i32, u32, utf8 } from './bytes.ts';
import { loadVectors } from './vectors.ts';

interface Golden {
  direction: Exclude<Direction, 'both'>;
  message: { name: string } & Record<string, unknown>;
  bytes: Uint8Array;
  /** Where in MESSAGES.rst (or DIFF.md) the layout comes from. */
  listing: string;
}

const stats = (avgSpeed: number, uploads: number, files: number, folders: number) => [
  u32(avgSpeed),
  // UserStats' upload count travels as 8 bytes (docs/interop.md); the listing's uint32 plus a zero word.
  u32(uploads),
  u32(0),
  u32(files),
  u32(folders),
];

const goldens: Golden[] = [
  {
    direction: 'response',
    listing: 'SetRoomTicker (Code 116) Receive: string room, string ticker',
    message: { name: 'SetRoomTicker', room: 'nicotine', ticker: 'new album out ♫' },
    bytes: frame32(116, utf8('nicotine'), utf8('new album out ♫')),
  },
  {
    direction: 'response',
    listing: 'SetRoomTicker (Code 116): an empty ticker clears it',
    message: { name: 'SetRoomTicker', room: 'Électro', ticker: '' },
    bytes: frame32(116, utf8('Électro'), u32(0)),
  },
  {
    direction: 'request',
    listing: 'PrivateRoomOperatorRevoked (Code 146): string room (sent by Nicotine+, DIFF.md)',
    message: { name: 'PrivateRoomOperatorRevoked', room: 'secret club' },
    bytes: frame32(146, utf8('secret club')),
  },
  {
    direction: 'response',
    listing: 'AddInterest (Code 51) Receive: string interest',
    message: { name: 'AddInterest', interest: 'shoegaze' },
    bytes: frame32(51, utf8('shoegaze')),
  },
  {
    direction: 'response',
    listing: 'RemoveInterest (Code 52) Receive: string interest',
    message: { name: 'RemoveInterest', interest: 'música clásica' },
    bytes: frame32(52, utf8('música clásica')),
  },
  {
    direction: 'response',
    listing: 'AddHatedInterest (Code 117) Receive: string hated_interest',
    message: { name: 'AddHatedInterest', hatedInterest: 'ringtones' },
    bytes: frame32(117, utf8('ringtones')),
  },
  {
    direction: 'response',
    listing: 'RemoveHatedInterest (Code 118) Receive: string hated_interest',
    message: { name: 'RemoveHatedInterest', hatedInterest: 'アニメ' },
    bytes: frame32(118, utf8('アニメ')),
  },
  {
    direction: 'response',
    listing: 'JoinRoom (Code 14) Receive, private room: the optional owner and operators',
    message: {
      name: 'JoinRoom',
      roomName: 'secret club',
      users: ['owner', 'op'],
      usersStatus: [2, 1],
      usersStats: [
        { avgSpeed: 1000, uploads: 3n, sharedFileCount: 40, sharedFolderCount: 2 },
        { avgSpeed: 0, uploads: 0n, sharedFileCount: 0, sharedFolderCount: 0 },
      ],
      usersSlotsFree: [1, 0],
      usersCountries: ['NL', ''],
      owner: 'owner',
      operator: ['op'],
    },
    bytes: frame32(
      14,
      utf8('secret club'),
      u32(2), utf8('owner'), utf8('op'),
      u32(2), u32(2), u32(1),
      u32(2), ...stats(1000, 3, 40, 2), ...stats(0, 0, 0, 0),
      u32(2), u32(1), u32(0),
      u32(2), utf8('NL'), utf8(''),
      utf8('owner'),
      u32(1), utf8('op'),
    ),
  },
  {
    direction: 'response',
    listing: 'GetItemRecommendations (Code 111) Receive: string item, array of (string, int32 score); scores may be negative',
    message: {
      name: 'GetItemRecommendations',
      item: 'jazz',
      recommendations: [
        { recommendation: 'bebop', score: 12 },
        { recommendation: 'smooth jazz', score: -3 },
      ],
    },
    bytes: frame32(111, utf8('jazz'), u32(2), utf8('bebop'), i32(12), utf8('smooth jazz'), i32(-3)),
  },
];

describe('independent: hand-written golden bytes from MESSAGES.rst', () => {
  for (const golden of goldens) {
    test(`server ${golden.direction} ${golden.message.name}: ${golden.listing}`, () => {
      assert.deepEqual(decode('server', golden.direction, golden.bytes), golden.message);
      assert.equal(hex(encode('server', golden.direction, golden.message as never)), hex(golden.bytes));
    });
  }

  test('with the vectors, every room, ticker, private room and interest message has independent bytes', () => {
    const family = /Room|Ticker|PublicChat|Interest|Recommendations|SimilarUsers/;
    const covered = new Set([
      ...loadVectors().map((v) => `${v.direction} ${v.name}`),
      ...goldens.map((g) => `${g.direction} ${g.message.name}`),
    ]);
    const uncovered: string[] = [];
    for (const direction of ['request', 'response'] as const) {
      for (const name of messageNames('server', direction)) {
        if (family.test(name) && !covered.has(`${direction} ${name}`)) uncovered.push(`${direction} ${name}`);
      }
    }
    assert.deepEqual(uncovered, []);
  });
});
